package analytic_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// atm is the default at-the-money model of the examples.
var atm = sde.GBM{Spot: 100, Rate: 0.05, Div: 0, Vol: 0.2, Expiry: 1}

// models are the parameter sets of the finite-difference and parity checks.
var models = []struct {
	name string
	m    sde.GBM
}{
	{"atm", atm},
	{"itm", sde.GBM{Spot: 120, Rate: 0.05, Vol: 0.2, Expiry: 1}},
	{"otm", sde.GBM{Spot: 80, Rate: 0.05, Vol: 0.2, Expiry: 1}},
	{"short", sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 0.05}},
	{"highvol", sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.8, Expiry: 1}},
	{"div", sde.GBM{Spot: 100, Rate: 0.05, Div: 0.03, Vol: 0.2, Expiry: 1}},
	{"otm-short-div", sde.GBM{Spot: 90, Rate: 0.02, Div: 0.03, Vol: 0.3, Expiry: 0.05}},
}

// payoffs covers every type with a closed form. The cash amount is not 1, so
// that a formula that forgets it is caught.
var payoffs = []payoff.Payoff{
	payoff.Call{Strike: 100},
	payoff.Put{Strike: 100},
	payoff.DigitalCall{Strike: 100, Cash: 2.5},
	payoff.DigitalPut{Strike: 100, Cash: 2.5},
	payoff.AssetCall{Strike: 100},
	payoff.AssetPut{Strike: 100},
}

func mustBS(t *testing.T, m sde.GBM, p payoff.Payoff) analytic.Values {
	t.Helper()
	v, err := analytic.BlackScholes(m, p)
	if err != nil {
		t.Fatalf("BlackScholes(%+v, %s): %v", m, p.Name(), err)
	}
	return v
}

// scales returns the natural sizes of the price and its S- and σ-derivatives:
// the price is bounded by M = S e^{−qT} + K e^{−rT} + |Cash| e^{−rT}; the price
// varies on the scale S σ√T in S and σ in σ. Finite-difference errors and
// rounding errors are proportional to these sizes, so the tolerances are
// stated relative to them, not to the Greek, which may be zero.
func scales(m sde.GBM, k, cash float64) (price, delta, gamma, vega float64) {
	a, b := math.Exp(-m.Div*m.Expiry), math.Exp(-m.Rate*m.Expiry)
	price = m.Spot*a + k*b + math.Abs(cash)*b
	ds := m.Spot * m.Vol * math.Sqrt(m.Expiry)
	return price, price / ds, price / (ds * ds), price / m.Vol
}

func strikeCash(p payoff.Payoff) (k, cash float64) {
	switch p := p.(type) {
	case payoff.Call:
		return p.Strike, 0
	case payoff.Put:
		return p.Strike, 0
	case payoff.DigitalCall:
		return p.Strike, p.Cash
	case payoff.DigitalPut:
		return p.Strike, p.Cash
	case payoff.AssetCall:
		return p.Strike, 0
	case payoff.AssetPut:
		return p.Strike, 0
	}
	panic("unknown payoff")
}

// TestHull checks the textbook example.
func TestHull(t *testing.T) {
	// J. C. Hull, Options, Futures, and Other Derivatives, Example 15.6:
	// S0 = 42, K = 40, r = 0.10, σ = 0.20, T = 0.5 give c = 4.76, p = 0.81.
	m := sde.GBM{Spot: 42, Rate: 0.10, Vol: 0.20, Expiry: 0.5}
	for _, test := range []struct {
		p    payoff.Payoff
		want float64
	}{
		{payoff.Call{Strike: 40}, 4.76},
		{payoff.Put{Strike: 40}, 0.81},
	} {
		v := mustBS(t, m, test.p)
		if math.Abs(v.Price-test.want) > 0.005 {
			t.Errorf("Price(%s) = %v, want %v to 2 decimals", test.p.Name(), v.Price, test.want)
		}
	}
}

