package greeks

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// sameFloat reports whether a and b have the same bits (NaN equals NaN).
func sameFloat(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// sameResult returns "" when a and b hold the same numbers bit for bit, or
// the first difference. Elapsed and Workers are not compared.
func sameResult(a, b *Result) string {
	sameEst := func(x, y Estimate) bool {
		return sameFloat(x.Value, y.Value) && sameFloat(x.StdErr, y.StdErr) && x.N == y.N
	}
	switch {
	case !sameEst(a.Price, b.Price):
		return fmt.Sprintf("price %+v, want %+v", a.Price, b.Price)
	case a.Paths != b.Paths || a.Seed != b.Seed || a.PilotPaths != b.PilotPaths || a.Folds != b.Folds:
		return fmt.Sprintf("paths/seed/pilot/folds %d/%d/%d/%d, want %d/%d/%d/%d",
			a.Paths, a.Seed, a.PilotPaths, a.Folds, b.Paths, b.Seed, b.PilotPaths, b.Folds)
	case !sameFloat(a.Smoothing, b.Smoothing):
		return fmt.Sprintf("smoothing %v, want %v", a.Smoothing, b.Smoothing)
	case !reflect.DeepEqual(a.Skipped, b.Skipped):
		return fmt.Sprintf("skipped %v, want %v", a.Skipped, b.Skipped)
	case len(a.Figures) != len(b.Figures):
		return fmt.Sprintf("%d figures, want %d", len(a.Figures), len(b.Figures))
	}
	for i, f := range a.Figures {
		g := b.Figures[i]
		if f.Greek != g.Greek || f.Method != g.Method || f.Asset != g.Asset || f.Asset2 != g.Asset2 || !sameEst(f.Estimate, g.Estimate) ||
			!sameFloat(f.Lambda, g.Lambda) || !sameFloat(f.Smoothing, g.Smoothing) || f.LambdaMode != g.LambdaMode || f.Note != g.Note {
			return fmt.Sprintf("%s(%s) = %+v, want %+v", f.Greek, f.Method, f, g)
		}
	}
	return ""
}

// TestSplitEqualsRun checks that a run cut into shards, simulated apart,
// carried through the chunk encoding and merged from shuffled chunks gives
// Run's numbers bit for bit, for every sharding, with and without a pilot
// (localization width, Pilot-mode λ), on the exact scheme and a grid, and
// on several correlated assets (each asset's Greeks and the cross Gammas).
func TestSplitEqualsRun(t *testing.T) {
	gbm := sde.GBM{Spot: 100, Rate: 0.05, Div: 0.01, Vol: 0.2, Expiry: 1}
	cev := sde.CEV{Spot: 100, Rate: 0.03, Vol: 2, Beta: 0.5, Expiry: 1}
	three := correlated(t, []float64{100, 95, 110}, []float64{0, 0.02, 0.01}, []float64{0.2, 0.3, 0.25},
		[][]float64{{1, 0.5, -0.2}, {0.5, 1, 0.3}, {-0.2, 0.3, 1}})
	const paths = 5*ChunkSize + 123 // a partial last chunk
	for _, tc := range []struct {
		name string
		m    sde.Model
		p    payoff.Payoff
		cfg  Config
	}{
		{"call/crossfit", gbm, payoff.Call{Strike: 100}, Config{}},
		{"digital/localized", gbm, payoff.DigitalCall{Strike: 100, Cash: 1}, Config{Lambda: Plugin, PilotPaths: 3 * ChunkSize}},
		{"asian/pilot-lambda", gbm, payoff.AsianCall{Strike: 100, Fixings: 6}, Config{Lambda: Pilot, PilotPaths: 2 * ChunkSize}},
		{"barrier/euler", gbm, payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 130, Fixings: 10}},
			Config{Scheme: sde.Euler, Steps: 20, Smoothing: 2}},
		{"cev/milstein", cev, payoff.Put{Strike: 95}, Config{Scheme: sde.Milstein, Steps: 10, Folds: 3}},
		{"put/rho-theta", gbm, payoff.Put{Strike: 95}, Config{Greeks: []Greek{Delta, Gamma, Vega, Rho, Theta}}},
		{"digital/rho-theta-plugin", gbm, payoff.DigitalPut{Strike: 105, Cash: 1},
			Config{Greeks: []Greek{Rho, Theta, Delta}, Lambda: Plugin, PilotPaths: 3 * ChunkSize}},
		{"digital/rho-pilot-lambda", gbm, payoff.DigitalCall{Strike: 100, Cash: 1},
			Config{Greeks: []Greek{Rho, Vega, Theta}, Lambda: Pilot, PilotPaths: 2 * ChunkSize, Smoothing: 3}},
		{"basket3/crossfit", three, payoff.BasketCall{Strike: 100, Weights: []float64{0.5, 0.3, 0.2}}, Config{}},
		{"basket-digital3/pilot-lambda", three, payoff.BasketDigitalCall{Strike: 100, Cash: 1, Weights: make2(3, 1.0/3)},
			Config{Lambda: Pilot, PilotPaths: 2 * ChunkSize}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := tc.cfg
			cfg.Paths, cfg.Seed, cfg.Workers = paths, *seed, 2
			want, err := Run(ctx, tc.m, tc.p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewSplit(ctx, tc.m, tc.p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if s.Chunks() != 6 {
				t.Fatalf("Chunks() = %d, want 6", s.Chunks())
			}
			rng := rand.New(rand.NewPCG(*seed, 7))
			for _, n := range []int{1, 2, 4, 6, 100} {
				// Each shard on a split rebuilt from the pilot, as on
				// another machine; the chunks through their encoding.
				var chunks []Chunk
				for _, r := range s.Shards(n) {
					remote, err := NewSplitFromPilot(tc.m, tc.p, cfg, s.Pilot())
					if err != nil {
						t.Fatal(err)
					}
					part, err := remote.Simulate(ctx, r[0], r[1], 1)
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range part {
						b, err := c.MarshalBinary()
						if err != nil {
							t.Fatal(err)
						}
						var d Chunk
						if err := d.UnmarshalBinary(b); err != nil {
							t.Fatal(err)
						}
						chunks = append(chunks, d)
					}
				}
				rng.Shuffle(len(chunks), func(i, j int) { chunks[i], chunks[j] = chunks[j], chunks[i] })
				got, err := s.Result(chunks)
				if err != nil {
					t.Fatal(err)
				}
				if d := sameResult(got, want); d != "" {
					t.Errorf("%d shards: %s", n, d)
				}
			}
		})
	}
}

