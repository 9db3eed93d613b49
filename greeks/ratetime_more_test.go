package greeks

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// geoAsianAged returns the price of a geometric Asian call (sign 1) or put
// (−1) on m whose m fixings are t_j + ε, t_j = jT/m, paid at T + ε: the
// contract ε years younger. ln G is normal with mean
// ln S + (r − q − σ²/2)(t̄ + ε) and variance σ²(v + ε), v = T(m+1)(2m+1)/(6m²)
// (every min(t_i, t_j) grows by ε); Black's formula on F = E[G].
func geoAsianAged(m sde.GBM, k float64, fix int, sign, eps float64) float64 {
	fm := float64(fix)
	tbar := m.Expiry*(fm+1)/(2*fm) + eps
	v := m.Expiry*(fm+1)*(2*fm+1)/(6*fm*fm) + eps
	sg := m.Vol * math.Sqrt(v)
	f := m.Spot * math.Exp((m.Rate-m.Div-m.Vol*m.Vol/2)*tbar+sg*sg/2)
	d1 := (math.Log(f/k) + sg*sg/2) / sg
	d2 := d1 - sg
	n := distuv.UnitNormal
	return math.Exp(-m.Rate*(m.Expiry+eps)) * sign * (f*n.CDF(sign*d1) - k*n.CDF(sign*d2))
}

// TestGeometricAsianRhoTheta checks the geometric Asian Rho and Theta by
// every valid method against the closed form's central differences (step
// 10⁻⁵, exact to far below the standard errors): Rho in r with the
// schedule fixed, Theta in the contract's age (every fixing date and the
// payment moving together). fd is checked against the closed-form central
// difference with its own steps. A 10% error in the μ term of the Theta
// weight is over 5 standard errors off in the third case.
func TestGeometricAsianRhoTheta(t *testing.T) {
	paths := int64(1 << 18)
	if testing.Short() {
		paths = 1 << 16
	}
	for _, c := range []struct {
		m    sde.GBM
		k    float64
		fix  int
		sign float64
	}{
		{testref.Cases[0].Model, 100, 12, 1},
		{testref.Cases[1].Model, 105, 50, -1},
		// A large drift μ = r − q − σ²/2 = 0.205, so that the μ terms of the
		// Theta weight and path derivative weigh on the result.
		{sde.GBM{Spot: 100, Rate: 0.25, Vol: 0.3, Expiry: 1}, 110, 4, 1},
	} {
		var p payoff.Payoff = payoff.GeometricAsianCall{Strike: c.k, Fixings: c.fix}
		if c.sign < 0 {
			p = payoff.GeometricAsianPut{Strike: c.k, Fixings: c.fix}
		}
		if got, want := geoAsianAged(c.m, c.k, c.fix, c.sign, 0), mustBS(t, c.m, p).Price; math.Abs(got-want) > 1e-12*want {
			t.Fatalf("%s: aged price at 0 = %v, closed form %v", p.Name(), got, want)
		}
		rate := func(h float64) float64 { mm := c.m; mm.Rate += h; return mustBS(t, mm, p).Price }
		aged := func(h float64) float64 { return geoAsianAged(c.m, c.k, c.fix, c.sign, h) }
		const e = 1e-5
		want := map[Greek]float64{Rho: (rate(e) - rate(-e)) / (2 * e), Theta: -(aged(e) - aged(-e)) / (2 * e)}
		// The closed form the report shows beside the figures is the same
		// target (the engine's aging Theta).
		if cf, err := analytic.BlackScholesRateTime(c.m, p); err != nil || math.Abs(cf.Rho-want[Rho]) > 1e-6*c.m.Spot || math.Abs(cf.Theta-want[Theta]) > 1e-6*c.m.Spot {
			t.Errorf("%s: closed form %+v (%v), differences %v", p.Name(), cf, err, want)
		}
		r := run(t, c.m, p, Config{Paths: paths, Greeks: []Greek{Rho, Theta}})
		hr, ht := r.Bumps.Rate, r.Bumps.Expiry*c.m.Expiry/float64(c.fix)
		wantFD := map[Greek]float64{Rho: (rate(hr) - rate(-hr)) / (2 * hr), Theta: -(aged(ht) - aged(-ht)) / (2 * ht)}
		for _, g := range []Greek{Rho, Theta} {
			for _, x := range []Method{FD, Pathwise, Malliavin, Hybrid} {
				f, ok := r.Figure(g, x)
				if !ok {
					t.Fatalf("%s %s(%s) missing: skipped %v", p.Name(), g, x, r.Skipped)
				}
				target := want[g]
				if x == FD {
					target = wantFD[g]
				}
				if !within(f.Estimate, target) || !(f.StdErr > 0) {
					t.Errorf("%s %s(%s) = %.6g ± %.3g, want %.6g", p.Name(), g, x, f.Value, f.StdErr, target)
				}
				t.Logf("%s %s(%s) = %.6g ± %.3g, want %.6g", p.Name(), g, x, f.Value, f.StdErr, target)
			}
		}
	}
}

