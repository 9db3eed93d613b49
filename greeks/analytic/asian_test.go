package analytic_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

var asianFixings = []int{1, 4, 12, 52}

func geometric(k float64, fixings int) []payoff.Payoff {
	return []payoff.Payoff{
		payoff.GeometricAsianCall{Strike: k, Fixings: fixings},
		payoff.GeometricAsianPut{Strike: k, Fixings: fixings},
	}
}

// asianMoments returns t̄ = (1/m) Σ_j t_j and σ_G² = (σ²/m²) Σ_{i,j}
// min(t_i, t_j), the mean time and the variance of ln G, summed over the
// fixings t_j = jT/m rather than taken from their closed forms; the double
// sum is taken by rows, Σ_{i,j} min(i, j) = Σ_i (i(i−1)/2 + i(m − i + 1)).
func asianMoments(m sde.GBM, fixings int) (tbar, varG float64) {
	dt := m.Expiry / float64(fixings)
	var s1, s2 float64
	for i := 1; i <= fixings; i++ {
		x := float64(i)
		s1 += x * dt
		s2 += (x*(x-1)/2 + x*float64(fixings-i+1)) * dt
	}
	n := float64(fixings)
	return s1 / n, m.Vol * m.Vol * s2 / (n * n)
}

// asianScales are the natural sizes of the price and its derivatives, as in
// scales, with σ_G in place of σ√T: the price varies on the scale S σ_G in S.
func asianScales(m sde.GBM, k float64, fixings int) (price, delta, gamma, vega float64) {
	_, varG := asianMoments(m, fixings)
	price = m.Spot*math.Exp(-m.Div*m.Expiry) + k*math.Exp(-m.Rate*m.Expiry)
	ds := m.Spot * math.Sqrt(varG)
	return price, price / ds, price / (ds * ds), price / m.Vol
}

// TestGeometricAsianOneFixing checks that one fixing, at maturity, is the
// vanilla option, to the bit.
func TestGeometricAsianOneFixing(t *testing.T) {
	for _, mc := range models {
		for _, k := range []float64{80, 100, 120} {
			for i, p := range geometric(k, 1) {
				vanilla := []payoff.Payoff{payoff.Call{Strike: k}, payoff.Put{Strike: k}}[i]
				got, want := mustBS(t, mc.m, p), mustBS(t, mc.m, vanilla)
				if got != want {
					t.Errorf("BlackScholes(%s/%s, K=%v, m=1) = %+v, want %+v", mc.name, p.Name(), k, got, want)
				}
			}
		}
	}
}

// TestGeometricAsianMoments checks the price, Delta and Gamma against the
// vanilla formula on the GBM with the same forward and total variance as G:
// Vol σ_G/√T and Div r − ln(F/S)/T, with F = S exp((r − q − σ²/2) t̄ +
// σ_G²/2), t̄ and σ_G² summed over the fixings (asianMoments). Since ln G is
// normal, E[(G − K)⁺] is Black's formula in (F, σ_G) whatever the dates; so
// this checks the closed forms of t̄ and σ_G² and the pricing, but not Vega,
// which differentiates through them. The two computations round differently
// (the double sum has m² terms): 1e-12 of the scales.
func TestGeometricAsianMoments(t *testing.T) {
	const tol = 1e-12
	for _, mc := range models {
		for _, fixings := range asianFixings {
			tbar, varG := asianMoments(mc.m, fixings)
			m := mc.m
			lnFS := (m.Rate-m.Div-m.Vol*m.Vol/2)*tbar + varG/2
			eff := sde.GBM{Spot: m.Spot, Rate: m.Rate, Div: m.Rate - lnFS/m.Expiry, Vol: math.Sqrt(varG / m.Expiry), Expiry: m.Expiry}
			for _, k := range []float64{80, 100, 120} {
				pScale, dScale, gScale, _ := asianScales(m, k, fixings)
				for i, p := range geometric(k, fixings) {
					vanilla := []payoff.Payoff{payoff.Call{Strike: k}, payoff.Put{Strike: k}}[i]
					got, want := mustBS(t, m, p), mustBS(t, eff, vanilla)
					name := fmt.Sprintf("%s/%s/K=%v/m=%d", mc.name, p.Name(), k, fixings)
					compare(t, "vanilla on the moments of G", name, tol,
						greekCheck{"Price", got.Price, want.Price, pScale},
						greekCheck{"Delta", got.Delta, want.Delta, dScale},
						greekCheck{"Gamma", got.Gamma, want.Gamma, gScale})
				}
			}
		}
	}
}

