package greeks

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Figure is one Greek by one method.
type Figure struct {
	Greek  Greek
	Method Method
	Estimate
	Lambda float64 // the hybrid's λ; NaN for other methods
	Note   string  // a caveat about what the figure estimates, or ""
}

// Skip is a (Greek, method) pair left out because the method is invalid for
// it, with the reason.
type Skip struct {
	Greek  Greek
	Method Method
	Reason string
}

// Result is the outcome of Run.
type Result struct {
	Price   Estimate
	Figures []Figure // in Greek order, then method order
	Skipped []Skip
	Paths   int64
	Seed    uint64
	Workers int
	Scheme  sde.Scheme
	Steps   int
	Bumps   Bumps
	Elapsed time.Duration
}

// Figure returns the figure for (g, x) and whether it was computed.
func (r *Result) Figure(g Greek, x Method) (Figure, bool) {
	for _, f := range r.Figures {
		if f.Greek == g && f.Method == x {
			return f, true
		}
	}
	return Figure{}, false
}

// plan is what one run computes, fixed before the paths are drawn.
type plan struct {
	m      sde.GBM
	p      payoff.Payoff
	scheme sde.Scheme
	steps  int
	need   sde.Need
	wantDF bool
	// pair[g]: accumulate the paired pathwise and Malliavin samples of g;
	// fd[g]: accumulate its bump-and-revalue samples.
	pair, fd         [3]bool
	spotFD, volFD    bool
	disc             float64 // e^{−rT}
	h, dv            float64 // absolute spot bump, volatility bump
	spotUp, spotDown float64
	volUp, volDown   sde.GBM
}

// report is one (Greek, method) figure to produce.
type report struct {
	g Greek
	x Method
}

// Run simulates cfg.Paths paths of m and returns the price of p and the
// Greeks cfg asks for by every requested method, all from one pass over the
// same paths. Memory does not grow with the path count. The numbers depend
// on (m, p, cfg) and the seed only: any Workers gives bit-identical results.
// Run returns a *ParamError for bad inputs, a *MethodError for an invalid
// method asked for by name, and an error wrapping ErrCanceled and ctx.Err()
// when ctx ends first.
func Run(ctx context.Context, m sde.GBM, p payoff.Payoff, cfg Config) (*Result, error) {
	start := time.Now()
	if err := m.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(m); err != nil {
		return nil, err
	}
	pl, reports, skipped, err := newPlan(m, p, cfg)
	if err != nil {
		return nil, err
	}

	tot := simulate(ctx, pl, cfg)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanceled, err)
	}

	res := &Result{
		Price: tot.price.P().Estimate(), Skipped: skipped,
		Paths: cfg.Paths, Seed: cfg.Seed, Workers: cfg.Workers,
		Scheme: cfg.Scheme, Steps: cfg.Steps, Bumps: cfg.Bumps,
	}
	mix := Mixer{Clip: cfg.Clip}
	for _, r := range reports {
		f := Figure{Greek: r.g, Method: r.x, Lambda: math.NaN(), Note: note(cfg.Scheme, r.g, r.x)}
		switch r.x {
		case FD:
			f.Estimate = tot.fd[r.g].P().Estimate()
		case Pathwise:
			f.Estimate = tot.pair[r.g].P().Estimate()
		case Malliavin:
			f.Estimate = tot.pair[r.g].M().Estimate()
		case Hybrid:
			f.Estimate, f.Lambda = mix.Mix(tot.pair[r.g])
		}
		res.Figures = append(res.Figures, f)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func newPlan(m sde.GBM, p payoff.Payoff, cfg Config) (*plan, []report, []Skip, error) {
	pl := &plan{m: m, p: p, scheme: cfg.Scheme, steps: cfg.Steps, disc: math.Exp(-m.Rate * m.Expiry)}
	methods, explicit := cfg.Methods, cfg.Methods != nil
	if !explicit {
		methods = AllMethods
	}
	var reports []report
	var skipped []Skip
	seen := map[Greek]bool{}
	for _, g := range cfg.Greeks {
		if seen[g] {
			continue
		}
		seen[g] = true
		done := map[Method]bool{}
		for _, x := range methods {
			if done[x] {
				continue
			}
			done[x] = true
			if why := Invalid(p, cfg.Scheme, g, x); why != "" {
				if explicit {
					return nil, nil, nil, &MethodError{Method: x, Greek: g, Payoff: p.Name(), Reason: why}
				}
				skipped = append(skipped, Skip{g, x, why})
				continue
			}
			reports = append(reports, report{g, x})
			if x == FD {
				pl.fd[g] = true
			} else {
				pl.pair[g] = true
			}
		}
	}
	// The pathwise half of a pair needs f'; Malliavin halves need W_T and,
	// on a grid, the weight π; pathwise Vega needs ∂S_T/∂σ.
	pl.wantDF = pl.pair[Delta] || pl.pair[Gamma] || pl.pair[Vega]
	if pl.scheme != sde.Exact && pl.pair[Delta] {
		pl.need |= sde.NeedY | sde.NeedWeight
	}
	if pl.pair[Gamma] {
		pl.need |= sde.NeedY | sde.NeedWeight
	}
	if pl.pair[Vega] {
		pl.need |= sde.NeedDVol
	}
	pl.spotFD = pl.fd[Delta] || pl.fd[Gamma]
	pl.volFD = pl.fd[Vega]
	pl.h = cfg.Bumps.Spot * m.Spot
	pl.dv = cfg.Bumps.Vol
	pl.spotUp, pl.spotDown = m.Spot+pl.h, m.Spot-pl.h
	pl.volUp, pl.volDown = m, m
	pl.volUp.Vol += pl.dv
	pl.volDown.Vol -= pl.dv
	return pl, reports, skipped, nil
}

// acc accumulates one chunk, or a whole run.
type acc struct {
	price Pair // P half only
	pair  [3]Pair
	fd    [3]Pair // P half only
}

func (a *acc) merge(b *acc) {
	a.price.Merge(b.price)
	for g := range a.pair {
		a.pair[g].Merge(b.pair[g])
		a.fd[g].Merge(b.fd[g])
	}
}

// simulate runs all chunks on cfg.Workers goroutines, a round at a time so
// that memory stays bounded, and merges the chunks in index order.
func simulate(ctx context.Context, pl *plan, cfg Config) acc {
	nChunks := (cfg.Paths + ChunkSize - 1) / ChunkSize
	round := int64(16 * cfg.Workers)
	parts := make([]acc, round)
	workers := make([]*worker, cfg.Workers)
	for i := range workers {
		workers[i] = newWorker(pl)
	}
	var tot acc
	for lo := int64(0); lo < nChunks; lo += round {
		hi := min(lo+round, nChunks)
		var next atomic.Int64
		next.Store(lo)
		var wg sync.WaitGroup
		for _, w := range workers[:min(int64(len(workers)), hi-lo)] {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= hi || ctx.Err() != nil {
						return
					}
					n := min(int64(ChunkSize), cfg.Paths-i*ChunkSize)
					w.chunk(pl, cfg.Seed, i, int(n), &parts[i-lo])
				}
			})
		}
		wg.Wait()
		if ctx.Err() != nil {
			return tot
		}
		for i := range parts[:hi-lo] {
			tot.merge(&parts[i])
		}
	}
	return tot
}

