package greeks

import (
	"context"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// BenchmarkCEVEuler times a CEV put on a 100-step Euler grid (the general
// loop): the price alone; the pathwise, Malliavin and hybrid Delta; Gamma,
// Vega, Rho and Theta by pathwise, Malliavin and hybrid (the chain's
// weights, one pass); and the same four by fd (two more chains each).
func BenchmarkCEVEuler(b *testing.B) {
	m := sde.CEV{Spot: 100, Rate: 0.05, Vol: 2, Beta: 0.5, Expiry: 1}
	pm := []Method{Pathwise, Malliavin, Hybrid}
	four := []Greek{Gamma, Vega, Rho, Theta}
	for _, c := range []struct {
		name string
		g    []Greek
		x    []Method
	}{
		{"price", []Greek{}, nil},
		{"delta", []Greek{Delta}, pm},
		{"weights", four, pm},
		{"fd", four, []Method{FD}},
	} {
		b.Run(c.name+"/steps=100", func(b *testing.B) {
			cfg := Config{Paths: 1 << 16, Scheme: sde.Euler, Steps: 100, Greeks: c.g, Methods: c.x}
			if c.name == "weights" && Invalid(payoff.Put{}, m, sde.Euler, Gamma, Malliavin) != "" {
				b.Skip("no chain weights")
			}
			b.ResetTimer()
			for i := range b.N {
				cfg.Seed = uint64(i + 1)
				if _, err := Run(context.Background(), m, payoff.Put{Strike: 95}, cfg); err != nil {
					b.Fatal(err)
				}
			}
			paths := float64(cfg.Paths) * float64(b.N)
			b.ReportMetric(b.Elapsed().Seconds()*1e9/(paths*100), "ns/path-step")
		})
	}
}
