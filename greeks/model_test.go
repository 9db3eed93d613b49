package greeks

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestGeometricAsianClosedForm checks every valid estimator of the discrete
// geometric Asian's price and Greeks under exact GBM against the closed form
// (fd against the closed-form central difference), within 5 standard errors.
func TestGeometricAsianClosedForm(t *testing.T) {
	n := int64(400_000)
	for _, c := range testref.Cases {
		for _, p := range []payoff.Payoff{
			payoff.GeometricAsianCall{Strike: c.Strike, Fixings: 12},
			payoff.GeometricAsianPut{Strike: c.Strike, Fixings: 4},
		} {
			r := run(t, c.Model, p, Config{Paths: n})
			if len(r.Figures) < 7 {
				t.Errorf("%s %s: only %d figures", c.Name, p.Name(), len(r.Figures))
			}
			checkClosedForm(t, c, p, r)
		}
	}
}

// TestAsianWeightVariance checks that the Asian Malliavin Delta weight does
// not grow with the number of fixings, where the first-interval weight
// W_{t_1}/(S_0σt_1) does (its variance grows like m).
func TestAsianWeightVariance(t *testing.T) {
	c := testref.Cases[0]
	se := func(m int, s sde.Scheme) float64 {
		r := run(t, c.Model, payoff.AsianCall{Strike: 100, Fixings: m}, Config{Paths: 100_000, Scheme: s, Steps: m,
			Greeks: []Greek{Delta}, Methods: []Method{Malliavin}})
		return r.Figures[0].StdErr
	}
	a4, a52 := se(4, sde.Exact), se(52, sde.Exact)
	if a52 > 1.2*a4 {
		t.Errorf("Asian weight stderr grows with fixings: %v at 4, %v at 52", a4, a52)
	}
	g4, g52 := se(4, sde.Euler), se(52, sde.Euler) // first-interval chain weight
	if g52 < 2*g4 {
		t.Errorf("first-interval weight stderr %v at 4 fixings, %v at 52: expected growth like √m", g4, g52)
	}
	t.Logf("Malliavin Asian Delta stderr at 4 and 52 fixings: Asian weight %.4g, %.4g; first-interval weight %.4g, %.4g", a4, a52, g4, g52)
}

// cevCase is the CEV market of the tests: β = 0.5 with Vol = 0.2·S_0^{1/2},
// a 20% local volatility at the spot.
var cevCase = sde.CEV{Spot: 100, Rate: 0.05, Vol: 2, Beta: 0.5, Expiry: 1}

// cevDeltaBias bounds the Euler and Milstein weak error of the CEV call
// Delta at 1e6 paths: measured 0.0040, 0.0026, 0.0011, 0.0003 at 5, 10, 20,
// 40 Euler steps (about 0.025·Δt); the bound is twice that.
func cevDeltaBias(steps int) float64 { return 0.05 * cevCase.Expiry / float64(steps) }

// cevPriceBias bounds the weak error of the CEV call price: the measured
// errors at 5–40 steps are within about 0.06 (at 5 Milstein steps) and do
// not resolve at 10⁶ paths beyond 10 steps.
func cevPriceBias(steps int) float64 { return 0.3 * cevCase.Expiry / float64(steps) }

