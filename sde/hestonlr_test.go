package sde_test

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestHestonVegaLR checks the first step's likelihood-ratio Vega weight
// (EvolveHeston with NeedVegaWeight, HestonVegaWeight) for bias: on 2¹⁶
// paths of 8 steps and two fixings (or one step, where the first step's
// spot variance term carries the Vega), E[ν] = 0 (it is a score) and, for a
// call and a digital on S_T and a call on the average of the fixings,
// E[f ν] equals the central difference of E[f] in √v₀ on the same normals
// (h = 1e-3√v₀ for the calls, 2e-2√v₀ for the digital: O(h²) bias far
// below the SE), both within 5 standard errors of their paired difference.
// The sets cover QE's quadratic first step (Feller; ξ = 1 at v₀ = θ), its
// exponential first step (ξ = 1, at v₀ = θ and v₀ = 0.005: ψ(v₀) > ψ_c,
// the atom at 0), a quadratic first step with ψ(v₀) = 1.2 (b near 1, where
// the density's tanh(Rb) term is not 1) and Euler without Feller, where no
// tangent exists. Dropping the atom's score fails it by 90 SE, the tanh
// (tanh → 1) by 22 SE, the spot step's variance term by 125 SE (QE, one
// step) and 20 SE (Euler).
func TestHestonVegaLR(t *testing.T) {
	const n = 1 << 16
	feller := sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 2, Theta: 0.04, Xi: 0.3, Rho: -0.7, Expiry: 1}
	viol := sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 1, Rho: -0.7, Expiry: 1}
	low := viol
	low.V0 = 0.005
	// near: v₀ where the first of 8 steps has ψ(v₀) = 1.2, just below ψ_c,
	// so b is near 1 and the density's tanh(Rb) term matters.
	near := viol
	near.V0 = qePsiInverse(viol, viol.Expiry/8, 1.2)
	for _, c := range []struct {
		name           string
		m              sde.Heston
		scheme         sde.Scheme
		steps, fixings int
	}{
		{"qe-feller", feller, sde.QE, 8, 2}, {"qe-feller-1step", feller, sde.QE, 1, 1},
		{"qe-violated", viol, sde.QE, 8, 2}, {"qe-violated-v0=0.005", low, sde.QE, 8, 2},
		{"qe-violated-psi(v0)=1.2", near, sde.QE, 8, 2},
		{"euler-violated", viol, sde.Euler, 8, 2}, {"euler-feller-1step", feller, sde.Euler, 1, 1},
	} {
		steps, fixings := c.steps, c.fixings
		last := (fixings - 1) * n
		z := make([]float64, 2*n*steps)
		rngstream.New(21, 1).Normals(z)
		run := func(m sde.Heston, need sde.Need) (*sde.Block, []float64) {
			var g sde.Grid
			var b sde.Block
			b.Resize(n, fixings)
			g.EvolveHeston(m, c.scheme, steps, z, &b, need)
			return &b, append([]float64(nil), g.HestonVegaWeight()[:n]...)
		}
		b, nu := run(c.m, sde.NeedVegaWeight)
		payoffs := []struct {
			name string
			f    func(b *sde.Block, i int) float64
			h    float64
		}{
			{"one", func(*sde.Block, int) float64 { return 1 }, 1e-3},
			{"call", func(b *sde.Block, i int) float64 { return max(b.Obs[last+i]-100, 0) }, 1e-3},
			{"digital", func(b *sde.Block, i int) float64 {
				if b.Obs[last+i] > 100 {
					return 1
				}
				return 0
			}, 2e-2},
			{"asian", func(b *sde.Block, i int) float64 { return max((b.Obs[i]+b.Obs[last+i])/2-100, 0) }, 1e-3},
		}
		for _, p := range payoffs {
			sv := math.Sqrt(c.m.V0)
			h := p.h * sv
			up, dn := c.m, c.m
			up.V0, dn.V0 = (sv+h)*(sv+h), (sv-h)*(sv-h)
			bu, _ := run(up, 0)
			bd, _ := run(dn, 0)
			var s, ss, lr float64
			for i := range n {
				w := p.f(b, i) * nu[i]
				d := w - (p.f(bu, i)-p.f(bd, i))/(2*h)
				lr += w
				s += d
				ss += d * d
			}
			mean := s / n
			se := math.Sqrt((ss/n - mean*mean) / (n - 1))
			t.Logf("%s %s: LR %.5f, LR − fd %+.5f ± %.5f (%+.1f SE)", c.name, p.name, lr/n, mean, se, mean/se)
			if math.Abs(mean) > 5*se {
				t.Errorf("%s %s: E[f ν] − fd = %v ± %v", c.name, p.name, mean, se)
			}
		}
	}
}

// qePsiInverse returns the v at which the QE step of length dt under m has
// ψ = s²/m² equal to psi (ψ decreases in v; bisection).
func qePsiInverse(m sde.Heston, dt, psi float64) float64 {
	e := math.Exp(-m.Kappa * dt)
	f := func(v float64) float64 {
		mm := m.Theta + (v-m.Theta)*e
		s2 := v*m.Xi*m.Xi*e*(1-e)/m.Kappa + m.Theta*m.Xi*m.Xi*(1-e)*(1-e)/(2*m.Kappa)
		return s2/(mm*mm) - psi
	}
	lo, hi := 1e-8, 10.0
	for range 200 {
		mid := (lo + hi) / 2
		if f(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
