package greeks

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// ErrSplitTolerance is returned by NewSplit for a Config with a Tolerance:
// where such a run stops depends on the standard errors of all the paths
// merged before, so it cannot be cut into shards fixed in advance without
// changing its numbers.
var ErrSplitTolerance = errors.New("greeks: a run stopped by a tolerance cannot be split into shards (where it stops depends on every path merged before)")

// ErrChunks is wrapped by Split.Result's error when the chunks handed to it
// are not those of the split, each exactly once.
var ErrChunks = errors.New("greeks: chunks do not cover the split")

// PilotOutcome is what a run's pilot phase chose before the main pass: the
// localization half-width and, in Pilot mode, each Greek's λ. It is all a
// machine needs, besides the model, payoff and Config, to simulate a shard
// of a split without repeating the pilot.
type PilotOutcome struct {
	Smoothing float64 // localization half-width ε (units of the underlying); 0 when nothing is localized
	// Lambda holds λ by accumulator slot in Pilot mode, nil in the other
	// modes. With one asset the slot of a Greek is the Greek; with d assets
	// the Greeks of asset a take slots g·d + a (Delta, Gamma, Vega) and the
	// cross Gamma of the pair i < j the slots from 3d on, pair by pair
	// (0,1), (0,2), …, (1,2), …
	Lambda []float64
}

// Split is a Run cut into chunks that are simulated apart (on other
// goroutines, processes or machines) and merged afterwards. Chunk i of a
// split draws from the stream (seed, i) exactly as chunk i of Run does, and
// Result merges the chunks in index order, as Run does, so a split gives
// Run's numbers bit for bit whatever the chunks' grouping into shards, the
// order in which they are simulated or the order in which they arrive.
//
// The pilot phase (the localization width, λ in Pilot mode) is not split:
// NewSplit runs it once, and the machines that simulate shards rebuild the
// split from its Pilot with NewSplitFromPilot. A run on several assets
// splits as one on a single asset does: its chunks carry every slot
// (each asset's Greeks and the cross Gammas). A Sobol run's chunks are
// those of its randomizations, one randomization after another (chunk v is
// chunk v mod per of randomization ⌊v/per⌋, per = ⌈(Paths/R)/ChunkSize⌉),
// and Result merges them by randomization before it mixes, as Run does.
type Split struct {
	cfg     Config // with defaults
	pl      *plan
	reports []report
	skipped []Skip
	model   string
	pilot   PilotOutcome
	lambdas []float64 // λ by accumulator slot in Pilot mode
}

// prepare validates the inputs and fixes what the run computes, before its
// pilot.
func prepare(m sde.Model, p payoff.Payoff, cfg Config) (*Split, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if p.Dates() < 1 {
		return nil, &ParamError{"fixings", p.Dates()}
	}
	d := len(modelAssets(m))
	if pa := payoffAssets(p); pa != d {
		return nil, &ParamError{"assets", fmt.Sprintf("%d (%s reads %d assets, the model has %d)", d, p.Name(), pa, d)}
	}
	if d > 1 && p.Dates() != 1 {
		return nil, &ParamError{"fixings", fmt.Sprintf("%d (a model of several assets takes European payoffs)", p.Dates())}
	}
	cfg = cfg.withDefaults(p, d).withBumps(m)
	if err := cfg.validate(m); err != nil {
		return nil, err
	}
	pl, reports, skipped, err := newPlan(m, p, cfg)
	if err != nil {
		return nil, err
	}
	return &Split{cfg: cfg, pl: pl, reports: reports, skipped: skipped, model: m.Name(), lambdas: make([]float64, pl.slots())}, nil
}

// piloted reports whether the run has a pilot phase.
func (s *Split) piloted() bool { return s.pl.localize || s.cfg.Lambda == Pilot }

// runPilot runs the pilot phase, if the run has one.
func (s *Split) runPilot(ctx context.Context) error {
	if !s.piloted() {
		return nil
	}
	l, err := s.pl.pilot(ctx, s.cfg)
	if err != nil {
		return err
	}
	s.lambdas = l
	if s.cfg.Lambda == Pilot {
		s.pilot.Lambda = slices.Clone(l)
	}
	if s.pl.localize {
		s.pilot.Smoothing = s.pl.eps
	}
	return nil
}

