package synthetic

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/stat"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/mlbridge"
)

// Config sizes a study; zero fields mean the paper's settings.
type Config struct {
	Theta      float64   // θ; 0 means 0.8
	Alpha      float64   // α of Table 1; 0 means 2
	Replicates int       // R; 0 means 50
	Samples    int       // N per estimate; 0 means 100,000
	SmallBatch int       // the second Table 1 size, where the paper's numbers fit; 0 means 100
	Alphas     []float64 // Figures 1 and 4; nil means 0.5, 0.75, …, 3.0
	BatchSizes []int     // Figure 3; nil means 8, 16, …, 512
	Trials     int       // Figure 3 trials per batch size; 0 means 500
	Folds      int       // cross-fitting folds of the hybrids and baselines; 0 means 4
	Seed       uint64
	Workers    int // ≤ 0 means GOMAXPROCS; never changes results
}

func (c Config) withDefaults() Config {
	if c.Theta == 0 {
		c.Theta = 0.8
	}
	if c.Alpha == 0 {
		c.Alpha = 2
	}
	if c.Replicates == 0 {
		c.Replicates = 50
	}
	if c.Samples == 0 {
		c.Samples = 100_000
	}
	if c.SmallBatch == 0 {
		c.SmallBatch = 100
	}
	if c.Alphas == nil {
		for a := 0.5; a <= 3.0001; a += 0.25 {
			c.Alphas = append(c.Alphas, math.Round(a*100)/100)
		}
	}
	if c.BatchSizes == nil {
		c.BatchSizes = []int{8, 16, 32, 64, 128, 256, 512}
	}
	if c.Trials == 0 {
		c.Trials = 500
	}
	if c.Folds == 0 {
		c.Folds = 4
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// Validate reports the first bad field.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Replicates < 2:
		return fmt.Errorf("synthetic: replicates = %d, want at least 2", c.Replicates)
	case c.Samples < 2*c.Folds || c.SmallBatch < 2*c.Folds:
		return fmt.Errorf("synthetic: samples = %d and small batch = %d, want at least %d (2 × folds)", c.Samples, c.SmallBatch, 2*c.Folds)
	case c.Trials < 2:
		return fmt.Errorf("synthetic: trials = %d, want at least 2", c.Trials)
	}
	for _, a := range c.Alphas {
		if !(a > 0 && a <= 5) {
			return fmt.Errorf("synthetic: alpha = %v, want in (0, 5]", a)
		}
	}
	for _, b := range c.BatchSizes {
		if b < 4 {
			return fmt.Errorf("synthetic: batch size = %d, want at least 4", b)
		}
	}
	return nil
}

// Estimators of Table 1, in report order.
var Estimators = []string{
	"pathwise", "score", "score+baseline", "hybrid", "hybrid-clipped", "joint-cv", "normalized-score (paper, biased)",
}

// Row is one line of Table 1.
type Row struct {
	Loss      string  `json:"loss"`
	Estimator string  `json:"estimator"`
	N         int     `json:"n"`
	Mean      float64 `json:"mean"`    // the replicates' mean estimate
	Exact     float64 `json:"exact"`   // the exact gradient
	RMSE      float64 `json:"rmse"`    // over the replicates
	RMSESE    float64 `json:"rmse_se"` // its standard error (delta method)
	Lambda    float64 `json:"lambda"`  // the replicates' mean λ (hybrids), NaN otherwise
	Biased    bool    `json:"biased"`  // the estimator is biased here (guard fired, or by construction)
	Note      string  `json:"note,omitempty"`
}

// LambdaPoint is a point of Figure 1: λ̂ against α.
type LambdaPoint struct {
	Loss   string  `json:"loss"`
	Alpha  float64 `json:"alpha"`
	Lambda float64 `json:"lambda"` // replicate mean of the plug-in λ̂
	SE     float64 `json:"se"`
	Exact  float64 `json:"exact"` // λ* by quadrature
}

// BatchPoint is a point of Figure 3: the MSE of λ̂ from B samples.
type BatchPoint struct {
	Loss  string  `json:"loss"`
	Alpha float64 `json:"alpha"`
	B     int     `json:"b"`
	MSE   float64 `json:"mse"`
	SE    float64 `json:"se"`
	Slope float64 `json:"slope"` // the log-log least-squares slope over all B (same on every point)
}

// ReductionPoint is a point of Figure 4: the hybrid's variance reduction
// 100·(1 − Var H / min(Var P, Var S)) against α.
type ReductionPoint struct {
	Loss      string  `json:"loss"`
	Alpha     float64 `json:"alpha"`
	Reduction float64 `json:"reduction"` // percent, replicate mean
	SE        float64 `json:"se"`
	Exact     float64 `json:"exact"` // by quadrature
}

// Results are the study's tables and figures.
type Results struct {
	Table1  []Row            `json:"table1"`
	Figure1 []LambdaPoint    `json:"figure1"`
	Figure3 []BatchPoint     `json:"figure3"`
	Figure4 []ReductionPoint `json:"figure4"`
}