// TestFiniteDifference checks Delta, Gamma and Vega against central
// differences of the closed-form price.
//
// With the step h = ε·L on the scale L of variation (L = S σ√T in S, σ in σ),
// the central first difference has truncation error ≈ ε²/6 and rounding error
// ≈ 2⁻⁵³/ε, both relative to the scale of the derivative (see scales); with
// ε = 1e-4 that is ≈ 2e-9. The second difference has truncation ε²/12 and
// rounding ≈ 4·2⁻⁵³/ε², ≈ 1e-8 with ε = 3e-4. A tolerance of 1e-6 of the
// scale leaves a margin of 100, and a missing or wrongly signed term, which
// is of the order of the scale, fails it.
func TestFiniteDifference(t *testing.T) {
	const tol = 1e-6
	for _, mc := range models {
		for _, p := range payoffs {
			m := mc.m
			name := fmt.Sprintf("%s/%s", mc.name, p.Name())
			t.Run(name, func(t *testing.T) {
				v := mustBS(t, m, p)
				k, cash := strikeCash(p)
				_, dScale, gScale, vScale := scales(m, k, cash)
				eval := func(spot, vol float64) analytic.Values {
					mm := m
					mm.Spot, mm.Vol = spot, vol
					return mustBS(t, mm, p)
				}
				checkFD(t, name, v, eval, m.Spot, m.Vol, m.Spot*m.Vol*math.Sqrt(m.Expiry), fdScales{dScale, gScale, vScale}, tol)
			})
		}
	}
}

// TestParity checks the static replications, which hold for the price and,
// since their right-hand sides are linear in S and free of σ, for every Greek:
//
//	call − put                        = S e^{−qT} − K e^{−rT},
//	digital call + digital put        = Cash e^{−rT},
//	asset call + asset put            = S e^{−qT},
//	asset call − K · digital call(1)  = call.
//
// The closed forms are computed to a few ulps of the scales, apart from the
// rounding of φ(d) = exp(−d²/2)/√(2π), relative d²·2⁻⁵³; 1e-12 of the scale
// is far above both (at most ~1e-14 here) and far below any error in a
// formula.
func TestParity(t *testing.T) {
	const (
		tol  = 1e-12
		k    = 100.0
		cash = 2.5
	)
	for _, mc := range models {
		m := mc.m
		a, b := math.Exp(-m.Div*m.Expiry), math.Exp(-m.Rate*m.Expiry)
		pScale, dScale, gScale, vScale := scales(m, k, cash)
		bs := func(p payoff.Payoff) analytic.Values { return mustBS(t, m, p) }
		call, put := bs(payoff.Call{Strike: k}), bs(payoff.Put{Strike: k})
		dc, dp := bs(payoff.DigitalCall{Strike: k, Cash: cash}), bs(payoff.DigitalPut{Strike: k, Cash: cash})
		dc1 := bs(payoff.DigitalCall{Strike: k, Cash: 1})
		ac, ap := bs(payoff.AssetCall{Strike: k}), bs(payoff.AssetPut{Strike: k})
		for _, test := range []struct {
			parity    string
			got, want analytic.Values
		}{
			{
				"call−put",
				sub(call, put),
				analytic.Values{Price: m.Spot*a - k*b, Delta: a},
			},
			{
				"digital call+put",
				add(dc, dp),
				analytic.Values{Price: cash * b},
			},
			{
				"asset call+put",
				add(ac, ap),
				analytic.Values{Price: m.Spot * a, Delta: a},
			},
			{
				"asset call−K·digital call",
				sub(ac, scale(k, dc1)),
				call,
			},
		} {
			compare(t, test.parity, mc.name, tol, checks(test.got, test.want, pScale, dScale, gScale, vScale)...)
		}
	}
}

func add(x, y analytic.Values) analytic.Values {
	return analytic.Values{Price: x.Price + y.Price, Delta: x.Delta + y.Delta, Gamma: x.Gamma + y.Gamma, Vega: x.Vega + y.Vega}
}

func sub(x, y analytic.Values) analytic.Values { return add(x, scale(-1, y)) }

func scale(c float64, x analytic.Values) analytic.Values {
	return analytic.Values{Price: c * x.Price, Delta: c * x.Delta, Gamma: c * x.Gamma, Vega: c * x.Vega}
}

