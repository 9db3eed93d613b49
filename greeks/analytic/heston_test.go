package analytic_test

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// hestonModels are the parameter sets of the Heston tests: one that
// satisfies Feller, one that violates it strongly (ξ = 1, κ = 1,
// θ = 0.04), a short and a long maturity, and dividends with a positive ρ.
var hestonModels = []struct {
	name string
	m    sde.Heston
}{
	{"feller", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 2, Theta: 0.04, Xi: 0.3, Rho: -0.7, Expiry: 1}},
	{"violated", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 1, Rho: -0.7, Expiry: 1}},
	{"short", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.09, Kappa: 2, Theta: 0.04, Xi: 0.5, Rho: -0.5, Expiry: 0.05}},
	{"long", sde.Heston{Spot: 100, Rate: 0.02, V0: 0.02, Kappa: 0.5, Theta: 0.06, Xi: 0.8, Rho: -0.9, Expiry: 10}},
	{"div", sde.Heston{Spot: 100, Rate: 0.01, Div: 0.04, V0: 0.05, Kappa: 3, Theta: 0.03, Xi: 0.6, Rho: 0.3, Expiry: 2}},
}

func mustHeston(t *testing.T, m sde.Heston, p payoff.Payoff) analytic.Values {
	t.Helper()
	v, err := analytic.Heston(m, p)
	if err != nil {
		t.Fatalf("Heston(%+v, %s): %v", m, p.Name(), err)
	}
	return v
}

// hestonScales are the natural sizes of the price and its derivatives: the
// price is bounded by S e^{−qT} + K e^{−rT} and varies on the scale
// S√(v̄T) in S, v̄ the larger of v₀ and θ, and on the scale √v₀ in √v₀.
func hestonScales(m sde.Heston, k float64) (price, delta, gamma, vega float64) {
	price = m.Spot*math.Exp(-m.Div*m.Expiry) + k*math.Exp(-m.Rate*m.Expiry)
	ds := m.Spot * math.Sqrt(math.Max(m.V0, m.Theta)*m.Expiry)
	return price, price / ds, price / (ds * ds), price / math.Sqrt(m.V0)
}

// TestHestonPublished compares calls and puts with the published values of
// testref.HestonReferences, each to the accuracy of its digits.
func TestHestonPublished(t *testing.T) {
	for _, ref := range testref.HestonReferences {
		for _, q := range ref.Quotes {
			c := mustHeston(t, ref.Model, payoff.Call{Strike: q.Strike})
			p := mustHeston(t, ref.Model, payoff.Put{Strike: q.Strike})
			if math.Abs(c.Price-q.Call) > ref.Tol {
				t.Errorf("%s: call(K = %v) = %.15g, want %.15g ± %g", ref.Source, q.Strike, c.Price, q.Call, ref.Tol)
			}
			if math.Abs(p.Price-q.Put) > ref.Tol {
				t.Errorf("%s: put(K = %v) = %.15g, want %.15g ± %g", ref.Source, q.Strike, p.Price, q.Put, ref.Tol)
			}
		}
	}
}

// TestHestonFiniteDifference checks the Greeks, differentiated under the
// integral, against gonum's central differences of the price: Delta with
// the step 1e-2 in S (truncation error h²V”'/6 ≈ 1e-9), Gamma by the
// second central difference with the step 0.5 (h²V””/12, ≈ 1e-8 of the
// Gamma scale) and Vega with the step 1e-4 in √v₀. The tolerance, 1e-6 of
// each figure's scale, is far above these errors and far below any mistake
// in the derivative (a wrong factor 2√v₀ or e^{−qT} is of order 1).
func TestHestonFiniteDifference(t *testing.T) {
	for _, c := range hestonModels {
		for _, k := range []float64{80, 100, 120} {
			for _, p := range []payoff.Payoff{payoff.Call{Strike: k}, payoff.Put{Strike: k}} {
				v := mustHeston(t, c.m, p)
				ps, ds, gs, vs := hestonScales(c.m, k)
				want := hestonDifferences(t, c.m, p)
				compare(t, p.Name(), c.name, 1e-6, checks(v, want, ps, ds, gs, vs)...)
			}
		}
	}
}

