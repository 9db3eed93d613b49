package greeks

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// hestonCases are the parameter sets of the engine's Heston tests: Feller
// satisfied, strongly violated (ξ = 1, κ = 1, θ = 0.04), mildly violated
// (ξ = 0.32: ξ²/(2κθ) = 1.28, below ψ_c, so every QE step is quadratic), a
// short and a long maturity, and a put with dividends (and ρ > 0). Steps
// are 16 a year (at least 8, at most 64) under QE; the Feller set also runs
// full-truncation Euler. Pathwise, Malliavin and hybrid Vega and Theta are
// offered under Euler where Feller holds and under QE where ξ² < 3κθ
// (the feller and mild sets).
var hestonCases = []struct {
	name   string
	m      sde.Heston
	p      payoff.Payoff
	scheme sde.Scheme
}{
	{"feller", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 2, Theta: 0.04, Xi: 0.3, Rho: -0.7, Expiry: 1}, payoff.Call{Strike: 100}, sde.QE},
	{"feller-euler", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 2, Theta: 0.04, Xi: 0.3, Rho: -0.7, Expiry: 1}, payoff.Call{Strike: 100}, sde.Euler},
	{"violated", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 1, Rho: -0.7, Expiry: 1}, payoff.Call{Strike: 100}, sde.QE},
	{"mild", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 0.32, Rho: -0.7, Expiry: 1}, payoff.Call{Strike: 100}, sde.QE},
	{"short", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.09, Kappa: 2, Theta: 0.04, Xi: 0.5, Rho: -0.5, Expiry: 0.05}, payoff.Call{Strike: 100}, sde.QE},
	{"long", sde.Heston{Spot: 100, Rate: 0.02, V0: 0.02, Kappa: 0.5, Theta: 0.06, Xi: 0.8, Rho: -0.9, Expiry: 10}, payoff.Call{Strike: 110}, sde.QE},
	{"div-put", sde.Heston{Spot: 100, Rate: 0.01, Div: 0.04, V0: 0.05, Kappa: 3, Theta: 0.03, Xi: 0.6, Rho: 0.3, Expiry: 2}, payoff.Put{Strike: 95}, sde.QE},
}

// hestonTangent reports whether the variance chain's tangent exists and
// stays finite: Euler with Feller, QE with ξ² < 3κθ.
func hestonTangent(m sde.Heston, s sde.Scheme) bool {
	return (s == sde.Euler && m.Feller()) || (s == sde.QE && m.QEQuadratic())
}

func hestonSteps(m sde.Heston) int { return min(64, max(8, int(math.Ceil(16*m.Expiry)))) }

// TestHestonGreeks checks the price and Delta, Gamma and Vega (∂V/∂√v₀)
// of every valid method against the semi-analytic values: |MC − exact| ≤
// 5 SE + allowance, the allowance for the scheme's discretization bias
// being 1% of the exact value's natural scale (price: S_0√(v̄T), Delta: 1,
// Gamma: 1/(S_0√(v̄T)), Vega: S_0√T; v̄ = max(v₀, θ)). The sde tests show the
// price bias shrinking with the steps.
func TestHestonGreeks(t *testing.T) {
	for _, c := range hestonCases {
		t.Run(c.name, func(t *testing.T) {
			want, err := analytic.Heston(c.m, c.p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), c.m, c.p, Config{Paths: 1 << 16, Scheme: c.scheme, Steps: hestonSteps(c.m), Seed: 11})
			if err != nil {
				t.Fatal(err)
			}
			w := c.m.Spot * math.Sqrt(math.Max(c.m.V0, c.m.Theta)*c.m.Expiry)
			check := func(what string, got Estimate, exact, scale float64) {
				t.Helper()
				allow := 0.01 * scale
				t.Logf("%s = %.5f ± %.5f, exact %.5f (%+.1f SE, allowance %.5f)", what, got.Value, got.StdErr, exact, (got.Value-exact)/got.StdErr, allow)
				if math.Abs(got.Value-exact) > 5*got.StdErr+allow {
					t.Errorf("%s = %v ± %v, want %v", what, got.Value, got.StdErr, exact)
				}
			}
			check("price", res.Price, want.Price, w)
			n := map[Greek]int{}
			for _, f := range res.Figures {
				exact := [...]float64{want.Delta, want.Gamma, want.Vega}[f.Greek]
				scale := [...]float64{1, 1 / w, c.m.Spot * math.Sqrt(c.m.Expiry)}[f.Greek]
				check(f.Greek.String()+"("+f.Method.String()+")", f.Estimate, exact, scale)
				n[f.Greek]++
			}
			// fd, pathwise, malliavin, hybrid for Delta and Gamma; fd,
			// malliavin and hybrid (the first step's likelihood ratio, with
			// a baseline, where there is no tangent) for Vega, and pathwise
			// where the tangent exists.
			wantVega := 3
			if hestonTangent(c.m, c.scheme) {
				wantVega = 4
			}
			if n[Delta] != 4 || n[Gamma] != 4 || n[Vega] != wantVega {
				t.Errorf("figures per Greek %v, want 4, 4, %d; skipped %v", n, wantVega, res.Skipped)
			}
		})
	}
}

