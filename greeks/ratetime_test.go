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

// rateTimeCases are the reference cases of Rho and Theta: an ATM call, an
// OTM put with dividends, digitals (a jump: localized instead of pathwise)
// and a short-dated asset call.
var rateTimeCases = []struct {
	name    string
	m       sde.GBM
	p       payoff.Payoff
	methods []Method // the methods valid for the payoff
}{
	{"atm call", sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}, payoff.Call{Strike: 100},
		[]Method{FD, Pathwise, Malliavin, Hybrid}},
	{"otm put q", sde.GBM{Spot: 100, Rate: 0.03, Div: 0.02, Vol: 0.25, Expiry: 0.5}, payoff.Put{Strike: 90},
		[]Method{FD, Pathwise, Malliavin, Hybrid}},
	{"digital call", sde.GBM{Spot: 100, Rate: 0.05, Div: 0.01, Vol: 0.2, Expiry: 1}, payoff.DigitalCall{Strike: 105, Cash: 1},
		[]Method{FD, Malliavin, Localized, Hybrid}},
	{"digital put q", sde.GBM{Spot: 100, Rate: 0.02, Div: 0.04, Vol: 0.3, Expiry: 2}, payoff.DigitalPut{Strike: 95, Cash: 10},
		[]Method{FD, Malliavin, Localized, Hybrid}},
	{"asset call short", sde.GBM{Spot: 100, Rate: 0.04, Div: 0.01, Vol: 0.3, Expiry: 0.1}, payoff.AssetCall{Strike: 102},
		[]Method{FD, Malliavin, Localized, Hybrid}},
}

// fdTargets returns the exact expectations of the fd Rho and Theta with the
// bumps b: the closed-form central differences in r and T.
func fdTargets(t *testing.T, m sde.GBM, p payoff.Payoff, b Bumps) (rho, theta float64) {
	t.Helper()
	price := func(m sde.GBM) float64 {
		v, err := analytic.BlackScholes(m, p)
		if err != nil {
			t.Fatal(err)
		}
		return v.Price
	}
	ru, rd, tu, td := m, m, m, m
	ru.Rate += b.Rate
	rd.Rate -= b.Rate
	h := b.Expiry * m.Expiry
	tu.Expiry += h
	td.Expiry -= h
	return (price(ru) - price(rd)) / (2 * b.Rate), -(price(tu) - price(td)) / (2 * h)
}

// TestRateTimeClosedForm checks every valid (Rho or Theta, method) against
// analytic.BlackScholesRateTime within 5 standard errors, fd against the
// closed-form central difference with the same bumps (its expectation),
// and that the invalid methods are skipped with a reason. At 2¹⁸ paths a
// sign or factor error in a weight (a wrong −r, μ or 1/(2T) term) is tens of
// standard errors off.
func TestRateTimeClosedForm(t *testing.T) {
	checkClosedForms(t, [2]Greek{Rho, Theta}, rateTimeTargets)
}

// targets returns, for one case, the closed form of each of a pair of
// Greeks and the exact expectation of its fd estimate with the bumps b.
type targets func(t *testing.T, m sde.GBM, p payoff.Payoff, b Bumps) (want, wantFD map[Greek]float64)

// rateTimeTargets are the targets of Rho and Theta.
func rateTimeTargets(t *testing.T, m sde.GBM, p payoff.Payoff, b Bumps) (want, wantFD map[Greek]float64) {
	t.Helper()
	cf, err := analytic.BlackScholesRateTime(m, p)
	if err != nil {
		t.Fatal(err)
	}
	rho, theta := fdTargets(t, m, p, b)
	return map[Greek]float64{Rho: cf.Rho, Theta: cf.Theta}, map[Greek]float64{Rho: rho, Theta: theta}
}

