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
	Lambda     float64 // the hybrid's λ* estimate over all paths; NaN for other methods
	LambdaMode string  // how the hybrid's λ was estimated; "" for other methods
	Smoothing  float64 // localization half-width ε where the figure uses one; NaN otherwise
	Note       string  // a caveat about what the figure estimates, or ""
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
	Price      Estimate
	Figures    []Figure // in Greek order, then method order
	Skipped    []Skip
	Paths      int64 // paths simulated (with a tolerance: where it stopped)
	Seed       uint64
	Workers    int
	Model      string
	Scheme     sde.Scheme
	Steps      int // time steps (exact: one a fixing)
	Fixings    int
	Weight     WeightKind // the Malliavin Delta weight used on a grid
	Bumps      Bumps
	Lambda     LambdaMode
	Folds      int     // crossfit folds; 0 in other modes
	PilotPaths int64   // paths of each pilot run; 0 when there was none
	Smoothing  float64 // localization half-width ε; NaN when nothing was localized
	Tolerance  float64 // the requested tolerance; 0 when none
	Elapsed    time.Duration
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

// weightKind is the Malliavin Delta weight a plan uses.
type weightKind int

const (
	weightGrid       weightKind = iota // the block's Weight or Chain (first fixing interval)
	weightExact                        // exact GBM: W_{t_1}/(S_0 σ t_1)
	weightArithAsian                   // exact GBM, arithmetic Asian (Benhamou-type)
	weightGeoAsian                     // exact GBM, geometric Asian: W_T/(σ S_0 t̄)
)

// plan is what one run computes, fixed before the paths are drawn.
type plan struct {
	model    sde.Model
	gbm      sde.GBM // the model, for the exact scheme
	par      sde.Params
	p        payoff.Payoff
	smoother payoff.Smoother
	scheme   sde.Scheme
	steps    int
	fixings  int
	bp       int // paths of a block
	need     sde.Need
	weight   WeightKind
	wkind    weightKind
	// pair[g]: accumulate the paired (pathwise or localized, Malliavin)
	// samples of g; mall[g]: the Malliavin half has a weight for g;
	// fd[g]: accumulate its bump-and-revalue samples.
	pair, mall, fd   [3]bool
	grad, localize   bool // evaluate the payoff's gradient / its smoothed version
	eps              float64
	spotFD, volFD    bool
	disc             float64 // e^{−rT}
	h, dv            float64 // absolute spot bump, volatility bump
	spotUp, spotDown sde.Model
	volUp, volDown   sde.Model
	folds            int
}

// report is one (Greek, method) figure to produce.
type report struct {
	g Greek
	x Method
}