// TestExtreme checks that valid but extreme inputs give finite values inside
// the no-arbitrage bounds, and the deterministic limits far from the strike.
func TestExtreme(t *testing.T) {
	const k, cash = 100.0, 2.5
	for _, s := range []float64{1e-300, 1e-6, 1, 99.999999, 100, 1e4, 1e8, 1e300} {
		for _, vol := range []float64{1e-12, 1e-3, 0.2, 5, 1e3, 1e200} {
			for _, expiry := range []float64{1e-12, 1e-4, 1, 100} {
				for _, rq := range [][2]float64{{0.05, 0}, {-0.01, 0.03}, {0.2, 0.2}} {
					m := sde.GBM{Spot: s, Rate: rq[0], Div: rq[1], Vol: vol, Expiry: expiry}
					a, b := math.Exp(-m.Div*m.Expiry), math.Exp(-m.Rate*m.Expiry)
					for _, p := range payoffs {
						name := fmt.Sprintf("%s/%+v", p.Name(), m)
						v, err := analytic.BlackScholes(m, p)
						if err != nil {
							t.Errorf("BlackScholes(%s): %v", name, err)
							continue
						}
						if math.IsNaN(v.Price) || math.IsNaN(v.Delta) || math.IsNaN(v.Gamma) || math.IsNaN(v.Vega) {
							t.Errorf("BlackScholes(%s) = %+v, want no NaN", name, v)
							continue
						}
						// Bounds: 0 ≤ V ≤ sup of the discounted payoff,
						// with a little room for rounding.
						var hi, dlo, dhi float64
						switch p.(type) {
						case payoff.Call:
							hi, dlo, dhi = s*a, 0, a
						case payoff.Put:
							hi, dlo, dhi = k*b, -a, 0
						case payoff.DigitalCall, payoff.DigitalPut:
							hi, dlo, dhi = cash*b, math.Inf(-1), math.Inf(1)
						case payoff.AssetCall, payoff.AssetPut:
							hi, dlo, dhi = s*a, math.Inf(-1), math.Inf(1)
						}
						const slack = 1e-12
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

	// Far from the strike the option is the discounted forward payoff.
	m := sde.GBM{Spot: 1000, Rate: 0.05, Div: 0.01, Vol: 0.2, Expiry: 0.01}
	a, b := math.Exp(-m.Div*m.Expiry), math.Exp(-m.Rate*m.Expiry)
	for _, test := range []struct {
		p    payoff.Payoff
		want analytic.Values
	}{
		{payoff.Call{Strike: k}, analytic.Values{Price: m.Spot*a - k*b, Delta: a}},
		{payoff.Put{Strike: k}, analytic.Values{}},
		{payoff.DigitalCall{Strike: k, Cash: cash}, analytic.Values{Price: cash * b}},
		{payoff.DigitalPut{Strike: k, Cash: cash}, analytic.Values{}},
		{payoff.AssetCall{Strike: k}, analytic.Values{Price: m.Spot * a, Delta: a}},
		{payoff.AssetPut{Strike: k}, analytic.Values{}},
	} {
		if got := mustBS(t, m, test.p); got != test.want {
			t.Errorf("BlackScholes(deep %s) = %+v, want %+v", test.p.Name(), got, test.want)
		}
	}
}

// unknown is a payoff with no closed form in package analytic.
type unknown struct{}

func (unknown) Eval(s, f, df []float64) {}
func (unknown) Lipschitz() bool         { return true }
func (unknown) Name() string            { return "unknown" }
func (unknown) Dates() int              { return 1 }

func TestErrors(t *testing.T) {
	for _, test := range []struct {
		name  string
		m     sde.GBM
		p     payoff.Payoff
		param string // the ParamError's Name, or "" for ErrNoClosedForm
	}{
		{"spot=0", sde.GBM{Spot: 0, Vol: 0.2, Expiry: 1}, payoff.Call{Strike: 100}, "spot"},
		{"spot<0", sde.GBM{Spot: -1, Vol: 0.2, Expiry: 1}, payoff.Call{Strike: 100}, "spot"},
		{"vol=0", sde.GBM{Spot: 100, Vol: 0, Expiry: 1}, payoff.Put{Strike: 100}, "vol"},
		{"vol<0", sde.GBM{Spot: 100, Vol: -0.2, Expiry: 1}, payoff.Put{Strike: 100}, "vol"},
		{"expiry=0", sde.GBM{Spot: 100, Vol: 0.2}, payoff.DigitalCall{Strike: 100, Cash: 1}, "expiry"},
		{"expiry=NaN", sde.GBM{Spot: 100, Vol: 0.2, Expiry: math.NaN()}, payoff.AssetCall{Strike: 100}, "expiry"},
		{"rate=Inf", sde.GBM{Spot: 100, Rate: math.Inf(1), Vol: 0.2, Expiry: 1}, payoff.Call{Strike: 100}, "rate"},
		{"div=NaN", sde.GBM{Spot: 100, Div: math.NaN(), Vol: 0.2, Expiry: 1}, payoff.Call{Strike: 100}, "div"},
		{"vol·√expiry=0", sde.GBM{Spot: 100, Vol: 1e-200, Expiry: 1e-300}, payoff.Call{Strike: 100}, "vol·√expiry"},
		{"strike=0", atm, payoff.Call{Strike: 0}, "strike"},
		{"strike=NaN", atm, payoff.AssetPut{Strike: math.NaN()}, "strike"},
		{"cash=Inf", atm, payoff.DigitalPut{Strike: 100, Cash: math.Inf(1)}, "cash"},
		{"unknown", atm, unknown{}, ""},
	} {
		v, err := analytic.BlackScholes(test.m, test.p)
		if err == nil {
			t.Errorf("BlackScholes(%s) = %+v, want error", test.name, v)
			continue
		}
		if test.param == "" {
			if !errors.Is(err, analytic.ErrNoClosedForm) {
				t.Errorf("BlackScholes(%s) error = %v, want ErrNoClosedForm", test.name, err)
			}
			continue
		}
		if paramName(err) != test.param {
			t.Errorf("BlackScholes(%s) error = %v, want a ParamError for %s", test.name, err, test.param)
		}
	}
}

// fdScales are the natural sizes of Delta, Gamma and Vega that the
// finite-difference checks measure errors against.
type fdScales struct{ delta, gamma, vega float64 }

// checkFD checks v's Delta, Gamma and Vega against central differences of
// eval's price in the spot (step 1e-4·ls, and 3e-4·ls for the second
// difference) and the volatility (step 1e-4·vol), within tol of the scales;
// Gamma is also checked against the first difference of eval's Delta.
// The steps and the tolerance are those derived in TestFiniteDifference.
func checkFD(t *testing.T, name string, v analytic.Values, eval func(spot, vol float64) analytic.Values,
	spot, vol, ls float64, sc fdScales, tol float64) {
	t.Helper()
	central := &fd.Settings{Formula: fd.Central, Step: 1e-4 * ls}
	central2 := &fd.Settings{Formula: fd.Central2nd, Step: 3e-4 * ls}
	price := func(s float64) float64 { return eval(s, vol).Price }
	delta := func(s float64) float64 { return eval(s, vol).Delta }
	if got := fd.Derivative(price, spot, central); math.Abs(v.Delta-got) > tol*sc.delta {
		t.Errorf("Delta(%s) = %v, want %v (central difference)", name, v.Delta, got)
	}
	if got := fd.Derivative(delta, spot, central); math.Abs(v.Gamma-got) > tol*sc.gamma {
		t.Errorf("Gamma(%s) = %v, want %v (central difference of Delta)", name, v.Gamma, got)
	}
	if got := fd.Derivative(price, spot, central2); math.Abs(v.Gamma-got) > tol*sc.gamma {
		t.Errorf("Gamma(%s) = %v, want %v (second central difference)", name, v.Gamma, got)
	}
	vega := &fd.Settings{Formula: fd.Central, Step: 1e-4 * vol}
	if got := fd.Derivative(func(x float64) float64 { return eval(spot, x).Price }, vol, vega); math.Abs(v.Vega-got) > tol*sc.vega {
		t.Errorf("Vega(%s) = %v, want %v (central difference)", name, v.Vega, got)
	}
}

// paramName returns the Name of the *sde.ParamError or *payoff.ParamError
// that err wraps, or "".
func paramName(err error) string {
	var se *sde.ParamError
	var pe *payoff.ParamError
	switch {
	case errors.As(err, &se):
		return se.Name
	case errors.As(err, &pe):
		return pe.Name
	}
	return ""
}

// greekCheck is one figure of a comparison: its name, the two values and the
// scale the tolerance is relative to.
type greekCheck struct {
	greek     string
	got, want float64
	scale     float64
}

// compare reports each check whose values differ by more than tol of its
// scale, labelled with what and name.
func compare(t *testing.T, what, name string, tol float64, checks ...greekCheck) {
	t.Helper()
	for _, c := range checks {
		if math.Abs(c.got-c.want) > tol*c.scale {
			t.Errorf("%s(%s, %s) = %v, want %v", c.greek, what, name, c.got, c.want)
		}
	}
}

// checks compares all four figures of got and want with their scales.
func checks(got, want analytic.Values, p, d, g, v float64) []greekCheck {
	return []greekCheck{
		{"Price", got.Price, want.Price, p}, {"Delta", got.Delta, want.Delta, d},
		{"Gamma", got.Gamma, want.Gamma, g}, {"Vega", got.Vega, want.Vega, v},
	}
}