// blockSize is the most paths simulated together; a block's arrays stay in
// the first-level cache. On a time grid the block holds all its normals, so
// it shrinks to keep them under maxBlockNormals (512 KiB).
const (
	blockSize       = 256
	maxBlockNormals = 1 << 16
)

// blockPaths returns the number of paths of a block with the given steps.
func blockPaths(steps int) int {
	return max(1, min(blockSize, maxBlockNormals/steps))
}

// worker holds one goroutine's reusable buffers.
type worker struct {
	rng                     rngstream.Stream
	z                       []float64
	base, up, down, vu, vd  sde.Block
	grid                    sde.Grid
	f, df, fu, fd, fvu, fvd []float64
}

func newWorker(pl *plan) *worker {
	w := &worker{z: make([]float64, blockPaths(pl.steps)*pl.steps)}
	for _, s := range []*[]float64{&w.f, &w.df, &w.fu, &w.fd, &w.fvu, &w.fvd} {
		*s = make([]float64, blockSize)
	}
	for _, b := range []*sde.Block{&w.base, &w.up, &w.down, &w.vu, &w.vd} {
		b.Resize(blockSize)
	}
	return w
}

// chunk simulates the n paths of chunk i and stores their moments in out.
func (w *worker) chunk(pl *plan, seed uint64, i int64, n int, out *acc) {
	w.rng.Reset(seed, uint64(i))
	var s struct {
		price sums
		pair  [3]sums
		fd    [3]sums
	}
	bp := blockPaths(pl.steps)
	for done := 0; done < n; done += bp {
		w.block(pl, min(bp, n-done), &s.price, &s.pair, &s.fd)
	}
	*out = acc{price: s.price.pair()}
	for g := range s.pair {
		out.pair[g] = s.pair[g].pair()
		out.fd[g] = s.fd[g].pair()
	}
}

// simulate fills b with n paths of model m started at x0 from the normals z.
func (w *worker) simulate(pl *plan, m sde.GBM, x0 float64, n int, b *sde.Block, need sde.Need) {
	b.Resize(n)
	if pl.scheme == sde.Exact {
		m.Spot = x0
		m.Terminal(w.z[:n], b, need)
		return
	}
	w.grid.Evolve(m, pl.scheme, x0, m.Expiry, pl.steps, w.z[:n*pl.steps], b, need)
}