// TestBarrierRhoThetaParity checks the barrier Rho and Theta of every
// method for bias: in + out = vanilla (no rebate), whose Rho and Theta are
// analytic.BlackScholesRateTime's (the aging Theta moves the vanilla's
// expiry alone). In and out run on independent seeds; fd is held to its
// bump's known bias being far below the standard error.
func TestBarrierRhoThetaParity(t *testing.T) {
	paths := int64(1 << 18)
	if testing.Short() {
		paths = 1 << 16
	}
	m := testref.Cases[0].Model
	bar := payoff.Barrier{Level: 125, Fixings: 12}
	in, out := payoff.UpInCall{Strike: 100, Barrier: bar}, payoff.UpOutCall{Strike: 100, Barrier: bar}
	cf, err := analytic.BlackScholesRateTime(m, payoff.Call{Strike: 100})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Paths: paths, Greeks: []Greek{Rho, Theta}}
	ri := run(t, m, in, cfg)
	cfg.Seed = *seed + 7
	ro := run(t, m, out, cfg)
	for _, g := range []Greek{Rho, Theta} {
		want := cf.Rho
		if g == Theta {
			want = cf.Theta
		}
		for _, x := range []Method{FD, Malliavin, Localized, Hybrid} {
			fi, ok1 := ri.Figure(g, x)
			fo, ok2 := ro.Figure(g, x)
			if !ok1 || !ok2 {
				t.Fatalf("%s(%s) missing: skipped %v", g, x, ri.Skipped)
			}
			sum, se := fi.Value+fo.Value, math.Hypot(fi.StdErr, fo.StdErr)
			if math.Abs(sum-want) > 5*se {
				t.Errorf("%s(%s) in + out = %v ± %v, want %v", g, x, sum, se, want)
			}
			t.Logf("up-out call %s(%s) = %.5g ± %.2g; in + out = %.5g ± %.2g, vanilla %.5g", g, x, fo.Value, fo.StdErr, sum, se, want)
		}
	}
}

// TestArithmeticAsianRhoThetaVsFD compares the pathwise, Malliavin and
// hybrid Rho and Theta of an arithmetic Asian call with fd under common
// random numbers over k runs (the fd bias, O(h²), is far below the paired
// standard error).
func TestArithmeticAsianRhoThetaVsFD(t *testing.T) {
	k := 8
	if testing.Short() {
		k = 4
	}
	m := testref.Cases[0].Model
	p := payoff.AsianCall{Strike: 100, Fixings: 12}
	for _, g := range []Greek{Rho, Theta} {
		for _, x := range []Method{Pathwise, Malliavin, Hybrid} {
			mean, se := vsFD(t, m, p, g, x, Config{Paths: 1 << 15}, k)
			if !(math.Abs(mean) <= 5*se) {
				t.Errorf("asian call %s(%s) − fd = %.4g ± %.3g, want 0", g, x, mean, se)
			}
		}
	}
}

