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
	h := sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 2, Theta: 0.04, Xi: 0.3, Rho: -0.7, Expiry: 1}
	hv := sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 1, Rho: -0.7, Expiry: 1}
	benchHeston(b, []Greek{Delta}, []hestonBenchCase{
		{"gbm-euler", benchModel, sde.Euler},
		{"heston-qe", h, sde.QE},
		{"heston-qe-violated", hv, sde.QE},
		{"heston-euler", h, sde.Euler},
	})
}

// BenchmarkHestonVega: price plus Vega (∂V/∂√v₀) by pathwise, Malliavin
// and hybrid on 100-step paths, by the variance chain's tangent and the
// conditional Vega weight, under QE (hestonqe_tangent.go, beside qeStep)
// and full-truncation Euler on the Feller set, beside QE's price plus
// Delta in the same run: the tangent's cost a step is the difference.
func BenchmarkHestonVega(b *testing.B) {
	h := sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 2, Theta: 0.04, Xi: 0.3, Rho: -0.7, Expiry: 1}
	b.Run("delta", func(b *testing.B) {
		benchHeston(b, []Greek{Delta}, []hestonBenchCase{{"heston-qe", h, sde.QE}})
	})
	b.Run("vega", func(b *testing.B) {
		benchHeston(b, []Greek{Vega}, []hestonBenchCase{{"heston-qe", h, sde.QE}, {"heston-euler", h, sde.Euler}})
	})
}

type hestonBenchCase struct {
	name   string
	m      sde.Model
	scheme sde.Scheme
}

// benchHeston runs each case's price plus gs by pathwise, Malliavin and
// hybrid on 2¹⁶ paths of 100 steps and reports paths/s, ns/path-step and
// cpu-ns/path-step.
func benchHeston(b *testing.B, gs []Greek, cases []hestonBenchCase) {
	const steps, paths = 100, 1 << 16
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			cfg := Config{Paths: paths, Scheme: c.scheme, Steps: steps, Greeks: gs, Methods: []Method{Pathwise, Malliavin, Hybrid}}
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