func (w *worker) block(pl *plan, n int, price *sums, pair, fd *[3]sums) {
	w.rng.Normals(w.z[:n*pl.steps])
	m, b := pl.m, &w.base
	w.simulate(pl, m, m.Spot, n, b, pl.need)
	f, df := w.f[:n], w.df[:n]
	if pl.wantDF {
		pl.p.Eval(b.X, f, df)
	} else {
		pl.p.Eval(b.X, f, nil)
	}
	D := pl.disc
	price.add(single(f, D))

	if pl.pair[Delta] {
		if pl.scheme == sde.Exact {
			// Y = S_T/S_0 and π = W_T/(S_0 σ T): fold the constants in.
			pair[Delta].add(deltaSums(f, df, b.X, b.W, D/m.Spot, D/(m.Spot*m.Vol*m.Expiry)))
		} else {
			pair[Delta].add(deltaSums(f, df, b.Y, b.Weight, D, D))
		}
	}
	if pl.pair[Gamma] {
		pair[Gamma].add(gammaSums(f, df, b.Y, b.Weight, b.W, D, m))
	}
	if pl.pair[Vega] {
		pair[Vega].add(vegaSums(f, df, b.DVol, b.W, D, m))
	}
	if pl.spotFD {
		w.simulate(pl, m, pl.spotUp, n, &w.up, 0)
		w.simulate(pl, m, pl.spotDown, n, &w.down, 0)
		fu, fdn := w.fu[:n], w.fd[:n]
		pl.p.Eval(w.up.X, fu, nil)
		pl.p.Eval(w.down.X, fdn, nil)
		if pl.fd[Delta] {
			fd[Delta].add(diffSums(fu, fdn, D/(2*pl.h)))
		}
		if pl.fd[Gamma] {
			fd[Gamma].add(secondDiffSums(fu, f, fdn, D/(pl.h*pl.h)))
		}
	}
	if pl.volFD {
		w.simulate(pl, pl.volUp, m.Spot, n, &w.vu, 0)
		w.simulate(pl, pl.volDown, m.Spot, n, &w.vd, 0)
		fu, fdn := w.fvu[:n], w.fvd[:n]
		pl.p.Eval(w.vu.X, fu, nil)
		pl.p.Eval(w.vd.X, fdn, nil)
		fd[Vega].add(diffSums(fu, fdn, D/(2*pl.dv)))
	}
}

// The kernels below turn a block's payoffs and path functionals into the
// power sums of the per-path samples. They are straight-line loops with no
// data-dependent branch.

// single returns the sums of c·x[i].
func single(x []float64, c float64) sums {
	var s, ss float64
	for _, v := range x {
		v *= c
		s += v
		ss += v * v
	}
	return sums{n: float64(len(x)), sp: s, spp: ss}
}

// deltaSums pairs P = cp·f'·y with M = cm·f·π.
func deltaSums(f, df, y, pi []float64, cp, cm float64) sums {
	df, y, pi = df[:len(f)], y[:len(f)], pi[:len(f)]
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		p := cp * df[i] * y[i]
		q := cm * fv * pi[i]
		sp += p
		spp += p * p
		sm += q
		smm += q * q
		spm += p * q
	}
	return sums{float64(len(f)), sp, spp, sm, smm, spm}
}

// gammaSums pairs the mixed pathwise–likelihood-ratio Gamma
// P = D f' Y (π − 1/S_0) with the Malliavin Gamma
// M = D f (W² − σT W − T)/(S_0² σ² T²).
func gammaSums(f, df, y, pi, w []float64, D float64, m sde.GBM) sums {
	n := len(f)
	df, y, pi, w = df[:n], y[:n], pi[:n], w[:n]
	inv := 1 / m.Spot
	sT := m.Vol * m.Expiry
	cm := D / (m.Spot * m.Spot * sT * sT)
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		p := D * df[i] * y[i] * (pi[i] - inv)
		q := cm * fv * (w[i]*w[i] - sT*w[i] - m.Expiry)
		sp += p
		spp += p * p
		sm += q
		smm += q * q
		spm += p * q
	}
	return sums{float64(n), sp, spp, sm, smm, spm}
}

// vegaSums pairs the pathwise Vega P = D f' ∂S_T/∂σ with the Malliavin Vega
// M = D f (W²/(σT) − W − 1/σ).
func vegaSums(f, df, dvol, w []float64, D float64, m sde.GBM) sums {
	n := len(f)
	df, dvol, w = df[:n], dvol[:n], w[:n]
	a, c := 1/(m.Vol*m.Expiry), 1/m.Vol
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		p := D * df[i] * dvol[i]
		q := D * fv * (w[i]*w[i]*a - w[i] - c)
		sp += p
		spp += p * p
		sm += q
		smm += q * q
		spm += p * q
	}
	return sums{float64(n), sp, spp, sm, smm, spm}
}

// diffSums returns the sums of c·(u − d).
func diffSums(u, d []float64, c float64) sums {
	d = d[:len(u)]
	var s, ss float64
	for i, v := range u {
		x := c * (v - d[i])
		s += x
		ss += x * x
	}
	return sums{n: float64(len(u)), sp: s, spp: ss}
}

// secondDiffSums returns the sums of c·(u − 2m + d).
func secondDiffSums(u, m, d []float64, c float64) sums {
	m, d = m[:len(u)], d[:len(u)]
	var s, ss float64
	for i, v := range u {
		x := c * (v - 2*m[i] + d[i])
		s += x
		ss += x * x
	}
	return sums{n: float64(len(u)), sp: s, spp: ss}
}