// TestMultiRhoTheta checks the shared Rho and the Theta of two-asset
// options (an exchange option, a geometric basket put, a best-of call)
// by every valid method against the closed form's central differences
// in r and T.
func TestMultiRhoTheta(t *testing.T) {
	paths := int64(1 << 17)
	if testing.Short() {
		paths = 1 << 15
	}
	m := correlated(t, []float64{100, 95}, []float64{0.01, 0.03}, []float64{0.25, 0.2}, constCorr(2, 0.5))
	for _, p := range []payoff.Payoff{
		payoff.SpreadCall{Strike: 0},
		payoff.GeometricBasketPut{Strike: 100, Weights: []float64{0.5, 0.5}},
		payoff.BestOfCall{Strike: 100, N: 2},
	} {
		price := func(dr, dt float64) float64 {
			mm := m
			mm.Rate += dr
			mm.Expiry += dt
			v, err := analytic.MultiPrice(mm, p)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		const e = 1e-5
		want := map[Greek]float64{Rho: (price(e, 0) - price(-e, 0)) / (2 * e), Theta: -(price(0, e) - price(0, -e)) / (2 * e)}
		r := run(t, m, p, Config{Paths: paths, Greeks: []Greek{Rho, Theta}})
		hr, ht := r.Bumps.Rate, r.Bumps.Expiry*m.Expiry
		wantFD := map[Greek]float64{Rho: (price(hr, 0) - price(-hr, 0)) / (2 * hr), Theta: -(price(0, ht) - price(0, -ht)) / (2 * ht)}
		n := 0
		for _, f := range r.Figures {
			if f.Greek != Rho && f.Greek != Theta {
				continue
			}
			n++
			target := want[f.Greek]
			if f.Method == FD {
				target = wantFD[f.Greek]
			}
			// The exchange option's Rho is 0 exactly; its fd samples are
			// rounding differences of the order of 1e-13.
			if !(within(f.Estimate, target) || math.Abs(f.Value-target) < 1e-9) {
				t.Errorf("%s %s(%s) = %.6g ± %.3g, want %.6g", p.Name(), f.Greek, f.Method, f.Value, f.StdErr, target)
			}
		}
		if n != 8 { // fd, pathwise, malliavin, hybrid for each
			t.Errorf("%s: %d rho/theta figures, want 8 (skipped %v)", p.Name(), n, r.Skipped)
		}
	}
}

// TestGridRhoTheta: on a Milstein grid Rho and Theta are fd only (other
// methods skipped with the reason; a path-dependent payoff's Theta moves
// its first fixing interval, by every method under Euler), and the fd Rho
// and Theta of a call on GBM under Milstein with
// 64 steps match the closed form within 5 standard errors (the chain's
// O(Δt) weak error is far below them here).
func TestGridRhoTheta(t *testing.T) {
	m := testref.Cases[0].Model
	paths := int64(1 << 17)
	if testing.Short() {
		paths = 1 << 15
	}
	r := run(t, m, payoff.Call{Strike: 100}, Config{Paths: paths, Scheme: sde.Milstein, Steps: 64, Greeks: []Greek{Rho, Theta}})
	cf, err := analytic.BlackScholesRateTime(m, payoff.Call{Strike: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []Greek{Rho, Theta} {
		want := cf.Rho
		if g == Theta {
			want = cf.Theta
		}
		f, ok := r.Figure(g, FD)
		if !ok || !within(f.Estimate, want) {
			t.Errorf("milstein %s(fd) = %v ± %v, want %v", g, f.Value, f.StdErr, want)
		}
	}
	for _, s := range r.Skipped {
		if !strings.Contains(s.Reason, "fd only") {
			t.Errorf("milstein %s(%s) skipped for %q", s.Greek, s.Method, s.Reason)
		}
	}
	cev := sde.CEV{Spot: 100, Rate: 0.03, Vol: 2, Beta: 0.5, Expiry: 1}
	r = run(t, cev, payoff.AsianCall{Strike: 100, Fixings: 4}, Config{Paths: 1 << 13, Scheme: sde.Euler, Steps: 8, Greeks: []Greek{Rho, Theta}})
	if _, ok := r.Figure(Rho, FD); !ok {
		t.Errorf("cev asian: no fd rho; skipped %v", r.Skipped)
	}
	for _, x := range AllMethods {
		if _, ok := r.Figure(Theta, x); !ok && x != Localized {
			t.Errorf("cev asian: no %s theta on euler; skipped %v", x, r.Skipped)
		}
	}
}

// TestGridRhoThetaCEV checks the fd Rho and Theta of a CEV put on an
// Euler grid against the closed form (analytic.CEV) differentiated in r
// and T.
func TestGridRhoThetaCEV(t *testing.T) {
	cev := sde.CEV{Spot: 100, Rate: 0.03, Vol: 2, Beta: 0.5, Expiry: 1}
	p := payoff.Put{Strike: 95}
	price := func(dr, dt float64) float64 {
		mm := cev
		mm.Rate += dr
		mm.Expiry += dt
		v, err := analytic.CEV(mm, p)
		if err != nil {
			t.Fatal(err)
		}
		return v.Price
	}
	const e = 1e-5
	want := map[Greek]float64{Rho: (price(e, 0) - price(-e, 0)) / (2 * e), Theta: -(price(0, e) - price(0, -e)) / (2 * e)}
	paths := int64(1 << 17)
	if testing.Short() {
		paths = 1 << 15
	}
	r := run(t, cev, p, Config{Paths: paths, Scheme: sde.Milstein, Steps: 64, Greeks: []Greek{Rho, Theta}})
	for _, g := range []Greek{Rho, Theta} {
		f, ok := r.Figure(g, FD)
		if !ok || !within(f.Estimate, want[g]) {
			t.Errorf("cev put %s(fd) = %v ± %v, want %v", g, f.Value, f.StdErr, want[g])
		}
		t.Logf("cev put %s(fd) = %.5g ± %.2g, closed form %.5g", g, f.Value, f.StdErr, want[g])
	}
}

// TestPathDepWorkers: the same seed gives bit-identical figures whatever
// the worker count for the Greeks this issue added beyond Europeans (the
// path-dependent Gamma and Vega weights, Rho and Theta of barriers, Asians
// and several assets, fd on a grid).
func TestPathDepWorkers(t *testing.T) {
	gbm := testref.Cases[0].Model
	two := correlated(t, []float64{100, 95}, []float64{0.01, 0.03}, []float64{0.25, 0.2}, constCorr(2, 0.5))
	for _, c := range []struct {
		m   sde.Model
		p   payoff.Payoff
		cfg Config
	}{
		{gbm, payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 125, Fixings: 12}}, Config{}},
		{gbm, payoff.AsianPut{Strike: 100, Fixings: 6}, Config{}},
		{two, payoff.BasketCall{Strike: 100, Weights: []float64{0.5, 0.5}}, Config{}},
		{sde.CEV{Spot: 100, Rate: 0.03, Vol: 2, Beta: 0.5, Expiry: 1}, payoff.Put{Strike: 95}, Config{Scheme: sde.Euler, Steps: 8}},
		{cevCase, payoff.DigitalCall{Strike: 100, Cash: 1}, Config{Scheme: sde.Euler, Steps: 8}}, // localized on the chain's weights
	} {
		cfg := c.cfg
		cfg.Paths, cfg.Seed, cfg.Workers = 9*ChunkSize+17, 3, 1
		cfg.Greeks = []Greek{Delta, Gamma, Vega, Rho, Theta, Vanna, Volga}
		one := run(t, c.m, c.p, cfg)
		cfg.Workers = 3
		if d := sameResult(run(t, c.m, c.p, cfg), one); d != "" {
			t.Errorf("%s: 3 workers: %s", c.p.Name(), d)
		}
	}
}