// hestonDifferences returns the price of p under m and gonum's central
// differences of it: Delta with the step 1e-2 in S (truncation error
// h²V”'/6 ≈ 1e-9), Gamma by the second central difference with the step
// 0.05, Vega with the step 1e-4 in √v₀.
func hestonDifferences(t *testing.T, m sde.Heston, p payoff.Payoff) analytic.Values {
	t.Helper()
	atSpot := func(s float64) float64 { mm := m; mm.Spot = s; return mustHeston(t, mm, p).Price }
	atVol := func(sig float64) float64 { mm := m; mm.V0 = sig * sig; return mustHeston(t, mm, p).Price }
	return analytic.Values{
		Price: mustHeston(t, m, p).Price,
		Delta: fd.Derivative(atSpot, m.Spot, &fd.Settings{Formula: fd.Central, Step: 1e-2}),
		Gamma: fd.Derivative(atSpot, m.Spot, &fd.Settings{Formula: fd.Central2nd, Step: 0.05}),
		Vega:  fd.Derivative(atVol, math.Sqrt(m.V0), &fd.Settings{Formula: fd.Central, Step: 1e-4}),
	}
}

// hestonRateTimeDifferences returns central differences of the price of p
// under m in r (step 1e-4) and, negated, in T (step 1e-4 T): Rho and Theta.
func hestonRateTimeDifferences(t *testing.T, m sde.Heston, p payoff.Payoff) (rho, theta float64) {
	t.Helper()
	atRate := func(r float64) float64 { mm := m; mm.Rate = r; return mustHeston(t, mm, p).Price }
	atExpiry := func(x float64) float64 { mm := m; mm.Expiry = x; return mustHeston(t, mm, p).Price }
	rho = fd.Derivative(atRate, m.Rate, &fd.Settings{Formula: fd.Central, Step: 1e-4})
	theta = -fd.Derivative(atExpiry, m.Expiry, &fd.Settings{Formula: fd.Central, Step: 1e-4 * m.Expiry})
	return rho, theta
}

// TestHestonParity checks put-call parity on the hestonModels. The put is
// computed from the call by parity, so this guards the sign and discounting
// of that step; TestHestonPublished tests the puts against published values.
func TestHestonParity(t *testing.T) {
	for _, c := range hestonModels {
		for _, k := range []float64{80, 100, 120} {
			call := mustHeston(t, c.m, payoff.Call{Strike: k})
			put := mustHeston(t, c.m, payoff.Put{Strike: k})
			a, b := math.Exp(-c.m.Div*c.m.Expiry), math.Exp(-c.m.Rate*c.m.Expiry)
			fwd := analytic.Values{Price: c.m.Spot*a - k*b, Delta: a}
			ps, ds, gs, vs := hestonScales(c.m, k)
			compare(t, "call−put", c.name, 1e-14, checks(sub(call, put), fwd, ps, ds, gs, vs)...)
			if call.Price < 0 || put.Price < 0 || call.Gamma < 0 || call.Delta < 0 || call.Delta > a {
				t.Errorf("%s, K = %v: call %+v, put %+v out of the no-arbitrage bounds", c.name, k, call, put)
			}
		}
	}
}