// Run simulates cfg.Paths paths of model m and returns the price of p and
// the Greeks cfg asks for by every requested method, all from one pass over
// the same paths. Memory does not grow with the path count. The numbers
// depend on (m, p, cfg) and the seed only: any Workers gives bit-identical
// results. Run returns a *ParamError for bad inputs, a *MethodError for an
// invalid method asked for by name, and an error wrapping ErrCanceled and
// ctx.Err() when ctx ends first.
func Run(ctx context.Context, m sde.Model, p payoff.Payoff, cfg Config) (*Result, error) {
	start := time.Now()
	s, err := prepare(m, p, cfg)
	if err != nil {
		return nil, err
	}
	if err := s.runPilot(ctx); err != nil {
		return nil, err
	}
	cfg, pl, reports, res, pilotLambda := s.cfg, s.pl, s.reports, s.header(), s.pilot.Lambda

	var tot runAcc
	tot.init(pl.folds)
	target := cfg.Paths
	if cfg.Tolerance > 0 {
		// A run that may continue stops only at whole chunks (or MaxPaths),
		// so that the next round starts on a fresh chunk.
		target = min(cfg.MaxPaths, roundUp(target))
	}
	done := int64(0)
	for {
		if err := simulate(ctx, pl, cfg.Seed, cfg.Workers, done, target, tot.add); err != nil {
			return nil, err
		}
		done = target
		if cfg.Tolerance == 0 || done >= cfg.MaxPaths {
			break
		}
		worst := tot.worstStdErr(pl, reports, cfg, pilotLambda)
		if worst <= cfg.Tolerance {
			break
		}
		// Aim at the path count the current error implies, 5% beyond it,
		// at least one round more, at most MaxPaths (QuantLib's rule).
		need := int64(math.Ceil(float64(done) * (worst / cfg.Tolerance) * (worst / cfg.Tolerance) * 1.05))
		target = min(cfg.MaxPaths, roundUp(max(need, done+roundChunks*ChunkSize)))
	}
	res.Paths = done
	res.Price = tot.price.P().Estimate()
	for _, r := range reports {
		res.Figures = append(res.Figures, tot.figure(pl, r, cfg, pilotLambda))
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// roundUp rounds n up to a whole number of chunks.
func roundUp(n int64) int64 { return (n + ChunkSize - 1) / ChunkSize * ChunkSize }

func newPlan(m sde.Model, p payoff.Payoff, cfg Config) (*plan, []report, []Skip, error) {
	par := m.Params()
	pl := &plan{
		model: m, par: par, p: p, scheme: cfg.Scheme, steps: cfg.Steps, fixings: p.Dates(),
		weight: cfg.Weight, disc: math.Exp(-par.Rate * par.Expiry), folds: 1,
	}
	if cfg.Lambda == Crossfit {
		pl.folds = cfg.Folds
	}
	pl.gbm, _ = m.(sde.GBM)
	pl.smoother, _ = p.(payoff.Smoother)
	pl.bp = blockPaths(max(pl.steps, pl.fixings))
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
			if why := Invalid(p, m, cfg.Scheme, g, x); why != "" {
				if explicit {
					return nil, nil, nil, &MethodError{Method: x, Greek: g, Payoff: p.Name(), Reason: why}
				}
				skipped = append(skipped, Skip{g, x, why})
				continue
			}
			reports = append(reports, report{g, x})
			switch x {
			case FD:
				pl.fd[g] = true
			case Localized:
				pl.pair[g], pl.localize = true, true
			case Pathwise:
				pl.pair[g], pl.grad = true, true
			case Malliavin:
				pl.pair[g] = true
			case Hybrid:
				pl.pair[g] = true
				if p.Lipschitz() {
					pl.grad = true
				} else {
					pl.localize = true
				}
			}
			if x == Malliavin || x == Hybrid {
				pl.mall[g] = true
			}
			if x == Localized {
				pl.mall[g] = true // the remainder is weighted by the Malliavin weight
			}
		}
	}
	exactEuropean := cfg.Scheme == sde.Exact && european(p)
	if cfg.Scheme == sde.Exact {
		pl.wkind = weightExact
		switch p.(type) {
		case payoff.AsianCall, payoff.AsianPut:
			pl.wkind = weightArithAsian
		case payoff.GeometricAsianCall, payoff.GeometricAsianPut:
			pl.wkind = weightGeoAsian
		}
	}
	// A Greek's Malliavin half needs its weight: only Delta has one beyond
	// exact European payoffs.
	for _, g := range []Greek{Gamma, Vega} {
		if !exactEuropean {
			pl.mall[g] = false
		}
	}
	// Under the exact scheme Y = X/S_0 and the weight comes from W, so
	// neither is stored (but W_{t_1} with several fixings); on a grid the
	// scheme carries them.
	if cfg.Scheme == sde.Exact && pl.fixings > 1 && pl.wkind == weightExact && (pl.pair[Delta] || pl.pair[Gamma]) {
		pl.need |= sde.NeedWeight
	}
	if cfg.Scheme != sde.Exact {
		if pl.pair[Delta] {
			pl.need |= sde.NeedY
		}
		if pl.pair[Delta] || pl.pair[Gamma] {
			if cfg.Weight == Chain {
				pl.need |= sde.NeedChain
			} else {
				pl.need |= sde.NeedWeight
			}
		}
	}
	if pl.pair[Vega] {
		pl.need |= sde.NeedDVol
	}
	pl.spotFD = pl.fd[Delta] || pl.fd[Gamma]
	pl.volFD = pl.fd[Vega]
	pl.h = cfg.Bumps.Spot * par.Spot
	pl.dv = cfg.Bumps.Vol
	pl.spotUp, pl.spotDown = m.Bump(par.Spot+pl.h, par.Vol), m.Bump(par.Spot-pl.h, par.Vol)
	pl.volUp, pl.volDown = m.Bump(par.Spot, par.Vol+pl.dv), m.Bump(par.Spot, par.Vol-pl.dv)
	pl.eps = cfg.Smoothing
	return pl, reports, skipped, nil
}

