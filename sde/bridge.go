package sde

import "math"

// Bridge builds the Brownian increments of a grid of n equal steps from n
// independent standard normals by the Brownian-bridge construction
// (Caflisch, Morokoff and Owen 1997; Glasserman 2004, §3.1.2): the first
// normal fixes the endpoint, the next ones the midpoints of the widest gaps
// left, so that the first coordinates of a low-discrepancy point carry most
// of the path's variance. In units of the step (t_k = k, W_0 = 0):
//
//	W_n = √n z_0,
//	W_j = W_l + (j − l)/(r − l)·(W_r − W_l) + √((j − l)(r − j)/(r − l))·z_k
//
// for the k-th point j = ⌊(l + r)/2⌋ of the gap (l, r), gaps taken
// breadth-first (the order of QuantLib's BrownianBridge): with n a power of
// two each level's conditional variances are equal and halve from one level
// to the next. The increments W_k − W_{k−1} (k = 1 … n) are then
// independent standard normals, the map from z being orthogonal, so a model
// reads them as it reads pseudo-random normals; only their order of
// importance changes. A Bridge is read-only after NewBridge.
type Bridge struct {
	n              int
	idx, lft, rgt  []int     // the k-th point j built from its gap (l, r), k ≥ 1
	wl, wr, stdDev []float64 // its weights on W_l, W_r and its conditional std dev
}

// NewBridge returns the construction for n ≥ 1 steps.
func NewBridge(n int) *Bridge {
	if n < 1 {
		panic("sde: NewBridge needs at least one step")
	}
	b := &Bridge{n: n}
	type gap struct{ l, r int }
	queue := []gap{{0, n}}
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		if g.r-g.l < 2 {
			continue
		}
		j := (g.l + g.r) / 2
		l, r, jj := float64(g.l), float64(g.r), float64(j)
		b.idx = append(b.idx, j)
		b.lft = append(b.lft, g.l)
		b.rgt = append(b.rgt, g.r)
		b.wl = append(b.wl, (r-jj)/(r-l))
		b.wr = append(b.wr, (jj-l)/(r-l))
		b.stdDev = append(b.stdDev, math.Sqrt((jj-l)*(r-jj)/(r-l)))
		queue = append(queue, gap{g.l, j}, gap{j, g.r})
	}
	return b
}

// Steps returns the number of steps n.
func (b *Bridge) Steps() int { return b.n }

// Increments sets dz[k] (k = 0 … n−1) to the standardized increment
// (W_{t_{k+1}} − W_{t_k})/√Δt of the path built from the normals z[0 … n−1],
// z[0] the most important. w is scratch of length at least n + 1. dz may
// not share storage with z or w.
func (b *Bridge) Increments(z, w, dz []float64) {
	n := b.n
	w = w[:n+1]
	w[0], w[n] = 0, math.Sqrt(float64(n))*z[0]
	for k, j := range b.idx {
		w[j] = b.wl[k]*w[b.lft[k]] + b.wr[k]*w[b.rgt[k]] + b.stdDev[k]*z[k+1]
	}
	for k := range dz[:n] {
		dz[k] = w[k+1] - w[k]
	}
}
