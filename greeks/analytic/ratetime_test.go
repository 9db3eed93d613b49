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

// fdModels and fdPayoffs are the cases on which closed-form Greeks are
// checked against central differences of other closed forms: in and out
// of the money, with and without a dividend yield, short- and long-dated.
var (
	fdModels = []sde.GBM{
		{Spot: 100, Rate: 0.05, Div: 0, Vol: 0.2, Expiry: 1},
		{Spot: 100, Rate: 0.03, Div: 0.01, Vol: 0.3, Expiry: 0.05},
		{Spot: 90, Rate: -0.01, Div: 0.04, Vol: 0.45, Expiry: 3},
		{Spot: 120, Rate: 0.08, Div: 0.02, Vol: 0.1, Expiry: 0.5},
	}
	fdPayoffs = []payoff.Payoff{
		payoff.Call{Strike: 100}, payoff.Put{Strike: 100}, payoff.Call{Strike: 110}, payoff.Put{Strike: 92},
		payoff.DigitalCall{Strike: 100, Cash: 1}, payoff.DigitalPut{Strike: 105, Cash: 2},
		payoff.AssetCall{Strike: 100}, payoff.AssetPut{Strike: 95},
	}
)

// TestRateTimeVsFD checks the closed-form Rho and Theta of every European
// payoff against gonum's central difference of the closed-form price in r
// and in T (Theta = −∂V/∂T), in and out of the money, with and without a
// dividend yield, short- and long-dated.
func TestRateTimeVsFD(t *testing.T) {
	for _, m := range fdModels {
		for _, p := range fdPayoffs {
			got, err := analytic.BlackScholesRateTime(m, p)
			if err != nil {
				t.Fatalf("%s on %+v: %v", p.Name(), m, err)
			}
			price := func(m sde.GBM) float64 {
				v, err := analytic.BlackScholes(m, p)
				if err != nil {
					t.Fatal(err)
				}
				return v.Price
			}
			rho := fd.Derivative(func(r float64) float64 { mm := m; mm.Rate = r; return price(mm) }, m.Rate,
				&fd.Settings{Formula: fd.Central, Step: 1e-5})
			theta := -fd.Derivative(func(x float64) float64 { mm := m; mm.Expiry = x; return price(mm) }, m.Expiry,
				&fd.Settings{Formula: fd.Central, Step: 1e-5 * m.Expiry})
			scale := math.Max(1, math.Abs(price(m))) // the central differences' error is relative to the price's size
			if math.Abs(got.Rho-rho) > 1e-6*scale*math.Max(1, m.Expiry) {
				t.Errorf("%s on %+v: Rho %v, central difference %v", p.Name(), m, got.Rho, rho)
			}
			if math.Abs(got.Theta-theta) > 1e-6*scale/m.Expiry {
				t.Errorf("%s on %+v: Theta %v, central difference %v", p.Name(), m, got.Theta, theta)
			}
		}
	}
}

// TestRateTimeSigns pins the conventions: a long call (q = 0) has a
// positive Rho and a negative Theta; a put's Rho is negative.
func TestRateTimeSigns(t *testing.T) {
	m := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	c, err := analytic.BlackScholesRateTime(m, payoff.Call{Strike: 100})
	if err != nil {
		t.Fatal(err)
	}
	p, err := analytic.BlackScholesRateTime(m, payoff.Put{Strike: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !(c.Rho > 0 && c.Theta < 0 && p.Rho < 0) {
		t.Errorf("call %+v, put %+v: want call Rho > 0, call Theta < 0, put Rho < 0", c, p)
	}
	// Put–call parity C − P = S e^{−qT} − K e^{−rT}: Rho_C − Rho_P = K T e^{−rT},
	// Theta_C − Theta_P = −r K e^{−rT} (q = 0).
	if d, want := c.Rho-p.Rho, 100*math.Exp(-0.05); math.Abs(d-want) > 1e-12*want {
		t.Errorf("Rho parity: %v, want %v", d, want)
	}
	if d, want := c.Theta-p.Theta, -0.05*100*math.Exp(-0.05); math.Abs(d-want) > 1e-12*math.Abs(want) {
		t.Errorf("Theta parity: %v, want %v", d, want)
	}
}

func TestRateTimeNoClosedForm(t *testing.T) {
	m := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	if _, err := analytic.BlackScholesRateTime(m, payoff.AsianCall{Strike: 100, Fixings: 12}); !errors.Is(err, analytic.ErrNoClosedForm) {
		t.Errorf("arithmetic Asian: err %v, want ErrNoClosedForm", err)
	}
	if _, err := analytic.BlackScholesRateTime(sde.GBM{Spot: -1, Vol: 0.2, Expiry: 1}, payoff.Call{Strike: 100}); err == nil {
		t.Error("negative spot: no error")
	}
}