// TestGeometricAsianFiniteDifference checks Delta, Gamma and Vega against
// central differences of the closed-form price, with the steps and the
// tolerance of TestFiniteDifference, relative to asianScales.
func TestGeometricAsianFiniteDifference(t *testing.T) {
	const tol = 1e-6
	for _, mc := range models {
		for _, fixings := range asianFixings {
			for _, k := range []float64{90, 100, 110} {
				for _, p := range geometric(k, fixings) {
					m := mc.m
					name := fmt.Sprintf("%s/%s/K=%v/m=%d", mc.name, p.Name(), k, fixings)
					v := mustBS(t, m, p)
					_, dScale, gScale, vScale := asianScales(m, k, fixings)
					_, varG := asianMoments(m, fixings)
					eval := func(spot, vol float64) analytic.Values {
						mm := m
						mm.Spot, mm.Vol = spot, vol
						return mustBS(t, mm, p)
					}
					checkFD(t, name, v, eval, m.Spot, m.Vol, m.Spot*math.Sqrt(varG), fdScales{dScale, gScale, vScale}, tol)
				}
			}
		}
	}
}

// TestGeometricAsianParity checks C − P = e^{−rT} (F − K) with
// F = S exp((r − q − σ²/2) t̄ + σ_G²/2) from the closed forms of t̄ and σ_G²,
// and its derivatives: Delta e^{−rT} F/S, Gamma 0 and Vega e^{−rT} ∂F/∂σ,
// ∂ln F/∂σ = −σ t̄ + σ_G²/σ. The tolerance is that of TestParity.
func TestGeometricAsianParity(t *testing.T) {
	const tol = 1e-12
	for _, mc := range models {
		m := mc.m
		for _, fixings := range asianFixings {
			n := float64(fixings)
			tbar := m.Expiry * (n + 1) / (2 * n)
			varG := m.Vol * m.Vol * m.Expiry * (n + 1) * (2*n + 1) / (6 * n * n)
			f := m.Spot * math.Exp((m.Rate-m.Div-m.Vol*m.Vol/2)*tbar+varG/2)
			b := math.Exp(-m.Rate * m.Expiry)
			dlnF := -m.Vol*tbar + varG/m.Vol
			for _, k := range []float64{80, 100, 120} {
				name := fmt.Sprintf("%s/K=%v/m=%d", mc.name, k, fixings)
				pScale, dScale, gScale, vScale := asianScales(m, k, fixings)
				c := mustBS(t, m, payoff.GeometricAsianCall{Strike: k, Fixings: fixings})
				p := mustBS(t, m, payoff.GeometricAsianPut{Strike: k, Fixings: fixings})
				got := sub(c, p)
				want := analytic.Values{Price: b * (f - k), Delta: b * f / m.Spot, Vega: b * f * dlnF}
				compare(t, "call−put", name, tol, checks(got, want, pScale, dScale, gScale, vScale)...)
			}
		}
	}
}

