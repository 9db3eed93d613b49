package greeks

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestGeometricAsianGammaVega checks the geometric Asian Gamma and Vega by
// every valid method against the closed form of analytic.BlackScholes
// (Kemna–Vorst) within 5 standard errors, fd against the closed-form
// central difference with the same bumps (its expectation).
func TestGeometricAsianGammaVega(t *testing.T) {
	paths := int64(1 << 18)
	if testing.Short() {
		paths = 1 << 16
	}
	for _, c := range []struct {
		m sde.GBM
		p payoff.Payoff
	}{
		{testref.Cases[0].Model, payoff.GeometricAsianCall{Strike: 100, Fixings: 12}},
		{testref.Cases[1].Model, payoff.GeometricAsianPut{Strike: 105, Fixings: 50}},
	} {
		r := run(t, c.m, c.p, Config{Paths: paths, Greeks: []Greek{Gamma, Vega}})
		cf := mustBS(t, c.m, c.p)
		price := func(ds, dv float64) float64 {
			mm := c.m
			mm.Spot += ds
			mm.Vol += dv
			return mustBS(t, mm, c.p).Price
		}
		h, dv := r.Bumps.Spot*c.m.Spot, r.Bumps.Vol
		fdWant := map[Greek]float64{
			Gamma: (price(h, 0) - 2*price(0, 0) + price(-h, 0)) / (h * h),
			Vega:  (price(0, dv) - price(0, -dv)) / (2 * dv),
		}
		want := map[Greek]float64{Gamma: cf.Gamma, Vega: cf.Vega}
		for _, g := range []Greek{Gamma, Vega} {
			for _, x := range AllMethods[:3] { // fd, pathwise, malliavin
				if x == Localized {
					continue
				}
				f, ok := r.Figure(g, x)
				if !ok {
					t.Fatalf("%s %s(%s) missing; skipped %v", c.p.Name(), g, x, r.Skipped)
				}
				target := want[g]
				if x == FD {
					target = fdWant[g]
				}
				if !within(f.Estimate, target) {
					t.Errorf("%s %s(%s) = %.6g ± %.3g, want %.6g", c.p.Name(), g, x, f.Value, f.StdErr, target)
				}
			}
			f, ok := r.Figure(g, Hybrid)
			if !ok || !within(f.Estimate, want[g]) {
				t.Errorf("%s %s(hybrid) = %.6g ± %.3g, want %.6g", c.p.Name(), g, f.Value, f.StdErr, want[g])
			}
			m, _ := r.Figure(g, Malliavin)
			t.Logf("%s %s: malliavin %.5g ± %.2g, hybrid %.5g ± %.2g, closed form %.5g", c.p.Name(), g, m.Value, m.StdErr, f.Value, f.StdErr, want[g])
		}
	}
}

// barrierParity runs in and out barrier options of one strike and barrier
// (no rebate) on independent seeds and checks, for Gamma and Vega by the
// Malliavin, localized and hybrid estimators, that in + out is the
// vanilla's closed form within 5 standard errors of the sum. It returns
// the out option's result.
func barrierParity(t *testing.T, m sde.GBM, in, out, vanilla payoff.Payoff, paths int64) *Result {
	t.Helper()
	want, _ := testref.Greeks(m, vanilla)
	cfg := Config{Paths: paths, Greeks: []Greek{Gamma, Vega}}
	ri := run(t, m, in, cfg)
	cfg.Seed = *seed + 7
	ro := run(t, m, out, cfg)
	for _, g := range []Greek{Gamma, Vega} {
		for _, x := range []Method{Malliavin, Localized, Hybrid} {
			fi, ok1 := ri.Figure(g, x)
			fo, ok2 := ro.Figure(g, x)
			if !ok1 || !ok2 {
				t.Fatalf("%s %s(%s) missing: skipped %v", in.Name(), g, x, ri.Skipped)
			}
			sum, se := fi.Value+fo.Value, math.Hypot(fi.StdErr, fo.StdErr)
			if math.Abs(sum-want[g]) > 5*se {
				t.Errorf("%s %s(%s) in + out = %v ± %v, want %v", in.Name(), g, x, sum, se, want[g])
			}
		}
	}
	return ro
}

