package greeks

import (
	"flag"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/internal/sobol"
	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/internal/vmath"
	"github.com/hybridgreeks/hybridgreeks/payoff"
)

var rqmcStudy = flag.Bool("rqmcstudy", false, "run the RQMC replicate study of docs/rqmc.md (about a minute)")

// TestSobolReplicateStudy is the measurement behind docs/rqmc.md's
// "What remains below 95%" and benchmarks/README.md's λ-cost table, not a
// check: it runs only with -rqmcstudy and logs its figures.
//
//	go test ./greeks -run TestSobolReplicateStudy -rqmcstudy -v
//
// It draws many independent randomizations (keys replicateKey(12345, r))
// of n tilted one-step Sobol points of testref.Cases[0] (ATM call, σ = 0.2,
// T = 1) and evaluates, per randomization, the means of the price, the
// pathwise Delta e^{−rT} 1{S_T > K} S_T/S₀ and the Malliavin Delta
// f·W_T/(S₀σT): the engine's one-step integrands (same sequence, scramble,
// tilt and inversion), evaluated directly so that each randomization's top
// point (largest u₁) can be set apart. Randomizations are i.i.d., so
// groups of R of them are R-randomization runs. It logs
//
//   - per figure: variance × n², skewness and excess kurtosis of the
//     randomization means, and the share of the variance left once the top
//     point's deviation (f(z_top) − its mean over randomizations)/n is
//     removed: the tail's part;
//   - coverage of the 95% t interval (t₀.₉₇₅(R−1)) and of Hall's (1992)
//     skewness-corrected interval over the groups, R = 8, 16, 64;
//   - for the hybrid Delta, E(H̄ − Δ)²/E(P̄ − Δ)² with λ by leave-one-out
//     on the other R − 1 randomization means (crossfit on whole means),
//     on their 2(R − 1) half means (the engine's crossfit: sobolFolds),
//     from all R (plugin), from 64 other randomizations (pilot), and λ* of
//     the whole pool (oracle), and the engine's crossfit and pilot λ;
//
// for n = 1024 (2^14 paths at R = 16), n = 1024 with antithetic pairs
// (512 points and their mirrors 1 − u), and n = 256 (2^14 paths at R = 64).
func TestSobolReplicateStudy(t *testing.T) {
	if !*rqmcStudy {
		t.Skip("a study, not a check: run with -rqmcstudy")
	}
	c := testref.Cases[0]
	want, price := testref.Greeks(c.Model, payoff.Call{Strike: c.Strike})
	truth := [3]float64{price, want[Delta], want[Delta]}
	names := [3]string{"price", "delta pathwise", "delta malliavin"}
	for _, run := range []struct {
		n, reps int
		anti    bool
	}{{1024, 64000, false}, {1024, 64000, true}, {256, 64000, false}} {
		rows := callReplicates(c.Model.Spot, c.Model.Rate, c.Model.Vol, c.Model.Expiry, c.Strike, run.n, run.reps, run.anti)
		t.Logf("n = %d, %d randomizations, antithetic %v", run.n, run.reps, run.anti)
		for j := range 3 {
			e := make([]float64, len(rows))
			var top Moments
			for i, r := range rows {
				e[i] = r.mean[j] - truth[j]
				top.Merge(Moments{N: 1, Mean: r.top[j]})
			}
			v, sk, ku := shape(e)
			for i, r := range rows {
				e[i] -= (r.top[j] - top.Mean) / float64(run.n)
			}
			v2, sk2, _ := shape(e)
			for i, r := range rows {
				e[i] = r.mean[j] - truth[j]
			}
			t.Logf("  %s: var·n² %.4g, skewness %.2f, excess kurtosis %.1f; top point removed: %.1f%% of the variance left, skewness %.2f",
				names[j], v*float64(run.n*run.n), sk, ku, 100*v2/v, sk2)
			for _, R := range []int{8, 16, 64} {
				ct, ch := groupCoverage(e, R)
				t.Logf("    R = %d: t interval %.1f%%, Hall %.1f%% (%d groups)", R, 100*ct, 100*ch, len(e)/R)
			}
		}
		p, m := make([]float64, len(rows)), make([]float64, len(rows))
		hp, hm := make([]float64, 2*len(rows)), make([]float64, 2*len(rows))
		for i, r := range rows {
			p[i], m[i] = r.mean[1], r.mean[2]
			hp[2*i], hm[2*i], hp[2*i+1], hm[2*i+1] = r.half0[1], r.half0[2], r.half1[1], r.half1[2]
		}
		var all Pair
		for i := range p {
			all.Merge(Pair{N: 1, MeanP: p[i], MeanM: m[i]})
		}
		t.Logf("  hybrid Delta: λ* of the pool %.4f", Mixer{}.Lambda(all))
		for _, R := range []int{8, 16, 32, 64} {
			cf, pl, pi, or := hybridCost(p, m, truth[1], R)
			t.Logf("  hybrid Delta, R = %d: MSE / pathwise MSE: crossfit on whole means %.3f, plugin %.3f, pilot of 64 %.3f, oracle λ* %.3f, crossfit on halves (the engine's) %.3f",
				R, cf, pl, pi, or, halvesCost(p, m, hp, hm, truth[1], R))
		}
	}
	// The engine itself: the hybrid's MSE over the pathwise Delta's, the
	// same runs (R = 16), λ by crossfit and by a pilot of 2^14 paths (64
	// randomizations of 256 points, other keys).
	const seeds = 200
	for _, paths := range []int64{1 << 16, 1 << 18} {
		var ep, ec, epi float64
		for s := range seeds {
			for _, mode := range []LambdaMode{Crossfit, Pilot} {
				r := run(t, c.Model, payoff.Call{Strike: c.Strike}, Config{Paths: paths, RNG: Sobol, Greeks: []Greek{Delta},
					Methods: []Method{Pathwise, Hybrid}, Lambda: mode, PilotPaths: 1 << 14, Seed: uint64(s) + 1})
				p, _ := r.Figure(Delta, Pathwise)
				h, _ := r.Figure(Delta, Hybrid)
				dh := (h.Value - truth[1]) * (h.Value - truth[1])
				if mode == Crossfit {
					ep += (p.Value - truth[1]) * (p.Value - truth[1])
					ec += dh
				} else {
					epi += dh
				}
			}
		}
		t.Logf("engine, %d paths, R = 16, %d seeds: hybrid MSE / pathwise MSE: crossfit %.3f, pilot (2^14 paths) %.3f", paths, seeds, ec/ep, epi/ep)
	}
}

