// Package synthetic is the paper's synthetic study (§7.2, §7.5, Appendix
// C.2) done with correct mathematics: z ~ N(θ, σ²) with σ = exp(αθ), the
// gradient d/dθ E[f(z)] of a non-smooth loss f estimated by pathwise,
// score-function (the Gaussian Malliavin weight, ERRATA §1), score with the
// optimal baseline, the hybrid (unclipped and clipped), a joint control
// variate, and the paper's normalized weight (ERRATA §2.2, biased), against
// exact gradients.
package synthetic

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// Loss is a test function f with its derivative almost everywhere.
type Loss struct {
	Name string
	F    func(z float64) float64
	DF   func(z float64) float64
	// Kinks are the points where f or f' jumps (quadrature breakpoints).
	Kinks []float64
	// Lipschitz reports whether pathwise differentiation is valid.
	Lipschitz bool
}

// Losses are the paper's hinge and clipped quadratic, and a step that shows
// the bias guard.
var Losses = []Loss{
	{Name: "hinge", F: func(z float64) float64 { return math.Max(0, 1-z) },
		DF: func(z float64) float64 {
			if z < 1 {
				return -1
			}
			return 0
		}, Kinks: []float64{1}, Lipschitz: true},
	{Name: "clipped-quadratic", F: func(z float64) float64 { return math.Min(z*z/2, 2) },
		DF: func(z float64) float64 {
			if math.Abs(z) < 2 {
				return z
			}
			return 0
		}, Kinks: []float64{-2, 2}, Lipschitz: true},
	{Name: "step", F: func(z float64) float64 {
		if z > 1 {
			return 1
		}
		return 0
	}, DF: func(float64) float64 { return 0 }, Kinks: []float64{1}, Lipschitz: false},
}

// LossByName returns the loss called name.
func LossByName(name string) (Loss, bool) {
	for _, l := range Losses {
		if l.Name == name {
			return l, true
		}
	}
	return Loss{}, false
}

// Model is the Gaussian N(θ, σ²), σ = exp(αθ).
type Model struct{ Theta, Alpha float64 }

// Sigma returns σ = exp(αθ).
func (m Model) Sigma() float64 { return math.Exp(m.Alpha * m.Theta) }

// Sample returns, for a standard normal draw e, the sample z = θ + σe, the
// pathwise derivative dz/dθ = 1 + ασe and the score
//
//	u = ∂θ log q(z) = (z − θ)/σ² + α((z − θ)²/σ² − 1) = e/σ + α(e² − 1)
//
// (ERRATA §1, with μ' = 1 and σ' = ασ).
func (m Model) Sample(e float64) (z, dz, u float64) {
	s := m.Sigma()
	return m.Theta + s*e, 1 + m.Alpha*s*e, e/s + m.Alpha*(e*e-1)
}

// moments integrates g(x)φ(x) over the real line for a standard normal x,
// splitting at the kinks of the loss in z = θ + σx.
func (m Model) integrate(l Loss, g func(x float64) float64) float64 {
	s := m.Sigma()
	cuts := []float64{-40}
	for _, k := range l.Kinks {
		if x := (k - m.Theta) / s; x > -40 && x < 40 {
			cuts = append(cuts, x)
		}
	}
	cuts = append(cuts, 40)
	total := 0.0
	for i := 1; i < len(cuts); i++ {
		total += quad.Fixed(func(x float64) float64 { return g(x) * distuv.UnitNormal.Prob(x) }, cuts[i-1], cuts[i], 400, nil, 0)
	}
	return total
}

// Exact returns d/dθ E[f(z)], from the derivative of the smoothed
// expectation: E[f(θ + σx)] differentiated under the integral in the
// density's parameters (the score form), by Gauss–Legendre quadrature
// between the kinks. The score form needs no f', so it is exact for the
// step as well.
func (m Model) Exact(l Loss) float64 {
	s := m.Sigma()
	return m.integrate(l, func(x float64) float64 {
		return l.F(m.Theta+s*x) * (x/s + m.Alpha*(x*x-1))
	})
}

// Optimal returns the population moments of the pathwise and score samples
// and the variance-optimal λ* = (V_S − C)/(V_P + V_S − 2C), by quadrature.
func (m Model) Optimal(l Loss) (vp, vs, c, lambda float64) {
	s := m.Sigma()
	pw := func(x float64) float64 { return l.DF(m.Theta+s*x) * (1 + m.Alpha*s*x) }
	sc := func(x float64) float64 { return l.F(m.Theta+s*x) * (x/s + m.Alpha*(x*x-1)) }
	ep, es := m.integrate(l, pw), m.integrate(l, sc)
	vp = m.integrate(l, func(x float64) float64 { return pw(x) * pw(x) }) - ep*ep
	vs = m.integrate(l, func(x float64) float64 { return sc(x) * sc(x) }) - es*es
	c = m.integrate(l, func(x float64) float64 { return pw(x) * sc(x) }) - ep*es
	return vp, vs, c, (vs - c) / (vp + vs - 2*c)
}
