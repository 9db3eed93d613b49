package analytic_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// geoPriceAt prices a geometric Asian from its fixing dates written out:
// ln G ~ N(ln S + (r − q − σ²/2) t̄, σ² (1/m²)Σ_ij min(t_i, t_j)), paid at
// the expiry T. It sums the covariances directly, independently of the
// closed-form t̄ and τ of the package.
func geoPriceAt(m sde.GBM, strike float64, dates []float64, expiry float64, put bool) float64 {
	k := float64(len(dates))
	var tbar, tau float64
	for i, ti := range dates {
		tbar += ti / k
		for _, tj := range dates[:i] {
			tau += 2 * math.Min(ti, tj) / (k * k)
		}
		tau += ti / (k * k)
	}
	mu := math.Log(m.Spot) + (m.Rate-m.Div-m.Vol*m.Vol/2)*tbar
	s := m.Vol * math.Sqrt(tau)
	d2 := (mu - math.Log(strike)) / s
	d1 := d2 + s
	fw := math.Exp(mu + s*s/2)
	n := distuv.UnitNormal
	b := math.Exp(-m.Rate * expiry)
	if put {
		return b * (strike*n.CDF(-d2) - fw*n.CDF(-d1))
	}
	return b * (fw*n.CDF(d1) - strike*n.CDF(d2))
}

// TestGeometricAsianRateTimeSecondOrder checks the geometric Asian's Rho,
// Theta, Vanna and Volga: with one fixing against the European closed
// forms; with several against central differences — Rho of the price in r,
// Vanna of Delta and Volga of Vega in σ (BlackScholes), Theta of the price
// with every fixing date and the expiry moved by ±h (geoPriceAt, which
// sums the covariances itself). Differences of step h = 1e-5 have error O(h²):
// 1e-6 of the scale is far above it and far below any wrong term.
func TestGeometricAsianRateTimeSecondOrder(t *testing.T) {
	rel := func(got, want, scale float64) bool { return math.Abs(got-want) <= 1e-6*scale }
	for _, m := range []sde.GBM{
		{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1},
		{Spot: 90, Rate: 0.03, Div: 0.02, Vol: 0.35, Expiry: 2.5},
		{Spot: 110, Rate: 0.01, Div: 0.04, Vol: 0.15, Expiry: 0.25},
	} {
		for _, put := range []bool{false, true} {
			for _, strike := range []float64{85, 100, 120} {
				var geo1, geo12, euro payoff.Payoff = payoff.GeometricAsianCall{Strike: strike, Fixings: 1},
					payoff.GeometricAsianCall{Strike: strike, Fixings: 12}, payoff.Call{Strike: strike}
				if put {
					geo1, geo12, euro = payoff.GeometricAsianPut{Strike: strike, Fixings: 1},
						payoff.GeometricAsianPut{Strike: strike, Fixings: 12}, payoff.Put{Strike: strike}
				}
				// One fixing: the European figures.
				rt1, err1 := analytic.BlackScholesRateTime(m, geo1)
				so1, err2 := analytic.BlackScholesSecondOrder(m, geo1)
				rte, err3 := analytic.BlackScholesRateTime(m, euro)
				soe, err4 := analytic.BlackScholesSecondOrder(m, euro)
				if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
					t.Fatal(err1, err2, err3, err4)
				}
				scale := m.Spot * m.Expiry
				if !rel(rt1.Rho, rte.Rho, scale) || !rel(rt1.Theta, rte.Theta, m.Spot) ||
					!rel(so1.Vanna, soe.Vanna, 1) || !rel(so1.Volga, soe.Volga, scale) {
					t.Errorf("%v %s one fixing: %+v %+v, European %+v %+v", m, geo1.Name(), rt1, so1, rte, soe)
				}
				// Twelve fixings: central differences.
				rt, err := analytic.BlackScholesRateTime(m, geo12)
				if err != nil {
					t.Fatal(err)
				}
				so, err := analytic.BlackScholesSecondOrder(m, geo12)
				if err != nil {
					t.Fatal(err)
				}
				at := func(md sde.GBM) analytic.Values {
					v, err := analytic.BlackScholes(md, geo12)
					if err != nil {
						t.Fatal(err)
					}
					return v
				}
				const h = 1e-5
				up, dn := m, m
				up.Rate, dn.Rate = m.Rate+h, m.Rate-h
				rho := (at(up).Price - at(dn).Price) / (2 * h)
				up, dn = m, m
				up.Vol, dn.Vol = m.Vol+h, m.Vol-h
				vanna := (at(up).Delta - at(dn).Delta) / (2 * h)
				volga := (at(up).Vega - at(dn).Vega) / (2 * h)
				dates := func(shift float64) []float64 {
					d := make([]float64, 12)
					for j := range d {
						d[j] = float64(j+1)*m.Expiry/12 + shift
					}
					return d
				}
				theta := -(geoPriceAt(m, strike, dates(h), m.Expiry+h, put) - geoPriceAt(m, strike, dates(-h), m.Expiry-h, put)) / (2 * h)
				if p0 := geoPriceAt(m, strike, dates(0), m.Expiry, put); !rel(p0, at(m).Price, m.Spot) {
					t.Errorf("%v %s: price from the dates %v, closed form %v", m, geo12.Name(), p0, at(m).Price)
				}
				if !rel(rt.Rho, rho, scale) || !rel(rt.Theta, theta, m.Spot) || !rel(so.Vanna, vanna, 1) || !rel(so.Volga, volga, scale) {
					t.Errorf("%v %s: Rho %v (differences %v), Theta %v (%v), Vanna %v (%v), Volga %v (%v)",
						m, geo12.Name(), rt.Rho, rho, rt.Theta, theta, so.Vanna, vanna, so.Volga, volga)
				}
			}
		}
	}
}
