package greeks

import (
	"context"
	"errors"
	"flag"
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

var seed = flag.Uint64("seed", 1, "seed of the Monte Carlo tests")

func run(t *testing.T, m sde.Model, p payoff.Payoff, cfg Config) *Result {
	t.Helper()
	if cfg.Seed == 0 {
		cfg.Seed = *seed
	}
	r, err := Run(context.Background(), m, p, cfg)
	if err != nil {
		t.Fatalf("Run(%s): %v", p.Name(), err)
	}
	return r
}

// vsFD returns the mean difference between method x's and fd's estimate of
// g over k independent runs of cfg (seeds *seed·100 + i), with its standard
// error: under common random numbers the paired difference is far more
// precise than either estimate.
func vsFD(t *testing.T, m sde.Model, p payoff.Payoff, g Greek, x Method, cfg Config, k int) (mean, se float64) {
	t.Helper()
	cfg.Greeks, cfg.Methods = []Greek{g}, []Method{FD, x}
	var sum, sum2 float64
	for i := range k {
		cfg.Seed = *seed*100 + uint64(i)
		r := run(t, m, p, cfg)
		f, _ := r.Figure(g, FD)
		e, _ := r.Figure(g, x)
		d := e.Value - f.Value
		sum += d
		sum2 += d * d
	}
	mean = sum / float64(k)
	return mean, math.Sqrt((sum2/float64(k) - mean*mean) / float64(k-1))
}

// within reports whether est is within 5 of its own standard errors of want.
func within(e Estimate, want float64) bool {
	return math.Abs(e.Value-want) <= 5*e.StdErr
}

// TestClosedForm checks every (payoff, Greek, method) under the exact scheme
// against the closed form within 5 standard errors of the estimator, for
// every case of testref.Cases. fd is checked against the closed-form central
// difference with the same bumps, which is its exact expectation; the bump
// bias itself is reported. The price is checked too.
func TestClosedForm(t *testing.T) {
	n := int64(1_000_000)
	if testing.Short() {
		n = 200_000
	}
	for _, c := range testref.Cases {
		for _, p := range testref.Payoffs(c.Strike) {
			t.Run(c.Name+"/"+p.Name(), func(t *testing.T) {
				r := run(t, c.Model, p, Config{Paths: n})
				want, price := testref.Greeks(c.Model, p)
				cd := testref.CentralDifferences(c.Model, p, r.Bumps.Spot, r.Bumps.Vol)
				if !within(r.Price, price) {
					t.Errorf("Price = %v ± %v, want %v", r.Price.Value, r.Price.StdErr, price)
				}
				if wantFigures := validFigures(p, c.Model, AllGreeks); len(r.Figures) != wantFigures {
					t.Errorf("got %d figures, want %d", len(r.Figures), wantFigures)
				}
				for _, f := range r.Figures {
					w := want[f.Greek]
					if f.Method == FD {
						w = cd[f.Greek]
					}
					if !within(f.Estimate, w) || f.StdErr <= 0 || f.N != n {
						t.Errorf("%s(%s) = %v ± %v (N=%d), want %v", f.Greek, f.Method, f.Value, f.StdErr, f.N, w)
					}
				}
			})
		}
	}
}

// TestPaperGammaWeightIsCaught shows that TestClosedForm's tolerance catches
// the bias of the Gamma weight without its −σT·W_T term (ERRATA §1): on the
// same paths, that estimator is many standard errors from the closed form.
func TestPaperGammaWeightIsCaught(t *testing.T) {
	c := testref.Cases[0]
	p := payoff.Call{Strike: c.Strike}
	r := run(t, c.Model, p, Config{Paths: 1_000_000, Greeks: []Greek{Gamma, Delta}, Methods: []Method{Malliavin}})
	g, _ := r.Figure(Gamma, Malliavin)
	d, _ := r.Figure(Delta, Malliavin)
	want, _ := testref.Greeks(c.Model, p)
	// Dropping −σT W_T from the weight adds D E[f W_T]σT/(S²σ²T²) = Delta/S.
	wrong := g.Value + d.Value/c.Model.Spot
	if math.Abs(wrong-want[Gamma]) <= 5*g.StdErr {
		t.Errorf("the biased Gamma weight gives %v, within 5·%v of %v: the test has no power", wrong, g.StdErr, want[Gamma])
	}
}

// TestHybridVariance checks that the hybrid's variance is never above the
// better of pathwise and Malliavin on the same paths (λ* minimizes the
// sample variance), and that the clipped variant stays in [0, 1].
func TestHybridVariance(t *testing.T) {
	for _, c := range testref.Cases {
		for _, p := range []payoff.Payoff{payoff.Call{Strike: c.Strike}, payoff.Put{Strike: c.Strike}} {
			for _, clip := range []bool{false, true} {
				r := run(t, c.Model, p, Config{Paths: 100_000, Clip: clip, Lambda: Plugin, Methods: []Method{Pathwise, Malliavin, Hybrid}})
				for _, g := range AllGreeks {
					pw, _ := r.Figure(g, Pathwise)
					mw, _ := r.Figure(g, Malliavin)
					h, _ := r.Figure(g, Hybrid)
					if h.StdErr > math.Min(pw.StdErr, mw.StdErr)*(1+1e-12) {
						t.Errorf("%s %s %s clip=%v: hybrid stderr %v above min(pathwise %v, malliavin %v)",
							c.Name, p.Name(), g, clip, h.StdErr, pw.StdErr, mw.StdErr)
					}
					if clip && (h.Lambda < 0 || h.Lambda > 1) {
						t.Errorf("%s %s %s: clipped λ = %v outside [0, 1]", c.Name, p.Name(), g, h.Lambda)
					}
				}
			}
		}
	}
}

// TestLambdaATMCall checks the estimated λ* of the ATM call Delta against
// its quadrature value (1.085), within 5 standard errors of the estimate;
// the standard error comes from 20 independent runs of a twentieth of the
// paths each.
func TestLambdaATMCall(t *testing.T) {
	c := testref.Cases[0]
	p := payoff.Call{Strike: c.Strike}
	want := testref.LambdaDeltaCall(c.Model, c.Strike)
	cfg := Config{Paths: 1_000_000, Greeks: []Greek{Delta}, Methods: []Method{Hybrid}}
	h, _ := run(t, c.Model, p, cfg).Figure(Delta, Hybrid)
	var s, ss float64
	const k = 20
	for i := range k {
		cfg := cfg
		cfg.Paths /= k
		cfg.Seed = *seed + 1000 + uint64(i)
		f, _ := run(t, c.Model, p, cfg).Figure(Delta, Hybrid)
		s += f.Lambda
		ss += f.Lambda * f.Lambda
	}
	sdSmall := math.Sqrt((ss - s*s/k) / (k - 1)) // sd of λ̂ at N/20
	se := sdSmall / math.Sqrt(k)                 // sd of λ̂ at N
	if math.Abs(h.Lambda-want) > 5*se {
		t.Errorf("λ(ATM call Delta) = %v ± %v, want %v", h.Lambda, se, want)
	}
	if math.Abs(want-1.085) > 5e-4 {
		t.Errorf("quadrature λ* = %v, want about 1.085", want)
	}
}

// TestCoverage checks that the 95% intervals of every estimator contain the
// closed form (for fd: the closed-form central difference) in 92–98% of
// 1000 independent runs. With 1000 runs the share's standard deviation is
// 0.7%, so the band is ±4 of them.
func TestCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("coverage study skipped under -short")
	}
	const seeds = 1000
	c := testref.Cases[0]
	for _, p := range []payoff.Payoff{payoff.Call{Strike: c.Strike}, payoff.DigitalCall{Strike: c.Strike, Cash: 1}} {
		want, price := testref.Greeks(c.Model, p)
		var hits map[[2]int]int
		var cd [3]float64
		priceHits := 0
		for s := range seeds {
			r := run(t, c.Model, p, Config{Paths: 20_000, Seed: 1_000_000*(*seed) + uint64(s) + 1, Workers: 1})
			if hits == nil {
				hits = map[[2]int]int{}
				cd = testref.CentralDifferences(c.Model, p, r.Bumps.Spot, r.Bumps.Vol)
			}
			if lo, hi := r.Price.CI95(); lo <= price && price <= hi {
				priceHits++
			}
			for _, f := range r.Figures {
				w := want[f.Greek]
				if f.Method == FD {
					w = cd[f.Greek]
				}
				key := [2]int{int(f.Greek), int(f.Method)}
				if lo, hi := f.CI95(); lo <= w && w <= hi {
					hits[key]++
				} else {
					hits[key] += 0
				}
			}
		}
		check := func(name string, h int) {
			share := float64(h) / seeds
			t.Logf("%s %s: coverage %.1f%%", p.Name(), name, 100*share)
			if share < 0.92 || share > 0.98 {
				t.Errorf("%s %s: 95%% interval covers in %.1f%% of %d runs, want 92–98%%", p.Name(), name, 100*share, seeds)
			}
		}
		check("price", priceHits)
		for _, g := range AllGreeks {
			for _, x := range AllMethods {
				if h, ok := hits[[2]int{int(g), int(x)}]; ok {
					check(g.String()+"/"+x.String(), h)
				}
			}
		}
	}
}