// runAcc accumulates a whole run: the price, each Greek's paired samples by
// crossfit fold, and the fd samples.
type runAcc struct {
	price Pair
	pair  [3][]Pair // [greek][fold]
	fd    [3]Pair
}

func (a *runAcc) init(folds int) {
	for g := range a.pair {
		a.pair[g] = make([]Pair, folds)
	}
}

func (a *runAcc) add(_ int64, c *chunkAcc, folds int) {
	a.price.Merge(c.price.pair())
	for g := range a.pair {
		for k := range folds {
			a.pair[g][k].Merge(c.pair[g][k].pair())
		}
		a.fd[g].Merge(c.fd[g].pair())
	}
}

// total merges the folds of Greek g in fold order.
func (a *runAcc) total(g Greek) Pair {
	var t Pair
	for _, p := range a.pair[g] {
		t.Merge(p)
	}
	return t
}

// hybrid returns the hybrid estimate of g and the λ* of all the paths.
func (a *runAcc) hybrid(g Greek, cfg Config, pilot [3]float64) (Estimate, float64) {
	mix := Mixer{Clip: cfg.Clip}
	tot := a.total(g)
	l := mix.Lambda(tot)
	switch cfg.Lambda {
	case Pilot:
		return Combine(tot, pilot[g]), pilot[g]
	case Crossfit:
		var h Moments
		for k, fold := range a.pair[g] {
			var rest Pair
			for j, other := range a.pair[g] {
				if j != k {
					rest.Merge(other)
				}
			}
			h.Merge(combine(fold, mix.Lambda(rest)))
		}
		return h.Estimate(), l
	}
	return Combine(tot, l), l
}

// figure turns the accumulated samples into the figure r.
func (a *runAcc) figure(pl *plan, r report, cfg Config, pilot [3]float64) Figure {
	f := Figure{Greek: r.g, Method: r.x, Lambda: math.NaN(), Smoothing: math.NaN(),
		Note: note(pl.scheme, pl.weight, r.g, r.x)}
	switch r.x {
	case FD:
		f.Estimate = a.fd[r.g].P().Estimate()
	case Pathwise, Localized:
		f.Estimate = a.total(r.g).P().Estimate()
	case Malliavin:
		f.Estimate = a.total(r.g).M().Estimate()
	case Hybrid:
		f.Estimate, f.Lambda = a.hybrid(r.g, cfg, pilot)
		f.LambdaMode = cfg.Lambda.String()
	}
	if pl.localize && (r.x == Localized || r.x == Hybrid) {
		f.Smoothing = pl.eps
	}
	return f
}

// worstStdErr returns the largest, over the requested Greeks, of the
// standard error of the Greek's hybrid or, where it has none, of its most
// precise figure.
func (a *runAcc) worstStdErr(pl *plan, reports []report, cfg Config, pilot [3]float64) float64 {
	var best [3]float64
	var hybrid [3]bool
	for g := range best {
		best[g] = math.Inf(1)
	}
	for _, r := range reports {
		se := a.figure(pl, r, cfg, pilot).StdErr
		if r.x == Hybrid {
			best[r.g], hybrid[r.g] = se, true
		} else if !hybrid[r.g] {
			best[r.g] = math.Min(best[r.g], se)
		}
	}
	worst := 0.0
	for _, r := range reports {
		worst = math.Max(worst, best[r.g])
	}
	if len(reports) == 0 {
		worst = a.price.P().Estimate().StdErr
	}
	return worst
}