// TestHestonBlackScholesLimit: as ξ → 0 the variance follows
// v(t) = θ + (v₀ − θ)e^{−κt}, and the price is Black–Scholes with
// σ̄² T = ∫₀^T v dt = θT + (v₀ − θ)(1 − e^{−κT})/κ, whose Vega in √v₀ is
// the Black–Scholes Vega times ∂σ̄/∂√v₀ = √v₀ (1 − e^{−κT})/(κ T σ̄). With
// ξ = 1e-4 the difference is O(ξ) ≈ 1e-4 of the scales at most.
func TestHestonBlackScholesLimit(t *testing.T) {
	for _, m := range []sde.Heston{
		{Spot: 100, Rate: 0.05, Div: 0.01, V0: 0.04, Kappa: 1.5, Theta: 0.09, Xi: 1e-4, Rho: -0.5, Expiry: 1},
		{Spot: 100, Rate: 0.02, V0: 0.09, Kappa: 0.7, Theta: 0.04, Xi: 1e-4, Rho: 0.5, Expiry: 3},
	} {
		e := (1 - math.Exp(-m.Kappa*m.Expiry)) / m.Kappa
		sbar := math.Sqrt((m.Theta*m.Expiry + (m.V0-m.Theta)*e) / m.Expiry)
		dsbar := math.Sqrt(m.V0) * e / (m.Expiry * sbar)
		bs := sde.GBM{Spot: m.Spot, Rate: m.Rate, Div: m.Div, Vol: sbar, Expiry: m.Expiry}
		for _, k := range []float64{80, 100, 120} {
			for _, p := range []payoff.Payoff{payoff.Call{Strike: k}, payoff.Put{Strike: k}} {
				want := mustBS(t, bs, p)
				want.Vega *= dsbar
				ps, ds, gs, vs := hestonScales(m, k)
				compare(t, p.Name(), "ξ→0", 1e-4, checks(mustHeston(t, m, p), want, ps, ds, gs, vs)...)
			}
		}
	}
}

func TestHestonErrors(t *testing.T) {
	m := hestonModels[0].m
	with := func(f func(*sde.Heston)) sde.Heston { mm := m; f(&mm); return mm }
	for _, test := range []struct {
		name  string
		m     sde.Heston
		p     payoff.Payoff
		param string // the ParamError's Name; "" for ErrNoClosedForm
	}{
		{"spot=0", with(func(m *sde.Heston) { m.Spot = 0 }), payoff.Call{Strike: 100}, "spot"},
		{"v0=0", with(func(m *sde.Heston) { m.V0 = 0 }), payoff.Call{Strike: 100}, "v0"},
		{"kappa<0", with(func(m *sde.Heston) { m.Kappa = -1 }), payoff.Call{Strike: 100}, "kappa"},
		{"theta=NaN", with(func(m *sde.Heston) { m.Theta = math.NaN() }), payoff.Put{Strike: 100}, "theta"},
		{"xi=0", with(func(m *sde.Heston) { m.Xi = 0 }), payoff.Call{Strike: 100}, "xi"},
		{"rho=1", with(func(m *sde.Heston) { m.Rho = 1 }), payoff.Call{Strike: 100}, "heston-rho"},
		{"rho=-1", with(func(m *sde.Heston) { m.Rho = -1 }), payoff.Put{Strike: 100}, "heston-rho"},
		{"rho=NaN", with(func(m *sde.Heston) { m.Rho = math.NaN() }), payoff.Put{Strike: 100}, "heston-rho"},
		{"expiry=0", with(func(m *sde.Heston) { m.Expiry = 0 }), payoff.Call{Strike: 100}, "expiry"},
		{"rate=Inf", with(func(m *sde.Heston) { m.Rate = math.Inf(1) }), payoff.Call{Strike: 100}, "rate"},
		{"strike=0", m, payoff.Call{Strike: 0}, "strike"},
		{"strike=Inf", m, payoff.Put{Strike: math.Inf(1)}, "strike"},
		{"asian", m, payoff.AsianCall{Strike: 100, Fixings: 12}, ""},
		{"digital cash=NaN", m, payoff.DigitalCall{Strike: 100, Cash: math.NaN()}, "cash"},
		{"asset strike=0", m, payoff.AssetPut{Strike: 0}, "strike"},
		{"unknown", m, unknown{}, ""},
	} {
		v, err := analytic.Heston(test.m, test.p)
		if err == nil {
			t.Errorf("Heston(%s) = %+v, want error", test.name, v)
			continue
		}
		if test.param == "" {
			if !errors.Is(err, analytic.ErrNoClosedForm) {
				t.Errorf("Heston(%s) error = %v, want ErrNoClosedForm", test.name, err)
			}
			continue
		}
		if paramName(err) != test.param {
			t.Errorf("Heston(%s) error = %v, want a ParamError for %s", test.name, err, test.param)
		}
	}
}

