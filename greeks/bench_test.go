package greeks

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

var benchModel = sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}

func benchRun(b *testing.B, cfg Config, steps int) {
	b.Helper()
	ctx := context.Background()
	p := payoff.Call{Strike: 100}
	b.ResetTimer()
	for i := range b.N {
		cfg.Seed = uint64(i + 1)
		if _, err := Run(ctx, benchModel, p, cfg); err != nil {
			b.Fatal(err)
		}
	}
	paths := float64(cfg.Paths) * float64(b.N)
	b.ReportMetric(paths/b.Elapsed().Seconds(), "paths/s")
	if steps > 1 {
		b.ReportMetric(b.Elapsed().Seconds()*1e9/(paths*float64(steps)), "ns/path-step")
	}
}

// BenchmarkExactDelta: 1-step exact GBM call, price plus Delta by pathwise,
// Malliavin and hybrid (the headline target: ≥ 75 million paths/s on
// 2 cores).
func BenchmarkExactDelta(b *testing.B) {
	for _, n := range []int64{1 << 20, 1 << 23} {
		b.Run(fmt.Sprintf("paths=%d", n), func(b *testing.B) {
			benchRun(b, Config{Paths: n, Greeks: []Greek{Delta}, Methods: []Method{Pathwise, Malliavin, Hybrid}}, 1)
		})
	}
}

// BenchmarkExactDeltaFD adds central bump-and-revalue Delta (two more
// revaluations of every path).
func BenchmarkExactDeltaFD(b *testing.B) {
	b.Run("paths=8388608", func(b *testing.B) {
		benchRun(b, Config{Paths: 1 << 23, Greeks: []Greek{Delta}, Methods: []Method{FD, Pathwise, Malliavin, Hybrid}}, 1)
	})
}

// BenchmarkExactAll: every Greek by every method.
func BenchmarkExactAll(b *testing.B) {
	b.Run("paths=4194304", func(b *testing.B) {
		benchRun(b, Config{Paths: 1 << 22}, 1)
	})
}

// BenchmarkEuler: a 100-step Euler path, price only, and price plus the
// pathwise/Malliavin/hybrid Delta (first variation and weight carried).
func BenchmarkEuler(b *testing.B) {
	b.Run("price/steps=100", func(b *testing.B) {
		benchRun(b, Config{Paths: 1 << 18, Scheme: sde.Euler, Steps: 100, Greeks: []Greek{}}, 100)
	})
	b.Run("delta/steps=100", func(b *testing.B) {
		benchRun(b, Config{Paths: 1 << 18, Scheme: sde.Euler, Steps: 100, Greeks: []Greek{Delta}, Methods: []Method{Pathwise, Malliavin, Hybrid}}, 100)
	})
}

// BenchmarkAsian: arithmetic Asian call on 12 fixings, exact GBM, price plus
// Delta by pathwise, Malliavin (the Asian weight) and hybrid.
func BenchmarkAsian(b *testing.B) {
	b.Run("fixings=12/paths=1048576", func(b *testing.B) {
		benchRunPayoff(b, payoff.AsianCall{Strike: 100, Fixings: 12},
			Config{Paths: 1 << 20, Greeks: []Greek{Delta}, Methods: []Method{Pathwise, Malliavin, Hybrid}}, 1)
	})
}

// BenchmarkBarrier: up-and-out call monitored on 50 dates, exact GBM, price
// plus Delta by Malliavin, localized and hybrid (the localized pilot
// included).
func BenchmarkBarrier(b *testing.B) {
	p := payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 130, Fixings: 50}}
	b.Run("dates=50/paths=1048576", func(b *testing.B) {
		benchRunPayoff(b, p, Config{Paths: 1 << 20, Greeks: []Greek{Delta}, Methods: []Method{Malliavin, Localized, Hybrid}}, 1)
	})
	b.Run("dates=50/price/paths=1048576", func(b *testing.B) {
		benchRunPayoff(b, p, Config{Paths: 1 << 20, Greeks: []Greek{}}, 1)
	})
}

func benchRunPayoff(b *testing.B, p payoff.Payoff, cfg Config, steps int) {
	b.Helper()
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		cfg.Seed = uint64(i + 1)
		if _, err := Run(ctx, benchModel, p, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cfg.Paths)*float64(b.N)/b.Elapsed().Seconds(), "paths/s")
}