// callRep is one randomization's means of the price, pathwise and
// Malliavin Delta, and the same three at its top point (largest u₁).
type callRep struct{ mean, top, half0, half1 [3]float64 }

func callReplicates(s0, r, sig, T, k float64, n, reps int, anti bool) []callRep {
	seq, _ := sobol.New(2)
	tl := newTilt(int64(n))
	var sc sobol.Scrambler
	x, y := make([]uint32, 2), make([]uint32, 2)
	disc, vol, drift := math.Exp(-r*T), sig*math.Sqrt(T), (r-sig*sig/2)*T
	f := func(z float64) [3]float64 {
		s := s0 * math.Exp(drift+vol*z)
		if s <= k {
			return [3]float64{}
		}
		p := disc * (s - k)
		return [3]float64{p, disc * s / s0, p * z / (s0 * vol)}
	}
	m, mirrors := n, 1
	if anti {
		m, mirrors = n/2, 2
	}
	out := make([]callRep, reps)
	for rep := range out {
		sc.Reset(sobol.Owen, replicateKey(12345, rep), 2)
		var utop float64
		o := &out[rep]
		for i := range m {
			seq.Point(uint64(i), x)
			copy(y, x)
			sc.Apply(y)
			for a := range mirrors {
				u1, u2 := sobol.Uniform(y[0]), sobol.Uniform(y[1])
				if a == 1 { // 1 − u on the 2³² grid
					u1, u2 = sobol.Uniform(^y[0]), sobol.Uniform(^y[1])
				}
				v := f(tl.cos*vmath.NormInv(u1) + tl.sin*vmath.NormInv(u2))
				for j := range v {
					o.mean[j] += v[j] / float64(n)
					if i < m/2 {
						o.half0[j] += 2 * v[j] / float64(n)
					} else {
						o.half1[j] += 2 * v[j] / float64(n)
					}
				}
				if u1 > utop {
					utop, o.top = u1, v
				}
			}
		}
	}
	return out
}

// shape returns the sample variance, skewness and excess kurtosis of e.
func shape(e []float64) (v, skew, kurt float64) {
	var mean, m2, m3, m4 float64
	for _, x := range e {
		mean += x / float64(len(e))
	}
	for _, x := range e {
		d := x - mean
		m2, m3, m4 = m2+d*d, m3+d*d*d, m4+d*d*d*d
	}
	n := float64(len(e))
	v = m2 / (n - 1)
	return v, m3 / n / math.Pow(v, 1.5), m4/n/(v*v) - 3
}