// TestBarrierGammaVegaParity checks the barrier Gamma and Vega weights for
// bias through in + out = vanilla (the vanilla's closed form), for an up
// call and a down put monitored 12 times, and reports the standard-error
// ratio fd : best estimator of the barrier Gamma at equal paths.
func TestBarrierGammaVegaParity(t *testing.T) {
	paths := int64(1 << 18)
	if testing.Short() {
		paths = 1 << 16
	}
	m := testref.Cases[0].Model
	bar := func(level float64) payoff.Barrier { return payoff.Barrier{Level: level, Fixings: 12} }
	ro := barrierParity(t, m, payoff.UpInCall{Strike: 100, Barrier: bar(125)}, payoff.UpOutCall{Strike: 100, Barrier: bar(125)},
		payoff.Call{Strike: 100}, paths)
	barrierParity(t, m, payoff.DownInPut{Strike: 100, Barrier: bar(85)}, payoff.DownOutPut{Strike: 100, Barrier: bar(85)},
		payoff.Put{Strike: 100}, paths)
	fd, _ := ro.Figure(Gamma, FD)
	h, _ := ro.Figure(Gamma, Hybrid)
	l, _ := ro.Figure(Gamma, Localized)
	mw, _ := ro.Figure(Gamma, Malliavin)
	if !(h.StdErr < fd.StdErr) {
		t.Errorf("up-out call Gamma: hybrid stderr %v not below fd's %v at %d paths", h.StdErr, fd.StdErr, paths)
	}
	t.Logf("up-out call (K 100, H 125, 12 fixings) Gamma at %d paths: fd %.4g ± %.2g, malliavin %.4g ± %.2g, localized %.4g ± %.2g, hybrid %.4g ± %.2g; "+
		"stderr fd : hybrid = %.2f (variance ratio %.1f)", paths, fd.Value, fd.StdErr, mw.Value, mw.StdErr, l.Value, l.StdErr,
		h.Value, h.StdErr, fd.StdErr/h.StdErr, math.Pow(fd.StdErr/h.StdErr, 2))
}

// TestPathDepMethodsOffered: Asian and barrier payoffs with several
// fixings on one GBM asset under the exact scheme offer the Malliavin,
// localized (barriers) and hybrid Gamma and Vega; on a Milstein grid they
// do not (Euler has the chain's weights, TestGridWeightsVsFD).
func TestPathDepMethodsOffered(t *testing.T) {
	m := testref.Cases[0].Model
	for _, p := range []payoff.Payoff{
		payoff.AsianCall{Strike: 100, Fixings: 12}, payoff.GeometricAsianPut{Strike: 100, Fixings: 12},
		payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 125, Fixings: 12}},
	} {
		for _, g := range []Greek{Gamma, Vega} {
			for _, x := range []Method{Malliavin, Hybrid} {
				if why := Invalid(p, m, sde.Exact, g, x); why != "" {
					t.Errorf("%s %s(%s): %s", p.Name(), g, x, why)
				}
				if why := Invalid(p, m, sde.Milstein, g, x); why == "" {
					t.Errorf("%s %s(%s) offered on a milstein grid", p.Name(), g, x)
				}
			}
		}
	}
}

// TestPathDepCoverage: over 200 seeds the 95% intervals of a barrier
// Gamma (hybrid, up-out call) and of a geometric Asian Vega (hybrid)
// contain the truth about 95% of the time. The Asian's truth is its closed
// form; the barrier's is a run of 2²² paths, whose standard error is 1/16
// of a seed's. With 200 seeds the share's standard deviation is 1.5%; the
// test accepts [0.89, 0.995].
func TestPathDepCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("coverage study skipped under -short")
	}
	m := testref.Cases[0].Model
	const seeds, paths = 200, 1 << 14
	bar := payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 125, Fixings: 12}}
	ref := run(t, m, bar, Config{Paths: paths << 8, Seed: 991, Greeks: []Greek{Gamma}, Methods: []Method{Hybrid}})
	refG, _ := ref.Figure(Gamma, Hybrid)
	geo := payoff.GeometricAsianCall{Strike: 100, Fixings: 12}
	geoVega := mustBS(t, m, geo).Vega
	for _, c := range []struct {
		name  string
		p     payoff.Payoff
		g     Greek
		truth float64
		eps   float64
	}{
		{"barrier gamma", bar, Gamma, refG.Value, ref.Smoothing},
		{"geometric asian vega", geo, Vega, geoVega, 0},
	} {
		hits := 0
		for s := range seeds {
			r := run(t, m, c.p, Config{Paths: paths, Seed: 5000 + uint64(s), Greeks: []Greek{c.g}, Methods: []Method{Hybrid},
				Smoothing: c.eps, Workers: 1})
			f, _ := r.Figure(c.g, Hybrid)
			if lo, hi := f.CI95(); lo <= c.truth && c.truth <= hi {
				hits++
			}
		}
		share := float64(hits) / seeds
		if share < 0.89 || share > 0.995 {
			t.Errorf("%s: %d of %d 95%% intervals contain %v", c.name, hits, seeds, c.truth)
		}
		t.Logf("%s: coverage %.3f over %d seeds of %d paths (truth %.5g)", c.name, share, seeds, paths, c.truth)
	}
}