// benchCorrelated is d assets at spot 100, volatilities 0.2–0.3, correlation 0.3.
func benchCorrelated(b *testing.B, d int) sde.Correlated {
	spot, div, vol := make([]float64, d), make([]float64, d), make([]float64, d)
	corr := make([][]float64, d)
	for a := range d {
		spot[a], div[a], vol[a] = 100, 0.01, 0.2+0.1*float64(a)/float64(d)
		corr[a] = make([]float64, d)
		for c := range d {
			corr[a][c] = 0.3
		}
		corr[a][a] = 1
	}
	m, err := sde.NewCorrelated(spot, div, vol, 0.05, 1, corr)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkAssets: an equally weighted basket call on d correlated assets,
// price plus every asset's Delta by pathwise, Malliavin and hybrid, 2²²/d
// paths. Each iteration also runs the single-asset engine on a call with
// 2²² paths (the work of BenchmarkExactDelta), interleaved so that both see
// the same machine load; "cost/d" is the cost of a d-asset path in
// single-asset paths, divided by d (the target: at most 1.5), in
// process CPU time (wall time on a loaded machine swings by ±50%), and
// "paths/s" the d-asset rate in wall time.
func BenchmarkAssets(b *testing.B) {
	cfg := Config{Greeks: []Greek{Delta}, Methods: []Method{Pathwise, Malliavin, Hybrid}}
	ctx := context.Background()
	for _, d := range []int{2, 5, 20} {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			m := benchCorrelated(b, d)
			w := make([]float64, d)
			for a := range w {
				w[a] = 1 / float64(d)
			}
			p := payoff.BasketCall{Strike: 100, Weights: w}
			one, multi := cfg, cfg
			one.Paths, multi.Paths = 1<<22, int64(1<<22)/int64(d)
			var t1, td, c1, cd time.Duration
			b.ResetTimer()
			for i := range b.N {
				one.Seed, multi.Seed = uint64(i+1), uint64(i+1)
				start, cstart := time.Now(), cpuTime()
				if _, err := Run(ctx, benchModel, payoff.Call{Strike: 100}, one); err != nil {
					b.Fatal(err)
				}
				mid, cmid := time.Now(), cpuTime()
				if _, err := Run(ctx, m, p, multi); err != nil {
					b.Fatal(err)
				}
				t1, td = t1+mid.Sub(start), td+time.Since(mid)
				c1, cd = c1+cmid-cstart, cd+cpuTime()-cmid
			}
			b.ReportMetric(float64(multi.Paths)*float64(b.N)/td.Seconds(), "paths/s")
			b.ReportMetric(float64(one.Paths)*float64(b.N)/t1.Seconds(), "1-asset-paths/s")
			b.ReportMetric(cd.Seconds()/c1.Seconds()*float64(one.Paths)/(float64(multi.Paths)*float64(d)), "cost/d")
		})
	}
}

// BenchmarkDigitalGain reports the variance gain of the hybrid over plain
// Malliavin, Var(Malliavin)/Var(hybrid), on the first asset's Delta of a
// basket digital and a worst-of digital (3 assets, correlation 0.3, 2²⁰
// paths, the smoothing width chosen by the pilot); and the gain of
// localized alone.
func BenchmarkDigitalGain(b *testing.B) {
	for _, p := range []payoff.Payoff{
		payoff.BasketDigitalCall{Strike: 100, Cash: 1, Weights: []float64{1. / 3, 1. / 3, 1. / 3}},
		payoff.WorstOfDigitalCall{Strike: 90, Cash: 1, N: 3},
	} {
		b.Run(p.Name(), func(b *testing.B) {
			m := benchCorrelated(b, 3)
			cfg := Config{Paths: 1 << 20, Greeks: []Greek{Delta}, Methods: []Method{Malliavin, Localized, Hybrid}}
			var r *Result
			for i := range b.N {
				cfg.Seed = uint64(i + 1)
				var err error
				if r, err = Run(context.Background(), m, p, cfg); err != nil {
					b.Fatal(err)
				}
			}
			mw, _ := r.AssetFigure(Delta, Malliavin, 0, 0)
			lo, _ := r.AssetFigure(Delta, Localized, 0, 0)
			hy, _ := r.AssetFigure(Delta, Hybrid, 0, 0)
			b.ReportMetric(mw.StdErr*mw.StdErr/(hy.StdErr*hy.StdErr), "gain-hybrid")
			b.ReportMetric(mw.StdErr*mw.StdErr/(lo.StdErr*lo.StdErr), "gain-localized")
		})
	}
}

// BenchmarkSobolDelta is BenchmarkExactDelta and BenchmarkAsian's 16
// fixings under rng sobol (16 randomizations): the cost of the scrambled
// points, their inversion and the Brownian bridge.
func BenchmarkSobolDelta(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		p    payoff.Payoff
	}{{"call", payoff.Call{Strike: 100}}, {"asian16", payoff.AsianCall{Strike: 100, Fixings: 16}}} {
		for _, rng := range []RNG{Pseudo, Sobol} {
			b.Run(fmt.Sprintf("%s/%s/paths=1048576", tc.name, rng), func(b *testing.B) {
				cfg := Config{Paths: 1 << 20, Greeks: []Greek{Delta}, Methods: []Method{Pathwise, Malliavin, Hybrid}, RNG: rng}
				b.ResetTimer()
				for i := range b.N {
					cfg.Seed = uint64(i + 1)
					if _, err := Run(ctx, benchModel, tc.p, cfg); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cfg.Paths)*float64(b.N)/b.Elapsed().Seconds(), "paths/s")
			})
		}
	}
}
