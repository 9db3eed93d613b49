package greeks

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// gridGreeks are the Greeks with the Euler chain's weights.
var gridGreeks = []Greek{Gamma, Vega, Rho, Theta}

// vsFDAll is vsFD for every Greek of cfg and every valid method at once:
// over k independent runs (seeds *seed·100 + i) it returns, for each
// (Greek, method) figure, the mean difference from the run's fd figure and
// its standard error, and the last run.
func vsFDAll(t *testing.T, m sde.Model, p payoff.Payoff, cfg Config, k int) (map[[2]int][2]float64, *Result) {
	t.Helper()
	var sum, sum2 = map[[2]int]float64{}, map[[2]int]float64{}
	var r *Result
	for i := range k {
		cfg.Seed = *seed*100 + uint64(i)
		r = run(t, m, p, cfg)
		for _, f := range r.Figures {
			fd, ok := r.Figure(f.Greek, FD)
			if !ok || f.Method == FD {
				continue
			}
			key := [2]int{int(f.Greek), int(f.Method)}
			d := f.Value - fd.Value
			sum[key] += d
			sum2[key] += d * d
		}
	}
	out := map[[2]int][2]float64{}
	for key, s := range sum {
		mean := s / float64(k)
		out[key] = [2]float64{mean, math.Sqrt((sum2[key]/float64(k) - mean*mean) / float64(k-1))}
	}
	return out, r
}

// TestGridWeightsVsFD checks the Euler chain's Gamma, Vega, Rho and Theta
// by every valid method (mixed or pathwise, Malliavin, localized, hybrid;
// sde/gridweights.go) against fd under common random numbers on the same
// grid: the mean difference over 12 runs of 8,192 paths is within 5 of
// its standard errors, on GBM and CEV, for a call or put, a digital, an
// up-out call and an arithmetic Asian call of 4 fixings (Theta moving the
// first fixing interval, fd by sde's EvolveAged). The differences' standard
// errors are 1–3% of Gamma and Vega for the calls (the Malliavin Vega's
// 3%: its score sums one term a step), so a wrong term in a weight shows.
// Small bumps keep fd's own O(h²) bias below them; the Theta bump of 1% of
// T gave a bias of 6 standard errors of the pathwise difference on the
// CEV put. Every hybrid's standard error is at most its parts'.
func TestGridWeightsVsFD(t *testing.T) {
	gbm := testref.Cases[0].Model
	k := 12
	if testing.Short() {
		k = 6
	}
	for _, c := range []struct {
		name string
		m    sde.Model
		p    payoff.Payoff
	}{
		{"gbm", gbm, payoff.Call{Strike: 100}},
		{"gbm", gbm, payoff.DigitalCall{Strike: 100, Cash: 1}},
		{"cev", cevCase, payoff.Put{Strike: 95}},
		{"cev", cevCase, payoff.DigitalCall{Strike: 100, Cash: 1}},
		{"cev", cevCase, payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 130, Fixings: 4}}},
		{"cev", cevCase, payoff.AsianCall{Strike: 100, Fixings: 4}},
	} {
		cfg := Config{Paths: 8192, Scheme: sde.Euler, Steps: 8, Greeks: gridGreeks,
			Bumps: Bumps{Spot: 0.01, Vol: 0.01, Rate: 0.002, Expiry: 0.001}}
		diffs, r := vsFDAll(t, c.m, c.p, cfg, k)
		n := 0
		for _, g := range gridGreeks {
			for _, x := range []Method{Pathwise, Malliavin, Localized, Hybrid} {
				if Invalid(c.p, c.m, sde.Euler, g, x) != "" {
					continue
				}
				d, ok := diffs[[2]int{int(g), int(x)}]
				if !ok {
					t.Fatalf("%s %s: no %s(%s) beside fd; skipped %v", c.name, c.p.Name(), g, x, r.Skipped)
				}
				n++
				if math.Abs(d[0]) > 5*d[1] {
					t.Errorf("%s %s: %s(%s) − fd = %.4g ± %.2g, want 0", c.name, c.p.Name(), g, x, d[0], d[1])
				}
				if testing.Verbose() {
					f, _ := r.Figure(g, x)
					t.Logf("%s %s: %s(%s) = %.5g ± %.2g, − fd = %.3g ± %.2g", c.name, c.p.Name(), g, x, f.Value, f.StdErr, d[0], d[1])
				}
			}
			h, _ := r.Figure(g, Hybrid)
			for _, x := range []Method{Pathwise, Malliavin, Localized} {
				if f, ok := r.Figure(g, x); ok && h.StdErr > f.StdErr*1.01 {
					t.Errorf("%s %s: %s hybrid stderr %.3g above %s's %.3g", c.name, c.p.Name(), g, h.StdErr, x, f.StdErr)
				}
			}
		}
		if n < 8 {
			t.Errorf("%s %s: only %d figures checked", c.name, c.p.Name(), n)
		}
	}
}

