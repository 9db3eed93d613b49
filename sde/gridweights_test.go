package sde

import (
	"math"
	"testing"
)

// TestGridTangents checks the tangents in r and T of the Euler chain
// (DRate, DTime) against central differences of the chain itself, path by
// path, on a diffusion with non-linear coefficients; T moves the one
// fixing interval over the same steps.
func TestGridTangents(t *testing.T) {
	const n, steps, T, x0 = 64, 20, 1.0, 100.0
	m := cev{mu: 0.03, v: 0.2 * math.Pow(100, 0.3), beta: 0.7}
	z := normals(n * steps)
	var g Grid
	base := newBlock(n, 1)
	g.Evolve(m, Euler, x0, T, steps, z, base, NeedRate|NeedTime)
	blk := func(m cev, T float64) *Block {
		b := newBlock(n, 1)
		g.Evolve(m, Euler, x0, T, steps, z, b, 0)
		return b
	}
	const h = 1e-5
	mu, md := m, m
	mu.mu += h
	md.mu -= h
	ru, rd := blk(mu, T), blk(md, T)
	tu, td := blk(m, T+h), blk(m, T-h)
	for i := range n {
		if fd := (ru.Obs[i] - rd.Obs[i]) / (2 * h); math.Abs(base.DRate[i]-fd) > 1e-5*(1+math.Abs(fd)) {
			t.Errorf("path %d: ∂X/∂r = %v, central difference %v", i, base.DRate[i], fd)
		}
		if fd := (tu.Obs[i] - td.Obs[i]) / (2 * h); math.Abs(base.DTime[i]-fd) > 1e-5*(1+math.Abs(fd)) {
			t.Errorf("path %d: ∂X/∂T = %v, central difference %v", i, base.DTime[i], fd)
		}
	}
}

// TestGridWeightsGBM checks the Euler chain's weights on GBM (through the
// general loop) against their closed forms path by path: the mixed Gamma
// factor g_P = π_c − 1/X_0 with π_c the chain weight of the linear loop,
// the Vega score Σ_k (z_k² − 1)/σ and the Rho score W_T/σ; and the linear
// loop's Gamma and Vega weights against the general loop's.
func TestGridWeightsGBM(t *testing.T) {
	m := GBM{Spot: 100, Rate: 0.05, Div: 0.01, Vol: 0.3, Expiry: 1.5}
	const n, steps, fixings = 64, 24, 3
	z := normals(n * steps)
	a, b := newBlock(n, fixings), newBlock(n, fixings)
	var g Grid
	g.Evolve(m, Euler, m.Spot, m.Expiry, steps, z, a, NeedChain)
	g.Evolve(m, Euler, m.Spot, m.Expiry, steps, z, b, NeedGamma|NeedVegaWeight|NeedRate)
	for i := range n {
		nu := 0.0
		for k := range steps {
			nu += (z[k*n+i]*z[k*n+i] - 1) / m.Vol
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"g_P", b.GammaMixed[i], a.Chain[i] - 1/m.Spot},
			{"ν", b.VegaWeight[i], nu},
			{"s_r", b.RateWeight[i], a.W[i] / m.Vol},
		} {
			if math.Abs(c.got-c.want) > 1e-10*(1+math.Abs(c.want)) {
				t.Errorf("path %d: %s = %v, want %v", i, c.name, c.got, c.want)
			}
		}
	}
	lin, gen := newBlock(n, fixings), newBlock(n, fixings)
	g.Evolve(m, Euler, m.Spot, m.Expiry, steps, z, lin, NeedGamma|NeedVegaWeight|NeedY)
	g.Evolve(generic{m}, Euler, m.Spot, m.Expiry, steps, z, gen, NeedGamma|NeedVegaWeight|NeedY)
	for _, c := range []struct {
		name string
		x, y []float64
	}{{"GammaMixed", lin.GammaMixed, gen.GammaMixed}, {"GammaWeight", lin.GammaWeight, gen.GammaWeight},
		{"VegaWeight", lin.VegaWeight, gen.VegaWeight}, {"Obs", lin.Obs, gen.Obs}, {"Y", lin.Y, gen.Y}} {
		for i := range c.x {
			if math.Abs(c.x[i]-c.y[i]) > 1e-10*(1+math.Abs(c.y[i])) {
				t.Errorf("%s[%d]: linear %v, generic %v", c.name, i, c.x[i], c.y[i])
			}
		}
	}
}

