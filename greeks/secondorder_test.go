package greeks

import (
	"context"
	"errors"
	"math"
	"slices"
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

// TestSecondOrderElsewhere: beyond GBM under the exact scheme (European
// payoffs; Asian and barrier ones on one asset, TestGeometricAsianVannaVolga),
// Vanna and Volga are skipped by every method with the reason, and naming a
// method is a *MethodError.
func TestSecondOrderElsewhere(t *testing.T) {
	gbm := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	for _, c := range []struct {
		name string
		m    sde.Model
		p    payoff.Payoff
		cfg  Config
	}{
		{"euler", gbm, payoff.Call{Strike: 100}, Config{Scheme: sde.Euler, Steps: 4}},
		{"asian euler", gbm, payoff.AsianCall{Strike: 100, Fixings: 4}, Config{Scheme: sde.Euler, Steps: 8}},
	} {
		cfg := c.cfg
		cfg.Paths, cfg.Greeks = ChunkSize, []Greek{Delta, Vanna, Volga}
		r := run(t, c.m, c.p, cfg)
		n := 0
		for _, s := range r.Skipped {
			if s.Greek == Vanna || s.Greek == Volga {
				n++
				if !strings.Contains(s.Reason, "under the exact scheme") {
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

// TestMultiVannaVolga checks each asset's Vanna ∂²V/∂S_a∂σ_a and Volga
// ∂²V/∂σ_a² of two-asset options (a geometric basket call, an exchange
// option) by every valid method against central differences of the closed
// form (steps 10⁻³ of the spot and 10⁻⁴ in σ, whose error is far below the
// standard errors), fd against the closed form's difference with the run's
// bumps. The exchange option's Malliavin figures catch a weight that drops
// ρ⁻¹_aa (ρ = 0.5: ρ⁻¹_aa = 4/3) in Vanna's or Volga's g-term.
func TestMultiVannaVolga(t *testing.T) {
	paths := int64(1 << 18)
	if testing.Short() {
		paths = 1 << 16
	}
	m := correlated(t, []float64{100, 95}, []float64{0.01, 0.03}, []float64{0.25, 0.2}, constCorr(2, 0.5))
	for _, p := range []payoff.Payoff{
		payoff.GeometricBasketCall{Strike: 100, Weights: []float64{0.5, 0.5}},
		payoff.SpreadCall{Strike: 0},
	} {
		// price with asset a's spot and vol moved by ds, dv.
		price := func(a int, ds, dv float64) float64 {
			mm := m
			mm.Spot, mm.Vol = slices.Clone(m.Spot), slices.Clone(m.Vol)
			mm.Spot[a] += ds
			mm.Vol[a] += dv
			v, err := analytic.MultiPrice(mm, p)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		mixed := func(a int, h, d float64) float64 {
			return (price(a, h, d) - price(a, h, -d) - price(a, -h, d) + price(a, -h, -d)) / (4 * h * d)
		}
		second := func(a int, d float64) float64 {
			return (price(a, 0, d) - 2*price(a, 0, 0) + price(a, 0, -d)) / (d * d)
		}
		r := run(t, m, p, Config{Paths: paths, Greeks: []Greek{Vanna, Volga}})
		n := 0
		for _, f := range r.Figures {
			a := f.Asset
			want := map[Greek]float64{Vanna: mixed(a, 1e-3*m.Spot[a], 1e-4), Volga: second(a, 1e-3)}[f.Greek]
			if f.Method == FD {
				want = map[Greek]float64{Vanna: mixed(a, r.Bumps.Spot*m.Spot[a], r.Bumps.Vol), Volga: second(a, r.Bumps.Vol)}[f.Greek]
			}
			n++
			if !within(f.Estimate, want) || !(f.StdErr > 0) {
				t.Errorf("%s asset %d %s(%s) = %.6g ± %.3g, want %.6g", p.Name(), a, f.Greek, f.Method, f.Value, f.StdErr, want)
			}
			if testing.Verbose() {
				t.Logf("%s asset %d %s(%s) = %.6g ± %.3g, want %.6g", p.Name(), a, f.Greek, f.Method, f.Value, f.StdErr, want)
			}
		}
		if n != 16 { // 2 Greeks × 2 assets × fd, pathwise, malliavin, hybrid
			t.Errorf("%s: %d figures, want 16 (skipped %v)", p.Name(), n, r.Skipped)
		}
	}
}