// draw fills e with the normals of replicate r of an experiment.
func draw(seed uint64, experiment, r int, e []float64) {
	rngstream.New(seed^uint64(experiment)<<40, uint64(r)).Normals(e)
}

// parallel runs f(i) for i in [0, n) on w goroutines.
func parallel(ctx context.Context, n, w int, f func(i int)) error {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(w, n) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return ctx.Err()
}

// samples computes the per-sample pathwise and score gradients, the losses
// and the scores for the normals e.
func samples(m Model, l Loss, e, p, s, f, u []float64) {
	for i, x := range e {
		z, dz, ui := m.Sample(x)
		fi := l.F(z)
		p[i], s[i], f[i], u[i] = l.DF(z)*dz, fi*ui, fi, ui
	}
}

// Run computes the study.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	res := &Results{}
	if err := table1(ctx, cfg, res); err != nil {
		return nil, err
	}
	if err := figures14(ctx, cfg, res); err != nil {
		return nil, err
	}
	if err := figure3(ctx, cfg, res); err != nil {
		return nil, err
	}
	return res, nil
}

func table1(ctx context.Context, cfg Config, res *Results) error {
	m := Model{cfg.Theta, cfg.Alpha}
	for li, l := range Losses {
		exact := m.Exact(l)
		for ni, n := range []int{cfg.Samples, cfg.SmallBatch} {
			est := make([][]float64, len(Estimators)) // [estimator][replicate]
			lam := make([][]float64, len(Estimators))
			biased := make([]bool, cfg.Replicates)
			inconclusive := 0
			var mu sync.Mutex
			for k := range est {
				est[k] = make([]float64, cfg.Replicates)
				lam[k] = make([]float64, cfg.Replicates)
			}
			err := parallel(ctx, cfg.Replicates, cfg.Workers, func(r int) {
				e, p, s, f, u := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
				draw(cfg.Seed, 10*li+ni, r, e)
				samples(m, l, e, p, s, f, u)
				out := estimate(p, s, f, u, cfg.Folds, cfg.Alpha)
				for k := range out {
					est[k][r], lam[k][r] = out[k].value, out[k].lambda
				}
				biased[r] = out[0].biased
				if out[0].inconclusive {
					mu.Lock()
					inconclusive++
					mu.Unlock()
				}
			})
			if err != nil {
				return err
			}
			guardFired := 0
			for _, b := range biased {
				if b {
					guardFired++
				}
			}
			for k, name := range Estimators {
				row := summarize(l.Name, name, n, est[k], exact)
				row.Lambda = math.NaN()
				if name == "hybrid" || name == "hybrid-clipped" {
					row.Lambda = stat.Mean(lam[k], nil)
				}
				switch {
				case name == "normalized-score (paper, biased)":
					row.Biased = true
					row.Note = fmt.Sprintf("the paper's weight × 1/√(1+α²): mean is the gradient × %.3f (ERRATA §2.2)", 1/math.Sqrt(1+cfg.Alpha*cfg.Alpha))
				case name == "pathwise" && !l.Lipschitz:
					row.Biased = true
					row.Note = fmt.Sprintf("f' = 0 almost surely; the guard fired in %d of %d replicates", guardFired, cfg.Replicates)
					if inconclusive > 0 {
						row.Note += fmt.Sprintf(" (inconclusive below 10⁴ samples in %d)", inconclusive)
					}
				case (name == "hybrid" || name == "hybrid-clipped") && !l.Lipschitz && guardFired < cfg.Replicates:
					row.Biased = true
					row.Note = fmt.Sprintf("the guard cannot judge %d samples (it needs 10⁴): the biased pathwise estimator is mixed in %d of %d replicates",
						n, cfg.Replicates-guardFired, cfg.Replicates)
				case (name == "hybrid" || name == "hybrid-clipped") && guardFired > 0:
					row.Note = fmt.Sprintf("the guard refused the biased pathwise estimator in %d of %d replicates: score alone", guardFired, cfg.Replicates)
				case name == "joint-cv" && !l.Lipschitz && guardFired < cfg.Replicates:
					row.Biased = true
					row.Note = fmt.Sprintf("its control s − p has mean ≠ 0 when pathwise is biased; the guard dropped it in %d of %d replicates",
						guardFired, cfg.Replicates)
				case name == "joint-cv" && !l.Lipschitz:
					row.Note = "the guard dropped the biased control s − p: score with the baseline control"
				}
				res.Table1 = append(res.Table1, row)
			}
		}
	}
	return nil
}

type estimateOut struct {
	value, lambda        float64
	biased, inconclusive bool
}