// TestGridGammaSteps: with one step a fixing the Euler chain's Malliavin
// Gamma weight (which splits the first fixing interval) is refused by name
// and skipped otherwise, while the mixed (pathwise) Gamma stays.
func TestGridGammaSteps(t *testing.T) {
	p := payoff.AsianCall{Strike: 100, Fixings: 4}
	r := run(t, cevCase, p, Config{Paths: ChunkSize, Scheme: sde.Euler, Steps: 4, Greeks: []Greek{Gamma}})
	if _, ok := r.Figure(Gamma, Pathwise); !ok {
		t.Errorf("no pathwise gamma at one step a fixing; skipped %v", r.Skipped)
	}
	for _, x := range []Method{Malliavin, Hybrid} {
		if _, ok := r.Figure(Gamma, x); ok {
			t.Errorf("gamma(%s) reported at one step a fixing", x)
		}
	}
	_, err := Run(t.Context(), cevCase, p, Config{Paths: ChunkSize, Scheme: sde.Euler, Steps: 4, Greeks: []Greek{Gamma},
		Methods: []Method{Malliavin}})
	if err == nil {
		t.Error("malliavin gamma at one step a fixing: no error")
	}
}

// TestGridRhoThetaClosedForm checks the Euler chain's Rho and Theta by
// every valid method on GBM against the Black–Scholes closed form within 5
// standard errors, for a call and a digital at 64 steps (the chain's O(Δt)
// weak error is below the standard errors of 2¹⁷ paths here, as for fd in
// TestGridRhoTheta).
func TestGridRhoThetaClosedForm(t *testing.T) {
	m := testref.Cases[0].Model
	paths := int64(1 << 17)
	if testing.Short() {
		paths = 1 << 15
	}
	for _, p := range []payoff.Payoff{payoff.Call{Strike: 100}, payoff.DigitalCall{Strike: 100, Cash: 1}} {
		cf, err := analytic.BlackScholesRateTime(m, p)
		if err != nil {
			t.Fatal(err)
		}
		r := run(t, m, p, Config{Paths: paths, Scheme: sde.Euler, Steps: 64, Greeks: []Greek{Rho, Theta}})
		n := 0
		for _, f := range r.Figures {
			want := cf.Rho
			if f.Greek == Theta {
				want = cf.Theta
			}
			n++
			if !within(f.Estimate, want) {
				t.Errorf("euler %s: %s(%s) = %v ± %v, want %v", p.Name(), f.Greek, f.Method, f.Value, f.StdErr, want)
			}
		}
		if n != 8 {
			t.Errorf("euler %s: %d rho/theta figures, want 8; skipped %v", p.Name(), n, r.Skipped)
		}
	}
}

// TestGridBarrierParity checks the Euler chain's Gamma, Vega and Rho of
// CEV up-in and up-out calls (4 fixings, 8 steps) by the Malliavin,
// localized and hybrid estimators through in + out = the vanilla call on
// the same chain, whose pathwise (mixed) figures TestGridWeightsVsFD ties
// to fd within 1–2%; independent seeds, so the sum's standard error is
// that of the three figures together. It logs the barrier Gamma's
// standard-error ratio fd : hybrid at equal paths.
func TestGridBarrierParity(t *testing.T) {
	paths := int64(1 << 17)
	if testing.Short() {
		paths = 1 << 15
	}
	bar := payoff.Barrier{Level: 130, Fixings: 4}
	cfg := Config{Paths: paths, Scheme: sde.Euler, Steps: 8, Greeks: []Greek{Gamma, Vega, Rho}}
	van := run(t, cevCase, payoff.Call{Strike: 100}, cfg)
	cfg.Seed = *seed + 7
	in := run(t, cevCase, payoff.UpInCall{Strike: 100, Barrier: bar}, cfg)
	cfg.Seed = *seed + 11
	out := run(t, cevCase, payoff.UpOutCall{Strike: 100, Barrier: bar}, cfg)
	for _, g := range []Greek{Gamma, Vega, Rho} {
		v, _ := van.Figure(g, Hybrid)
		for _, x := range []Method{Malliavin, Localized, Hybrid} {
			fi, ok1 := in.Figure(g, x)
			fo, ok2 := out.Figure(g, x)
			if !ok1 || !ok2 {
				t.Fatalf("%s(%s) missing: skipped %v", g, x, out.Skipped)
			}
			sum, se := fi.Value+fo.Value, math.Sqrt(fi.StdErr*fi.StdErr+fo.StdErr*fo.StdErr+v.StdErr*v.StdErr)
			if math.Abs(sum-v.Value) > 5*se {
				t.Errorf("cev %s(%s) in + out = %v, vanilla %v, ± %v", g, x, sum, v.Value, se)
			}
		}
	}
	fd, _ := out.Figure(Gamma, FD)
	h, _ := out.Figure(Gamma, Hybrid)
	t.Logf("cev up-out call (K 100, H 130, 4 fixings, 8 euler steps) Gamma at %d paths: fd %.4g ± %.2g, hybrid %.4g ± %.2g: stderr ratio %.1f",
		paths, fd.Value, fd.StdErr, h.Value, h.StdErr, fd.StdErr/h.StdErr)
}