func TestHestonFeller(t *testing.T) {
	for _, c := range []struct {
		m    sde.Heston
		want bool
	}{
		{hestonModels[0].m, true},                        // 2κθ = 0.16 ≥ ξ² = 0.09
		{hestonModels[1].m, false},                       // 2κθ = 0.08 < 1
		{sde.Heston{Kappa: 2, Theta: 0.25, Xi: 1}, true}, // 2κθ = ξ²: the boundary holds
	} {
		if got := c.m.Feller(); got != c.want {
			t.Errorf("Feller(%+v) = %v, want %v", c.m, got, c.want)
		}
	}
}

// TestHestonRateTime compares HestonRateTime with central differences of
// the semi-analytic price in r and in T on every parameter set, calls and
// puts, and with the Black–Scholes Rho and Theta in the limit ξ → 0 (σ²
// the mean variance over [0, T], whose own T-dependence adds
// −Vega_BS ∂σ̄/∂T to the Black–Scholes Theta).
func TestHestonRateTime(t *testing.T) {
	for _, c := range hestonModels {
		for _, k := range []float64{80, 100, 120} {
			for _, p := range []payoff.Payoff{payoff.Call{Strike: k}, payoff.Put{Strike: k}} {
				got, err := analytic.HestonRateTime(c.m, p)
				if err != nil {
					t.Fatal(err)
				}
				rho, theta := hestonRateTimeDifferences(t, c.m, p)
				ps, _, _, _ := hestonScales(c.m, k)
				compare(t, p.Name(), c.name, 1e-6, greekCheck{"Rho", got.Rho, rho, ps * c.m.Expiry},
					greekCheck{"Theta", got.Theta, theta, ps / c.m.Expiry})
			}
		}
	}
	m := sde.Heston{Spot: 100, Rate: 0.05, Div: 0.01, V0: 0.04, Kappa: 1.5, Theta: 0.09, Xi: 1e-4, Rho: -0.5, Expiry: 1}
	e := (1 - math.Exp(-m.Kappa*m.Expiry)) / m.Kappa
	sbar := math.Sqrt((m.Theta*m.Expiry + (m.V0-m.Theta)*e) / m.Expiry)
	// ∂σ̄/∂T from σ̄²T = θT + (v₀ − θ)e(T), e' = e^{−κT}.
	dsbar := (m.Theta + (m.V0-m.Theta)*math.Exp(-m.Kappa*m.Expiry) - sbar*sbar) / (2 * sbar * m.Expiry)
	bs := sde.GBM{Spot: m.Spot, Rate: m.Rate, Div: m.Div, Vol: sbar, Expiry: m.Expiry}
	for _, k := range []float64{80, 100, 120} {
		for _, p := range []payoff.Payoff{payoff.Call{Strike: k}, payoff.Put{Strike: k}} {
			got, err := analytic.HestonRateTime(m, p)
			if err != nil {
				t.Fatal(err)
			}
			want, err := analytic.BlackScholesRateTime(bs, p)
			if err != nil {
				t.Fatal(err)
			}
			want.Theta -= mustBS(t, bs, p).Vega * dsbar
			ps, _, _, _ := hestonScales(m, k)
			compare(t, p.Name(), "ξ→0", 1e-4, greekCheck{"Rho", got.Rho, want.Rho, ps}, greekCheck{"Theta", got.Theta, want.Theta, ps})
		}
	}
}