// pilot runs the pilot: it chooses the smoothing width (when localizing
// without a fixed one) as the candidate that gives the first localized
// Greek's hybrid (or, when no hybrid is asked for, its localized estimator)
// the least variance on common pilot paths, and estimates λ* for Pilot mode.
func (pl *plan) pilot(ctx context.Context, cfg Config) ([3]float64, error) {
	seed := cfg.Seed ^ 0x5851f42d4c957f2d // independent streams
	run := func(eps float64, paths int64) (*runAcc, error) {
		q := *pl
		q.eps, q.folds = eps, 1
		q.fd, q.spotFD, q.volFD = [3]bool{}, false, false // the pilot needs the pairs only
		var a runAcc
		a.init(1)
		err := simulate(ctx, &q, seed, cfg.Workers, 0, paths, a.add)
		return &a, err
	}
	if pl.localize && pl.eps == 0 {
		target := Delta
		for _, g := range AllGreeks {
			if pl.pair[g] {
				target = g
				break
			}
		}
		cands := smoothingCandidates(pl.par)
		paths := max(cfg.PilotPaths/int64(len(cands)), 2*ChunkSize)
		best := math.Inf(1)
		for _, eps := range cands {
			a, err := run(eps, paths)
			if err != nil {
				return [3]float64{}, err
			}
			tot := a.total(target)
			v := tot.P().Variance()
			if pl.mall[target] {
				v = combine(tot, Mixer{Clip: cfg.Clip}.Lambda(tot)).Variance()
			}
			if v < best {
				best, pl.eps = v, eps
			}
		}
	}
	var lambdas [3]float64
	if cfg.Lambda == Pilot {
		a, err := run(pl.eps, cfg.PilotPaths)
		if err != nil {
			return lambdas, err
		}
		mix := Mixer{Clip: cfg.Clip}
		for g := range lambdas {
			lambdas[g] = mix.Lambda(a.total(Greek(g)))
		}
	}
	return lambdas, nil
}

// smoothingCandidates are the localization half-widths a pilot tries:
// fractions of the spot's standard deviation S_0σ√T at the horizon.
func smoothingCandidates(p sde.Params) []float64 {
	scale := p.Spot * math.Sqrt(p.Expiry) * math.Min(p.Vol, 1)
	if p.Vol > 1 || p.Vol <= 0 { // a CEV Vol is not a lognormal volatility
		scale = p.Spot * math.Sqrt(p.Expiry) * 0.2
	}
	fr := []float64{0.0125, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2}
	out := make([]float64, len(fr))
	for i, f := range fr {
		out[i] = f * scale
	}
	return out
}

// chunkAcc accumulates the power sums of one chunk.
type chunkAcc struct {
	price sums
	pair  [3][maxFolds]sums
	fd    [3]sums
}

// simulate runs chunks [lo/ChunkSize, hi/ChunkSize) of the path range
// [lo, hi) on the given number of goroutines, a fixed number of chunks at a
// time so that memory stays bounded, and hands the chunks to emit in index
// order.
func simulate(ctx context.Context, pl *plan, seed uint64, nw int, lo, hi int64, emit func(i int64, c *chunkAcc, folds int)) error {
	if lo%ChunkSize != 0 {
		panic("greeks: simulate must start on a chunk boundary")
	}
	first := lo / ChunkSize
	nChunks := (hi + ChunkSize - 1) / ChunkSize
	parts := make([]chunkAcc, roundChunks)
	workers := make([]*worker, nw)
	for i := range workers {
		workers[i] = newWorker(pl)
	}
	for r := first; r < nChunks; r += roundChunks {
		end := min(r+roundChunks, nChunks)
		var next atomic.Int64
		next.Store(r)
		var wg sync.WaitGroup
		for _, w := range workers[:min(int64(nw), end-r)] {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= end || ctx.Err() != nil {
						return
					}
					n := min(int64(ChunkSize), hi-i*ChunkSize)
					w.chunk(pl, seed, i, int(n), &parts[i-r])
				}
			})
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%w: %w", ErrCanceled, err)
		}
		for i := range parts[:end-r] {
			emit(r+int64(i), &parts[i], pl.folds)
		}
	}
	return nil
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
	rng                    rngstream.Stream
	z                      []float64
	base, up, down, vu, vd sde.Block
	grid                   sde.Grid
	// per path: payoff, smoothed payoff, contracted gradients, weight
	f, fs, r, a, pi, fu, fd, fvu, fvd []float64
	grad, gs                          []float64 // per path and fixing
}