// TestDeterminism checks that the worker count never changes a number,
// including a path count that is not a multiple of the chunk size, on every
// scheme.
func TestDeterminism(t *testing.T) {
	c := testref.Cases[0]
	p := payoff.Call{Strike: c.Strike}
	for _, s := range []sde.Scheme{sde.Exact, sde.Euler, sde.Milstein} {
		var ref *Result
		for _, w := range []int{1, 2, 3, 8} {
			r := run(t, c.Model, p, Config{Paths: 10*ChunkSize + 123, Workers: w, Scheme: s, Steps: 10})
			if ref == nil {
				ref = r
				continue
			}
			if r.Price != ref.Price {
				t.Errorf("%s workers=%d: price %v, workers=1 gave %v", s, w, r.Price, ref.Price)
			}
			for i, f := range r.Figures {
				g := ref.Figures[i]
				if f.Estimate != g.Estimate || !(f.Lambda == g.Lambda || math.IsNaN(f.Lambda) && math.IsNaN(g.Lambda)) {
					t.Errorf("%s workers=%d: %s(%s) = %+v, workers=1 gave %+v", s, w, f.Greek, f.Method, f, g)
				}
			}
		}
	}
}

// TestGridAgainstClosedForm checks the Euler and Milstein estimators against
// the closed form with both grid weights. The schemes' weak error is O(Δt);
// at 50 steps it is far below 5 standard errors of 200,000 paths, which is
// what this test can resolve; TestAgreeWithFD and the sde tests check the
// grid estimators more tightly. Figures that mix chain-exact and
// continuous-time targets must say so.
func TestGridAgainstClosedForm(t *testing.T) {
	c := testref.Cases[0]
	for _, s := range []sde.Scheme{sde.Euler, sde.Milstein} {
		for _, wk := range []WeightKind{Chain, Continuous} {
			for _, p := range []payoff.Payoff{payoff.Call{Strike: c.Strike}, payoff.DigitalPut{Strike: c.Strike, Cash: 1}} {
				r := run(t, c.Model, p, Config{Paths: 200_000, Scheme: s, Steps: 50, Weight: wk})
				want, price := testref.Greeks(c.Model, p)
				if !within(r.Price, price) {
					t.Errorf("%s %s: Price = %v ± %v, want %v", s, p.Name(), r.Price.Value, r.Price.StdErr, price)
				}
				for _, f := range r.Figures {
					if !within(f.Estimate, want[f.Greek]) {
						t.Errorf("%s %s %s: %s(%s) = %v ± %v, want %v", s, wk, p.Name(), f.Greek, f.Method, f.Value, f.StdErr, want[f.Greek])
					}
					mixesTargets := wk == Continuous && f.Greek == Delta && (f.Method == Malliavin || f.Method == Hybrid || f.Method == Localized)
					if mixesTargets != (f.Note != "") {
						t.Errorf("%s %s %s: %s(%s) note %q, want one: %v", s, wk, p.Name(), f.Greek, f.Method, f.Note, mixesTargets)
					}
				}
				if _, ok := r.Figure(Gamma, Malliavin); ok != (s == sde.Euler) {
					t.Errorf("%s: Malliavin Gamma offered %v, want it under euler only (the chain's weight)", s, ok)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	m := testref.Cases[0].Model
	call := payoff.Call{Strike: 100}
	var pe *ParamError
	for _, cfg := range []Config{
		{Paths: 1}, {Paths: -5}, {Scheme: sde.Euler, Steps: -1}, {Bumps: Bumps{Spot: 0.7}},
		{Bumps: Bumps{Vol: 0.3}}, {Greeks: []Greek{Volga + 1}}, {Methods: []Method{9}},
	} {
		if _, err := Run(ctx, m, call, cfg); !errors.As(err, &pe) {
			t.Errorf("Run(%+v) error = %v, want a *ParamError", cfg, err)
		}
	}
	var se *sde.ParamError
	if _, err := Run(ctx, sde.GBM{Spot: 100, Vol: 0, Expiry: 1}, call, Config{}); !errors.As(err, &se) || se.Name != "vol" {
		t.Errorf("Run(vol 0) error = %v, want *sde.ParamError for vol", err)
	}
	var me *MethodError
	_, err := Run(ctx, m, payoff.DigitalCall{Strike: 100, Cash: 1}, Config{Paths: 100, Methods: []Method{Pathwise}})
	if !errors.As(err, &me) || me.Method != Pathwise || me.Payoff != "digital-call" {
		t.Errorf("pathwise on a digital: error = %v, want a *MethodError naming pathwise and digital-call", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Run(cctx, m, call, Config{Paths: 1 << 20}); !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled run: error = %v, want ErrCanceled wrapping context.Canceled", err)
	}
}

// TestSkipped checks that invalid methods are listed with a reason when no
// method was asked for by name.
func TestSkipped(t *testing.T) {
	r := run(t, testref.Cases[0].Model, payoff.AssetPut{Strike: 100}, Config{Paths: 1000})
	got := map[[2]int]bool{}
	for _, s := range r.Skipped {
		if s.Reason == "" {
			t.Errorf("skip %s/%s without a reason", s.Greek, s.Method)
		}
		got[[2]int{int(s.Greek), int(s.Method)}] = true
	}
	for _, g := range AllGreeks {
		if !got[[2]int{int(g), int(Pathwise)}] {
			t.Errorf("%s/pathwise of asset-put not skipped", g)
		}
		if got[[2]int{int(g), int(Hybrid)}] {
			t.Errorf("%s/hybrid of asset-put skipped: it mixes localized and malliavin", g)
		}
	}
	if len(r.Figures) != 12 {
		t.Errorf("asset-put: %d figures, want fd, malliavin, localized and hybrid for 3 Greeks", len(r.Figures))
	}
}

// TestAgreeWithFD checks pathwise and Malliavin against bump-and-revalue
// under common random numbers: on the same paths their difference has a
// much smaller standard error than either, so this is a sharp test of the
// first variation, the Vega tangent and the weights on every scheme. The
// standard error of the paired difference comes from 20 independent runs;
// the allowance for the bumps' own bias is the closed form's (exact scheme)
// or O(h²) and negligible at these small bumps.
func TestAgreeWithFD(t *testing.T) {
	c := testref.Cases[0]
	p := payoff.Call{Strike: c.Strike}
	want, _ := testref.Greeks(c.Model, p)
	bumps := Bumps{Spot: 1e-3, Vol: 1e-3}
	cd := testref.CentralDifferences(c.Model, p, bumps.Spot, bumps.Vol)
	const k = 20
	for _, s := range []sde.Scheme{sde.Exact, sde.Euler, sde.Milstein} {
		methods := []Method{Pathwise, Malliavin}
		if s != sde.Exact {
			// On a grid the Malliavin weight targets the diffusion, fd the
			// chain: they differ by O(Δt) (see TestGridAgainstClosedForm).
			methods = []Method{Pathwise}
		}
		for _, x := range methods {
			for _, g := range AllGreeks {
				if Invalid(p, c.Model, s, g, x) != "" {
					continue
				}
				mean, se := vsFD(t, c.Model, p, g, x, Config{Paths: 50_000, Scheme: s, Steps: 20, Bumps: bumps}, k)
				bias := 0.0
				if s == sde.Exact {
					bias = math.Abs(cd[g] - want[g])
				}
				if math.Abs(mean) > 5*se+bias {
					t.Errorf("%s: %s(%s) − %s(fd) = %v ± %v, want 0 (bump bias %v)", s, g, x, g, mean, se, bias)
				}
			}
		}
	}
}
