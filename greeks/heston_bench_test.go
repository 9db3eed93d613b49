package greeks

import (
	"context"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// BenchmarkHestonStep: price plus Delta by pathwise, Malliavin and hybrid
// on 100-step paths, Heston under QE and full-truncation Euler beside GBM
// under Euler in the same run; ns/path-step compares the cost of a step,
// cpu-ns/path-step the same in CPU time (user + system, all workers), which
// a loaded machine inflates less than wall time.
func BenchmarkHestonStep(b *testing.B) {
	const steps, paths = 100, 1 << 16
	h := sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 2, Theta: 0.04, Xi: 0.3, Rho: -0.7, Expiry: 1}
	hv := sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 1, Rho: -0.7, Expiry: 1}
	for _, c := range []struct {
		name   string
		m      sde.Model
		scheme sde.Scheme
	}{
		{"gbm-euler", benchModel, sde.Euler},
		{"heston-qe", h, sde.QE},
		{"heston-qe-violated", hv, sde.QE},
		{"heston-euler", h, sde.Euler},
	} {
		b.Run(c.name, func(b *testing.B) {
			cfg := Config{Paths: paths, Scheme: c.scheme, Steps: steps, Greeks: []Greek{Delta}, Methods: []Method{Pathwise, Malliavin, Hybrid}}
			p := payoff.Call{Strike: 100}
			c0 := cpuTime()
			for i := range b.N {
				cfg.Seed = uint64(i + 1)
				if _, err := Run(context.Background(), c.m, p, cfg); err != nil {
					b.Fatal(err)
				}
			}
			n := float64(paths) * float64(b.N)
			b.ReportMetric(n/b.Elapsed().Seconds(), "paths/s")
			b.ReportMetric(b.Elapsed().Seconds()*1e9/(n*steps), "ns/path-step")
			b.ReportMetric(float64(cpuTime()-c0)/(n*steps), "cpu-ns/path-step")
		})
	}
}