// TestCEV checks the CEV call's price and Delta against Schroder's closed
// form (package analytic, non-central χ² via gonum) within 5 standard errors
// plus the stated discretization bound, for Euler and Milstein; and shows
// the Euler Delta bias resolved at 5 steps shrinking into the bound at 40.
func TestCEV(t *testing.T) {
	p := payoff.Call{Strike: 100}
	ref, err := analytic.CEV(cevCase, p)
	if err != nil {
		t.Fatal(err)
	}
	steps := []int{10, 40}
	n := int64(400_000)
	if !testing.Short() {
		steps, n = []int{5, 10, 40}, 1_000_000
	}
	for _, s := range []sde.Scheme{sde.Euler, sde.Milstein} {
		for _, k := range steps {
			r := run(t, cevCase, p, Config{Paths: n, Scheme: s, Steps: k, Greeks: []Greek{Delta}})
			if e := r.Price.Value - ref.Price; math.Abs(e) > 5*r.Price.StdErr+cevPriceBias(k) {
				t.Errorf("%s %d steps: price %v ± %v, want %v (bias bound %v)", s, k, r.Price.Value, r.Price.StdErr, ref.Price, cevPriceBias(k))
			}
			for _, f := range r.Figures {
				e := f.Value - ref.Delta
				if math.Abs(e) > 5*f.StdErr+cevDeltaBias(k) {
					t.Errorf("%s %d steps: Delta(%s) = %v ± %v, want %v (bias bound %v)", s, k, f.Method, f.Value, f.StdErr, ref.Delta, cevDeltaBias(k))
				}
				if s == sde.Euler && k == 5 && f.Method == Hybrid {
					if math.Abs(e) < 3*f.StdErr {
						t.Errorf("Euler 5 steps: Delta bias %v ± %v not resolved; the shrinking is not shown", e, f.StdErr)
					}
					t.Logf("Euler Delta error: %.5f ± %.5f at 5 steps", e, f.StdErr)
				}
				if s == sde.Euler && k == 40 && f.Method == Hybrid {
					t.Logf("Euler Delta error: %.5f ± %.5f at 40 steps (bound %.5f)", e, f.StdErr, cevDeltaBias(k))
				}
			}
		}
	}
}

// TestCEVAgreeWithFD checks pathwise, the chain Malliavin weight and the
// hybrid on the CEV grid against fd under common random numbers: all four
// estimate the discretized chain's Delta.
func TestCEVAgreeWithFD(t *testing.T) {
	const k = 20
	for _, p := range []payoff.Payoff{payoff.Put{Strike: 95}, payoff.AsianCall{Strike: 100, Fixings: 5}} {
		for _, x := range []Method{Pathwise, Malliavin, Hybrid} {
			mean, se := vsFD(t, cevCase, p, Delta, x, Config{Paths: 10_000, Scheme: sde.Euler, Steps: 10,
				Bumps: Bumps{Spot: 1e-3, Vol: 1e-3}}, k)
			if math.Abs(mean) > 5*se {
				t.Errorf("cev %s: Delta(%s) − fd = %v ± %v, want 0", p.Name(), x, mean, se)
			}
		}
	}
}

// TestTolerance checks that a tolerance run stops with every hybrid's
// standard error at most the tolerance, that the stopping point does not
// depend on the worker count, and that MaxPaths caps it.
func TestTolerance(t *testing.T) {
	c := testref.Cases[0]
	p := payoff.DigitalCall{Strike: 100, Cash: 1}
	cfg := Config{Paths: 10_000, Greeks: []Greek{Delta, Vega}, Tolerance: 2e-3, Workers: 1}
	r1 := run(t, c.Model, p, cfg)
	cfg.Workers = 3
	r3 := run(t, c.Model, p, cfg)
	if r1.Paths != r3.Paths || r1.Price != r3.Price {
		t.Errorf("tolerance run: %d paths with 1 worker, %d with 3", r1.Paths, r3.Paths)
	}
	for _, g := range []Greek{Delta, Vega} {
		h, _ := r1.Figure(g, Hybrid)
		if h.StdErr > cfg.Tolerance {
			t.Errorf("%s hybrid stderr %v above tolerance %v after %d paths", g, h.StdErr, cfg.Tolerance, r1.Paths)
		}
	}
	if r1.Paths <= cfg.Paths {
		t.Errorf("tolerance run stopped at %d paths, the minimum", r1.Paths)
	}
	cfg.MaxPaths = 50_000
	cfg.Tolerance = 1e-9
	if r := run(t, c.Model, p, cfg); r.Paths != cfg.MaxPaths {
		t.Errorf("capped tolerance run used %d paths, want %d", r.Paths, cfg.MaxPaths)
	}
	t.Logf("tolerance %g reached at %d paths", 2e-3, r1.Paths)
}
