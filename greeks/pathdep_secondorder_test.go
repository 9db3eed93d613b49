package greeks

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestGeometricAsianVannaVolga checks the path-dependent Vanna and Volga
// (secondorder.go) of a discrete geometric Asian call by every method
// against the closed form (Kemna–Vorst, differentiated: central
// differences in σ of its closed-form Delta and Vega, step 1e-5) within 5
// standard errors; fd against the closed form's own mixed and second
// differences with the run's bumps (its expectation).
func TestGeometricAsianVannaVolga(t *testing.T) {
	paths := int64(1 << 18)
	if testing.Short() {
		paths = 1 << 16
	}
	m := testref.Cases[0].Model
	p := payoff.GeometricAsianCall{Strike: 100, Fixings: 12}
	at := func(ds, dv float64) analytic.Values {
		mm := m
		mm.Spot += ds
		mm.Vol += dv
		return mustBS(t, mm, p)
	}
	const e = 1e-5
	want := map[Greek]float64{
		Vanna: (at(0, e).Delta - at(0, -e).Delta) / (2 * e),
		Volga: (at(0, e).Vega - at(0, -e).Vega) / (2 * e),
	}
	// The closed form the report shows beside the figures is the same target.
	if cf, err := analytic.BlackScholesSecondOrder(m, p); err != nil || math.Abs(cf.Vanna-want[Vanna]) > 1e-6 || math.Abs(cf.Volga-want[Volga]) > 1e-6*m.Spot {
		t.Errorf("closed form %+v (%v), differences %v", cf, err, want)
	}
	r := run(t, m, p, Config{Paths: paths, Greeks: []Greek{Vanna, Volga}})
	h, dv := r.Bumps.Spot*m.Spot, r.Bumps.Vol
	fdWant := map[Greek]float64{
		Vanna: (at(h, dv).Price - at(h, -dv).Price - at(-h, dv).Price + at(-h, -dv).Price) / (4 * h * dv),
		Volga: (at(0, dv).Price - 2*at(0, 0).Price + at(0, -dv).Price) / (dv * dv),
	}
	n := 0
	for _, f := range r.Figures {
		target := want[f.Greek]
		if f.Method == FD {
			target = fdWant[f.Greek]
		}
		n++
		if !within(f.Estimate, target) {
			t.Errorf("%s(%s) = %.6g ± %.3g, want %.6g", f.Greek, f.Method, f.Value, f.StdErr, target)
		}
		t.Logf("%s(%s) = %.5g ± %.2g, closed form %.5g", f.Greek, f.Method, f.Value, f.StdErr, target)
	}
	if n != 8 {
		t.Errorf("%d figures, want 8 (fd, pathwise, malliavin, hybrid); skipped %v", n, r.Skipped)
	}
}

// TestBarrierVannaVolgaParity checks the barrier Vanna and Volga by the
// Malliavin, localized and hybrid estimators through in + out = vanilla
// (an up call, 12 fixings, independent seeds) against the vanilla's
// closed form, within 5 standard errors of the sum; and an arithmetic
// Asian's mixed and Malliavin ones against fd under common random numbers.
func TestBarrierVannaVolgaParity(t *testing.T) {
	paths := int64(1 << 17)
	if testing.Short() {
		paths = 1 << 15
	}
	m := testref.Cases[0].Model
	bar := payoff.Barrier{Level: 125, Fixings: 12}
	so, err := analytic.BlackScholesSecondOrder(m, payoff.Call{Strike: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Greek]float64{Vanna: so.Vanna, Volga: so.Volga}
	cfg := Config{Paths: paths, Greeks: []Greek{Vanna, Volga}}
	in := run(t, m, payoff.UpInCall{Strike: 100, Barrier: bar}, cfg)
	cfg.Seed = *seed + 7
	out := run(t, m, payoff.UpOutCall{Strike: 100, Barrier: bar}, cfg)
	for _, g := range []Greek{Vanna, Volga} {
		for _, x := range []Method{Malliavin, Localized, Hybrid} {
			fi, ok1 := in.Figure(g, x)
			fo, ok2 := out.Figure(g, x)
			if !ok1 || !ok2 {
				t.Fatalf("%s(%s) missing: skipped %v", g, x, out.Skipped)
			}
			sum, se := fi.Value+fo.Value, math.Hypot(fi.StdErr, fo.StdErr)
			if math.Abs(sum-want[g]) > 5*se {
				t.Errorf("up call %s(%s) in + out = %v ± %v, want %v", g, x, sum, se, want[g])
			}
			t.Logf("up call %s(%s) in + out = %.5g ± %.2g, vanilla %.5g", g, x, sum, se, want[g])
		}
	}
	asian := payoff.AsianCall{Strike: 100, Fixings: 12}
	for _, g := range []Greek{Vanna, Volga} {
		for _, x := range []Method{Pathwise, Malliavin, Hybrid} {
			mean, se := vsFD(t, m, asian, g, x, Config{Paths: 8192, Bumps: Bumps{Spot: 0.01, Vol: 0.01}}, 10)
			if math.Abs(mean) > 5*se {
				t.Errorf("asian %s(%s) − fd = %v ± %v, want 0", g, x, mean, se)
			}
		}
	}
}

// TestPathDepSecondOrderOffered: Vanna and Volga of Asian and barrier
// payoffs on one GBM asset are offered under the exact scheme, not on a
// grid.
func TestPathDepSecondOrderOffered(t *testing.T) {
	m := testref.Cases[0].Model
	for _, p := range []payoff.Payoff{payoff.AsianCall{Strike: 100, Fixings: 4},
		payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 125, Fixings: 4}}} {
		if why := Invalid(p, m, sde.Exact, Vanna, Hybrid); why != "" {
			t.Errorf("%s vanna(hybrid): %s", p.Name(), why)
		}
		if why := Invalid(p, m, sde.Euler, Volga, FD); why == "" {
			t.Errorf("%s volga(fd) offered on a grid", p.Name())
		}
	}
}
