package greeks

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

func barrier(level, rebate float64, m int) payoff.Barrier {
	return payoff.Barrier{Level: level, Rebate: rebate, Fixings: m}
}

// TestLocalizedDigitalDelta checks that on a digital the localized hybrid
// Delta is unbiased and has a smaller standard error than plain Malliavin
// on the same paths, and reports the ratio.
func TestLocalizedDigitalDelta(t *testing.T) {
	for _, c := range testref.Cases {
		p := payoff.DigitalCall{Strike: c.Strike, Cash: 1}
		r := run(t, c.Model, p, Config{Paths: 500_000, Greeks: []Greek{Delta}})
		want, _ := testref.Greeks(c.Model, p)
		h, _ := r.Figure(Delta, Hybrid)
		mw, _ := r.Figure(Delta, Malliavin)
		l, _ := r.Figure(Delta, Localized)
		for _, f := range []Figure{h, mw, l} {
			if !within(f.Estimate, want[Delta]) {
				t.Errorf("%s: Delta(%s) = %v ± %v, want %v", c.Name, f.Method, f.Value, f.StdErr, want[Delta])
			}
		}
		if !(h.StdErr < mw.StdErr) {
			t.Errorf("%s: hybrid stderr %v not below malliavin's %v", c.Name, h.StdErr, mw.StdErr)
		}
		if !(h.Smoothing > 0) || h.LambdaMode != "crossfit" {
			t.Errorf("%s: hybrid smoothing %v, lambda mode %q", c.Name, h.Smoothing, h.LambdaMode)
		}
		t.Logf("%s: digital Delta stderr malliavin/hybrid = %.2f (ε = %.3g, λ = %.3f)", c.Name, mw.StdErr/h.StdErr, h.Smoothing, h.Lambda)
	}
}

// TestInOutParity checks in + out = vanilla + rebate on the same paths:
// every per-path payoff obeys it, so the prices and the fd Greeks (common
// random numbers) do to rounding.
func TestInOutParity(t *testing.T) {
	c := testref.Cases[0]
	cfg := Config{Paths: 50_000, Methods: []Method{FD}}
	for _, tc := range []struct {
		in, out, vanilla payoff.Payoff
		rebate           float64
	}{
		{payoff.UpInCall{Strike: 100, Barrier: barrier(120, 3, 12)}, payoff.UpOutCall{Strike: 100, Barrier: barrier(120, 3, 12)}, payoff.Call{Strike: 100}, 3},
		{payoff.DownInPut{Strike: 100, Barrier: barrier(85, 0, 50)}, payoff.DownOutPut{Strike: 100, Barrier: barrier(85, 0, 50)}, payoff.Put{Strike: 100}, 0},
	} {
		for _, s := range []sde.Scheme{sde.Exact, sde.Euler} {
			cfg := cfg
			cfg.Scheme, cfg.Steps = s, 100
			ri, ro := run(t, c.Model, tc.in, cfg), run(t, c.Model, tc.out, cfg)
			// The vanilla on the same grid and normals: same fixing count.
			rv := run(t, c.Model, sameGrid{tc.vanilla, tc.in.Dates()}, cfg)
			D := math.Exp(-c.Model.Rate * c.Model.Expiry)
			if got, want := ri.Price.Value+ro.Price.Value, rv.Price.Value+D*tc.rebate; math.Abs(got-want) > 1e-9*want {
				t.Errorf("%s %s: in + out = %v, vanilla + rebate = %v", s, tc.in.Name(), got, want)
			}
			for i, f := range rv.Figures {
				got := ri.Figures[i].Value + ro.Figures[i].Value
				if math.Abs(got-f.Value) > 1e-9*(1+math.Abs(f.Value)) {
					t.Errorf("%s %s: %s(fd) in + out = %v, vanilla %v", s, tc.in.Name(), f.Greek, got, f.Value)
				}
			}
		}
	}
}

// sameGrid observes a European payoff at m fixings, of which it uses the
// last, so that it is simulated on exactly the same normals as a
// path-dependent payoff with m fixings.
type sameGrid struct {
	payoff.Payoff
	m int
}

func (s sameGrid) Dates() int { return s.m }

