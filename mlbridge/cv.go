package mlbridge

// BaselineScore writes into dst the mean over b samples of the score-function
// estimator with the optimal constant baseline,
//
//	(f_i − β_k)·u_ik,   β_k = E[f u_k²] / E[u_k²],
//
// where f_i is the loss and u_i = ∇_θ log q(z_i) the score of sample i
// (row-major u[i*d+k]). Since E[u] = 0 any constant β keeps it unbiased;
// β_k is the variance-minimizing one (Weaver and Tao 2001; Greensmith et al.
// 2004). It is estimated cross-fitted — each fold's baseline from the other
// folds — so the estimate stays unbiased.
func BaselineScore(f, u []float64, b, d, folds int, dst []float64) {
	fold := func(i int) int { return i % folds }
	num := make([]float64, folds*d)
	den := make([]float64, folds*d)
	for i := range b {
		j := fold(i)
		for k := range d {
			x := u[i*d+k]
			num[j*d+k] += f[i] * x * x
			den[j*d+k] += x * x
		}
	}
	clear(dst)
	for i := range b {
		j := fold(i)
		for k := range d {
			var nn, dd float64
			for o := range folds {
				if o != j {
					nn += num[o*d+k]
					dd += den[o*d+k]
				}
			}
			beta := 0.0
			if dd > 0 {
				beta = nn / dd
			}
			dst[k] += (f[i] - beta) * u[i*d+k]
		}
	}
	for k := range dst {
		dst[k] /= float64(b)
	}
}

// JointCV writes into dst the joint control-variate estimate of the mean
// gradient: the score-function samples s with two controls of mean zero,
// s − p (the hybrid's control, since both are unbiased) and the score u
// (E[u] = 0), and coefficients by least squares per coordinate,
//
//	ĝ = mean(s) − c₁·mean(s − p) − c₂·mean(u),   c = Σ_XX⁻¹ Σ_XS,
//
// cross-fitted over folds (each fold's c from the other folds), so the
// estimate is unbiased. With c₂ = 0 it is the hybrid with λ = c₁; the
// second control adds the baseline's variance reduction on top.
func JointCV(p, s, u []float64, b, d, folds int, dst []float64) {
	type mom struct{ n, sy, sx1, sx2, x11, x12, x22, x1y, x2y float64 }
	ms := make([]mom, folds*d)
	for i := range b {
		j := i % folds
		for k := range d {
			y, x1, x2 := s[i*d+k], s[i*d+k]-p[i*d+k], u[i*d+k]
			m := &ms[j*d+k]
			m.n++
			m.sy += y
			m.sx1 += x1
			m.sx2 += x2
			m.x11 += x1 * x1
			m.x12 += x1 * x2
			m.x22 += x2 * x2
			m.x1y += x1 * y
			m.x2y += x2 * y
		}
	}
	clear(dst)
	for k := range d {
		for j := range folds {
			var r mom // the other folds
			for o := range folds {
				if o == j {
					continue
				}
				m := ms[o*d+k]
				r.n += m.n
				r.sy += m.sy
				r.sx1 += m.sx1
				r.sx2 += m.sx2
				r.x11 += m.x11
				r.x12 += m.x12
				r.x22 += m.x22
				r.x1y += m.x1y
				r.x2y += m.x2y
			}
			c1, c2 := lsq2(r)
			f := ms[j*d+k]
			if f.n == 0 {
				continue
			}
			dst[k] += (f.sy - c1*f.sx1 - c2*f.sx2) / float64(b)
		}
	}
}

// lsq2 solves the centred 2×2 normal equations of y on (x1, x2), falling
// back to one control when the pair is degenerate.
func lsq2(m struct{ n, sy, sx1, sx2, x11, x12, x22, x1y, x2y float64 }) (c1, c2 float64) {
	if m.n < 3 {
		return 0, 0
	}
	my, m1, m2 := m.sy/m.n, m.sx1/m.n, m.sx2/m.n
	a11 := m.x11 - m.n*m1*m1
	a12 := m.x12 - m.n*m1*m2
	a22 := m.x22 - m.n*m2*m2
	b1 := m.x1y - m.n*m1*my
	b2 := m.x2y - m.n*m2*my
	det := a11*a22 - a12*a12
	if det > 1e-12*a11*a22 && a11 > 0 && a22 > 0 {
		return (a22*b1 - a12*b2) / det, (a11*b2 - a12*b1) / det
	}
	switch {
	case a11 > 0 && a11 >= a22:
		return b1 / a11, 0
	case a22 > 0:
		return 0, b2 / a22
	}
	return 0, 0
}
