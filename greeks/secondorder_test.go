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
// asset call), which checkClosedForms and checkVsFD run.
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
	checkClosedForms(t, [2]Greek{Vanna, Volga}, secondOrderTargets)
}

// secondOrderTargets are the targets of Vanna and Volga.
func secondOrderTargets(t *testing.T, m sde.GBM, p payoff.Payoff, b Bumps) (want, wantFD map[Greek]float64) {
	t.Helper()
	cf, err := analytic.BlackScholesSecondOrder(m, p)
	if err != nil {
		t.Fatal(err)
	}
	vanna, volga := secondOrderFDTargets(t, m, p, b)
	return map[Greek]float64{Vanna: cf.Vanna, Volga: cf.Volga}, map[Greek]float64{Vanna: vanna, Volga: volga}
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
	checkVsFD(t, [2]Greek{Vanna, Volga}, secondOrderTargets)
}

// TestSecondOrderWorkers: the same seed gives bit-identical Vanna and
// Volga whatever the worker count, and asking for them leaves the other
// figures bit-identical.
func TestSecondOrderWorkers(t *testing.T) {
	checkAdded(t, []Greek{Delta, Gamma, Vega, Rho, Theta}, []Greek{Vanna, Volga})
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
