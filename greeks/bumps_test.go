package greeks

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestDefaultBumpBias checks the width-scaled default bumps on a
// short-dated case (T = 0.05, σ = 0.3): the bias of the fd Delta, Gamma and
// Vega, which is exactly the closed form's central difference at the bump
// minus the closed-form Greek, must stay below one standard error of 10⁸
// paths. That standard error is the fd estimator's at a smaller run scaled
// by √(N/10⁸). The test guards itself: at the former fixed 1% spot bump the
// Delta or Gamma bias exceeds that standard error, so it can fail.
func TestDefaultBumpBias(t *testing.T) {
	const big = 1e8
	m := sde.GBM{Spot: 100, Rate: 0.03, Div: 0.01, Vol: 0.3, Expiry: 0.05}
	b := DefaultBumps(m)
	if want := (Bumps{Spot: 0.0017, Vol: 0.0075, Rate: 0.034, Expiry: DefaultBumpScale}); b != want {
		t.Fatalf("DefaultBumps = %+v, want %+v (0.05·σ√T and 0.05·σ to two digits)", b, want)
	}
	price := func(m sde.GBM, p payoff.Payoff) float64 {
		v, err := analytic.BlackScholes(m, p)
		if err != nil {
			t.Fatal(err)
		}
		return v.Price
	}
	// bias returns the central differences' bias at bumps b.
	bias := func(p payoff.Payoff, b Bumps) map[Greek]float64 {
		v, err := analytic.BlackScholes(m, p)
		if err != nil {
			t.Fatal(err)
		}
		h := b.Spot * m.Spot
		up, mid, dn := price(m.Bump(m.Spot+h, m.Vol).(sde.GBM), p), v.Price, price(m.Bump(m.Spot-h, m.Vol).(sde.GBM), p)
		vu, vd := price(m.Bump(m.Spot, m.Vol+b.Vol).(sde.GBM), p), price(m.Bump(m.Spot, m.Vol-b.Vol).(sde.GBM), p)
		return map[Greek]float64{
			Delta: (up-dn)/(2*h) - v.Delta,
			Gamma: (up-2*mid+dn)/(h*h) - v.Gamma,
			Vega:  (vu-vd)/(2*b.Vol) - v.Vega,
		}
	}
	const n = 400_000
	old := Bumps{Spot: 0.01, Vol: 0.01}
	oldFails := false
	for _, p := range []payoff.Payoff{payoff.Call{Strike: 100}, payoff.Put{Strike: 95}, payoff.Call{Strike: 105}, payoff.DigitalCall{Strike: 100, Cash: 1}, payoff.DigitalPut{Strike: 97, Cash: 1}} {
		r := run(t, m, p, Config{Paths: n, Greeks: []Greek{Delta, Gamma, Vega}, Methods: []Method{FD}})
		if r.Bumps != b {
			t.Fatalf("%s: run used bumps %+v, want the defaults %+v", p.Name(), r.Bumps, b)
		}
		now, was := bias(p, b), bias(p, old)
		for _, g := range []Greek{Delta, Gamma, Vega} {
			f, ok := r.Figure(g, FD)
			if !ok {
				t.Fatalf("%s: no fd %s", p.Name(), g)
			}
			se := f.StdErr * math.Sqrt(n/big)
			t.Logf("%s %s: bias %.3g at the default bump, %.3g at 1%%; SE at 10⁸ paths %.3g", p.Name(), g, now[g], was[g], se)
			if !(math.Abs(now[g]) < se) {
				t.Errorf("%s: fd %s bias %.3g at bumps %+v exceeds the standard error %.3g of 10⁸ paths", p.Name(), g, now[g], b, se)
			}
			if g != Vega && math.Abs(was[g]) > se {
				oldFails = true
			}
		}
	}
	if !oldFails {
		t.Error("no fd bias at the former 1% spot bump exceeds the standard error of 10⁸ paths: the test cannot fail")
	}
}

// TestDefaultBumps pins the rule on each model: 0.025·σ√T and 0.025·σ to two
// significant digits, σ the lognormal volatility at the spot (CEV), the
// smallest asset volatility (several assets), clamped to [MinBump, 0.25].
func TestDefaultBumps(t *testing.T) {
	corr, err := sde.NewCorrelated([]float64{100, 95}, []float64{0, 0.03}, []float64{0.25, 0.2}, 0.05, 1, [][]float64{{1, 0.6}, {0.6, 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    sde.Model
		want Bumps
	}{
		{"gbm σ 0.2 T 1", sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}, Bumps{0.005, 0.005, 0.005, DefaultBumpScale}},
		{"gbm σ 0.3 T 0.05", sde.GBM{Spot: 100, Vol: 0.3, Expiry: 0.05}, Bumps{0.0017, 0.0075, 0.034, DefaultBumpScale}},
		{"gbm σ 0.6 T 4", sde.GBM{Spot: 50, Vol: 0.6, Expiry: 4}, Bumps{0.03, 0.015, 0.0075, DefaultBumpScale}},
		{"gbm clamped up", sde.GBM{Spot: 100, Vol: 0.001, Expiry: 1e-5}, Bumps{MinBump, 0.000025, 0.0079, DefaultBumpScale}},
		{"gbm clamped down", sde.GBM{Spot: 100, Vol: 5, Expiry: 30}, Bumps{0.25, 0.12, 0.023, DefaultBumpScale}}, // 0.125 to two digits
		// σ_loc = 2·100^(−1/2) = 0.2; the vol step is relative to the CEV parameter.
		{"cev", sde.CEV{Spot: 100, Rate: 0.05, Vol: 2, Beta: 0.5, Expiry: 1}, Bumps{0.005, 0.05, 0.005, DefaultBumpScale}},
		{"correlated", corr, Bumps{0.005, 0.005, 0.005, DefaultBumpScale}},
	} {
		if got := DefaultBumps(c.m); got != c.want {
			t.Errorf("%s: DefaultBumps = %+v, want %+v", c.name, got, c.want)
		}
	}
}