// header returns the Result's description of the run, without figures.
func (s *Split) header() *Result {
	cfg, pl := s.cfg, s.pl
	res := &Result{
		Skipped: s.skipped, Seed: cfg.Seed, Workers: cfg.Workers, Model: s.model, Assets: pl.d,
		Scheme: cfg.Scheme, Steps: cfg.Steps, Fixings: pl.fixings, Weight: cfg.Weight,
		Bumps: cfg.Bumps, Lambda: cfg.Lambda, Smoothing: math.NaN(), Tolerance: cfg.Tolerance,
		RNG: cfg.RNG, Randomizations: cfg.Randomizations,
	}
	if cfg.RNG == Sobol {
		res.Scramble = cfg.Scramble
	}
	if cfg.Lambda == Crossfit && cfg.RNG == Pseudo {
		res.Folds = cfg.Folds
	}
	if s.piloted() {
		res.PilotPaths = cfg.PilotPaths
	}
	if pl.localize {
		res.Smoothing = pl.eps
	}
	return res
}

// NewSplit validates the inputs as Run does (returning the same errors),
// runs the pilot phase, and returns the split of the run. A Config with a
// Tolerance is rejected with ErrSplitTolerance.
func NewSplit(ctx context.Context, m sde.Model, p payoff.Payoff, cfg Config) (*Split, error) {
	s, err := prepare(m, p, cfg)
	if err != nil {
		return nil, err
	}
	if s.cfg.Tolerance > 0 {
		return nil, ErrSplitTolerance
	}
	if err := s.runPilot(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// NewSplitFromPilot returns the split that NewSplit returned for the same
// inputs and whose Pilot() is pilot, without running the pilot again. A
// pilot's Smoothing that the run needs and is not a positive finite number
// is a *ParamError.
func NewSplitFromPilot(m sde.Model, p payoff.Payoff, cfg Config, pilot PilotOutcome) (*Split, error) {
	s, err := prepare(m, p, cfg)
	if err != nil {
		return nil, err
	}
	if s.cfg.Tolerance > 0 {
		return nil, ErrSplitTolerance
	}
	if s.pl.localize {
		if e := pilot.Smoothing; !(e > 0) || math.IsInf(e, 0) {
			return nil, &ParamError{"pilot smoothing", e}
		}
		s.pl.eps = pilot.Smoothing
		s.pilot.Smoothing = pilot.Smoothing
	}
	if s.cfg.Lambda == Pilot {
		if len(pilot.Lambda) != len(s.lambdas) {
			return nil, &ParamError{"pilot lambda", fmt.Sprintf("%d values for %d accumulator slots", len(pilot.Lambda), len(s.lambdas))}
		}
		s.pilot.Lambda = slices.Clone(pilot.Lambda)
		copy(s.lambdas, pilot.Lambda)
	}
	return s, nil
}

// Pilot returns what the split's pilot chose, for NewSplitFromPilot.
func (s *Split) Pilot() PilotOutcome { return s.pilot }

// Paths returns the number of paths of the run.
func (s *Split) Paths() int64 { return s.cfg.Paths }

// Chunks returns the number of chunks of the run: ⌈Paths/ChunkSize⌉. The
// last one may hold fewer than ChunkSize paths.
func (s *Split) Chunks() int64 {
	if s.cfg.RNG == Sobol {
		return s.replicateTasks().count()
	}
	return (s.cfg.Paths + ChunkSize - 1) / ChunkSize
}

// Shards cuts the chunks [0, Chunks()) into at most n contiguous ranges
// [lo, hi) of near-equal size, in order; n ≤ 0 means one.
func (s *Split) Shards(n int) [][2]int64 {
	c := s.Chunks()
	k := min(int64(max(n, 1)), c)
	out := make([][2]int64, k)
	for i := range k {
		out[i] = [2]int64{i * c / k, (i + 1) * c / k}
	}
	return out
}

// Simulate simulates chunks [lo, hi) on the given number of goroutines
// (≤ 0: DefaultWorkers(); never changes the numbers) and returns their
// sums in index order. A range outside [0, Chunks()) is a *ParamError; a
// canceled ctx gives an error wrapping ErrCanceled.
func (s *Split) Simulate(ctx context.Context, lo, hi int64, workers int) ([]Chunk, error) {
	if lo < 0 || hi > s.Chunks() || lo >= hi {
		return nil, &ParamError{"chunk range", [2]int64{lo, hi}}
	}
	if workers <= 0 {
		workers = DefaultWorkers()
	}
	out := make([]Chunk, 0, hi-lo)
	emit := func(i int64, c *chunkAcc, folds int) {
		slots := len(c.fd)
		ch := Chunk{Index: i, Price: c.price.pair(), Pairs: make([][]Pair, slots), FD: make([]Pair, slots)}
		for g := range ch.Pairs {
			ch.Pairs[g] = make([]Pair, folds)
			for k := range folds {
				ch.Pairs[g][k] = c.pair[g*folds+k].pair()
			}
			ch.FD[g] = c.fd[g].pair()
		}
		out = append(out, ch)
	}
	var err error
	if s.cfg.RNG == Sobol {
		rt := s.replicateTasks()
		err = simulateTasks(ctx, s.pl, workers, lo, hi, rt.task, emit)
	} else {
		err = simulate(ctx, s.pl, s.cfg.Seed, workers, lo*ChunkSize, min(hi*ChunkSize, s.cfg.Paths), emit)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Result merges the chunks, which must be those of the split each exactly
// once, in any order, in index order, and returns Run's result. The Result's
// Workers is the Config's and its Elapsed is zero: the time of a split is
// spread over machines, and the caller that measures it sets it.
func (s *Split) Result(chunks []Chunk) (*Result, error) {
	chunks = slices.Clone(chunks)
	slices.SortFunc(chunks, func(a, b Chunk) int { return cmp.Compare(a.Index, b.Index) })
	if int64(len(chunks)) != s.Chunks() {
		return nil, fmt.Errorf("%w: got %d chunks, want %d", ErrChunks, len(chunks), s.Chunks())
	}
	// A Sobol split's chunks are the tasks of its randomizations, each
	// randomization's in a row (replicateTasks): merge them by
	// randomization.
	accs := make([]runAcc, 1)
	per := int64(len(chunks))
	if s.cfg.RNG == Sobol {
		accs, per = make([]runAcc, s.cfg.Randomizations), s.replicateTasks().per
	}
	for r := range accs {
		accs[r].init(s.pl)
	}
	for i := range chunks {
		c := &chunks[i]
		if c.Index != int64(i) {
			return nil, fmt.Errorf("%w: chunk %d missing or repeated", ErrChunks, i)
		}
		if err := accs[int64(i)/per].addChunk(c, s.pl.folds); err != nil {
			return nil, err
		}
	}
	if s.cfg.RNG == Sobol {
		return s.replicateResult(accs), nil
	}
	tot := &accs[0]
	res := s.header()
	res.Paths = s.cfg.Paths
	res.Price = tot.price.P().Estimate()
	for _, r := range s.reports {
		res.Figures = append(res.Figures, tot.figure(s.pl, r, s.cfg, s.lambdas))
	}
	return res, nil
}

// addChunk merges the chunk c into a as add merges the chunk's raw sums.
func (a *runAcc) addChunk(c *Chunk, folds int) error {
	if len(c.Pairs) != len(a.pair) || len(c.FD) != len(a.fd) {
		return fmt.Errorf("%w: chunk %d has %d slots, want %d", ErrChunks, c.Index, len(c.Pairs), len(a.pair))
	}
	for g := range c.Pairs {
		if len(c.Pairs[g]) != folds {
			return fmt.Errorf("%w: chunk %d has %d folds, want %d", ErrChunks, c.Index, len(c.Pairs[g]), folds)
		}
	}
	a.price.Merge(c.Price)
	for g := range a.pair {
		for k := range folds {
			a.pair[g][k].Merge(c.Pairs[g][k])
		}
		a.fd[g].Merge(c.FD[g])
	}
	return nil
}

// Chunk holds the mergeable moments of one chunk of a run's paths: the
// price samples, each accumulator slot's paired samples by crossfit fold,
// and the fd samples. A slot is a Greek of one asset, or a cross Gamma (see
// PilotOutcome.Lambda); with one asset the slot of a Greek is the Greek. A
// chunk's moments are what Run merges, in index order, into the run's
// totals.
type Chunk struct {
	Index int64    // the chunk's index i: its paths drew from the stream (seed, i)
	Price Pair     // the discounted payoff (P half; M unused)
	Pairs [][]Pair // [slot][fold]: the paired (pathwise or localized, Malliavin) samples
	FD    []Pair   // [slot]: the finite-difference samples (P half)
}

// maxSlots bounds the slot count a chunk encoding may claim: the slots of
// 1000 assets, far beyond any model the engine validates, Rho and Theta,
// Vanna and Volga.
const maxSlots = 3*1000 + 1000*999/2 + 2 + 2*1000

// pairBytes is the size of one encoded Pair: N and five float64s.
const pairBytes = 6 * 8

// MarshalBinary encodes the chunk exactly (every float64 by its bits), so
// that a chunk carried between machines merges to the same numbers.
func (c Chunk) MarshalBinary() ([]byte, error) {
	slots := len(c.Pairs)
	if slots == 0 || len(c.FD) != slots {
		return nil, fmt.Errorf("greeks: chunk %d: %d slots of paired samples, %d of fd", c.Index, slots, len(c.FD))
	}
	folds := len(c.Pairs[0])
	for g := range c.Pairs {
		if len(c.Pairs[g]) != folds {
			return nil, fmt.Errorf("greeks: chunk %d: slots with different fold counts", c.Index)
		}
	}
	b := make([]byte, 0, 24+(1+slots*(1+folds))*pairBytes)
	b = binary.AppendVarint(b, c.Index)
	b = binary.AppendUvarint(b, uint64(slots))
	b = binary.AppendUvarint(b, uint64(folds))
	put := func(p Pair) {
		b = binary.LittleEndian.AppendUint64(b, uint64(p.N))
		for _, x := range []float64{p.MeanP, p.MeanM, p.M2P, p.M2M, p.C} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
	}
	put(c.Price)
	for g := range c.Pairs {
		for _, p := range c.Pairs[g] {
			put(p)
		}
		put(c.FD[g])
	}
	return b, nil
}

// UnmarshalBinary decodes a chunk encoded by MarshalBinary.
func (c *Chunk) UnmarshalBinary(b []byte) error {
	idx, n := binary.Varint(b)
	if n <= 0 {
		return errors.New("greeks: chunk encoding: bad index")
	}
	b = b[n:]
	slots, n := binary.Uvarint(b)
	if n <= 0 || slots == 0 || slots > maxSlots {
		return errors.New("greeks: chunk encoding: bad slot count")
	}
	b = b[n:]
	folds, n := binary.Uvarint(b)
	if n <= 0 || folds > maxFolds {
		return errors.New("greeks: chunk encoding: bad fold count")
	}
	b = b[n:]
	if want := (1 + int(slots)*(1+int(folds))) * pairBytes; len(b) != want {
		return fmt.Errorf("greeks: chunk encoding: %d bytes of moments, want %d", len(b), want)
	}
	get := func() Pair {
		var x [6]uint64
		for i := range x {
			x[i] = binary.LittleEndian.Uint64(b[8*i:])
		}
		b = b[pairBytes:]
		f := math.Float64frombits
		return Pair{N: int64(x[0]), MeanP: f(x[1]), MeanM: f(x[2]), M2P: f(x[3]), M2M: f(x[4]), C: f(x[5])}
	}
	*c = Chunk{Index: idx, Price: get(), Pairs: make([][]Pair, slots), FD: make([]Pair, slots)}
	for g := range c.Pairs {
		c.Pairs[g] = make([]Pair, folds)
		for k := range c.Pairs[g] {
			c.Pairs[g][k] = get()
		}
		c.FD[g] = get()
	}
	return nil
}