// TestHestonRateTime checks Rho (fd, pathwise, malliavin, hybrid) and
// Theta (fd; all four where hestonTangent) of every parameter set against analytic.HestonRateTime:
// |MC − exact| ≤ 5 SE + allowance, the allowance for the scheme's
// discretization bias following from TestHestonGreeks' through
// Rho = T(S_0Δ − V) and Theta's scale V/T: 1% of T(S_0 + w) for Rho and
// of w/T for Theta, w = S_0√(v̄T) the price's scale.
func TestHestonRateTime(t *testing.T) {
	for _, c := range hestonCases {
		t.Run(c.name, func(t *testing.T) {
			want, err := analytic.HestonRateTime(c.m, c.p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), c.m, c.p, Config{Paths: 1 << 16, Scheme: c.scheme, Steps: hestonSteps(c.m), Seed: 12,
				Greeks: []Greek{Rho, Theta}})
			if err != nil {
				t.Fatal(err)
			}
			T := c.m.Expiry
			w := c.m.Spot * math.Sqrt(math.Max(c.m.V0, c.m.Theta)*T)
			n := map[Greek]int{}
			for _, f := range res.Figures {
				exact, allow := want.Rho, 0.01*T*(c.m.Spot+w)
				if f.Greek == Theta {
					exact, allow = want.Theta, 0.01*w/T
				}
				t.Logf("%s(%s) = %.5f ± %.5f, exact %.5f (%+.1f SE, allowance %.5f)", f.Greek, f.Method, f.Value, f.StdErr, exact, (f.Value-exact)/f.StdErr, allow)
				if math.Abs(f.Value-exact) > 5*f.StdErr+allow {
					t.Errorf("%s(%s) = %v ± %v, want %v", f.Greek, f.Method, f.Value, f.StdErr, exact)
				}
				n[f.Greek]++
			}
			wantTheta := 1 // fd; where the tangent exists also pathwise, malliavin, hybrid
			if hestonTangent(c.m, c.scheme) {
				wantTheta = 4
			}
			if n[Rho] != 4 || n[Theta] != wantTheta {
				t.Errorf("figures per Greek %v, want Rho 4, Theta %d; skipped %v", n, wantTheta, res.Skipped)
			}
		})
	}
}

// TestHestonWorkers checks that the worker count does not change a number
// under either scheme.
func TestHestonWorkers(t *testing.T) {
	for _, s := range []sde.Scheme{sde.QE, sde.Euler} {
		c := hestonCases[0]
		var first *Result
		for _, w := range []int{1, 3} {
			res, err := Run(context.Background(), c.m, payoff.DigitalCall{Strike: 100, Cash: 1}, Config{Paths: 3*ChunkSize + 100, Scheme: s, Steps: 8, Seed: 2, Workers: w,
				Greeks: []Greek{Delta, Gamma, Vega, Rho, Theta}})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = res
				continue
			}
			if res.Price != first.Price || len(res.Figures) != len(first.Figures) {
				t.Fatalf("%s: workers change the price: %v vs %v", s, res.Price, first.Price)
			}
			for i, f := range res.Figures {
				if g := first.Figures[i]; f.Estimate != g.Estimate || !(f.Lambda == g.Lambda || math.IsNaN(f.Lambda)) {
					t.Errorf("%s %s(%s): %v with 3 workers, %v with 1", s, f.Greek, f.Method, f.Estimate, g.Estimate)
				}
			}
		}
	}
}