// checkClosedForms runs each rate/time case for the pair gs and checks
// every valid method against the closed form within 5 standard errors, fd
// against its expectation with the run's bumps, and that the other methods
// are skipped with a reason.
func checkClosedForms(t *testing.T, gs [2]Greek, tg targets) {
	paths := int64(1 << 18)
	if testing.Short() {
		paths = 1 << 16
	}
	for _, c := range rateTimeCases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.m, c.p, Config{Paths: paths, Greeks: gs[:]})
			want, wantFD := tg(t, c.m, c.p, r.Bumps)
			for _, g := range gs {
				for _, x := range c.methods {
					f, ok := r.Figure(g, x)
					if !ok {
						t.Fatalf("%s(%s) missing; skipped %v", g, x, r.Skipped)
					}
					target := want[g]
					if x == FD {
						target = wantFD[g]
					}
					if !within(f.Estimate, target) || !(f.StdErr > 0) {
						t.Errorf("%s(%s) = %.6g ± %.3g, want %.6g (closed form %.6g)", g, x, f.Value, f.StdErr, target, want[g])
					}
					if testing.Verbose() {
						t.Logf("%s(%s) = %.6g ± %.3g, want %.6g", g, x, f.Value, f.StdErr, target)
					}
				}
				n := 0
				for _, f := range r.Figures {
					if f.Greek == g {
						n++
					}
				}
				if n != len(c.methods) {
					t.Errorf("%s: %d figures, want %d", g, n, len(c.methods))
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

// TestRateTimeVsFD compares pathwise, Malliavin and localized Rho and Theta
// with fd under common random numbers: over k independent runs the paired
// difference's mean must be within 5 of its standard errors of the fd's
// known bump bias (closed form minus fd's expectation).
func TestRateTimeVsFD(t *testing.T) {
	checkVsFD(t, [2]Greek{Rho, Theta}, rateTimeTargets)
}

// checkVsFD runs the first three rate/time cases k times for each Greek of
// gs and each method but fd, and checks the mean paired difference with fd
// against fd's known bump bias within 5 of its standard errors.
func checkVsFD(t *testing.T, gs [2]Greek, tg targets) {
	k := 8
	if testing.Short() {
		k = 4
	}
	for _, c := range rateTimeCases[:3] {
		want, wantFD := tg(t, c.m, c.p, DefaultBumps(c.m))
		for _, x := range c.methods[1:] {
			for _, g := range gs {
				bias := want[g] - wantFD[g]
				mean, se := vsFD(t, c.m, c.p, g, x, Config{Paths: 1 << 15}, k)
				if !(math.Abs(mean-bias) <= 5*se) {
					t.Errorf("%s %s(%s) − fd = %.4g ± %.3g, want %.4g", c.name, g, x, mean, se, bias)
				}
			}
		}
	}
}

// TestRateTimeWorkers: the same seed gives bit-identical Rho and Theta
// whatever the worker count, and asking for them leaves the Delta, Gamma
// and Vega figures bit-identical.
func TestRateTimeWorkers(t *testing.T) {
	checkAdded(t, []Greek{Delta, Gamma, Vega}, []Greek{Rho, Theta})
}

// checkAdded runs the first three rate/time cases with the Greeks base and
// added: bit-identical with 1 and 3 workers, and base's figures
// bit-identical to a run of base alone.
func checkAdded(t *testing.T, base, added []Greek) {
	t.Helper()
	for _, c := range rateTimeCases[:3] {
		plainCfg := Config{Paths: 9*ChunkSize + 17, Seed: 3, Workers: 1, Greeks: base}
		all := plainCfg
		all.Greeks = append(slices.Clip(base), added...)
		one := run(t, c.m, c.p, all)
		all.Workers = 3
		three := run(t, c.m, c.p, all)
		if d := sameResult(three, one); d != "" {
			t.Errorf("%s: 3 workers: %s", c.name, d)
		}
		plain := run(t, c.m, c.p, plainCfg)
		for _, f := range plain.Figures {
			g, ok := one.Figure(f.Greek, f.Method)
			if !ok || !sameFloat(g.Value, f.Value) || !sameFloat(g.StdErr, f.StdErr) || !sameFloat(g.Lambda, f.Lambda) {
				t.Errorf("%s: %s(%s) = %+v with %v, %+v without", c.name, f.Greek, f.Method, g, added, f)
			}
		}
	}
}

// TestRateTimeOnGrid: on a Milstein grid (GBM, CEV) Rho and Theta are fd
// only (Euler has the chain's weights, TestGridWeightsVsFD), for European
// and path-dependent payoffs: the other methods are skipped with the
// reason and naming one is a *MethodError.
func TestRateTimeOnGrid(t *testing.T) {
	gbm := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	cev := sde.CEV{Spot: 100, Rate: 0.03, Vol: 2, Beta: 0.5, Expiry: 1}
	for _, c := range []struct {
		name      string
		m         sde.Model
		p         payoff.Payoff
		cfg       Config
		fdRho     bool
		fdTheta   bool
		wantSkips int
	}{
		{"milstein", gbm, payoff.Call{Strike: 100}, Config{Scheme: sde.Milstein, Steps: 4}, true, true, 8},
		{"cev", cev, payoff.Put{Strike: 95}, Config{Scheme: sde.Milstein, Steps: 4}, true, true, 8},
		{"asian milstein", gbm, payoff.AsianCall{Strike: 100, Fixings: 4}, Config{Scheme: sde.Milstein, Steps: 4}, true, true, 8},
	} {
		cfg := c.cfg
		cfg.Paths, cfg.Greeks = ChunkSize, []Greek{Delta, Rho, Theta}
		r := run(t, c.m, c.p, cfg)
		n := 0
		for _, s := range r.Skipped {
			if s.Greek == Rho || s.Greek == Theta {
				n++
				if !strings.Contains(s.Reason, "fd only") {
					t.Errorf("%s: %s(%s) skipped for %q", c.name, s.Greek, s.Method, s.Reason)
				}
			}
		}
		if n != c.wantSkips {
			t.Errorf("%s: %d rho/theta skips, want %d: %v", c.name, n, c.wantSkips, r.Skipped)
		}
		if _, ok := r.Figure(Rho, FD); ok != c.fdRho {
			t.Errorf("%s: fd rho reported %v, want %v", c.name, ok, c.fdRho)
		}
		if _, ok := r.Figure(Theta, FD); ok != c.fdTheta {
			t.Errorf("%s: fd theta reported %v, want %v", c.name, ok, c.fdTheta)
		}
		cfg.Methods = []Method{Malliavin}
		_, err := Run(context.Background(), c.m, c.p, cfg)
		var me *MethodError
		if !errors.As(err, &me) || me.Greek != Rho {
			t.Errorf("%s: malliavin rho: err = %v, want a *MethodError for rho", c.name, err)
		}
	}
}

// TestRateTimeBumpErrors: out-of-range rate and expiry bumps name the field.
func TestRateTimeBumpErrors(t *testing.T) {
	m := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	for _, c := range []struct {
		b    Bumps
		name string
	}{
		{Bumps{Rate: 0.3}, "rate bump"}, {Bumps{Rate: -1}, "rate bump"},
		{Bumps{Expiry: 0.5}, "expiry bump"}, {Bumps{Expiry: math.NaN()}, "expiry bump"},
	} {
		_, err := Run(context.Background(), m, payoff.Call{Strike: 100}, Config{Paths: 100, Bumps: c.b})
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Name != c.name {
			t.Errorf("bumps %+v: err = %v, want a ParamError for %s", c.b, err, c.name)
		}
	}
}
