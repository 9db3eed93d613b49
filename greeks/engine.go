package greeks

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridgreeks/hybridgreeks/internal/sobol"
	"github.com/hybridgreeks/hybridgreeks/internal/vmath"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Figure is one Greek by one method. A Greek of one asset is addressed by
// (Greek, Asset); a cross Gamma ∂²V/∂S_i∂S_j by (CrossGamma, Asset = i,
// Asset2 = j), i < j. With one asset both are 0.
type Figure struct {
	Greek  Greek
	Method Method
	Asset  int // the asset (0-based, in the model's order)
	Asset2 int // the second asset of a cross Gamma; Asset for the other Greeks
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
	Assets     int // the model's assets d
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
	// RNG is the source of the normals; with Sobol, Randomizations is R
	// and Scramble the randomization (R = 0 for Pseudo).
	RNG            RNG
	Randomizations int
	Scramble       Scramble
	Elapsed        time.Duration
}

// Figure returns the figure for (g, x) of the first asset (of the first
// pair for CrossGamma) and whether it was computed.
func (r *Result) Figure(g Greek, x Method) (Figure, bool) {
	for _, f := range r.Figures {
		if f.Greek == g && f.Method == x {
			return f, true
		}
	}
	return Figure{}, false
}

// AssetFigure returns the figure for (g, x) of asset i (for CrossGamma, of
// the pair i < j; j is ignored for the other Greeks) and whether it was
// computed.
func (r *Result) AssetFigure(g Greek, x Method, i, j int) (Figure, bool) {
	if g != CrossGamma {
		j = i
	}
	for _, f := range r.Figures {
		if f.Greek == g && f.Method == x && f.Asset == i && f.Asset2 == j {
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
	par      sde.Params // the first asset's inputs
	p        payoff.Payoff
	smoother payoff.Smoother
	scheme   sde.Scheme
	steps    int
	fixings  int
	bp       int // paths of a block
	need     sde.Need
	weight   WeightKind
	wkind    weightKind
	// d assets, each with its inputs, and the normals a path draws a step
	// (drivers); corr is the model when it has several assets (multi),
	// rinv its inverse correlation matrix (1 for one).
	d, drivers int
	assets     []sde.Params
	corr       sde.Correlated
	multi      bool
	rinv       []float64
	// pair[g]: accumulate the paired (pathwise or localized, Malliavin)
	// samples of g; mall[g]: the Malliavin half has a weight for g;
	// fd[g]: accumulate its bump-and-revalue samples.
	pair, mall, fd   [numGreeks]bool
	rt               bool    // Rho or Theta asked for: two more slots
	so               bool    // Vanna or Volga asked for: two more slots after those
	pdw              bool    // path-dependent Gamma and Vega weights (pathdep_weights.go)
	gw               bool    // the Euler chain's Gamma, Vega, Rho and Theta weights (gridweights.go)
	lrVega           bool    // Heston's Vega by the first step's likelihood ratio (hestonLRVega)
	hr, ht           float64 // absolute rate bump, absolute expiry bump
	grad, localize   bool    // evaluate the payoff's gradient / its smoothed version
	eps              float64
	spotFD, volFD    bool
	disc             float64   // e^{−rT}
	h, dv            float64   // absolute spot bump (first asset), volatility bump
	hs, up, down     []float64 // each asset's absolute spot bump h_a and (S_a ± h_a)/S_a
	spotUp, spotDown sde.Model
	volUp, volDown   sde.Model
	rateUp, rateDown sde.Model // r ± h_r, for the fd Rho on a grid
	folds            int
	// A Sobol run's sequence (nil for pseudo-random normals), Brownian
	// bridge, scrambling and one-step tilt; half is the first path of the
	// second half of a randomization (fold 1 of a crossfit run: see
	// sobolFolds).
	seq      *sobol.Sequence
	bridge   *sde.Bridge
	scramble sobol.Randomization
	tilt     tilt
	half     int64
}

// numGreeks is the number of Greeks.
const numGreeks = int(Volga) + 1

// Accumulator slots: the Greeks of one asset a take slot g·d + a (Delta,
// Gamma, Vega), the cross Gamma of the pair i < j slot 3d + pairIndex(i, j).
// With one asset the slot of a Greek is the Greek. When Rho or Theta is
// asked for, they take the two slots after the pairs (Rho first); the
// slots of a run without them are unchanged. Vanna and Volga, when asked
// for, take 2d slots after all those (each asset's Vanna, then Volga).
func (pl *plan) slot(g Greek, i, j int) int {
	switch g {
	case CrossGamma:
		return 3*pl.d + pairIndex(i, j, pl.d)
	case Rho, Theta:
		return 3*pl.d + pl.d*(pl.d-1)/2 + int(g-Rho)
	case Vanna, Volga:
		return pl.slots() - 2*pl.d + int(g-Vanna)*pl.d + i
	}
	return int(g)*pl.d + i
}

// slots returns the number of accumulator slots.
func (pl *plan) slots() int {
	n := 3*pl.d + pl.d*(pl.d-1)/2
	if pl.rt {
		n += 2
	}
	if pl.so {
		n += 2 * pl.d
	}
	return n
}

// pairIndex numbers the pairs i < j of d assets row by row from 0.
func pairIndex(i, j, d int) int { return i*(2*d-i-1)/2 + j - i - 1 }

// report is one (Greek, method, assets) figure to produce.
type report struct {
	g    Greek
	x    Method
	i, j int // the asset (i = j), or the pair i < j of a cross Gamma
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
	if s.cfg.RNG == Sobol {
		return s.runRQMC(ctx, start)
	}
	cfg, pl, reports, res, pilotLambda := s.cfg, s.pl, s.reports, s.header(), s.lambdas

	var tot runAcc
	tot.init(pl)
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
		assets: modelAssets(m),
	}
	pl.d, pl.drivers = sde.Dims(m)
	pl.corr, pl.multi = m.(sde.Correlated)
	pl.rinv = []float64{1}
	if pl.multi {
		pl.rinv = make([]float64, pl.d*pl.d)
		for i := range pl.d {
			for j := range pl.d {
				pl.rinv[i*pl.d+j] = pl.corr.InvCorr(i, j)
			}
		}
	}
	switch {
	case cfg.Lambda == Crossfit && cfg.RNG == Pseudo:
		pl.folds = cfg.Folds
	case cfg.Lambda == Crossfit: // a Sobol run crossfits across randomizations, on their halves
		pl.folds = sobolFolds
	}
	if cfg.RNG == Sobol {
		if err := pl.initSobol(cfg); err != nil {
			return nil, nil, nil, err
		}
	}
	pl.smoother, _ = p.(payoff.Smoother)
	pl.bp = blockPaths(max(pl.steps, pl.fixings) * pl.drivers)
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
		if g == Rho || g == Theta {
			pl.rt = true
		}
		if g == Vanna || g == Volga {
			pl.so = true
		}
		var valid []Method
		done := map[Method]bool{}
		for _, x := range methods {
			if done[x] {
				continue
			}
			done[x] = true
			why := Invalid(p, m, cfg.Scheme, g, x)
			if why == "" {
				why = gridGammaSteps(p, m, cfg.Scheme, cfg.Steps, g, x)
			}
			if why != "" {
				if explicit {
					return nil, nil, nil, &MethodError{Method: x, Greek: g, Payoff: p.Name(), Reason: why}
				}
				skipped = append(skipped, Skip{g, x, why})
				continue
			}
			valid = append(valid, x)
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
		// Figures in Greek order, then asset (or pair), then method.
		for i := range pl.d {
			lo, hi := i, i+1
			if g == CrossGamma {
				lo, hi = i+1, pl.d
			}
			if (g == Rho || g == Theta) && i > 0 {
				break // one figure for the model
			}
			for j := lo; j < hi; j++ {
				for _, x := range valid {
					reports = append(reports, report{g, x, i, j})
				}
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
	// A Greek's Malliavin half needs its weight: Gamma and Vega have one
	// for exact European payoffs and, on one GBM asset, for Asian and
	// barrier payoffs (pathDep); Delta everywhere; under Heston Delta and
	// the conditional Gamma weight.
	pl.pdw = pathDep(p, m, cfg.Scheme)
	pl.gw = gridWeights(m, cfg.Scheme)
	_, isHeston := heston(m)
	if isHeston {
		// One conditional weight, exact for the scheme, whatever Weight
		// says: no note about the continuous-time weight applies.
		pl.weight = Chain
	}
	for _, g := range []Greek{Gamma, Vega, CrossGamma} {
		if !exactEuropean && !((pl.pdw || pl.gw) && g != CrossGamma) && !(isHeston && (g == Gamma || g == Vega)) {
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
		if pl.pair[Delta] || pl.pair[Gamma] || (isHeston && (pl.mall[Rho] || pl.mall[Vega] || pl.mall[Theta])) {
			if cfg.Weight == Chain {
				pl.need |= sde.NeedChain
			} else {
				pl.need |= sde.NeedWeight
			}
		}
	}
	if pl.pair[Vega] {
		if pl.lrVega = hestonLRVega(m, cfg.Scheme); pl.lrVega {
			pl.need |= sde.NeedVegaWeight // no tangent: the likelihood ratio
		} else {
			pl.need |= sde.NeedDVol
		}
	}
	if isHeston && pl.pair[Theta] {
		pl.need |= sde.NeedDExpiry
	}
	if pl.gw {
		for g, nd := range map[Greek]sde.Need{Gamma: sde.NeedGamma | sde.NeedY, Vega: sde.NeedVegaWeight,
			Rho: sde.NeedRate, Theta: sde.NeedTime} {
			if pl.pair[g] {
				pl.need |= nd
			}
		}
	}
	pl.spotFD = pl.fd[Delta] || pl.fd[Gamma] || pl.fd[CrossGamma]
	pl.volFD = pl.fd[Vega] || pl.fd[Vanna] || pl.fd[Volga]
	pl.h = cfg.Bumps.Spot * par.Spot
	pl.dv = cfg.Bumps.Vol
	pl.spotUp, pl.spotDown = m.Bump(par.Spot+pl.h, par.Vol), m.Bump(par.Spot-pl.h, par.Vol)
	pl.volUp, pl.volDown = m.Bump(par.Spot, par.Vol+pl.dv), m.Bump(par.Spot, par.Vol-pl.dv)
	for _, a := range pl.assets {
		h := cfg.Bumps.Spot * a.Spot
		pl.hs = append(pl.hs, h)
		pl.up = append(pl.up, (a.Spot+h)/a.Spot)
		pl.down = append(pl.down, (a.Spot-h)/a.Spot)
	}
	pl.hr = cfg.Bumps.Rate
	if cfg.Scheme != sde.Exact && pl.fd[Rho] && !isHeston { // Heston scales S_{t_j} by e^{±h t_j}
		pl.rateUp, pl.rateDown = withRate(m, par.Rate+pl.hr), withRate(m, par.Rate-pl.hr)
	}
	pl.ht = cfg.Bumps.Expiry * par.Expiry
	pl.eps = cfg.Smoothing
	return pl, reports, skipped, nil
}

// runAcc accumulates a whole run: the price, each slot's paired samples by
// crossfit fold, and the fd samples.
type runAcc struct {
	price Pair
	pair  [][]Pair // [slot][fold]
	fd    []Pair   // [slot]
}

func (a *runAcc) init(pl *plan) {
	a.pair = make([][]Pair, pl.slots())
	for k := range a.pair {
		a.pair[k] = make([]Pair, pl.folds)
	}
	a.fd = make([]Pair, pl.slots())
}

func (a *runAcc) add(_ int64, c *chunkAcc, folds int) {
	a.price.Merge(c.price.pair())
	for k := range a.pair {
		for f := range folds {
			a.pair[k][f].Merge(c.pair[k*folds+f].pair())
		}
		a.fd[k].Merge(c.fd[k].pair())
	}
}

// total merges the folds of slot k in fold order.
func (a *runAcc) total(k int) Pair {
	var t Pair
	for _, p := range a.pair[k] {
		t.Merge(p)
	}
	return t
}

// hybrid returns the hybrid estimate of slot k and the λ* of all the paths.
func (a *runAcc) hybrid(k int, cfg Config, pilot []float64) (Estimate, float64) {
	mix := Mixer{Clip: cfg.Clip}
	tot := a.total(k)
	l := mix.Lambda(tot)
	switch cfg.Lambda {
	case Pilot:
		return Combine(tot, pilot[k]), pilot[k]
	case Crossfit:
		var h Moments
		for f, fold := range a.pair[k] {
			var rest Pair
			for j, other := range a.pair[k] {
				if j != f {
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
func (a *runAcc) figure(pl *plan, r report, cfg Config, pilot []float64) Figure {
	f := Figure{Greek: r.g, Method: r.x, Asset: r.i, Asset2: r.j, Lambda: math.NaN(), Smoothing: math.NaN(),
		Note: note(pl.scheme, pl.weight, r.g, r.x)}
	k := pl.slot(r.g, r.i, r.j)
	switch r.x {
	case FD:
		f.Estimate = a.fd[k].P().Estimate()
	case Pathwise, Localized:
		f.Estimate = a.total(k).P().Estimate()
	case Malliavin:
		f.Estimate = a.total(k).M().Estimate()
	case Hybrid:
		f.Estimate, f.Lambda = a.hybrid(k, cfg, pilot)
		f.LambdaMode = cfg.Lambda.String()
	}
	if pl.localize && (r.x == Localized || r.x == Hybrid) {
		f.Smoothing = pl.eps
	}
	return f
}

// worstStdErr returns the largest, over the requested figures' slots, of
// the standard error of the slot's hybrid or, where it has none, of its
// most precise figure.
func (a *runAcc) worstStdErr(pl *plan, reports []report, cfg Config, pilot []float64) float64 {
	best := make([]float64, pl.slots())
	hybrid := make([]bool, pl.slots())
	for k := range best {
		best[k] = math.Inf(1)
	}
	for _, r := range reports {
		k := pl.slot(r.g, r.i, r.j)
		se := a.figure(pl, r, cfg, pilot).StdErr
		if r.x == Hybrid {
			best[k], hybrid[k] = se, true
		} else if !hybrid[k] {
			best[k] = math.Min(best[k], se)
		}
	}
	worst := 0.0
	for _, r := range reports {
		worst = math.Max(worst, best[pl.slot(r.g, r.i, r.j)])
	}
	if len(reports) == 0 {
		worst = a.price.P().Estimate().StdErr
	}
	return worst
}

// pilot runs the pilot: it chooses the smoothing width (when localizing
// without a fixed one) as the candidate that gives the first localized
// Greek's hybrid (or, when no hybrid is asked for, its localized estimator)
// the least variance on common pilot paths, and estimates λ* of every slot
// for Pilot mode.
func (pl *plan) pilot(ctx context.Context, cfg Config) ([]float64, error) {
	seed := cfg.Seed ^ 0x5851f42d4c957f2d // independent streams
	// run returns each slot's paired samples on pilot paths: per path, or
	// for a Sobol run per randomization (their means), whose spread is what
	// a Sobol run's λ and variance are made of.
	run := func(eps float64, paths int64) (func(int) Pair, error) {
		q := *pl
		q.eps, q.folds = eps, 1
		q.fd, q.spotFD, q.volFD = [numGreeks]bool{}, false, false // the pilot needs the pairs only
		if cfg.RNG == Sobol {
			return q.replicatePairs(ctx, cfg, seed, paths)
		}
		var a runAcc
		a.init(&q)
		err := simulate(ctx, &q, seed, cfg.Workers, 0, paths, a.add)
		return a.total, err
	}
	lambdas := make([]float64, pl.slots())
	if pl.localize && pl.eps == 0 {
		target := Delta
		for _, g := range []Greek{Delta, Gamma, Vega, CrossGamma, Rho, Theta, Vanna, Volga} {
			if pl.pair[g] {
				target = g
				break
			}
		}
		k := pl.slot(target, 0, 1)
		cands := smoothingCandidates(pl.assets)
		paths := max(cfg.PilotPaths/int64(len(cands)), 2*ChunkSize)
		best := math.Inf(1)
		for _, eps := range cands {
			total, err := run(eps, paths)
			if err != nil {
				return nil, err
			}
			tot := total(k)
			v := tot.P().Variance()
			if pl.mall[target] {
				v = combine(tot, Mixer{Clip: cfg.Clip}.Lambda(tot)).Variance()
			}
			if v < best {
				best, pl.eps = v, eps
			}
		}
	}
	if cfg.Lambda == Pilot {
		total, err := run(pl.eps, cfg.PilotPaths)
		if err != nil {
			return nil, err
		}
		mix := Mixer{Clip: cfg.Clip}
		for k := range lambdas {
			lambdas[k] = mix.Lambda(total(k))
		}
	}
	return lambdas, nil
}

// smoothingCandidates are the localization half-widths a pilot tries:
// fractions of the spot's standard deviation S_0σ√T at the horizon (with
// several assets, of its mean over the assets).
func smoothingCandidates(assets []sde.Params) []float64 {
	scale := 0.0
	for _, p := range assets {
		s := p.Spot * math.Sqrt(p.Expiry) * math.Min(p.Vol, 1)
		if p.Vol > 1 || p.Vol <= 0 { // a CEV Vol is not a lognormal volatility
			s = p.Spot * math.Sqrt(p.Expiry) * 0.2
		}
		scale += s
	}
	scale /= float64(len(assets))
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
	pair  []sums // [slot·folds + fold]
	fd    []sums // [slot]
}

func newChunkAcc(pl *plan) chunkAcc {
	return chunkAcc{pair: make([]sums, pl.slots()*pl.folds), fd: make([]sums, pl.slots())}
}

// reset clears the sums.
func (c *chunkAcc) reset() {
	c.price = sums{}
	clear(c.pair)
	clear(c.fd)
}

// simulate runs chunks [lo/ChunkSize, hi/ChunkSize) of the path range
// [lo, hi) on the given number of goroutines, a fixed number of chunks at a
// time so that memory stays bounded, and hands the chunks to emit in index
// order.
func simulate(ctx context.Context, pl *plan, seed uint64, nw int, lo, hi int64, emit func(i int64, c *chunkAcc, folds int)) error {
	if lo%ChunkSize != 0 {
		panic("greeks: simulate must start on a chunk boundary")
	}
	task := func(i int64) (uint64, int64, int) { return seed, i, int(min(ChunkSize, hi-i*ChunkSize)) }
	return simulateTasks(ctx, pl, nw, lo/ChunkSize, (hi+ChunkSize-1)/ChunkSize, task, emit)
}

// simulateTasks runs the tasks [first, nChunks) as simulate runs chunks:
// task v is the n paths of chunk i of the stream (or randomization) keyed
// by seed, (seed, i, n) = task(v), and emit receives the tasks in order.
func simulateTasks(ctx context.Context, pl *plan, nw int, first, nChunks int64,
	task func(v int64) (seed uint64, i int64, n int), emit func(v int64, c *chunkAcc, folds int)) error {
	parts := make([]chunkAcc, roundChunks)
	for i := range parts {
		parts[i] = newChunkAcc(pl)
	}
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
					seed, c, n := task(i)
					w.chunk(pl, seed, c, n, &parts[i-r])
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
	src                    normalSource
	z                      []float64
	base, up, down, vu, vd sde.Block
	grid                   sde.Grid
	// per path: payoff, smoothed payoff, remainder, contracted gradient,
	// revaluations (fx: the four of a cross Gamma)
	f, fs, r, a, fu, fd, fvu, fvd []float64
	fx                            [4][]float64
	pi, phi                       []float64 // per asset and path: Delta weight, Σ_j ∂f/∂S_a S_a
	pg, pv                        []float64 // per path: path-dependent Gamma and Vega weights
	grad, gs                      []float64 // per fixing, asset and path
}

func newWorker(pl *plan) *worker {
	n, m, d := pl.bp, pl.fixings, pl.d
	w := &worker{z: make([]float64, n*max(pl.steps, m)*pl.drivers), src: pl.newSource()}
	for _, s := range []*[]float64{&w.f, &w.fs, &w.r, &w.a, &w.fu, &w.fd, &w.fvu, &w.fvd, &w.fx[0], &w.fx[1], &w.fx[2], &w.fx[3]} {
		*s = make([]float64, n)
	}
	w.pi, w.phi = make([]float64, n*d), make([]float64, n*d)
	if pl.pdw {
		w.pg, w.pv = make([]float64, n), make([]float64, n)
	}
	w.grad, w.gs = make([]float64, n*m*d), make([]float64, n*m*d)
	return w
}

// chunk simulates the n paths of chunk i and stores their sums in out.
func (w *worker) chunk(pl *plan, seed uint64, i int64, n int, out *chunkAcc) {
	w.src.reset(seed, i)
	out.reset()
	blocksPerChunk := int64((ChunkSize + pl.bp - 1) / pl.bp)
	for b, done := int64(0), 0; done < n; b, done = b+1, done+pl.bp {
		fold := int((i*blocksPerChunk + b) % int64(pl.folds))
		if pl.seq != nil { // a randomization's halves (sobolFolds)
			fold = min(pl.folds-1, int((i*ChunkSize+int64(done))/pl.half))
		}
		w.block(pl, min(pl.bp, n-done), out, fold)
	}
}

// simulate fills b with n paths of model m from the normals of the block.
func (w *worker) simulate(pl *plan, m sde.Model, n int, b *sde.Block, need sde.Need) {
	b.ResizeAssets(n, pl.fixings, pl.d)
	if pl.scheme == sde.Exact {
		z := w.z[:n*pl.fixings*pl.drivers]
		switch m := m.(type) {
		case sde.GBM:
			m.Exact(z, b, need)
		case sde.Correlated:
			m.Exact(z, b, need)
		}
		return
	}
	if h, ok := heston(m); ok {
		w.grid.EvolveHeston(h, pl.scheme, pl.steps, w.z[:2*n*pl.steps], b, need)
		return
	}
	w.grid.Evolve(m, pl.scheme, m.Params().Spot, pl.par.Expiry, pl.steps, w.z[:n*pl.steps], b, need)
}

func (w *worker) block(pl *plan, n int, acc *chunkAcc, fold int) {
	steps, d := pl.steps, pl.d
	if pl.scheme == sde.Exact {
		steps = pl.fixings
	}
	w.src.fill(w.z, n, steps, pl.drivers)
	m, b, D := pl.fixings, &w.base, pl.disc
	nm := n * m * d
	w.simulate(pl, pl.model, n, b, pl.need)
	f := w.f[:n]
	var grad []float64
	if pl.grad {
		grad = w.grad[:nm]
	}
	pl.p.Eval(b.Obs, f, grad)
	acc.price.add(single(f, D))

	// The P half's gradient: the payoff's (pathwise) or its smoothed
	// version's (localized), with the remainder r = f − f_ε.
	var r []float64
	if pl.localize {
		fs, gs := w.fs[:n], w.gs[:nm]
		pl.smoother.EvalSmooth(b.Obs, pl.eps, fs, gs)
		r = w.r[:n]
		for i := range r {
			r[i] = f[i] - fs[i]
		}
		grad = gs
	}
	// The dual Brownian vector ρ⁻¹W_T carries the Malliavin weights; with
	// one asset it is W_T.
	wd := b.W
	if d > 1 {
		wd = b.Dual
	}
	folds := pl.folds
	weights := pl.pair[Delta] || pl.pair[Gamma] || pl.pair[CrossGamma]
	if pl.pdw && (pl.mall[Gamma] || pl.mall[Vega]) {
		w.pathDepWeights(pl, n)
	}
	for a := range d {
		par := pl.assets[a]
		pi, phi, va := w.pi[a*n:a*n+n], w.phi[a*n:a*n+n], w.a[:n]
		wa, wda := b.W[a*n:a*n+n], wd[a*n:a*n+n]
		if weights {
			pl.deltaWeight(b, a, wda, pi)
		}
		if pl.pair[Delta] {
			k := pl.slot(Delta, a, a)*folds + fold
			if pl.scheme == sde.Exact { // Y = X/S_0
				contract(grad, b.Obs, va, m, d, a)
				acc.pair[k].add(pairSums(f, va, r, pi, D/par.Spot, D, pl.mall[Delta]))
			} else {
				contract(grad, b.Y, va, m, d, a)
				acc.pair[k].add(pairSums(f, va, r, pi, D, D, pl.mall[Delta]))
			}
		}
		if pl.pair[Vega] {
			k := pl.slot(Vega, a, a)*folds + fold
			if pl.lrVega {
				// Heston's likelihood-ratio Vega (hestonLRVega): no pathwise
				// half; the P half is the weight with the baseline 1,
				// D (f − 1) ν, so the hybrid is D (f − λ*) ν, a crossfit
				// control variate on the score (E[ν] = 0).
				nu := w.grid.HestonVegaWeight()[:n]
				for i, fv := range f {
					va[i] = (fv - 1) * nu[i]
				}
				acc.pair[k].add(pairSums(f, va, nil, nu, D, D, pl.mall[Vega]))
			} else {
				contract(grad, b.DVol, va, m, d, a)
				_, isHeston := heston(pl.model)
				switch {
				case isHeston:
					acc.pair[k].add(pairSums(f, va, r, w.grid.HestonVegaWeight(), D, D, pl.mall[Vega]))
				case pl.pdw:
					acc.pair[k].add(pairSums(f, va, r, w.pv, D, D, pl.mall[Vega]))
				case pl.gw:
					acc.pair[k].add(pairSums(f, va, r, b.VegaWeight, D, D, pl.mall[Vega]))
				default:
					acc.pair[k].add(vegaSums(f, va, r, wa, wda, D, par, pl.mall[Vega]))
				}
			}
		}
		if pl.pair[Gamma] || pl.pair[CrossGamma] {
			contract(grad, b.Obs, phi, m, d, a)
		}
		if pl.pair[Gamma] {
			k := pl.slot(Gamma, a, a)*folds + fold
			if _, ok := heston(pl.model); ok {
				acc.pair[k].add(hestonGammaSums(f, phi, r, pi, b.CondVar, D, par.Spot, pl.mall[Gamma]))
			} else if pl.pdw {
				acc.pair[k].add(pairSums(f, w.pathDepGammaSamples(n, phi, pi, par.Spot), r, w.pg, D/par.Spot, D, pl.mall[Gamma]))
			} else if pl.gw {
				acc.pair[k].add(pairSums(f, w.gridGammaSamples(pl, n, grad), r, b.GammaWeight, D, D, pl.mall[Gamma]))
			} else {
				acc.pair[k].add(gammaSums(f, phi, r, pi, wda, D, par, pl.rinv[a*d+a], pl.mall[Gamma]))
			}
		}
	}
	if pl.pair[CrossGamma] {
		for i := range d {
			for j := i + 1; j < d; j++ {
				k := pl.slot(CrossGamma, i, j)*folds + fold
				acc.pair[k].add(crossSums(f, w.phi[i*n:i*n+n], r, w.pi[j*n:j*n+n], wd[i*n:i*n+n], wd[j*n:j*n+n],
					D, pl.assets[i], pl.assets[j], pl.rinv[i*d+j], pl.mall[CrossGamma]))
			}
		}
	}
	if pl.pair[Rho] || pl.pair[Theta] {
		w.rateTimePairs(pl, n, acc, fold, f, r, grad)
	}
	if pl.pair[Vanna] || pl.pair[Volga] {
		w.secondOrderPairs(pl, n, acc, fold, f, r, grad)
	}
	if pl.spotFD {
		w.spotFD(pl, n, acc, f)
	}
	if pl.fd[Rho] || pl.fd[Theta] {
		w.rateTimeFD(pl, n, acc)
	}
	if pl.volFD {
		w.volFD(pl, n, acc)
	}
	if pl.fd[Vanna] || pl.fd[Volga] {
		w.secondOrderFD(pl, n, acc, f) // after volFD: reuses its σ ± δ paths
	}
}

// rateTimePairs adds the paired Rho and Theta samples of one GBM asset
// under the exact scheme, European payoff (see sde.GBM's doc for the
// weights). f is the payoff, r the remainder f − f_ε when localizing (nil
// otherwise) and grad the payoff's gradient (the smoothed payoff's when
// localizing). The pathwise part uses the smoothed payoff f_ε = f − r.
func (w *worker) rateTimePairs(pl *plan, n int, acc *chunkAcc, fold int, f, r, grad []float64) {
	if _, ok := heston(pl.model); ok {
		w.hestonRateTimePairs(pl, n, acc, fold, f, r, grad)
		return
	}
	if pl.gw {
		w.rateTimePairsGrid(pl, n, acc, fold, f, r, grad)
		return
	}
	if pl.fixings > 1 || pl.multi {
		w.rateTimePairsGeneral(pl, n, acc, fold, f, r, grad)
		return
	}
	b := &w.base
	phi := w.a[:n]
	contract(grad, b.Obs, phi, 1, 1, 0) // f'(S_T) S_T
	fp := f
	if r != nil {
		fp = w.fs[:n]
	}
	par, D := pl.par, pl.disc
	for _, g := range []Greek{Rho, Theta} {
		if !pl.pair[g] {
			continue
		}
		k := pl.slot(g, 0, 0)*pl.folds + fold
		acc.pair[k].add(rateTimeSums(g, f, fp, phi, r, b.W[:n], D, par, pl.mall[g]))
	}
}

// rateTimeSums pairs the pathwise Rho or Theta (on fp, the payoff or its
// smoothed version, with φ = fp'(S_T) S_T, plus D r times the weight when
// localizing) with the Malliavin one, D f times the weight:
//
//	Rho    P = D T (φ − fp),                    weight W/σ − T
//	Theta  P = D (r fp − φ (μ + σW/(2T))),      weight r − μW/(σT) − (W² − T)/(2T²)
//
// μ = r − q − σ²/2, W = W_T.
func rateTimeSums(g Greek, f, fp, phi, r, w []float64, D float64, par sde.Params, mall bool) sums {
	n := len(f)
	fp, phi, w = fp[:n], phi[:n], w[:n]
	T, sig := par.Expiry, par.Vol
	mu := par.Rate - par.Div - sig*sig/2
	// P = cφ·φ + cW·W·φ + cf·fp; weight = w0 + w1·W + w2·W².
	var cphi, cw, cf, w0, w1, w2 float64
	if g == Rho {
		cphi, cf = D*T, -D*T
		w0, w1 = -T, 1/sig
	} else {
		cphi, cw, cf = -D*mu, -D*sig/(2*T), D*par.Rate
		w0, w1, w2 = par.Rate+1/(2*T), -mu/(sig*T), -1/(2*T*T)
	}
	if !mall {
		w0, w1, w2 = 0, 0, 0
	}
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		wt := w0 + w[i]*(w1+w2*w[i])
		p := (cphi+cw*w[i])*phi[i] + cf*fp[i]
		if r != nil {
			p += D * r[i] * wt
		}
		q := D * fv * wt
		sp += p
		spp += p * p
		sm += q
		smm += q * q
		spm += p * q
	}
	return sums{float64(n), sp, spp, sm, smm, spm}
}

// rateTimeFD adds the central differences in r and in T of one GBM asset
// under the exact scheme, European payoff, on the same normals: with
// Z = W_T/√T, S_T(r ± h) = S_T e^{±hT} under the discount e^{−(r±h)T}, and
// S_T(T ± h) = S_0 exp(μ(T ± h) + σ√(T ± h) Z) under e^{−r(T±h)}.
// Theta = −(V(T + h) − V(T − h))/(2h).
func (w *worker) rateTimeFD(pl *plan, n int, acc *chunkAcc) {
	if pl.fixings > 1 || pl.multi || pl.scheme != sde.Exact {
		w.rateTimeFDGeneral(pl, n, acc)
		return
	}
	b := &w.base
	fu, fdn := w.fu[:n], w.fd[:n]
	w.up.ResizeAssets(n, 1, 1)
	w.down.ResizeAssets(n, 1, 1)
	up, dn := w.up.Obs[:n], w.down.Obs[:n]
	par := pl.par
	T, r := par.Expiry, par.Rate
	if pl.fd[Rho] {
		h := pl.hr
		cu, cd := math.Exp(h*T), math.Exp(-h*T)
		for i, x := range b.Obs[:n] {
			up[i], dn[i] = x*cu, x*cd
		}
		pl.p.Eval(w.up.Obs, fu, nil)
		pl.p.Eval(w.down.Obs, fdn, nil)
		c := 1 / (2 * h)
		acc.fd[pl.slot(Rho, 0, 0)].add(weightedDiffSums(fu, fdn, c*math.Exp(-(r+h)*T), c*math.Exp(-(r-h)*T)))
	}
	if pl.fd[Theta] {
		h := pl.ht
		mu := par.Rate - par.Div - par.Vol*par.Vol/2
		su, sd := par.Vol*math.Sqrt((T+h)/T), par.Vol*math.Sqrt((T-h)/T)
		mu1, md := mu*(T+h), mu*(T-h)
		for i, x := range b.W[:n] {
			up[i], dn[i] = mu1+su*x, md+sd*x
		}
		vmath.ExpTo(up, up)
		vmath.ExpTo(dn, dn)
		for i := range up {
			up[i] *= par.Spot
			dn[i] *= par.Spot
		}
		pl.p.Eval(w.up.Obs, fu, nil)
		pl.p.Eval(w.down.Obs, fdn, nil)
		c := 1 / (2 * h)
		acc.fd[pl.slot(Theta, 0, 0)].add(weightedDiffSums(fu, fdn, -c*math.Exp(-r*(T+h)), -c*math.Exp(-r*(T-h))))
	}
}

// weightedDiffSums returns the sums of cu·u − cd·d.
func weightedDiffSums(u, d []float64, cu, cd float64) sums {
	d = d[:len(u)]
	var s, ss float64
	for i, v := range u {
		x := cu*v - cd*d[i]
		s += x
		ss += x * x
	}
	return sums{n: float64(len(u)), sp: s, spp: ss}
}

// spotFD adds the central spot differences of every asset (and the
// four-point cross differences) to acc.
func (w *worker) spotFD(pl *plan, n int, acc *chunkAcc, f []float64) {
	b, d, D := &w.base, pl.d, pl.disc
	fu, fdn := w.fu[:n], w.fd[:n]
	if pl.scheme != sde.Exact {
		w.simulate(pl, pl.spotUp, n, &w.up, 0)
		w.simulate(pl, pl.spotDown, n, &w.down, 0)
		pl.p.Eval(w.up.Obs, fu, nil)
		pl.p.Eval(w.down.Obs, fdn, nil)
		if pl.fd[Delta] {
			acc.fd[Delta].add(diffSums(fu, fdn, D/(2*pl.h)))
		}
		if pl.fd[Gamma] {
			acc.fd[Gamma].add(secondDiffSums(fu, f, fdn, D/(pl.h*pl.h)))
		}
		return
	}
	// Exact GBM paths are linear in each S_a(0) on the same normals: scale
	// asset a's fixings, revalue, and put them back.
	copyBlock(&w.up, b)
	copyBlock(&w.down, b)
	for a := range d {
		scaleAsset(&w.up, b, a, pl.up[a])
		scaleAsset(&w.down, b, a, pl.down[a])
		pl.p.Eval(w.up.Obs, fu, nil)
		pl.p.Eval(w.down.Obs, fdn, nil)
		h := pl.hs[a]
		if pl.fd[Delta] {
			acc.fd[pl.slot(Delta, a, a)].add(diffSums(fu, fdn, D/(2*h)))
		}
		if pl.fd[Gamma] {
			acc.fd[pl.slot(Gamma, a, a)].add(secondDiffSums(fu, f, fdn, D/(h*h)))
		}
		if d > 1 {
			scaleAsset(&w.up, b, a, 1)
			scaleAsset(&w.down, b, a, 1)
		}
	}
	if !pl.fd[CrossGamma] {
		return
	}
	// ∂²V/∂S_i∂S_j ≈ (f(+,+) − f(+,−) − f(−,+) + f(−,−))/(4 h_i h_j).
	x := &w.up
	for i := range d {
		for j := i + 1; j < d; j++ {
			for k, s := range [4][2]float64{{1, 1}, {1, -1}, {-1, 1}, {-1, -1}} {
				scaleAsset(x, b, i, bumpFactor(pl, i, s[0]))
				scaleAsset(x, b, j, bumpFactor(pl, j, s[1]))
				pl.p.Eval(x.Obs, w.fx[k][:n], nil)
			}
			scaleAsset(x, b, i, 1)
			scaleAsset(x, b, j, 1)
			c := D / (4 * pl.hs[i] * pl.hs[j])
			acc.fd[pl.slot(CrossGamma, i, j)].add(crossDiffSums(w.fx[0][:n], w.fx[1][:n], w.fx[2][:n], w.fx[3][:n], c))
		}
	}
}

// bumpFactor returns (S_a + s·h_a)/S_a for s = ±1.
func bumpFactor(pl *plan, a int, s float64) float64 {
	if s > 0 {
		return pl.up[a]
	}
	return pl.down[a]
}

// volFD adds the central volatility differences of every asset to acc.
func (w *worker) volFD(pl *plan, n int, acc *chunkAcc) {
	fu, fdn := w.fvu[:n], w.fvd[:n]
	if !pl.multi {
		w.simulate(pl, pl.volUp, n, &w.vu, 0)
		w.simulate(pl, pl.volDown, n, &w.vd, 0)
		pl.p.Eval(w.vu.Obs, fu, nil)
		pl.p.Eval(w.vd.Obs, fdn, nil)
		acc.fd[Vega].add(diffSums(fu, fdn, pl.disc/(2*pl.dv)))
		return
	}
	z := w.z[:n*pl.fixings*pl.drivers]
	for a, p := range pl.assets {
		pl.corr.Revol(a, p.Vol+pl.dv, z, &w.base, &w.vu)
		pl.corr.Revol(a, p.Vol-pl.dv, z, &w.base, &w.vd)
		pl.p.Eval(w.vu.Obs, fu, nil)
		pl.p.Eval(w.vd.Obs, fdn, nil)
		acc.fd[pl.slot(Vega, a, a)].add(diffSums(fu, fdn, pl.disc/(2*pl.dv)))
	}
}

// copyBlock sizes dst as src and copies its fixings when there are several
// assets (with one, scaleAsset overwrites them all).
func copyBlock(dst, src *sde.Block) {
	dst.ResizeAssets(src.Len(), src.Fixings(), src.Assets())
	if src.Assets() > 1 {
		copy(dst.Obs, src.Obs)
	}
}

// scaleAsset sets asset a's fixings in dst to src's times c.
func scaleAsset(dst, src *sde.Block, a int, c float64) {
	for j := range src.Fixings() {
		out := dst.Row(j, a)
		for i, v := range src.Row(j, a) {
			out[i] = v * c
		}
	}
}

// deltaWeight fills pi with the Malliavin Delta weight of asset a on every
// path, wd being asset a's row of the dual vector ρ⁻¹W_T (W_T itself for one
// asset):
//
//	exact GBM:               W_{t_1}/(S_0 σ t_1) (European: W_T/(S_0 σ T))
//	d correlated assets:     (ρ⁻¹W_T)_a/(S_a σ_a T) (European)
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
func (pl *plan) deltaWeight(b *sde.Block, a int, wd, pi []float64) {
	n, m := len(pi), pl.fixings
	par := pl.assets[a]
	switch pl.wkind {
	case weightExact:
		c := 1 / (par.Spot * par.Vol * par.Expiry / float64(m))
		if m > 1 { // Exact stored W_{t_1}/(S_0 σ t_1)
			copy(pi, b.Weight[:n])
			return
		}
		for i, w := range wd[:n] {
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

// contract sets a[i] = Σ_j g[r*n+i]·y[r*n+i] over asset c's rows r = j·d + c
// of the m fixings: the derivative of the payoff along the path derivative
// y of that asset. A nil g (no P half asked for) gives zeros.
func contract(g, y, a []float64, m, d, c int) {
	n := len(a)
	if g == nil {
		clear(a)
		return
	}
	row, yr := g[c*n:c*n+n], y[c*n:c*n+n]
	for i := range a {
		a[i] = row[i] * yr[i]
	}
	for j := 1; j < m; j++ {
		r := (j*d + c) * n
		row, yr = g[r:r+n], y[r:r+n]
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
// Gamma M = D f γ, γ = (Ŵ² − σT Ŵ − ρ⁻¹_aa T)/(S_0² σ² T²), where Ŵ is the
// asset's entry of ρ⁻¹W_T (W_T and ρ⁻¹_aa = 1 for one asset).
func gammaSums(f, phi, r, pi, w []float64, D float64, par sde.Params, rinv float64, mall bool) sums {
	n := len(f)
	phi, pi, w = phi[:n], pi[:n], w[:n]
	inv := 1 / par.Spot
	sT := par.Vol * par.Expiry
	cg := 1 / (par.Spot * par.Spot * sT * sT)
	if !mall {
		cg = 0
	}
	cT := rinv * par.Expiry
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		g := cg * (w[i]*w[i] - sT*w[i] - cT)
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
// the Malliavin Vega M = D f ν, ν = Ŵ W/(σT) − Ŵ − 1/σ, where W is the
// asset's W_T and Ŵ its entry of ρ⁻¹W_T (W_T for one asset).
func vegaSums(f, a, r, w, wd []float64, D float64, par sde.Params, mall bool) sums {
	n := len(f)
	a, w, wd = a[:n], w[:n], wd[:n]
	ca, cc, cw := 1/(par.Vol*par.Expiry), 1/par.Vol, 1.0
	if !mall {
		ca, cc, cw = 0, 0, 0
	}
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		nu := wd[i]*w[i]*ca - cw*wd[i] - cc
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

// crossSums pairs the mixed pathwise–likelihood-ratio cross Gamma of assets
// i < j, P = D φ_i π_j/S_i (+ D r γ_ij), with the Malliavin cross Gamma
// M = D f γ_ij, γ_ij = (Ŵ_i Ŵ_j − ρ⁻¹_ij T)/(S_i S_j σ_i σ_j T²).
func crossSums(f, phi, r, pi, wi, wj []float64, D float64, pi_, pj sde.Params, rinv float64, mall bool) sums {
	n := len(f)
	phi, pi, wi, wj = phi[:n], pi[:n], wi[:n], wj[:n]
	cp := D / pi_.Spot
	cg := 1 / (pi_.Spot * pj.Spot * pi_.Vol * pj.Vol * pi_.Expiry * pi_.Expiry)
	if !mall {
		cg = 0
	}
	cT := rinv * pi_.Expiry
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		g := cg * (wi[i]*wj[i] - cT)
		p := cp * phi[i] * pi[i]
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

// crossDiffSums returns the sums of c·(pp − pm − mp + mm).
func crossDiffSums(pp, pm, mp, mm []float64, c float64) sums {
	n := len(pp)
	pm, mp, mm = pm[:n], mp[:n], mm[:n]
	var s, ss float64
	for i, v := range pp {
		x := c * (v - pm[i] - mp[i] + mm[i])
		s += x
		ss += x * x
	}
	return sums{n: float64(n), sp: s, spp: ss}
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