// TestHestonDigital checks the Delta and Rho of a digital call under QE,
// where pathwise is invalid: fd, malliavin, localized and hybrid against
// the semi-analytic digital (analytic.Heston, analytic.HestonRateTime),
// with the allowance 2e-4 (1% of the Delta) for QE's discretization at 16
// steps (the measured gaps are within 1 SE), and that the hybrid's
// standard error is below plain Malliavin's for both.
func TestHestonDigital(t *testing.T) {
	c := hestonCases[0]
	k := 100.0
	ref, err := analytic.Heston(c.m, payoff.DigitalCall{Strike: k, Cash: 1})
	if err != nil {
		t.Fatal(err)
	}
	rt, err := analytic.HestonRateTime(c.m, payoff.DigitalCall{Strike: k, Cash: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Rho's allowance: T S_0 times Delta's (Rho = T(S_0Δ − V)).
	want := map[Greek]float64{Delta: ref.Delta, Rho: rt.Rho}
	allow := map[Greek]float64{Delta: 2e-4, Rho: 2e-4 * c.m.Expiry * c.m.Spot}
	res, err := Run(context.Background(), c.m, payoff.DigitalCall{Strike: k, Cash: 1},
		Config{Paths: 1 << 16, Scheme: sde.QE, Steps: 16, Seed: 4, Greeks: []Greek{Delta, Rho}})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []Greek{Delta, Rho} {
		var mall, hyb Estimate
		for _, f := range res.Figures {
			if f.Greek != g {
				continue
			}
			t.Logf("%s(%s) = %.6f ± %.6f, want %.6f (%+.1f SE)", g, f.Method, f.Value, f.StdErr, want[g], (f.Value-want[g])/f.StdErr)
			if math.Abs(f.Value-want[g]) > 5*f.StdErr+allow[g] {
				t.Errorf("%s(%s) = %v ± %v, want %v", g, f.Method, f.Value, f.StdErr, want[g])
			}
			switch f.Method {
			case Malliavin:
				mall = f.Estimate
			case Hybrid:
				hyb = f.Estimate
			}
		}
		if !(hyb.StdErr < mall.StdErr) {
			t.Errorf("%s: hybrid SE %v not below malliavin SE %v", g, hyb.StdErr, mall.StdErr)
		}
	}
}

// TestHestonPathDependent checks Delta and Gamma of an arithmetic Asian
// (pathwise, Malliavin, hybrid) and of an up-and-out call (localized,
// Malliavin, hybrid) on 12 fixings under QE, where there is no closed form,
// against fd on the same normals: |x − fd| ≤ 5·√(SE_x² + SE_fd²) (the
// estimates share paths, so this is conservative). The weights use the first
// fixing interval's Z⊥ (sde.Grid.EvolveHeston).
func TestHestonPathDependent(t *testing.T) {
	c := hestonCases[0]
	for _, p := range []payoff.Payoff{
		payoff.AsianCall{Strike: 100, Fixings: 12},
		payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 130, Fixings: 12}},
	} {
		res, err := Run(context.Background(), c.m, p, Config{Paths: 1 << 16, Scheme: sde.QE, Steps: 24, Seed: 6, Greeks: []Greek{Delta, Gamma}})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []Greek{Delta, Gamma} {
			fd, ok := res.Figure(g, FD)
			if !ok {
				t.Fatalf("%s: no fd %s", p.Name(), g)
			}
			n := 0
			for _, f := range res.Figures {
				if f.Greek != g || f.Method == FD {
					continue
				}
				n++
				se := math.Hypot(f.StdErr, fd.StdErr)
				t.Logf("%s %s(%s) = %.5f ± %.5f, fd %.5f ± %.5f (%+.1f SE)", p.Name(), g, f.Method, f.Value, f.StdErr, fd.Value, fd.StdErr, (f.Value-fd.Value)/se)
				if math.Abs(f.Value-fd.Value) > 5*se {
					t.Errorf("%s %s(%s) = %v ± %v, fd %v ± %v", p.Name(), g, f.Method, f.Value, f.StdErr, fd.Value, fd.StdErr)
				}
			}
			if n != 3 {
				t.Errorf("%s %s: %d methods beside fd, want 3; skipped %v", p.Name(), g, n, res.Skipped)
			}
		}
	}
}

