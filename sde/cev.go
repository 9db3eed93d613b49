package sde

import "github.com/hybridgreeks/hybridgreeks/internal/vmath"

// CEV is the constant-elasticity-of-variance diffusion under the pricing
// measure,
//
//	dS = (Rate − Div) S dt + Vol S^Beta dW,   S(0) = Spot,
//
// with 0 < Beta ≤ 1 and 0 absorbing (for Beta < 1 the process reaches 0 with
// positive probability; Cox 1975, Schroder 1989). Beta = 1 is GBM. Vol is
// the CEV volatility parameter: the local volatility is Vol·S^(Beta−1), so
// Vol = σ_atm·Spot^(1−Beta) gives a lognormal-equivalent level σ_atm at
// the spot. Vega is ∂V/∂Vol.
type CEV struct {
	Spot   float64 // initial value S_0 > 0
	Rate   float64 // risk-free rate, continuously compounded
	Div    float64 // dividend yield, continuously compounded
	Vol    float64 // CEV volatility parameter > 0
	Beta   float64 // elasticity, 0 < Beta ≤ 1
	Expiry float64 // horizon T > 0 in years
}

// Validate reports the first parameter outside its domain.
func (m CEV) Validate() error {
	if err := (GBM{Spot: m.Spot, Rate: m.Rate, Div: m.Div, Vol: m.Vol, Expiry: m.Expiry}).Validate(); err != nil {
		return err
	}
	if !(m.Beta > 0 && m.Beta <= 1) {
		return &ParamError{"beta", m.Beta}
	}
	return nil
}

// Coefficients implements Diffusion: with p = x^β,
//
//	b = (r − q)x, σ(x) = v p, σ' = vβp/x, σ'' = vβ(β−1)p/x²,
//	∂σ/∂v = p, ∂σ'/∂v = βp/x, b'' = 0, ∂b/∂r = x,
//
// and all zero at x ≤ 0, where the path is absorbed.
func (m CEV) Coefficients(x []float64, c *Coefs) {
	mu := m.Rate - m.Div
	// p = x^β = exp(β ln x), a block at a time, in c.VS.
	p := c.VS[:len(x)]
	vmath.LogTo(p, x)
	for i := range p {
		p[i] *= m.Beta
	}
	vmath.ExpTo(p, p)
	for i, s := range x {
		if s <= 0 { // absorbed; rare, so the branch is predicted
			c.B[i], c.DB[i], c.VB[i] = 0, 0, 0
			c.S[i], c.DS[i], c.DDS[i], c.VS[i], c.VDS[i] = 0, 0, 0, 0, 0
			c.DDB[i], c.RB[i] = 0, 0
			continue
		}
		pi, inv := p[i], 1/s
		c.B[i] = mu * s
		c.DB[i] = mu
		c.DDB[i] = 0
		c.RB[i] = s
		c.VB[i] = 0
		c.S[i] = m.Vol * pi
		c.DS[i] = m.Vol * m.Beta * pi * inv
		c.DDS[i] = m.Vol * m.Beta * (m.Beta - 1) * pi * inv * inv
		c.VDS[i] = m.Beta * pi * inv
	}
}

// AbsorbedAtZero implements Absorbing.
func (m CEV) AbsorbedAtZero() bool { return true }

// Params implements Model.
func (m CEV) Params() Params { return Params{m.Spot, m.Rate, m.Div, m.Vol, m.Expiry} }

// Bump implements Model.
func (m CEV) Bump(spot, vol float64) Model { m.Spot, m.Vol = spot, vol; return m }

// Name implements Model.
func (CEV) Name() string { return "cev" }
