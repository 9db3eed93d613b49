package greeks

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// secondOrderCases are the reference cases of Vanna and Volga: the Rho and
// Theta cases (ATM call, OTM put with dividends, digitals, a short-dated
// asset call).
var secondOrderCases = rateTimeCases

// secondOrderFDTargets returns the exact expectations of the fd Vanna and
// Volga with the bumps b: the closed-form mixed and second central
// differences.
func secondOrderFDTargets(t *testing.T, m sde.GBM, p payoff.Payoff, b Bumps) (vanna, volga float64) {
	t.Helper()
	price := func(ds, dv float64) float64 {
		mm := m
		mm.Spot += ds
		mm.Vol += dv
		v, err := analytic.BlackScholes(mm, p)
		if err != nil {
			t.Fatal(err)
		}
		return v.Price
	}
	h, d := b.Spot*m.Spot, b.Vol
	vanna = (price(h, d) - price(h, -d) - price(-h, d) + price(-h, -d)) / (4 * h * d)
	volga = (price(0, d) - 2*price(0, 0) + price(0, -d)) / (d * d)
	return vanna, volga
}

// TestSecondOrderClosedForm checks every valid (Vanna or Volga, method)
// against analytic.BlackScholesSecondOrder within 5 standard errors, fd
// against the closed-form difference with the same bumps (its
// expectation), and that the invalid methods are skipped with a reason. At
// 2¹⁸ paths a wrong coefficient in a weight (3W/σ → 2W/σ, a missing T) is
// tens of standard errors off (TestSecondOrderWeightsCatch).
func TestSecondOrderClosedForm(t *testing.T) {
	paths := int64(1 << 18)
	if testing.Short() {
		paths = 1 << 16
	}
	for _, c := range secondOrderCases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.m, c.p, Config{Paths: paths, Greeks: []Greek{Vanna, Volga}})
			cf, err := analytic.BlackScholesSecondOrder(c.m, c.p)
			if err != nil {
				t.Fatal(err)
			}
			fdVanna, fdVolga := secondOrderFDTargets(t, c.m, c.p, r.Bumps)
			for _, g := range []Greek{Vanna, Volga} {
				want, wantFD := cf.Vanna, fdVanna
				if g == Volga {
					want, wantFD = cf.Volga, fdVolga
				}
				for _, x := range c.methods {
					f, ok := r.Figure(g, x)
					if !ok {
						t.Fatalf("%s(%s) missing; skipped %v", g, x, r.Skipped)
					}
					target := want
					if x == FD {
						target = wantFD
					}
					if !within(f.Estimate, target) || !(f.StdErr > 0) {
						t.Errorf("%s(%s) = %.6g ± %.3g, want %.6g (closed form %.6g)", g, x, f.Value, f.StdErr, target, want)
					}
					if testing.Verbose() {
						t.Logf("%s(%s) = %.6g ± %.3g, want %.6g", g, x, f.Value, f.StdErr, target)
					}
				}
			}
			if len(r.Skipped) != 2*(len(AllMethods)-len(c.methods)) {
				t.Errorf("skipped %v", r.Skipped)
			}
			for _, s := range r.Skipped {
				if s.Reason == "" {
					t.Errorf("%s(%s) skipped without a reason", s.Greek, s.Method)
				}
			}
		})
	}
}

// TestSecondOrderWeightsCatch shows the closed-form test can fail: a
// weight with one coefficient changed (the W/σ terms: Vanna's −3W/σ →
// −2W/σ, Volga's 3W/σ → 2W/σ) moves the Malliavin estimate of the digital
// call case by E[D f W]/(σ S_0 σT) = Delta/σ and E[D f W]/σ = S_0 T Delta
// (E[D f W] = S_0 σ T Delta, the Delta weight), which must be over 10 of
// its standard errors at the test's path count.
func TestSecondOrderWeightsCatch(t *testing.T) {
	c := secondOrderCases[2]
	m := c.m
	r := run(t, m, c.p, Config{Paths: 1 << 18, Greeks: []Greek{Vanna, Volga}, Methods: []Method{Malliavin}})
	delta := mustBS(t, m, c.p).Delta
	for _, x := range []struct {
		g     Greek
		shift float64
	}{{Vanna, delta / m.Vol}, {Volga, m.Spot * m.Expiry * delta}} {
		f, _ := r.Figure(x.g, Malliavin)
		if math.Abs(x.shift) < 10*f.StdErr {
			t.Errorf("%s: a changed coefficient moves it by %.3g, only %.1f SE", x.g, x.shift, math.Abs(x.shift)/f.StdErr)
		}
	}
}