func newWorker(pl *plan) *worker {
	n, m := pl.bp, pl.fixings
	w := &worker{z: make([]float64, n*max(pl.steps, m))}
	for _, s := range []*[]float64{&w.f, &w.fs, &w.r, &w.a, &w.pi, &w.fu, &w.fd, &w.fvu, &w.fvd} {
		*s = make([]float64, n)
	}
	w.grad, w.gs = make([]float64, n*m), make([]float64, n*m)
	return w
}

// chunk simulates the n paths of chunk i and stores their sums in out.
func (w *worker) chunk(pl *plan, seed uint64, i int64, n int, out *chunkAcc) {
	w.rng.Reset(seed, uint64(i))
	*out = chunkAcc{}
	blocksPerChunk := int64((ChunkSize + pl.bp - 1) / pl.bp)
	for b, done := int64(0), 0; done < n; b, done = b+1, done+pl.bp {
		fold := int((i*blocksPerChunk + b) % int64(pl.folds))
		w.block(pl, min(pl.bp, n-done), out, fold)
	}
}

// simulate fills b with n paths of model m from the normals of the block.
func (w *worker) simulate(pl *plan, m sde.Model, n int, b *sde.Block, need sde.Need) {
	b.Resize(n, pl.fixings)
	if pl.scheme == sde.Exact {
		m.(sde.GBM).Exact(w.z[:n*pl.fixings], b, need)
		return
	}
	w.grid.Evolve(m, pl.scheme, m.Params().Spot, pl.par.Expiry, pl.steps, w.z[:n*pl.steps], b, need)
}

func (w *worker) block(pl *plan, n int, acc *chunkAcc, fold int) {
	steps := pl.steps
	if pl.scheme == sde.Exact {
		steps = pl.fixings
	}
	w.rng.Normals(w.z[:n*steps])
	m, b, D := pl.fixings, &w.base, pl.disc
	w.simulate(pl, pl.model, n, b, pl.need)
	f := w.f[:n]
	var grad []float64
	if pl.grad {
		grad = w.grad[:n*m]
	}
	pl.p.Eval(b.Obs, f, grad)
	acc.price.add(single(f, D))

	// The P half's gradient: the payoff's (pathwise) or its smoothed
	// version's (localized), with the remainder r = f − f_ε.
	var r []float64
	if pl.localize {
		fs, gs := w.fs[:n], w.gs[:n*m]
		pl.smoother.EvalSmooth(b.Obs, pl.eps, fs, gs)
		r = w.r[:n]
		for i := range r {
			r[i] = f[i] - fs[i]
		}
		grad = gs
	}
	pi := w.pi[:n]
	if pl.pair[Delta] || pl.pair[Gamma] {
		pl.deltaWeight(b, pi)
	}
	a := w.a[:n]
	par := pl.par
	if pl.pair[Delta] {
		if pl.scheme == sde.Exact { // Y = X/S_0
			contract(grad, b.Obs, a, m)
			acc.pair[Delta][fold].add(pairSums(f, a, r, pi, D/par.Spot, D, pl.mall[Delta]))
		} else {
			contract(grad, b.Y, a, m)
			acc.pair[Delta][fold].add(pairSums(f, a, r, pi, D, D, pl.mall[Delta]))
		}
	}
	if pl.pair[Vega] {
		contract(grad, b.DVol, a, m)
		acc.pair[Vega][fold].add(vegaSums(f, a, r, b.W, D, par, pl.mall[Vega]))
	}
	if pl.pair[Gamma] {
		contract(grad, b.Obs, a, m)
		acc.pair[Gamma][fold].add(gammaSums(f, a, r, pi, b.W, D, par, pl.mall[Gamma]))
	}
	if pl.spotFD {
		if pl.scheme == sde.Exact {
			// Exact GBM paths are linear in S_0 on the same normals.
			scale(&w.up, b, pl.spotUp.Params().Spot/par.Spot)
			scale(&w.down, b, pl.spotDown.Params().Spot/par.Spot)
		} else {
			w.simulate(pl, pl.spotUp, n, &w.up, 0)
			w.simulate(pl, pl.spotDown, n, &w.down, 0)
		}
		fu, fdn := w.fu[:n], w.fd[:n]
		pl.p.Eval(w.up.Obs, fu, nil)
		pl.p.Eval(w.down.Obs, fdn, nil)
		if pl.fd[Delta] {
			acc.fd[Delta].add(diffSums(fu, fdn, D/(2*pl.h)))
		}
		if pl.fd[Gamma] {
			acc.fd[Gamma].add(secondDiffSums(fu, f, fdn, D/(pl.h*pl.h)))
		}
	}
	if pl.volFD {
		w.simulate(pl, pl.volUp, n, &w.vu, 0)
		w.simulate(pl, pl.volDown, n, &w.vd, 0)
		fu, fdn := w.fvu[:n], w.fvd[:n]
		pl.p.Eval(w.vu.Obs, fu, nil)
		pl.p.Eval(w.vd.Obs, fdn, nil)
		acc.fd[Vega].add(diffSums(fu, fdn, D/(2*pl.dv)))
	}
}