// groupCoverage returns the share of groups of R consecutive errors whose
// 95% t interval, and Hall's skewness-corrected interval, cover 0.
//
// Hall (1992, "On the removal of skewness by transformation", JRSS B 54)
// replaces T = (x̄ − μ)/(s/√R) by the monotone
//
//	g(T) = T + a T² + a² T³/3 + a/2,  a = γ̂/(3√R),
//
// γ̂ the sample skewness, and inverts |g(T)| ≤ t₀.₉₇₅(R−1):
// g⁻¹(x) = ((1 + 3a(x − a/2))^{1/3} − 1)/a.
func groupCoverage(e []float64, R int) (tCov, hallCov float64) {
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(R - 1)}.Quantile(0.975)
	ginv := func(x, a float64) float64 {
		if a == 0 {
			return x
		}
		return (math.Cbrt(1+3*a*(x-a/2)) - 1) / a
	}
	g := len(e) / R
	var nt, nh int
	for i := range g {
		x := e[i*R : (i+1)*R]
		v, sk, _ := shape(x)
		var mean float64
		for _, y := range x {
			mean += y / float64(R)
		}
		se := math.Sqrt(v / float64(R))
		if math.Abs(mean) <= q*se {
			nt++
		}
		sk *= math.Sqrt(float64(R-1) / float64(R)) // Σd³/R over s³ with s² = Σd²/(R−1)
		a := sk / (3 * math.Sqrt(float64(R)))
		if lo, hi := mean-ginv(q, a)*se, mean-ginv(-q, a)*se; lo <= 0 && 0 <= hi {
			nh++
		}
	}
	return float64(nt) / float64(g), float64(nh) / float64(g)
}

// hybridCost returns, over groups of R randomizations, the mean squared
// error of the hybrid Delta H̄ = (1/R) Σ (λ_r P̄_r + (1 − λ_r) M̄_r) over
// that of the pathwise P̄, for λ_r by leave-one-out on whole means,
// from all R (plugin), from 64 other randomizations of the pool (pilot:
// Lambda Pilot's 64 randomizations when they have n points too), and the
// pool's λ* (oracle).
func hybridCost(p, m []float64, truth float64, R int) (crossfit, plugin, pilot, oracle float64) {
	lambda := func(idx func(int) (float64, float64, bool), n int) float64 {
		var pr Pair
		for i := range n {
			if a, b, ok := idx(i); ok {
				pr.Merge(Pair{N: 1, MeanP: a, MeanM: b})
			}
		}
		return Mixer{}.Lambda(pr)
	}
	all := lambda(func(i int) (float64, float64, bool) { return p[i], m[i], true }, len(p))
	const pilotReps = 64
	var ep, ec, epl, epi, eo float64
	for g := range len(p) / R {
		gp, gm := p[g*R:(g+1)*R], m[g*R:(g+1)*R]
		var pb, mb, h float64
		for r := range R {
			pb += gp[r] / float64(R)
			mb += gm[r] / float64(R)
			l := lambda(func(i int) (float64, float64, bool) { return gp[i], gm[i], i != r }, R)
			h += (l*gp[r] + (1-l)*gm[r]) / float64(R)
		}
		l := lambda(func(i int) (float64, float64, bool) { return gp[i], gm[i], true }, R)
		ep += (pb - truth) * (pb - truth)
		ec += (h - truth) * (h - truth)
		hp := l*pb + (1-l)*mb
		epl += (hp - truth) * (hp - truth)
		lp := lambda(func(i int) (float64, float64, bool) {
			j := ((g+1)*R + i) % len(p) // the next 64 randomizations, not the group's
			return p[j], m[j], true
		}, pilotReps)
		hpi := lp*pb + (1-lp)*mb
		epi += (hpi - truth) * (hpi - truth)
		ho := all*pb + (1-all)*mb
		eo += (ho - truth) * (ho - truth)
	}
	return ec / ep, epl / ep, epi / ep, eo / ep
}

// halvesCost is hybridCost's crossfit with λ_r from the 2(R − 1) half
// randomizations (points 0 … n/2 − 1 and n/2 … n − 1, each a scrambled net
// of n/2 points) of the other randomizations: still independent of
// randomization r, with twice the pairs (not independent within a
// randomization).
func halvesCost(p, m, hp, hm []float64, truth float64, R int) float64 {
	var ep, eh float64
	for g := range len(p) / R {
		var pb, h float64
		for r := range R {
			var pr Pair
			for i := range R {
				if i != r {
					for k := 2 * (g*R + i); k < 2*(g*R+i)+2; k++ {
						pr.Merge(Pair{N: 1, MeanP: hp[k], MeanM: hm[k]})
					}
				}
			}
			l := Mixer{}.Lambda(pr)
			j := g*R + r
			pb += p[j] / float64(R)
			h += (l*p[j] + (1-l)*m[j]) / float64(R)
		}
		ep += (pb - truth) * (pb - truth)
		eh += (h - truth) * (h - truth)
	}
	return eh / ep
}