// TestSplitErrors checks what a split refuses: a tolerance, chunks missing
// or repeated, a chunk range outside the run, a pilot without its width.
func TestSplitErrors(t *testing.T) {
	ctx := context.Background()
	m := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	p := payoff.Call{Strike: 100}
	if _, err := NewSplit(ctx, m, p, Config{Paths: 10_000, Tolerance: 0.01}); !errors.Is(err, ErrSplitTolerance) {
		t.Errorf("NewSplit with a tolerance: %v, want ErrSplitTolerance", err)
	}
	var pe *ParamError
	if _, err := NewSplit(ctx, m, p, Config{Paths: 1}); !errors.As(err, &pe) || pe.Name != "paths" {
		t.Errorf("NewSplit with 1 path: %v, want Run's *ParamError for paths", err)
	}
	s, err := NewSplit(ctx, m, p, Config{Paths: 3 * ChunkSize, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Simulate(ctx, 2, 4, 1); !errors.As(err, &pe) {
		t.Errorf("Simulate(2, 4) of 3 chunks: %v, want *ParamError", err)
	}
	all, err := s.Simulate(ctx, 0, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]Chunk{all[:2], {all[0], all[1], all[1]}, append(all[:3:3], all[0])} {
		if _, err := s.Result(bad); !errors.Is(err, ErrChunks) {
			t.Errorf("Result of chunks %v: %v, want ErrChunks", indexes(bad), err)
		}
	}
	d := payoff.DigitalCall{Strike: 100, Cash: 1}
	if _, err := NewSplitFromPilot(m, d, Config{Paths: 10_000}, PilotOutcome{}); !errors.As(err, &pe) {
		t.Errorf("NewSplitFromPilot of a localized run without a width: %v, want *ParamError", err)
	}
}

func indexes(cs []Chunk) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.Index)
	}
	return out
}