// scale sets dst's fixings to src's times c.
func scale(dst, src *sde.Block, c float64) {
	dst.Resize(src.Len(), src.Fixings())
	for i, v := range src.Obs {
		dst.Obs[i] = v * c
	}
}

// deltaWeight fills pi with the Malliavin Delta weight of every path:
//
//	exact GBM:               W_{t_1}/(S_0 σ t_1) (European: W_T/(S_0 σ T))
//	arithmetic Asian, exact: (1/S_0) [ (P/Q) W_T/σ + P R/Q² − 1 ]
//	geometric Asian, exact:  W_T/(S_0 σ t̄),  t̄ = (1/m) Σ_j t_j
//	otherwise:               the block's first-interval weight (Weight or Chain)
//
// with P = Σ_j S_{t_j}, Q = Σ_j t_j S_{t_j}, R = Σ_j t_j² S_{t_j}. The
// Asian weights come from the Skorohod integral of a direction constant in
// time (Fournié et al. 2001, §4; Benhamou 2003): for the arithmetic average
// A, u = P/(S_0 σ Q) satisfies ∫ D_s A u ds = A/S_0 = ∂A/∂S_0, and
// δ(u) = u W_T − ∫ D_s u ds gives the weight above; for the geometric
// average the direction 1/(σ S_0 t̄) is deterministic. Neither grows with
// the number of fixings, unlike the first-interval weight W_{t_1}/(S_0 σ t_1).
func (pl *plan) deltaWeight(b *sde.Block, pi []float64) {
	n, m := len(pi), pl.fixings
	par := pl.par
	switch pl.wkind {
	case weightExact:
		c := 1 / (par.Spot * par.Vol * par.Expiry / float64(m))
		if m > 1 { // Exact stored W_{t_1}/(S_0 σ t_1)
			copy(pi, b.Weight[:n])
			return
		}
		for i, w := range b.W[:n] {
			pi[i] = w * c
		}
	case weightGeoAsian:
		tbar := par.Expiry * float64(m+1) / (2 * float64(m))
		c := 1 / (par.Spot * par.Vol * tbar)
		for i, w := range b.W[:n] {
			pi[i] = w * c
		}
	case weightArithAsian:
		dt := par.Expiry / float64(m)
		var q, rr [blockSize]float64 // Q and R; P accumulates in pi
		clear(pi)
		for j := range m {
			t := float64(j+1) * dt
			row := b.Obs[j*n : j*n+n]
			for i, x := range row {
				pi[i] += x
				q[i] += t * x
				rr[i] += t * t * x
			}
		}
		inv, isig := 1/par.Spot, 1/par.Vol
		for i, P := range pi {
			ratio := P / q[i]
			pi[i] = inv * (ratio*b.W[i]*isig + ratio*rr[i]/q[i] - 1)
		}
	default:
		if pl.need&sde.NeedChain != 0 {
			copy(pi, b.Chain[:n])
		} else {
			copy(pi, b.Weight[:n])
		}
	}
}