// TestHestonDigitals checks the cash-or-nothing and asset-or-nothing
// values: the digital call's price against −∂C/∂K of the semi-analytic
// call (gonum's central difference, step 1e-4 K: truncation ≈ 1e-7 of the
// scale) and the asset call's against C + K·digital the same way; every
// Greek, Rho and Theta against central differences of the payoff's own
// price (the steps of TestHestonFiniteDifference and TestHestonRateTime);
// the parities digital call + put = cash·D and asset call + put = S e^{−qT};
// and the Black–Scholes digitals in the limit ξ → 0 (σ̄ as in
// TestHestonBlackScholesLimit). Tolerances 1e-5 of each figure's scale
// (the second difference for Gamma on the short maturity is the loosest
// check, ≈ 5e-6); a missing factor or sign is of order 1.
func TestHestonDigitals(t *testing.T) {
	const cash = 2.5
	for _, c := range hestonModels {
		a, d := math.Exp(-c.m.Div*c.m.Expiry), math.Exp(-c.m.Rate*c.m.Expiry)
		for _, k := range []float64{80, 100, 120} {
			_, ds, gs, vs := hestonScales(c.m, k)
			atStrike := func(x float64) float64 { return mustHeston(t, c.m, payoff.Call{Strike: x}).Price }
			dig := -cash * fd.Derivative(atStrike, k, &fd.Settings{Formula: fd.Central, Step: 1e-4 * k})
			call := mustHeston(t, c.m, payoff.Call{Strike: k}).Price
			dc := mustHeston(t, c.m, payoff.DigitalCall{Strike: k, Cash: cash})
			ac := mustHeston(t, c.m, payoff.AssetCall{Strike: k})
			compare(t, "digital-call vs −∂C/∂K", c.name, 1e-6, greekCheck{"Price", dc.Price, dig, cash})
			compare(t, "asset-call vs C + K·digital", c.name, 1e-6, greekCheck{"Price", ac.Price, call + k*dig/cash, c.m.Spot})
			for _, p := range []payoff.Payoff{payoff.DigitalCall{Strike: k, Cash: cash}, payoff.DigitalPut{Strike: k, Cash: cash},
				payoff.AssetCall{Strike: k}, payoff.AssetPut{Strike: k}} {
				v := mustHeston(t, c.m, p)
				ps := cash
				if p.Name() == "asset-call" || p.Name() == "asset-put" {
					ps = c.m.Spot
				}
				f := ps / (c.m.Spot * a)
				want := hestonDifferences(t, c.m, p)
				compare(t, p.Name(), c.name, 1e-5, checks(v, want, ps, ds*f, gs*f, vs*f)...)
				got, err := analytic.HestonRateTime(c.m, p)
				if err != nil {
					t.Fatal(err)
				}
				rho, theta := hestonRateTimeDifferences(t, c.m, p)
				compare(t, p.Name(), c.name, 1e-5, greekCheck{"Rho", got.Rho, rho, ps * c.m.Expiry},
					greekCheck{"Theta", got.Theta, theta, ps / c.m.Expiry})
			}
			dp := mustHeston(t, c.m, payoff.DigitalPut{Strike: k, Cash: cash})
			ap := mustHeston(t, c.m, payoff.AssetPut{Strike: k})
			compare(t, "digital call+put", c.name, 1e-13,
				checks(add(dc, dp), analytic.Values{Price: cash * d}, cash, cash/ds, cash/(ds*ds), cash/vs)...)
			compare(t, "asset call+put", c.name, 1e-13,
				checks(add(ac, ap), analytic.Values{Price: c.m.Spot * a, Delta: a}, c.m.Spot, 1, 1/ds, c.m.Spot/vs)...)
		}
	}
	m := sde.Heston{Spot: 100, Rate: 0.05, Div: 0.01, V0: 0.04, Kappa: 1.5, Theta: 0.09, Xi: 1e-4, Rho: -0.5, Expiry: 1}
	e := (1 - math.Exp(-m.Kappa*m.Expiry)) / m.Kappa
	sbar := math.Sqrt((m.Theta*m.Expiry + (m.V0-m.Theta)*e) / m.Expiry)
	dsbar := math.Sqrt(m.V0) * e / (m.Expiry * sbar)
	bs := sde.GBM{Spot: m.Spot, Rate: m.Rate, Div: m.Div, Vol: sbar, Expiry: m.Expiry}
	for _, k := range []float64{80, 100, 120} {
		for _, p := range []payoff.Payoff{payoff.DigitalCall{Strike: k, Cash: cash}, payoff.DigitalPut{Strike: k, Cash: cash},
			payoff.AssetCall{Strike: k}, payoff.AssetPut{Strike: k}} {
			want := mustBS(t, bs, p)
			want.Vega *= dsbar
			_, ds, gs, vs := hestonScales(m, k)
			ps := cash
			if p.Name() == "asset-call" || p.Name() == "asset-put" {
				ps = m.Spot
			}
			f := ps / m.Spot
			compare(t, p.Name(), "ξ→0", 1e-4, checks(mustHeston(t, m, p), want, ps, ds*f, gs*f, vs*f)...)
		}
	}
}