// wavy is a test diffusion without a boundary whose coefficients curve
// strongly (b” and σ” of the order of b and σ):
// b(x) = μx + c sin x, σ(x) = v(1.5 + sin x).
type wavy struct{ mu, c, v float64 }

func (m wavy) Coefficients(x []float64, c *Coefs) {
	for i, s := range x {
		sn, cs := math.Sin(s), math.Cos(s)
		c.B[i] = m.mu*s + m.c*sn
		c.DB[i] = m.mu + m.c*cs
		c.DDB[i] = -m.c * sn
		c.RB[i] = s
		c.S[i] = m.v * (1.5 + sn)
		c.DS[i] = m.v * cs
		c.DDS[i] = -m.v * sn
		c.VB[i] = 0
		c.VS[i] = 1.5 + sn
		c.VDS[i] = cs
	}
}

// TestGridWeightsUnbiased checks E[F w] for every weight of the Euler chain
// (the mixed and Malliavin Gamma, the Vega, Rho and Theta scores) against
// the chain's own central differences on the same normals, path by path
// paired, within 5 standard errors of the paired mean, on a diffusion whose
// second variation is far from 0, F = X_T² + X_T: dropping the A_j terms
// of the Gamma weights moved the mixed Gamma by 12 of its standard errors,
// dropping Σ j A_j by 21 (the Malliavin Gamma shares g_M and adds π₂).
func TestGridWeightsUnbiased(t *testing.T) {
	const n, steps, T, x0 = 1 << 16, 8, 1.0, 0.3
	m := wavy{mu: 0.05, c: 0.3, v: 0.4}
	z := normals(n * steps)
	f := func(x float64) float64 { return x*x + x }
	fp := func(x float64) float64 { return 2*x + 1 }
	var g Grid
	evolve := func(m wavy, x0, T float64, need Need) *Block {
		b := newBlock(n, 1)
		g.Evolve(m, Euler, x0, T, steps, z, b, need)
		return b
	}
	base := evolve(m, x0, T, NeedY|NeedGamma|NeedVegaWeight|NeedRate|NeedTime)
	const h = 1e-3
	mu, md, vu, vd := m, m, m, m
	mu.mu += h
	md.mu -= h
	vu.v += h
	vd.v -= h
	su, sd := evolve(m, x0+h, T, 0), evolve(m, x0-h, T, 0)
	ru, rd := evolve(mu, x0, T, 0), evolve(md, x0, T, 0)
	nu, nd := evolve(vu, x0, T, 0), evolve(vd, x0, T, 0)
	tu, td := evolve(m, x0, T+h, 0), evolve(m, x0, T-h, 0)
	type acc struct{ s, ss float64 }
	var d [5]acc
	names := [5]string{"gamma mixed", "gamma malliavin", "vega", "rho", "dT"}
	for i := range n {
		x := base.Obs[i]
		gamma := (f(su.Obs[i]) - 2*f(x) + f(sd.Obs[i])) / (h * h)
		for k, v := range [5]float64{
			fp(x)*base.Y[i]*base.GammaMixed[i] - gamma,
			f(x)*base.GammaWeight[i] - gamma,
			f(x)*base.VegaWeight[i] - (f(nu.Obs[i])-f(nd.Obs[i]))/(2*h),
			f(x)*base.RateWeight[i] - (f(ru.Obs[i])-f(rd.Obs[i]))/(2*h),
			f(x)*base.TimeWeight[i] - (f(tu.Obs[i])-f(td.Obs[i]))/(2*h),
		} {
			d[k].s += v
			d[k].ss += v * v
		}
	}
	for k, a := range d {
		mean := a.s / n
		se := math.Sqrt((a.ss/n - mean*mean) / (n - 1))
		if math.Abs(mean) > 5*se {
			t.Errorf("%s: E[F w] − central difference = %.4g ± %.2g, want 0", names[k], mean, se)
		}
		t.Logf("%s: E[F w] − central difference = %.4g ± %.2g", names[k], mean, se)
	}
}