// TestHestonRhoPathDependent checks the pathwise Rho of an arithmetic
// Asian on 12 fixings under both schemes (Feller set) against fd on the
// same normals, |pathwise − fd| ≤ 5·√(SE_pw² + SE_fd²), and that the
// Malliavin Rho is refused there with its reason.
func TestHestonRhoPathDependent(t *testing.T) {
	c := hestonCases[0]
	p := payoff.AsianCall{Strike: 100, Fixings: 12}
	for _, s := range []sde.Scheme{sde.QE, sde.Euler} {
		res, err := Run(context.Background(), c.m, p, Config{Paths: 1 << 15, Scheme: s, Steps: 24, Seed: 9, Greeks: []Greek{Rho}})
		if err != nil {
			t.Fatal(err)
		}
		fd, ok1 := res.Figure(Rho, FD)
		pw, ok2 := res.Figure(Rho, Pathwise)
		if !ok1 || !ok2 {
			t.Fatalf("%s: fd %v pathwise %v; skipped %v", s, ok1, ok2, res.Skipped)
		}
		se := math.Hypot(pw.StdErr, fd.StdErr)
		t.Logf("%s Rho(pathwise) = %.5f ± %.5f, fd %.5f ± %.5f (%+.1f SE)", s, pw.Value, pw.StdErr, fd.Value, fd.StdErr, (pw.Value-fd.Value)/se)
		if math.Abs(pw.Value-fd.Value) > 5*se {
			t.Errorf("%s Rho(pathwise) = %v ± %v, fd %v ± %v", s, pw.Value, pw.StdErr, fd.Value, fd.StdErr)
		}
		if _, ok := res.Figure(Rho, Malliavin); ok {
			t.Errorf("%s: Malliavin Rho of an Asian under heston offered", s)
		}
	}
}

// TestHestonTangentWeights checks the conditional Malliavin weights in √v₀
// and in T (sde.Grid.HestonVegaWeight and HestonExpiryWeight) and the
// tangents under full-truncation Euler on the Feller set and under QE on
// the Feller set and the mildly violated one (ξ² < 3κθ, every step
// quadratic): for a call and a digital call, every Vega and Theta method
// against fd on the same normals, |x − fd| ≤ 5·√(SE_x² + SE_fd²)
// (conservative: they share paths), and the digital's against its
// semi-analytic Greek (analytic.Heston, analytic.HestonRateTime)
// within 5 SE plus an allowance for the discretization at 32 steps (Vega
// 0.005, Theta 0.0005: about 2% and 6% of the values; the measured gaps are
// within 1.6 SE); that the hybrid's standard error is below Malliavin's
// and, for the digital, at most localized's; and that the weights are
// refused under QE where ξ² ≥ 3κθ and under Euler where Feller fails, with
// the reason. Dropping the Vega weight's ∂C term fails both payoffs by
// 20–50 SE under Euler, dropping √v⁺/(2N√Δt) from the expiry tangent fails
// the digital's Theta by 20–70 SE.
func TestHestonTangentWeights(t *testing.T) {
	k := 100.0
	allow := map[Greek]float64{Vega: 0.005, Theta: 0.0005}
	for _, c := range []struct {
		name   string
		m      sde.Heston
		scheme sde.Scheme
	}{{"feller-euler", hestonCases[1].m, sde.Euler}, {"feller-qe", hestonCases[0].m, sde.QE}, {"mild-qe", hestonCases[3].m, sde.QE}} {
		greek := func(g Greek, p payoff.Payoff) float64 {
			if g == Theta {
				rt, err := analytic.HestonRateTime(c.m, p)
				if err != nil {
					t.Fatal(err)
				}
				return rt.Theta
			}
			v, err := analytic.Heston(c.m, p)
			if err != nil {
				t.Fatal(err)
			}
			return v.Vega
		}
		for _, g := range []Greek{Vega, Theta} {
			exact := greek(g, payoff.DigitalCall{Strike: k, Cash: 1})
			for _, p := range []payoff.Payoff{payoff.Call{Strike: k}, payoff.DigitalCall{Strike: k, Cash: 1}} {
				res, err := Run(context.Background(), c.m, p, Config{Paths: 1 << 17, Scheme: c.scheme, Steps: 32, Seed: 13, Greeks: []Greek{g}})
				if err != nil {
					t.Fatal(err)
				}
				fd, ok := res.Figure(g, FD)
				if !ok {
					t.Fatalf("%s %s: no fd %s", c.name, p.Name(), g)
				}
				var mall, hyb, other Estimate
				for _, f := range res.Figures {
					switch f.Method {
					case FD:
						continue
					case Malliavin:
						mall = f.Estimate
					case Hybrid:
						hyb = f.Estimate
					default:
						other = f.Estimate
					}
					se := math.Hypot(f.StdErr, fd.StdErr)
					t.Logf("%s %s %s(%s) = %.5f ± %.5f, fd %.5f ± %.5f (%+.1f SE)", c.name, p.Name(), g, f.Method, f.Value, f.StdErr, fd.Value, fd.StdErr, (f.Value-fd.Value)/se)
					if math.Abs(f.Value-fd.Value) > 5*se {
						t.Errorf("%s %s %s(%s) = %v ± %v, fd %v ± %v", c.name, p.Name(), g, f.Method, f.Value, f.StdErr, fd.Value, fd.StdErr)
					}
					if _, digital := p.(payoff.DigitalCall); digital {
						t.Logf("  exact %.5f (%+.1f SE, allowance %.5f)", exact, (f.Value-exact)/f.StdErr, allow[g])
						if math.Abs(f.Value-exact) > 5*f.StdErr+allow[g] {
							t.Errorf("%s %s %s(%s) = %v ± %v, exact %v", c.name, p.Name(), g, f.Method, f.Value, f.StdErr, exact)
						}
					}
				}
				if mall.N == 0 || !(hyb.StdErr < mall.StdErr) {
					t.Errorf("%s %s %s: hybrid SE %v not below malliavin SE %v (N %d)", c.name, p.Name(), g, hyb.StdErr, mall.StdErr, mall.N)
				}
				if _, digital := p.(payoff.DigitalCall); digital && !(hyb.StdErr <= other.StdErr) {
					t.Errorf("%s %s %s: hybrid SE %v above localized SE %v", c.name, p.Name(), g, hyb.StdErr, other.StdErr)
				}
			}
		}
	}
	for _, g := range []Greek{Vega, Theta} {
		for _, bad := range []struct {
			m      sde.Heston
			scheme sde.Scheme
			reason string
		}{{hestonCases[2].m, sde.QE, "ξ² = 1 ≥ 3κθ = 0.12"}, {hestonCases[2].m, sde.QE, "ψ(0) = ξ²/(2κθ) = 12.5"}, {hestonCases[2].m, sde.Euler, "Feller"},
			{hestonCases[3].m, sde.Euler, "--scheme qe"}} {
			x := Malliavin // Vega's Malliavin weight exists there (TestHestonVegaLR): its localized half does not
			if g == Vega {
				x = Localized
			}
			why := Invalid(payoff.DigitalCall{Strike: k, Cash: 1}, bad.m, bad.scheme, g, x)
			if !strings.Contains(why, bad.reason) {
				t.Errorf("%s: %s %s refused with %q, want a reason containing %q", bad.scheme, x, g, why, bad.reason)
			}
		}
	}
}