// contract sets a[i] = Σ_j g[j*n+i]·y[j*n+i] over the m fixings: the
// derivative of the payoff along the path derivative y. A nil g (no P half
// asked for) gives zeros.
func contract(g, y, a []float64, m int) {
	n := len(a)
	if g == nil {
		clear(a)
		return
	}
	row, yr := g[:n], y[:n]
	for i := range a {
		a[i] = row[i] * yr[i]
	}
	for j := 1; j < m; j++ {
		row, yr = g[j*n:j*n+n], y[j*n:j*n+n]
		for i := range a {
			a[i] += row[i] * yr[i]
		}
	}
}

// The kernels below turn a block's payoffs and path functionals into the
// power sums of the per-path samples. They are straight-line loops with no
// data-dependent branch. In each, the P half is the pathwise sample, plus,
// when r is not nil (localization), the Malliavin weight applied to the
// remainder r = f − f_ε; the M half is the Malliavin sample, or 0 when the
// Greek has no Malliavin weight here (mall false).

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

// pairSums pairs P = c·a (+ D·r·π) with M = D·f·π: Delta.
func pairSums(f, a, r, pi []float64, c, D float64, mall bool) sums {
	n := len(f)
	a, pi = a[:n], pi[:n]
	var sp, spp, sm, smm, spm float64
	switch {
	case r != nil:
		r = r[:n]
		for i, fv := range f {
			p := c*a[i] + D*r[i]*pi[i]
			q := D * fv * pi[i]
			sp += p
			spp += p * p
			sm += q
			smm += q * q
			spm += p * q
		}
	case mall:
		for i, fv := range f {
			p := c * a[i]
			q := D * fv * pi[i]
			sp += p
			spp += p * p
			sm += q
			smm += q * q
			spm += p * q
		}
	default:
		for _, v := range a {
			p := c * v
			sp += p
			spp += p * p
		}
	}
	return sums{float64(n), sp, spp, sm, smm, spm}
}

// gammaSums pairs the mixed pathwise–likelihood-ratio Gamma
// P = D φ (π − 1/S_0)/S_0, φ = Σ_j ∂f/∂S_j S_j (+ D r γ), with the Malliavin
// Gamma M = D f γ, γ = (W² − σT W − T)/(S_0² σ² T²).
func gammaSums(f, phi, r, pi, w []float64, D float64, par sde.Params, mall bool) sums {
	n := len(f)
	phi, pi, w = phi[:n], pi[:n], w[:n]
	inv := 1 / par.Spot
	sT := par.Vol * par.Expiry
	cg := 1 / (par.Spot * par.Spot * sT * sT)
	if !mall {
		cg = 0
	}
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		g := cg * (w[i]*w[i] - sT*w[i] - par.Expiry)
		p := D * phi[i] * (pi[i] - inv) * inv
		if r != nil {
			p += D * r[i] * g
		}
		q := D * fv * g
		sp += p
		spp += p * p
		sm += q
		smm += q * q
		spm += p * q
	}
	return sums{float64(n), sp, spp, sm, smm, spm}
}

// vegaSums pairs the pathwise Vega P = D Σ_j ∂f/∂S_j ∂S_j/∂σ (+ D r ν) with
// the Malliavin Vega M = D f ν, ν = W²/(σT) − W − 1/σ.
func vegaSums(f, a, r, w []float64, D float64, par sde.Params, mall bool) sums {
	n := len(f)
	a, w = a[:n], w[:n]
	ca, cc, cw := 1/(par.Vol*par.Expiry), 1/par.Vol, 1.0
	if !mall {
		ca, cc, cw = 0, 0, 0
	}
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		nu := w[i]*w[i]*ca - cw*w[i] - cc
		p := D * a[i]
		if r != nil {
			p += D * r[i] * nu
		}
		q := D * fv * nu
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