func mustBS(t *testing.T, m sde.GBM, p payoff.Payoff) analytic.Values {
	t.Helper()
	v, err := analytic.BlackScholes(m, p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSecondOrderVsFD compares the mixed, Malliavin and localized Vanna and
// Volga with fd under common random numbers: over k independent runs the
// paired difference's mean must be within 5 of its standard errors of the
// fd's known bump bias (closed form minus fd's expectation).
func TestSecondOrderVsFD(t *testing.T) {
	k := 8
	if testing.Short() {
		k = 4
	}
	for _, c := range secondOrderCases[:3] {
		cf, err := analytic.BlackScholesSecondOrder(c.m, c.p)
		if err != nil {
			t.Fatal(err)
		}
		fdVanna, fdVolga := secondOrderFDTargets(t, c.m, c.p, DefaultBumps(c.m))
		for _, x := range c.methods[1:] {
			for _, g := range []Greek{Vanna, Volga} {
				bias := cf.Vanna - fdVanna
				if g == Volga {
					bias = cf.Volga - fdVolga
				}
				mean, se := vsFD(t, c.m, c.p, g, x, Config{Paths: 1 << 15}, k)
				if !(math.Abs(mean-bias) <= 5*se) {
					t.Errorf("%s %s(%s) − fd = %.4g ± %.3g, want %.4g", c.name, g, x, mean, se, bias)
				}
			}
		}
	}
}

// TestSecondOrderWorkers: the same seed gives bit-identical Vanna and
// Volga whatever the worker count, and asking for them leaves the other
// figures bit-identical.
func TestSecondOrderWorkers(t *testing.T) {
	for _, c := range secondOrderCases[:3] {
		base := Config{Paths: 9*ChunkSize + 17, Seed: 3, Workers: 1, Greeks: []Greek{Delta, Gamma, Vega, Rho, Theta}}
		all := base
		all.Greeks = []Greek{Delta, Gamma, Vega, Rho, Theta, Vanna, Volga}
		one := run(t, c.m, c.p, all)
		all.Workers = 3
		three := run(t, c.m, c.p, all)
		if d := sameResult(three, one); d != "" {
			t.Errorf("%s: 3 workers: %s", c.name, d)
		}
		plain := run(t, c.m, c.p, base)
		for _, f := range plain.Figures {
			g, ok := one.Figure(f.Greek, f.Method)
			if !ok || !sameFloat(g.Value, f.Value) || !sameFloat(g.StdErr, f.StdErr) || !sameFloat(g.Lambda, f.Lambda) {
				t.Errorf("%s: %s(%s) = %+v with vanna and volga, %+v without", c.name, f.Greek, f.Method, g, f)
			}
		}
	}
}

// TestSecondOrderElsewhere: beyond European payoffs on one GBM asset under
// the exact scheme, Vanna and Volga are skipped by every method with the
// reason, and naming a method is a *MethodError.
func TestSecondOrderElsewhere(t *testing.T) {
	gbm := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	for _, c := range []struct {
		name string
		m    sde.Model
		p    payoff.Payoff
		cfg  Config
	}{
		{"euler", gbm, payoff.Call{Strike: 100}, Config{Scheme: sde.Euler, Steps: 4}},
		{"asian", gbm, payoff.AsianCall{Strike: 100, Fixings: 4}, Config{}},
	} {
		cfg := c.cfg
		cfg.Paths, cfg.Greeks = ChunkSize, []Greek{Delta, Vanna, Volga}
		r := run(t, c.m, c.p, cfg)
		n := 0
		for _, s := range r.Skipped {
			if s.Greek == Vanna || s.Greek == Volga {
				n++
				if !strings.Contains(s.Reason, "one GBM asset under the exact scheme") {
					t.Errorf("%s: %s(%s) skipped for %q", c.name, s.Greek, s.Method, s.Reason)
				}
			}
		}
		if n != 2*len(AllMethods) {
			t.Errorf("%s: %d vanna/volga skips, want %d", c.name, n, 2*len(AllMethods))
		}
		cfg.Methods = []Method{FD}
		_, err := Run(context.Background(), c.m, c.p, cfg)
		var me *MethodError
		if !errors.As(err, &me) || me.Greek != Vanna {
			t.Errorf("%s: fd vanna: err = %v, want a *MethodError for vanna", c.name, err)
		}
	}
}