// TestHestonPathDependentVega checks the Vega of an arithmetic Asian
// (pathwise, Malliavin, hybrid) and of an up-and-out call (Malliavin,
// localized, hybrid) on 12 fixings, where the conditional Vega weight sums
// a term per fixing interval, under full-truncation Euler (Feller set) and
// QE (Feller and mildly violated sets) against fd on the same normals:
// |x − fd| ≤ 5·√(SE_x² + SE_fd²).
func TestHestonPathDependentVega(t *testing.T) {
	for _, c := range []struct {
		name   string
		m      sde.Heston
		scheme sde.Scheme
	}{{"feller-euler", hestonCases[1].m, sde.Euler}, {"feller-qe", hestonCases[0].m, sde.QE}, {"mild-qe", hestonCases[3].m, sde.QE}} {
		for _, p := range []payoff.Payoff{
			payoff.AsianCall{Strike: 100, Fixings: 12},
			payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 130, Fixings: 12}},
		} {
			res, err := Run(context.Background(), c.m, p, Config{Paths: 1 << 16, Scheme: c.scheme, Steps: 24, Seed: 8, Greeks: []Greek{Vega}})
			if err != nil {
				t.Fatal(err)
			}
			fd, ok := res.Figure(Vega, FD)
			if !ok {
				t.Fatalf("%s %s: no fd Vega", c.name, p.Name())
			}
			n := 0
			for _, f := range res.Figures {
				if f.Method == FD {
					continue
				}
				n++
				se := math.Hypot(f.StdErr, fd.StdErr)
				t.Logf("%s %s Vega(%s) = %.5f ± %.5f, fd %.5f ± %.5f (%+.1f SE)", c.name, p.Name(), f.Method, f.Value, f.StdErr, fd.Value, fd.StdErr, (f.Value-fd.Value)/se)
				if math.Abs(f.Value-fd.Value) > 5*se {
					t.Errorf("%s %s Vega(%s) = %v ± %v, fd %v ± %v", c.name, p.Name(), f.Method, f.Value, f.StdErr, fd.Value, fd.StdErr)
				}
			}
			if n != 3 {
				t.Errorf("%s %s: %d Vega methods beside fd, want 3; skipped %v", c.name, p.Name(), n, res.Skipped)
			}
		}
	}
}

