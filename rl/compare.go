package rl

import (
	"context"
	"io"
	"math"
	"slices"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// Job is one training run: an environment by name and a configuration.
type Job struct {
	Env string
	Cfg Config
}

// RunJobs runs the jobs on up to workers goroutines (each with its own
// environment and networks) and returns their logs in job order. Every run
// depends on its own seed alone, so the logs do not depend on workers.
// progress, if not nil, is called after every iteration of any run with
// the total number of iterations done so far.
func RunJobs(ctx context.Context, jobs []Job, workers int, progress func(done int)) ([][]IterLog, error) {
	out := make([][]IterLog, len(jobs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(workers, 1))
	var done atomic.Int64
	for i, j := range jobs {
		g.Go(func() error {
			env, err := Make(j.Env)
			if err != nil {
				return err
			}
			defer closeEnv(env)
			logs, err := Run(ctx, env, j.Cfg, func(IterLog) {
				n := done.Add(1)
				if progress != nil {
					progress(int(n))
				}
			})
			out[i] = logs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// closeEnv releases an environment that holds resources (a MuJoCo task's
// data).
func closeEnv(env Env) {
	if c, ok := env.(io.Closer); ok {
		c.Close()
	}
}

// Row is one line of the Table-3-like comparison.
type Row struct {
	Env, Estimator string
	Seeds          int
	// AvgReturn is the mean undiscounted return over the final iterations,
	// averaged over the seeds; Std the standard deviation of those
	// per-iteration mean returns, pooled over the seeds (the spread of the
	// learning curve's tail: learning stability).
	AvgReturn, Std float64
	// RelativeVariance compares the estimator's gradient variance with
	// REINFORCE's at the same parameters, over every iteration and seed:
	//
	//	(mean Var[method] − mean Var[REINFORCE]) / mean Var[REINFORCE]
	//
	// the paper's equation (46). Negative means less variance than
	// REINFORCE (the paper's text reads its sign the other way round); 0
	// for REINFORCE itself.
	RelativeVariance float64
	// MedianRatio is the median over iterations and seeds of the
	// per-iteration ratio Var[method]/Var[REINFORCE] at the same
	// parameters: robust where a few heavy-tailed iterations dominate the
	// means (1 for REINFORCE).
	MedianRatio float64
	// Lambda is the hybrid's mean λ over all iterations (NaN otherwise).
	Lambda float64
	// Biased marks a pathwise or hybrid row on a task whose episodes
	// terminate (Spec.Terminates): the pathwise samples ignore how θ moves
	// the end, so those estimates are biased. Summarize leaves it false;
	// callers that know the task's Spec set it with Biased.
	Biased bool
}

// Biased reports whether est is a biased estimator of ∇J on a task with
// spec: pathwise and hybrid are, where episodes terminate.
func Biased(est Estimator, spec Spec) bool { return est != Reinforce && spec.Terminates }

// Summarize reduces the runs of one estimator (one log per seed) to a Row,
// over the final `final` iterations.
func Summarize(env string, est Estimator, runs [][]IterLog, final int) Row {
	r := Row{Env: env, Estimator: est.String(), Seeds: len(runs), Lambda: math.NaN()}
	var tail []float64
	var vm, vr, lam float64
	var nl int
	var ratios []float64
	for _, logs := range runs {
		lo := max(0, len(logs)-final)
		for _, l := range logs[lo:] {
			tail = append(tail, l.Return)
		}
		for _, l := range logs {
			vm += l.GradVariance
			vr += l.ReinforceVariance
			if l.ReinforceVariance > 0 {
				ratios = append(ratios, l.GradVariance/l.ReinforceVariance)
			}
			if !math.IsNaN(l.Lambda) {
				lam += l.Lambda
				nl++
			}
		}
	}
	for _, x := range tail {
		r.AvgReturn += x
	}
	r.AvgReturn /= float64(len(tail))
	for _, x := range tail {
		r.Std += (x - r.AvgReturn) * (x - r.AvgReturn)
	}
	if len(tail) > 1 {
		r.Std = math.Sqrt(r.Std / float64(len(tail)-1))
	}
	if vr > 0 {
		r.RelativeVariance = (vm - vr) / vr
	}
	if nl > 0 {
		r.Lambda = lam / float64(nl)
	}
	r.MedianRatio = math.NaN()
	if len(ratios) > 0 {
		slices.Sort(ratios)
		h := len(ratios) / 2
		r.MedianRatio = ratios[h]
		if len(ratios)%2 == 0 {
			r.MedianRatio = (ratios[h-1] + ratios[h]) / 2
		}
	}
	return r
}
