package greeks

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// agedThetaQuotient returns an independent estimate of the Theta of a
// path-dependent payoff p (m fixings) under Heston: −(V(t_1 + d) −
// V(t_1 − d))/(2d) of two price runs of the aged chain
// (sde.Grid.EvolveHestonAged, t_1 = T/m ± d, the later steps unchanged,
// paid at T ± d) on common normals of their own stream, with the
// standard error of the paired quotient; d = rel·t_1.
func agedThetaQuotient(hm sde.Heston, s sde.Scheme, p payoff.Payoff, m, steps, paths int, rel float64, seed uint64) (float64, float64) {
	const n = 1024
	t1 := hm.Expiry / float64(m)
	d := rel * t1
	du, dd := -math.Exp(-hm.Rate*(hm.Expiry+d))/(2*d), math.Exp(-hm.Rate*(hm.Expiry-d))/(2*d)
	var g sde.Grid
	var up, dn sde.Block
	up.Resize(n, m)
	dn.Resize(n, m)
	z := make([]float64, 2*n*steps)
	fu, fd := make([]float64, n), make([]float64, n)
	rng := rngstream.New(seed, 99)
	q := make([]float64, 0, paths)
	for done := 0; done < paths; done += n {
		rng.Normals(z)
		g.EvolveHestonAged(hm, s, t1+d, steps, z, &up, 0)
		g.EvolveHestonAged(hm, s, t1-d, steps, z, &dn, 0)
		p.Eval(up.Obs, fu, nil)
		p.Eval(dn.Obs, fd, nil)
		for i := range fu {
			q = append(q, du*fu[i]+dd*fd[i])
		}
	}
	mu, sd := stat.MeanStdDev(q, nil)
	return mu, sd / math.Sqrt(float64(len(q)))
}

// TestHestonAsianTheta checks the Theta of an arithmetic Asian call on
// 12 fixings under Heston (T moving the first fixing interval, the later
// ones fixed) against agedThetaQuotient, an independent pair of price runs
// at t_1 ± 0.1t_1 on 4 times the paths and another stream, within 5
// standard errors of the two (independent) estimates: fd everywhere, and
// pathwise, Malliavin and hybrid by the tangent and weight in t_1 where
// the tangent exists (QE on the Feller and the mildly violated set, Euler
// on the Feller set); on the strongly violated set (ξ = 1, κ = 1) under QE
// and full-truncation Euler fd only, the other methods refused with the
// reason. The quotient's O(d²) bias is far below the standard error (the
// aged price is smooth in t_1). Theta of the uniformly rescaled schedule
// (every t_j = jT/m moving, the refused reading before EvolveHestonAged)
// is −3.08 ± 0.01 on the Feller set, against −7.7 here: 50 standard errors off.
func TestHestonAsianTheta(t *testing.T) {
	const fix, steps = 12, 24
	p := payoff.AsianCall{Strike: 100, Fixings: fix}
	for _, c := range []struct {
		m sde.Heston
		s sde.Scheme
	}{{hestonCases[0].m, sde.QE}, {hestonCases[3].m, sde.QE}, {hestonCases[1].m, sde.Euler}, {hestonCases[2].m, sde.QE}, {hestonCases[2].m, sde.Euler}} {
		res, err := Run(context.Background(), c.m, p, Config{Paths: 1 << 16, Scheme: c.s, Steps: steps, Seed: *seed + 21, Greeks: []Greek{Theta}})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := res.Figure(Theta, FD); !ok {
			t.Fatalf("%s ξ=%v: no fd Theta; skipped %v", c.s, c.m.Xi, res.Skipped)
		}
		want, wse := agedThetaQuotient(c.m, c.s, p, fix, steps, 1<<18, 0.1, *seed+22)
		for _, f := range res.Figures {
			se := math.Hypot(f.StdErr, wse)
			t.Logf("%s ξ=%v: Theta(%s) = %.4f ± %.4f, independent quotient %.4f ± %.4f (%+.1f SE)", c.s, c.m.Xi, f.Method, f.Value, f.StdErr, want, wse, (f.Value-want)/se)
			if math.Abs(f.Value-want) > 5*se {
				t.Errorf("%s ξ=%v: Theta(%s) = %v ± %v, independent quotient %v ± %v", c.s, c.m.Xi, f.Method, f.Value, f.StdErr, want, wse)
			}
		}
		nf, ns := 1, 4 // fd only
		if hestonTangent(c.m, c.s) {
			nf, ns = 4, 1 // fd, pathwise, malliavin, hybrid; localized is for discontinuous payoffs
		}
		if len(res.Figures) != nf || len(res.Skipped) != ns {
			t.Errorf("%s ξ=%v: figures %d, skipped %v; want %d figures", c.s, c.m.Xi, len(res.Figures), res.Skipped, nf)
		}
	}
}