// TestHestonVegaLR checks the Malliavin and hybrid Vega where the variance
// chain has no usable tangent (QE with ξ² ≥ 3κθ, Euler without Feller):
// the first step's likelihood-ratio weight (sde's hestonVegaLR) and the
// hybrid D (f − λ*) ν, the weight with a crossfit baseline. On the
// strongly violated set (ξ = 1, κ = 1, θ = 0.04), 32 steps, 2¹⁷ paths:
// under QE a call, a digital call and an asset-or-nothing put against the
// semi-analytic Vega within 5 SE plus 2% of the value for QE's
// discretization (measured gaps within 2 SE), and under Euler (whose
// discretization bias is large at 32 steps there) against fd on the same
// normals, |x − fd| ≤ 5√(SE_x² + SE_fd²); the hybrid's SE below the
// weight's (the baseline removes E[f]ν: variance ÷4 on the digital); and
// that pathwise and localized stay refused.
func TestHestonVegaLR(t *testing.T) {
	m := hestonCases[2].m
	for _, scheme := range []sde.Scheme{sde.QE, sde.Euler} {
		for _, p := range []payoff.Payoff{payoff.Call{Strike: 100}, payoff.DigitalCall{Strike: 100, Cash: 1}, payoff.AssetPut{Strike: 100}} {
			res, err := Run(context.Background(), m, p, Config{Paths: 1 << 17, Scheme: scheme, Steps: 32, Seed: 17,
				Greeks: []Greek{Vega}, Methods: []Method{FD, Malliavin, Hybrid}})
			if err != nil {
				t.Fatal(err)
			}
			fd, ok := res.Figure(Vega, FD)
			if !ok {
				t.Fatalf("%s %s: no fd Vega", scheme, p.Name())
			}
			var ref float64
			if scheme == sde.QE {
				v, err := analytic.Heston(m, p)
				if err != nil {
					t.Fatal(err)
				}
				ref = v.Vega
			}
			var mallSE float64
			for _, x := range []Method{Malliavin, Hybrid} {
				f, ok := res.Figure(Vega, x)
				if !ok {
					t.Fatalf("%s %s: no %s Vega; skipped %v", scheme, p.Name(), x, res.Skipped)
				}
				if x == Malliavin {
					mallSE = f.StdErr
				} else if !(f.StdErr < mallSE) {
					t.Errorf("%s %s: hybrid SE %v not below malliavin's %v", scheme, p.Name(), f.StdErr, mallSE)
				}
				if scheme == sde.QE {
					t.Logf("%s %s %s: %.4f ± %.4f, fd %.4f ± %.4f, exact %.4f (%+.1f SE)", scheme, p.Name(), x,
						f.Value, f.StdErr, fd.Value, fd.StdErr, ref, (f.Value-ref)/f.StdErr)
					if math.Abs(f.Value-ref) > 5*f.StdErr+0.02*math.Abs(ref) {
						t.Errorf("%s %s: %s Vega %v ± %v, exact %v", scheme, p.Name(), x, f.Value, f.StdErr, ref)
					}
					continue
				}
				t.Logf("%s %s %s: %.4f ± %.4f, fd %.4f ± %.4f", scheme, p.Name(), x, f.Value, f.StdErr, fd.Value, fd.StdErr)
				if math.Abs(f.Value-fd.Value) > 5*math.Hypot(f.StdErr, fd.StdErr) {
					t.Errorf("%s %s: %s Vega %v ± %v, fd %v ± %v", scheme, p.Name(), x, f.Value, f.StdErr, fd.Value, fd.StdErr)
				}
			}
		}
		for _, x := range []Method{Pathwise, Localized} {
			p := payoff.Payoff(payoff.DigitalCall{Strike: 100, Cash: 1})
			if x == Pathwise {
				p = payoff.Call{Strike: 100}
			}
			if Invalid(p, m, scheme, Vega, x) == "" {
				t.Errorf("%s: %s Vega of %s offered without a tangent", scheme, x, p.Name())
			}
		}
	}
}