// TestGridTangentsAged checks the tangent ∂X/∂T of a chain with several
// fixings, where T moves the first fixing interval only, against central
// differences of EvolveAged (first interval t_1 ± h) path by path, at every
// fixing, and that EvolveAged with t_1 = T/m is Evolve.
func TestGridTangentsAged(t *testing.T) {
	const n, steps, fixings, T, x0 = 32, 24, 4, 1.0, 0.3
	m := wavy{mu: 0.05, c: 0.3, v: 0.4}
	z := normals(n * steps)
	var g Grid
	base, same := newBlock(n, fixings), newBlock(n, fixings)
	g.Evolve(m, Euler, x0, T, steps, z, base, NeedTime)
	g.EvolveAged(m, Euler, x0, T, T/fixings, steps, z, same, 0)
	const h = 1e-6
	up, dn := newBlock(n, fixings), newBlock(n, fixings)
	g.EvolveAged(m, Euler, x0, T, T/fixings+h, steps, z, up, 0)
	g.EvolveAged(m, Euler, x0, T, T/fixings-h, steps, z, dn, 0)
	for i := range base.Obs {
		if same.Obs[i] != base.Obs[i] {
			t.Fatalf("EvolveAged at T/m: X[%d] = %v, Evolve %v", i, same.Obs[i], base.Obs[i])
		}
		if fd := (up.Obs[i] - dn.Obs[i]) / (2 * h); math.Abs(base.DTime[i]-fd) > 1e-5*(1+math.Abs(fd)) {
			t.Errorf("fixing %d path %d: ∂X/∂T = %v, central difference %v", i/n, i%n, base.DTime[i], fd)
		}
	}
}

// TestGridTimeScoreAged checks E[F s_T] = ∂_T E[F] for a payoff of four
// fixings, T moving the first interval (EvolveAged), paired with the
// chain's central difference path by path, within 5 standard errors.
// F = Σ_j X_{t_j}².
func TestGridTimeScoreAged(t *testing.T) {
	const n, steps, fixings, T, x0 = 1 << 15, 16, 4, 1.0, 0.3
	m := wavy{mu: 0.05, c: 0.3, v: 0.4}
	z := normals(n * steps)
	var g Grid
	base, up, dn := newBlock(n, fixings), newBlock(n, fixings), newBlock(n, fixings)
	g.Evolve(m, Euler, x0, T, steps, z, base, NeedTime)
	const h = 1e-4
	g.EvolveAged(m, Euler, x0, T, T/fixings+h, steps, z, up, 0)
	g.EvolveAged(m, Euler, x0, T, T/fixings-h, steps, z, dn, 0)
	f := func(b *Block, i int) float64 {
		s := 0.0
		for j := range fixings {
			x := b.Obs[j*n+i]
			s += x * x
		}
		return s
	}
	var s, ss, fd float64
	for i := range n {
		c := (f(up, i) - f(dn, i)) / (2 * h)
		d := f(base, i)*base.TimeWeight[i] - c
		s += d
		ss += d * d
		fd += c
	}
	mean := s / n
	se := math.Sqrt((ss/n - mean*mean) / (n - 1))
	if math.Abs(mean) > 5*se {
		t.Errorf("E[F s_T] − central difference = %.4g ± %.2g, want 0", mean, se)
	}
	t.Logf("E[F s_T] − central difference = %.4g ± %.2g (∂_T E[F] = %.4g)", mean, se, fd/n)
}
