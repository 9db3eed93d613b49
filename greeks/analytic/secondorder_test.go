package analytic_test

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestSecondOrderVsFD checks the closed-form Vanna and Volga of every
// European payoff against gonum's central difference of the closed-form
// Vega in S and in σ on fdModels and fdPayoffs.
func TestSecondOrderVsFD(t *testing.T) {
	for _, m := range fdModels {
		for _, p := range fdPayoffs {
			got, err := analytic.BlackScholesSecondOrder(m, p)
			if err != nil {
				t.Fatalf("%s on %+v: %v", p.Name(), m, err)
			}
			vega := func(m sde.GBM) float64 {
				v, err := analytic.BlackScholes(m, p)
				if err != nil {
					t.Fatal(err)
				}
				return v.Vega
			}
			vanna := fd.Derivative(func(s float64) float64 { mm := m; mm.Spot = s; return vega(mm) }, m.Spot,
				&fd.Settings{Formula: fd.Central, Step: 1e-5 * m.Spot})
			volga := fd.Derivative(func(v float64) float64 { mm := m; mm.Vol = v; return vega(mm) }, m.Vol,
				&fd.Settings{Formula: fd.Central, Step: 1e-6})
			scale := math.Max(1, math.Abs(vega(m)))
			if math.Abs(got.Vanna-vanna) > 1e-6*scale/m.Spot*100 {
				t.Errorf("%s on %+v: Vanna %v, central difference %v", p.Name(), m, got.Vanna, vanna)
			}
			if math.Abs(got.Volga-volga) > 1e-5*scale/m.Vol {
				t.Errorf("%s on %+v: Volga %v, central difference %v", p.Name(), m, got.Volga, volga)
			}
		}
	}
}

// TestSecondOrderParity: a call and a put of one strike have the same
// Vanna and Volga (their difference is linear in S and free of σ), and a
// digital call and put of one cash have opposite ones.
func TestSecondOrderParity(t *testing.T) {
	m := sde.GBM{Spot: 100, Rate: 0.05, Div: 0.02, Vol: 0.25, Expiry: 0.7}
	get := func(p payoff.Payoff) analytic.SecondOrder {
		v, err := analytic.BlackScholesSecondOrder(m, p)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	c, p := get(payoff.Call{Strike: 104}), get(payoff.Put{Strike: 104})
	if c != p {
		t.Errorf("call %+v, put %+v", c, p)
	}
	dc, dp := get(payoff.DigitalCall{Strike: 97, Cash: 3}), get(payoff.DigitalPut{Strike: 97, Cash: 3})
	if dc.Vanna != -dp.Vanna || dc.Volga != -dp.Volga || dc.Vanna == 0 {
		t.Errorf("digital call %+v, put %+v", dc, dp)
	}
	if _, err := analytic.BlackScholesSecondOrder(m, payoff.AsianCall{Strike: 100, Fixings: 4}); !errors.Is(err, analytic.ErrNoClosedForm) {
		t.Errorf("arithmetic Asian: err %v, want ErrNoClosedForm", err)
	}
}