func (s sameGrid) Eval(obs, f, grad []float64) {
	n := len(f)
	if grad != nil {
		clear(grad)
		s.Payoff.Eval(obs[(s.m-1)*n:], f, grad[(s.m-1)*n:])
		return
	}
	s.Payoff.Eval(obs[(s.m-1)*n:], f, nil)
}

// TestBarrierDeltaParity checks the localized, Malliavin and hybrid Deltas
// of barrier options for bias: Delta(in) + Delta(out) = Delta(vanilla),
// whose closed form is known. In and out run on independent seeds, so the
// standard error of the sum is √(se_in² + se_out²). Each λ mode is checked.
func TestBarrierDeltaParity(t *testing.T) {
	c := testref.Cases[0]
	for _, tc := range []struct {
		in, out, vanilla payoff.Payoff
	}{
		{payoff.UpInCall{Strike: 100, Barrier: barrier(125, 0, 12)}, payoff.UpOutCall{Strike: 100, Barrier: barrier(125, 0, 12)}, payoff.Call{Strike: 100}},
		{payoff.DownInPut{Strike: 100, Barrier: barrier(85, 0, 50)}, payoff.DownOutPut{Strike: 100, Barrier: barrier(85, 0, 50)}, payoff.Put{Strike: 100}},
	} {
		want, _ := testref.Greeks(c.Model, tc.vanilla)
		for _, mode := range []LambdaMode{Crossfit, Plugin, Pilot} {
			cfg := Config{Paths: 400_000, Greeks: []Greek{Delta}, Lambda: mode}
			ri := run(t, c.Model, tc.in, cfg)
			cfg.Seed = *seed + 7
			ro := run(t, c.Model, tc.out, cfg)
			for _, x := range []Method{Malliavin, Localized, Hybrid} {
				fi, _ := ri.Figure(Delta, x)
				fo, _ := ro.Figure(Delta, x)
				sum, se := fi.Value+fo.Value, math.Hypot(fi.StdErr, fo.StdErr)
				if math.Abs(sum-want[Delta]) > 5*se {
					t.Errorf("%s %s: Delta(%s) in + out = %v ± %v, want %v", tc.in.Name(), mode, x, sum, se, want[Delta])
				}
			}
			hi, _ := ri.Figure(Delta, Hybrid)
			mi, _ := ri.Figure(Delta, Malliavin)
			t.Logf("%s %s: stderr malliavin/hybrid = %.2f", tc.in.Name(), mode, mi.StdErr/hi.StdErr)
		}
	}
}

// TestPathDependentAgreeWithFD checks every valid estimator of Asian and
// barrier Greeks against bump-and-revalue under common random numbers. The
// standard error of the paired difference comes from 20 independent runs;
// with small bumps the fd bias (O(h²)) is far below it.
func TestPathDependentAgreeWithFD(t *testing.T) {
	c := testref.Cases[0]
	const k = 20
	for _, tc := range []struct {
		p      payoff.Payoff
		scheme sde.Scheme
		bump   float64
	}{
		{payoff.AsianCall{Strike: 100, Fixings: 12}, sde.Exact, 1e-3},
		{payoff.AsianPut{Strike: 105, Fixings: 12}, sde.Exact, 1e-3},
		{payoff.GeometricAsianCall{Strike: 100, Fixings: 12}, sde.Exact, 1e-3},
		{payoff.AsianCall{Strike: 100, Fixings: 4}, sde.Euler, 1e-3},
		{payoff.UpOutCall{Strike: 100, Barrier: barrier(125, 2, 12)}, sde.Exact, 1e-2},
		{payoff.DownInPut{Strike: 100, Barrier: barrier(90, 0, 12)}, sde.Milstein, 1e-2},
	} {
		for _, g := range AllGreeks {
			for _, x := range []Method{Pathwise, Malliavin, Localized, Hybrid} {
				if Invalid(tc.p, c.Model, tc.scheme, g, x) != "" {
					continue
				}
				mean, se := vsFD(t, c.Model, tc.p, g, x, Config{Paths: 40_000, Scheme: tc.scheme, Steps: 48,
					Bumps: Bumps{Spot: tc.bump, Vol: tc.bump}, Smoothing: 4}, k)
				if math.Abs(mean) > 5*se {
					t.Errorf("%s %s: %s(%s) − fd = %v ± %v, want 0", tc.p.Name(), tc.scheme, g, x, mean, se)
				}
			}
		}
	}
}