// TestHestonBarrierThetaParity checks the Theta of up-and-out and
// up-and-in calls (barrier 125 on 12 fixings) under QE on the Feller set
// by parity, for each method (fd, and Malliavin, localized and hybrid by
// the tangent and weight in t_1): in + out is the vanilla call path by
// path, whose Theta is analytic.HestonRateTime's, within 5 standard errors
// of the sum (the two runs on separate seeds) plus the allowance of
// TestHestonRateTime for QE's discretization at 24 steps (1% of w/T,
// w = S_0√(v̄T)). The expiry bump is 0.2t_1: a barrier's fd variance grows
// as 1/h (paths cross the barrier between the bumped chains), and the fd
// bias, O(h²) in the smooth aged price, stays far below the standard error.
func TestHestonBarrierThetaParity(t *testing.T) {
	c := hestonCases[0]
	bar := payoff.Barrier{Level: 125, Fixings: 12}
	want, err := analytic.HestonRateTime(c.m, payoff.Call{Strike: 100})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Paths: 1 << 18, Scheme: sde.QE, Steps: 24, Seed: *seed + 23, Greeks: []Greek{Theta}, Bumps: Bumps{Expiry: 0.2}}
	methods := []Method{FD, Malliavin, Localized, Hybrid}
	sum, v := map[Method]float64{}, map[Method]float64{}
	for i, p := range []payoff.Payoff{payoff.UpInCall{Strike: 100, Barrier: bar}, payoff.UpOutCall{Strike: 100, Barrier: bar}} {
		cfg.Seed += uint64(i)
		res, err := Run(context.Background(), c.m, p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range methods {
			f, ok := res.Figure(Theta, x)
			if !ok {
				t.Fatalf("%s: no %s Theta; skipped %v", p.Name(), x, res.Skipped)
			}
			t.Logf("%s Theta(%s) = %.4f ± %.4f", p.Name(), x, f.Value, f.StdErr)
			sum[x] += f.Value
			v[x] += f.StdErr * f.StdErr
		}
	}
	w := c.m.Spot * math.Sqrt(math.Max(c.m.V0, c.m.Theta)*c.m.Expiry)
	allow := 0.01 * w / c.m.Expiry
	for _, x := range methods {
		se := math.Sqrt(v[x])
		t.Logf("%s: in + out = %.4f ± %.4f, vanilla Theta %.4f (%+.1f SE)", x, sum[x], se, want.Theta, (sum[x]-want.Theta)/se)
		if math.Abs(sum[x]-want.Theta) > 5*se+allow {
			t.Errorf("Theta(%s) in + out = %v ± %v, vanilla %v (allowance %v)", x, sum[x], se, want.Theta, allow)
		}
	}
}

// TestHestonPathDepThetaWorkers checks that the Theta of an Asian under
// Heston (fd on the aged chain; pathwise, Malliavin and hybrid by the
// tangent in t_1 where it exists) is the same for 1 and 3 workers, both
// schemes, on the strongly violated set (fd only) and the Feller set.
func TestHestonPathDepThetaWorkers(t *testing.T) {
	p := payoff.AsianCall{Strike: 100, Fixings: 4}
	for _, c := range []struct {
		m sde.Heston
		s sde.Scheme
	}{{hestonCases[2].m, sde.QE}, {hestonCases[2].m, sde.Euler}, {hestonCases[0].m, sde.QE}, {hestonCases[1].m, sde.Euler}} {
		var first *Result
		for _, w := range []int{1, 3} {
			res, err := Run(context.Background(), c.m, p, Config{Paths: 3*ChunkSize + 100, Scheme: c.s, Steps: 8, Seed: 2, Workers: w, Greeks: []Greek{Theta}})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := res.Figure(Theta, FD); !ok {
				t.Fatalf("%s: no fd Theta; skipped %v", c.s, res.Skipped)
			}
			if first == nil {
				first = res
				continue
			}
			if len(res.Figures) != len(first.Figures) {
				t.Fatalf("%s ξ=%v: %d figures with 3 workers, %d with 1", c.s, c.m.Xi, len(res.Figures), len(first.Figures))
			}
			for i, f := range res.Figures {
				if g := first.Figures[i]; f.Estimate != g.Estimate {
					t.Errorf("%s ξ=%v Theta(%s): %v with 3 workers, %v with 1", c.s, c.m.Xi, f.Method, f.Estimate, g.Estimate)
				}
			}
		}
	}
}