// TestGeometricAsianContinuous checks the limit of many fixings against the
// continuously averaged geometric option (Kemna and Vorst 1990; Hull, "Asian
// options"): the vanilla option with volatility σ/√3 and dividend yield
// q' = (r + q + σ²/6)/2. Its Vega is ∂V/∂σ through both, with
// ∂V/∂q' = −T S Δ: Vega = Vega'/√3 − T S Δ σ/6. With m fixings t̄ and σ_G²
// differ from their limits T/2 and σ²T/3 by O(1/m), relative 1.5e-6 for
// m = 10⁶, which moves the values by less than 1e-7 of the scales; the
// tolerance is 1e-6 of the scales.
func TestGeometricAsianContinuous(t *testing.T) {
	const tol, fixings = 1e-6, 1_000_000
	for _, mc := range models {
		m := mc.m
		cont := sde.GBM{Spot: m.Spot, Rate: m.Rate, Div: (m.Rate + m.Div + m.Vol*m.Vol/6) / 2, Vol: m.Vol / math.Sqrt(3), Expiry: m.Expiry}
		for _, k := range []float64{80, 100, 120} {
			pScale, dScale, gScale, vScale := asianScales(m, k, fixings)
			for i, p := range geometric(k, fixings) {
				vanilla := []payoff.Payoff{payoff.Call{Strike: k}, payoff.Put{Strike: k}}[i]
				got, want := mustBS(t, m, p), mustBS(t, cont, vanilla)
				want.Vega = want.Vega/math.Sqrt(3) - m.Expiry*m.Spot*want.Delta*m.Vol/6
				name := fmt.Sprintf("%s/%s/K=%v", mc.name, p.Name(), k)
				compare(t, "continuous average", fmt.Sprintf("%s, m=%d", name, fixings), tol,
					checks(got, want, pScale, dScale, gScale, vScale)...)
			}
		}
	}
}

// TestGeometricAsianExtreme checks that valid but extreme inputs give finite
// values within the no-arbitrage bounds 0 ≤ C ≤ e^{−rT} F, 0 ≤ P ≤ K e^{−rT},
// 0 ≤ Δ_C ≤ e^{−rT} F/S.
func TestGeometricAsianExtreme(t *testing.T) {
	const k, slack = 100.0, 1e-12
	for _, s := range []float64{1e-6, 100, 1e8} {
		for _, vol := range []float64{1e-12, 0.2, 5, 1e3, 1e200} {
			for _, expiry := range []float64{1e-4, 1, 100} {
				for _, fixings := range []int{2, 52, 100_000} {
					m := sde.GBM{Spot: s, Rate: 0.05, Div: 0.01, Vol: vol, Expiry: expiry}
					n := float64(fixings)
					lnA := -m.Rate*m.Expiry + (m.Rate-m.Div)*m.Expiry*(n+1)/(2*n) - vol*vol*m.Expiry*(n*n-1)/(12*n*n)
					a, b := math.Exp(lnA), math.Exp(-m.Rate*m.Expiry)
					for _, p := range geometric(k, fixings) {
						name := fmt.Sprintf("%s/m=%d/%+v", p.Name(), fixings, m)
						v, err := analytic.BlackScholes(m, p)
						if err != nil {
							t.Errorf("BlackScholes(%s): %v", name, err)
							continue
						}
						if math.IsNaN(v.Price) || math.IsNaN(v.Delta) || math.IsNaN(v.Gamma) || math.IsNaN(v.Vega) {
							t.Errorf("BlackScholes(%s) = %+v, want no NaN", name, v)
							continue
						}
						hi, dlo, dhi := s*a, 0.0, a
						if _, put := p.(payoff.GeometricAsianPut); put {
							hi, dlo, dhi = k*b, -a, 0
						}
						if v.Price < -slack*hi || v.Price > hi*(1+slack) {
							t.Errorf("Price(%s) = %v, want in [0, %v]", name, v.Price, hi)
						}
						if v.Delta < dlo-slack*a || v.Delta > dhi+slack*a {
							t.Errorf("Delta(%s) = %v, want in [%v, %v]", name, v.Delta, dlo, dhi)
						}
					}
				}
			}
		}
	}
}

func TestGeometricAsianErrors(t *testing.T) {
	for _, test := range []struct {
		name  string
		p     payoff.Payoff
		param string
		value float64
	}{
		{"fixings=0", payoff.GeometricAsianCall{Strike: 100}, "fixings", 0},
		{"fixings<0", payoff.GeometricAsianPut{Strike: 100, Fixings: -3}, "fixings", -3},
		{"strike=0", payoff.GeometricAsianCall{Strike: 0, Fixings: 4}, "strike", 0},
	} {
		v, err := analytic.BlackScholes(atm, test.p)
		var pe *payoff.ParamError
		if !errors.As(err, &pe) || pe.Name != test.param || pe.Value != test.value {
			t.Errorf("BlackScholes(%s) = %+v, %v, want a *payoff.ParamError{%s, %v}", test.name, v, err, test.param, test.value)
		}
	}
}
