package greeks

import (
	"context"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestNoPerPathAllocation checks that the per-path loop does not allocate:
// a run's allocations grow with the number of rounds of chunks (a few
// goroutines each), not with the paths, for European, Asian and barrier
// payoffs on the exact scheme and a grid (the Euler chain's weights on
// CEV), and three correlated assets,
// with pseudo-random and Sobol normals.
func TestNoPerPathAllocation(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count skipped under -short")
	}
	three := correlated(t, []float64{100, 95, 105}, []float64{0, 0.01, 0.02}, []float64{0.2, 0.25, 0.3}, constCorr(3, 0.4))
	for _, tc := range []struct {
		m sde.Model
		p payoff.Payoff
		s sde.Scheme
	}{
		{testref.Cases[0].Model, payoff.Call{Strike: 100}, sde.Exact},
		{testref.Cases[0].Model, payoff.AsianCall{Strike: 100, Fixings: 12}, sde.Exact},
		{testref.Cases[0].Model, payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 130, Fixings: 50}}, sde.Euler},
		{three, payoff.WorstOfDigitalCall{Strike: 100, Cash: 1, N: 3}, sde.Exact},
		{testref.Cases[0].Model, payoff.DigitalCall{Strike: 100, Cash: 1}, sde.Exact}, // rho, theta, vanna, volga, every method
		{hestonCases[1].m, payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 130, Fixings: 4}}, sde.QE},
		{hestonCases[1].m, payoff.Call{Strike: 100}, sde.Euler},       // Heston: every Greek (the Vega and expiry tangents and weights)
		{cevCase, payoff.DigitalPut{Strike: 100, Cash: 1}, sde.Euler}, // the Euler chain's weights, Theta included
	} {
		for _, rng := range []RNG{Pseudo, Sobol} {
			allocs := func(paths int64) float64 {
				cfg := Config{Paths: paths, Seed: 1, Workers: 2, Scheme: tc.s, Steps: 50, Smoothing: 5, Greeks: []Greek{Delta}, RNG: rng}
				_, isHeston := tc.m.(sde.Heston)
				if isHeston {
					cfg.Steps = 4 // the per-step loop is the same at any count; keep the test short
				} else if !european(tc.p) {
					// The path-dependent Gamma, Vega, Vanna and Volga weights,
					// Rho and Theta (the Euler chain's on a grid).
					cfg.Greeks = []Greek{Delta, Gamma, Vega, Rho, Theta, Vanna, Volga}
				}
				if _, ok := tc.p.(payoff.DigitalCall); ok {
					cfg.Greeks = []Greek{Delta, Rho, Theta, Vanna, Volga}
				}
				if isHeston && !european(tc.p) {
					cfg.Greeks = []Greek{Delta, Rho, Theta} // Theta: the aged chain (sde.Grid.EvolveHestonAged)
				}
				if isHeston && tc.s == sde.Euler {
					cfg.Greeks = []Greek{Delta, Gamma, Vega, Rho, Theta} // the Vega and expiry tangents and weights
				}
				if _, ok := tc.m.(sde.CEV); ok {
					cfg.Greeks = gridGreeks
				}
				if _, ok := tc.m.(sde.Correlated); ok {
					// Every Greek of every asset, the cross Gammas, Rho and Theta, fd included.
					cfg.Greeks = []Greek{Delta, Gamma, Vega, CrossGamma, Rho, Theta}
				}
				return testing.AllocsPerRun(2, func() {
					if _, err := Run(context.Background(), tc.m, tc.p, cfg); err != nil {
						t.Fatal(err)
					}
				})
			}
			const round = roundChunks * ChunkSize
			a1, a4 := allocs(round), allocs(4*round)
			// Three more rounds: each starts goroutines and hands chunks on
			// (about 7 allocations a round, more when the scheduler cannot
			// reuse a goroutine on a loaded machine). Allow under one
			// allocation a chunk: one a path would be 4,096 times that.
			if a4-a1 > 3*roundChunks {
				t.Errorf("%s %s %s: %v allocations for %d paths, %v for %d: the per-path loop allocates",
					tc.p.Name(), tc.s, rng, a1, round, a4, 4*round)
			}
			t.Logf("%s %s %s: %v allocations at %d paths, %v at %d", tc.p.Name(), tc.s, rng, a1, round, a4, 4*round)
		}
	}
}
