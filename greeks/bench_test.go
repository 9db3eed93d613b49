package greeks

import (
	"context"
	"fmt"
	"testing"

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
