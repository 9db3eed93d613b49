package analytic

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// bvnConditional is M(a, b; ρ) by another formula, ∫_{−∞}^a φ(x)
// N((b − ρx)/√(1 − ρ²)) dx, for cross-checking BivariateNormal.
func bvnConditional(a, b, rho float64) float64 {
	s := math.Sqrt(1 - rho*rho)
	f := func(x float64) float64 { return norm.Prob(x) * norm.CDF((b-rho*x)/s) }
	return quad.Fixed(f, -12, a, 2000, quad.Legendre{}, 0)
}

func TestBivariateNormal(t *testing.T) {
	// M(0, 0; ρ) = 1/4 + asin(ρ)/(2π) (Sheppard).
	for _, rho := range []float64{-0.99, -0.7, -0.3, 0, 0.4, 0.8, 0.999} {
		if got, want := BivariateNormal(0, 0, rho), 0.25+math.Asin(rho)/(2*math.Pi); math.Abs(got-want) > 1e-13 {
			t.Errorf("M(0, 0; %v) = %v, want %v", rho, got, want)
		}
	}
	for _, c := range [][3]float64{{1, 1, 0.5}, {-1.5, 0.3, -0.8}, {0.2, -2, 0.95}, {2.5, 1.7, -0.3}, {-0.4, -0.6, 0.1}, {1, -1, -0.999}} {
		got, want := BivariateNormal(c[0], c[1], c[2]), bvnConditional(c[0], c[1], c[2])
		if math.Abs(got-want) > 1e-10 {
			t.Errorf("M(%v, %v; %v) = %v, want %v (conditional quadrature)", c[0], c[1], c[2], got, want)
		}
	}
	if got, want := BivariateNormal(0.3, -0.2, 0), norm.CDF(0.3)*norm.CDF(-0.2); math.Abs(got-want) > 1e-15 {
		t.Errorf("M(0.3, −0.2; 0) = %v, want %v", got, want)
	}
}

func two(t *testing.T, rho float64) sde.Correlated {
	t.Helper()
	m, err := sde.NewCorrelated([]float64{100, 95}, []float64{0.01, 0.03}, []float64{0.25, 0.2}, 0.05, 1,
		[][]float64{{1, rho}, {rho, 1}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func price(t *testing.T, m sde.Correlated, p payoff.Payoff) float64 {
	t.Helper()
	v, err := MultiPrice(m, p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestStulzParity: max(S_1 − K, S_2 − K, 0) + max(min − K, 0) = (S_1 − K)⁺ +
// (S_2 − K)⁺ path by path, so the Stulz calls add to two Black–Scholes
// calls; and the same for the puts.
func TestStulzParity(t *testing.T) {
	for _, rho := range []float64{-0.6, 0, 0.5, 0.9} {
		m := two(t, rho)
		for _, k := range []float64{80, 100, 120} {
			bs := func(a int, put bool) float64 {
				var p payoff.Payoff = payoff.Call{Strike: k}
				if put {
					p = payoff.Put{Strike: k}
				}
				v, err := BlackScholes(sde.GBM{Spot: m.Spot[a], Rate: m.Rate, Div: m.Div[a], Vol: m.Vol[a], Expiry: m.Expiry}, p)
				if err != nil {
					t.Fatal(err)
				}
				return v.Price
			}
			calls := price(t, m, payoff.BestOfCall{Strike: k, N: 2}) + price(t, m, payoff.WorstOfCall{Strike: k, N: 2})
			if want := bs(0, false) + bs(1, false); math.Abs(calls-want) > 1e-9 {
				t.Errorf("ρ %v K %v: best-of + worst-of call = %v, want %v", rho, k, calls, want)
			}
			puts := price(t, m, payoff.BestOfPut{Strike: k, N: 2}) + price(t, m, payoff.WorstOfPut{Strike: k, N: 2})
			if want := bs(0, true) + bs(1, true); math.Abs(puts-want) > 1e-9 {
				t.Errorf("ρ %v K %v: best-of + worst-of put = %v, want %v", rho, k, puts, want)
			}
		}
		// The best-of call at a vanishing strike is the strike-0 value
		// max(S_1, S_2) = S_2 + (S_1 − S_2)⁺: the second asset's forward
		// plus the exchange option.
		ex := price(t, m, payoff.SpreadCall{Strike: 0})
		want := m.Spot[1]*math.Exp(-m.Div[1]*m.Expiry) + ex
		if got := price(t, m, payoff.BestOfCall{Strike: 1e-9, N: 2}); math.Abs(got-want) > 1e-7 {
			t.Errorf("ρ %v: best-of call at K → 0 = %v, want %v", rho, got, want)
		}
		// Exchange parity: (S_1 − S_2)⁺ − (S_2 − S_1)⁺ = S_1 − S_2.
		if got, want := ex-price(t, m, payoff.SpreadPut{Strike: 0}), m.Spot[0]*math.Exp(-m.Div[0]*m.Expiry)-m.Spot[1]*math.Exp(-m.Div[1]*m.Expiry); math.Abs(got-want) > 1e-10 {
			t.Errorf("ρ %v: exchange call − put = %v, want %v", rho, got, want)
		}
	}
}

// TestGeometricBasketOneAsset: on one asset the geometric basket is the
// vanilla option, and its Greeks are Black–Scholes's.
func TestGeometricBasketOneAsset(t *testing.T) {
	m, err := sde.NewCorrelated([]float64{100}, []float64{0.02}, []float64{0.3}, 0.05, 1.5, [][]float64{{1}})
	if err != nil {
		t.Fatal(err)
	}
	bs, _ := BlackScholes(sde.GBM{Spot: 100, Rate: 0.05, Div: 0.02, Vol: 0.3, Expiry: 1.5}, payoff.Call{Strike: 110})
	got, err := MultiReference(m, payoff.GeometricBasketCall{Strike: 110, Weights: []float64{1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
		tol       float64
	}{{"price", got.Price, bs.Price, 1e-10}, {"delta", got.Delta[0], bs.Delta, 1e-7}, {"gamma", got.Gamma[0], bs.Gamma, 1e-6}, {"vega", got.Vega[0], bs.Vega, 1e-5}} {
		if math.Abs(c.got-c.want) > c.tol*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestNoClosedForm(t *testing.T) {
	m := two(t, 0.3)
	for _, p := range []payoff.Payoff{payoff.SpreadCall{Strike: 5}, payoff.BasketCall{Strike: 100, Weights: []float64{0.5, 0.5}}} {
		if _, err := MultiPrice(m, p); err == nil {
			t.Errorf("%s: no error, want ErrNoClosedForm", p.Name())
		}
	}
}