// estimate returns each Table 1 estimator's value on one replicate.
func estimate(p, s, f, u []float64, folds int, alpha float64) []estimateOut {
	n := len(p)
	out := make([]estimateOut, len(Estimators))
	out[0].value = stat.Mean(p, nil)
	out[1].value = stat.Mean(s, nil)
	var dst [1]float64
	mlbridge.BaselineScore(f, u, n, 1, folds, dst[:])
	out[2].value = dst[0]
	for k, clip := range []bool{false, true} {
		h := mlbridge.Hybrid{Mode: mlbridge.Crossfit, Folds: folds}
		h.Mixer = greeks.Mixer{Clip: clip}
		st := h.Batch(p, s, n, dst[:])
		out[3+k].value, out[3+k].lambda = dst[0], st.Lambda[0]
		out[0].biased, out[0].inconclusive = st.Guard.Biased, st.Guard.Inconclusive
	}
	if out[0].biased { // the guard fired: drop the control s − p, keep the score's
		mlbridge.JointCV(s, s, u, n, 1, folds, dst[:])
	} else {
		mlbridge.JointCV(p, s, u, n, 1, folds, dst[:])
	}
	out[5].value = dst[0]
	out[6].value = out[1].value / math.Sqrt(1+alpha*alpha)
	return out
}

// summarize returns the RMSE of the replicates' estimates x against exact,
// with the delta-method standard error se(RMSE) = se(MSE)/(2 RMSE).
func summarize(loss, name string, n int, x []float64, exact float64) Row {
	sq := make([]float64, len(x))
	for i, v := range x {
		sq[i] = (v - exact) * (v - exact)
	}
	mse, sd := stat.MeanStdDev(sq, nil)
	rmse := math.Sqrt(mse)
	return Row{Loss: loss, Estimator: name, N: n, Mean: stat.Mean(x, nil), Exact: exact, RMSE: rmse,
		RMSESE: sd / math.Sqrt(float64(len(x))) / (2 * rmse)}
}

// figures14 computes λ̂ (Figure 1) and the variance reduction (Figure 4)
// against α for the hinge and the clipped quadratic, R replicates of N
// samples each, with plug-in moments.
func figures14(ctx context.Context, cfg Config, res *Results) error {
	for li, l := range Losses[:2] {
		for ai, a := range cfg.Alphas {
			m := Model{cfg.Theta, a}
			vp, vs, c, lstar := m.Optimal(l)
			vh := lstar*lstar*vp + (1-lstar)*(1-lstar)*vs + 2*lstar*(1-lstar)*c
			exactRed := 100 * (1 - vh/math.Min(vp, vs))
			lams, reds := make([]float64, cfg.Replicates), make([]float64, cfg.Replicates)
			err := parallel(ctx, cfg.Replicates, cfg.Workers, func(r int) {
				n := cfg.Samples
				e, p, s, f, u := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
				draw(cfg.Seed, 100+100*li+ai, r, e)
				samples(m, l, e, p, s, f, u)
				acc := mlbridge.NewAcc(1)
				acc.AddBatch(p, s, n)
				pr := acc.Pair(0)
				est, lam := greeks.Mixer{}.Mix(pr)
				lams[r] = lam
				best := math.Min(pr.P().Estimate().StdErr, pr.M().Estimate().StdErr)
				reds[r] = 100 * (1 - (est.StdErr*est.StdErr)/(best*best))
			})
			if err != nil {
				return err
			}
			lm, ls := stat.MeanStdDev(lams, nil)
			rm, rs := stat.MeanStdDev(reds, nil)
			sq := math.Sqrt(float64(cfg.Replicates))
			res.Figure1 = append(res.Figure1, LambdaPoint{l.Name, a, lm, ls / sq, lstar})
			res.Figure4 = append(res.Figure4, ReductionPoint{l.Name, a, rm, rs / sq, exactRed})
		}
	}
	return nil
}

// figure3 computes the MSE of the plug-in λ̂ from B samples against λ* (by
// quadrature) for the clipped quadratic at α, over Trials trials per B,
// and the log-log slope.
func figure3(ctx context.Context, cfg Config, res *Results) error {
	l := Losses[1]
	m := Model{cfg.Theta, cfg.Alpha}
	_, _, _, lstar := m.Optimal(l)
	var xs, ys []float64
	start := len(res.Figure3)
	for bi, b := range cfg.BatchSizes {
		errs := make([]float64, cfg.Trials)
		err := parallel(ctx, cfg.Trials, cfg.Workers, func(r int) {
			e, p, s, f, u := make([]float64, b), make([]float64, b), make([]float64, b), make([]float64, b), make([]float64, b)
			draw(cfg.Seed, 1000+bi, r, e)
			samples(m, l, e, p, s, f, u)
			acc := mlbridge.NewAcc(1)
			acc.AddBatch(p, s, b)
			d := greeks.Mixer{}.Lambda(acc.Pair(0)) - lstar
			errs[r] = d * d
		})
		if err != nil {
			return err
		}
		mse, sd := stat.MeanStdDev(errs, nil)
		res.Figure3 = append(res.Figure3, BatchPoint{Loss: l.Name, Alpha: cfg.Alpha, B: b, MSE: mse, SE: sd / math.Sqrt(float64(cfg.Trials))})
		xs, ys = append(xs, math.Log(float64(b))), append(ys, math.Log(mse))
	}
	_, slope := stat.LinearRegression(xs, ys, nil, false)
	for i := start; i < len(res.Figure3); i++ {
		res.Figure3[i].Slope = slope
	}
	return nil
}
