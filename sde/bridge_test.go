package sde

import (
	"math"
	"testing"
)

// TestBridgeOrthogonal checks that the map from the normals to the
// increments is orthogonal (so independent standard normals give
// independent standard normal increments), that z_0 alone fixes W_T, and
// that the construction visits every grid point once, for grids that are
// and are not powers of two.
func TestBridgeOrthogonal(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 16, 100, 257} {
		b := NewBridge(n)
		if len(b.idx) != n-1 {
			t.Fatalf("n = %d: %d bridge points, want %d", n, len(b.idx), n-1)
		}
		a := make([][]float64, n) // a[k]: increments from the unit vector e_k
		z, w := make([]float64, n), make([]float64, n+1)
		for k := range n {
			clear(z)
			z[k] = 1
			a[k] = make([]float64, n)
			b.Increments(z, w, a[k])
		}
		for i := range n {
			for j := range n {
				dot := 0.0
				for k := range n {
					dot += a[i][k] * a[j][k]
				}
				want := 0.0
				if i == j {
					want = 1
				}
				if math.Abs(dot-want) > 1e-12 {
					t.Fatalf("n = %d: columns %d and %d have dot product %v, want %v", n, i, j, dot, want)
				}
			}
		}
		sum := 0.0
		for _, v := range a[0] {
			sum += v
		}
		if math.Abs(sum-math.Sqrt(float64(n))) > 1e-12 {
			t.Errorf("n = %d: z_0 gives W_T = %v, want √n", n, sum)
		}
		for k := 1; k < n; k++ {
			s := 0.0
			for _, v := range a[k] {
				s += v
			}
			if math.Abs(s) > 1e-12 {
				t.Errorf("n = %d: z_%d moves W_T by %v", n, k, s)
			}
		}
	}
}

// TestBridgeOrder checks the largest-variance-first order on 8 steps: the
// midpoint 4, then the quarter points 2 and 6, then the odd points.
func TestBridgeOrder(t *testing.T) {
	b := NewBridge(8)
	want := []int{4, 2, 6, 1, 3, 5, 7}
	for k, j := range b.idx {
		if j != want[k] {
			t.Fatalf("order %v, want %v", b.idx, want)
		}
	}
	for k := 1; k < len(b.stdDev); k++ {
		if b.stdDev[k] > b.stdDev[k-1]+1e-15 {
			t.Fatalf("conditional std devs %v are not decreasing", b.stdDev)
		}
	}
}
