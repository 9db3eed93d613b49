package greeks_test

import (
	"context"
	"fmt"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// A run of a digital call cut into three shards: the pilot runs once, each
// shard is simulated on a split rebuilt from the pilot's outcome (as on
// another machine), and the chunks, in any order, merge into Run's numbers.
func ExampleSplit() {
	ctx := context.Background()
	m := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	p := payoff.DigitalCall{Strike: 100, Cash: 1}
	cfg := greeks.Config{Paths: 50_000, Seed: 1, Greeks: []greeks.Greek{greeks.Delta}}

	s, err := greeks.NewSplit(ctx, m, p, cfg)
	if err != nil {
		panic(err)
	}
	var chunks []greeks.Chunk
	for _, r := range s.Shards(3) {
		remote, err := greeks.NewSplitFromPilot(m, p, cfg, s.Pilot())
		if err != nil {
			panic(err)
		}
		part, err := remote.Simulate(ctx, r[0], r[1], 1)
		if err != nil {
			panic(err)
		}
		chunks = append(part, chunks...) // arrival order does not matter
	}
	split, err := s.Result(chunks)
	if err != nil {
		panic(err)
	}
	run, err := greeks.Run(ctx, m, p, cfg)
	if err != nil {
		panic(err)
	}
	a, _ := split.Figure(greeks.Delta, greeks.Hybrid)
	b, _ := run.Figure(greeks.Delta, greeks.Hybrid)
	fmt.Println(s.Chunks(), "chunks in", len(s.Shards(3)), "shards")
	fmt.Println("same hybrid Delta as Run:", a.Value == b.Value && a.StdErr == b.StdErr)
	// Output:
	// 13 chunks in 3 shards
	// same hybrid Delta as Run: true
}
