// Package testref holds the known answers the tests compare against, each
// with its source: closed forms (package analytic), their central
// differences (the exact expectation of a bump-and-revalue estimator), and
// moments of per-path samples by quadrature.
package testref

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Case is a named market for the Monte Carlo tests.
type Case struct {
	Name   string
	Model  sde.GBM
	Strike float64
}

// Cases cover at the money, in the money with a dividend yield, a short
// maturity and a high volatility.
var Cases = []Case{
	{"atm", sde.GBM{Spot: 100, Rate: 0.05, Div: 0, Vol: 0.2, Expiry: 1}, 100},
	{"itm-div", sde.GBM{Spot: 110, Rate: 0.03, Div: 0.02, Vol: 0.25, Expiry: 0.5}, 100},
	{"short", sde.GBM{Spot: 100, Rate: 0.05, Div: 0, Vol: 0.2, Expiry: 0.05}, 102},
	{"high-vol", sde.GBM{Spot: 100, Rate: 0.02, Div: 0.01, Vol: 0.8, Expiry: 2}, 90},
}

// Payoffs returns the six European payoffs struck at k (digitals paying 1).
func Payoffs(k float64) []payoff.Payoff {
	return []payoff.Payoff{
		payoff.Call{Strike: k}, payoff.Put{Strike: k},
		payoff.DigitalCall{Strike: k, Cash: 1}, payoff.DigitalPut{Strike: k, Cash: 1},
		payoff.AssetCall{Strike: k}, payoff.AssetPut{Strike: k},
	}
}

// Greeks returns the closed-form Delta, Gamma and Vega, indexed like
// greeks.Delta, greeks.Gamma, greeks.Vega, and the price.
func Greeks(m sde.GBM, p payoff.Payoff) (g [3]float64, price float64) {
	v, err := analytic.BlackScholes(m, p)
	if err != nil {
		panic(err)
	}
	return [3]float64{v.Delta, v.Gamma, v.Vega}, v.Price
}

// CentralDifferences returns the closed-form central differences
//
//	(V(S+h) − V(S−h))/(2h),  (V(S+h) − 2V(S) + V(S−h))/h²,  (V(σ+δ) − V(σ−δ))/(2δ)
//
// with h = hrel·S: the exact expectations of the fd estimator with these
// bumps under the exact scheme.
func CentralDifferences(m sde.GBM, p payoff.Payoff, hrel, dvol float64) [3]float64 {
	price := func(m sde.GBM) float64 {
		_, v := Greeks(m, p)
		return v
	}
	h := hrel * m.Spot
	up, dn, vu, vd := m, m, m, m
	up.Spot += h
	dn.Spot -= h
	vu.Vol += dvol
	vd.Vol -= dvol
	v0 := price(m)
	return [3]float64{
		(price(up) - price(dn)) / (2 * h),
		(price(up) - 2*v0 + price(dn)) / (h * h),
		(price(vu) - price(vd)) / (2 * dvol),
	}
}

// LambdaDeltaCall returns the variance-optimal λ* of the hybrid Delta of a
// call under exact GBM, from the moments of the per-path samples
//
//	P = D 1{S_T > K} S_T/S_0,   M = D (S_T − K)⁺ W_T/(S_0 σ T)
//
// computed by Gauss–Legendre quadrature over W_T = √T z on the region
// S_T > K where both are non-zero and smooth. For S = K = 100, r = 0.05,
// σ = 0.2, T = 1 it is 1.0853.
func LambdaDeltaCall(m sde.GBM, k float64) float64 {
	sq := math.Sqrt(m.Expiry)
	D := math.Exp(-m.Rate * m.Expiry)
	drift := (m.Rate - m.Div - m.Vol*m.Vol/2) * m.Expiry
	st := func(z float64) float64 { return m.Spot * math.Exp(drift+m.Vol*sq*z) }
	zk := (math.Log(k/m.Spot) - drift) / (m.Vol * sq)
	pm := func(z float64) (p, q float64) {
		s := st(z)
		return D * s / m.Spot, D * (s - k) * sq * z / (m.Spot * m.Vol * m.Expiry)
	}
	mom := func(f func(p, q float64) float64) float64 {
		return quad.Fixed(func(z float64) float64 {
			p, q := pm(z)
			return f(p, q) * distuv.UnitNormal.Prob(z)
		}, zk, 40, 2000, nil, 0)
	}
	ep := mom(func(p, _ float64) float64 { return p })
	eq := mom(func(_, q float64) float64 { return q })
	vp := mom(func(p, _ float64) float64 { return p * p }) - ep*ep
	vq := mom(func(_, q float64) float64 { return q * q }) - eq*eq
	c := mom(func(p, q float64) float64 { return p * q }) - ep*eq
	return (vq - c) / (vp + vq - 2*c)
}

// ConstCorr returns the d×d correlation matrix with every off-diagonal
// entry rho.
func ConstCorr(d int, rho float64) [][]float64 {
	c := make([][]float64, d)
	for i := range c {
		c[i] = make([]float64, d)
		for j := range c[i] {
			c[i][j] = rho
		}
		c[i][i] = 1
	}
	return c
}
