package rl

import (
	"math"
	"testing"
)

// TestSummarize checks the Table-3 reductions on hand-made logs.
func TestSummarize(t *testing.T) {
	mk := func(rets, vm, vr []float64) []IterLog {
		logs := make([]IterLog, len(rets))
		for i := range rets {
			logs[i] = IterLog{Iteration: i, Return: rets[i], GradVariance: vm[i], ReinforceVariance: vr[i], Lambda: 0.5}
		}
		return logs
	}
	runs := [][]IterLog{
		mk([]float64{100, 1, 3}, []float64{1, 2, 30}, []float64{2, 2, 2}),
		mk([]float64{-50, 5, 7}, []float64{1, 1, 1}, []float64{1, 1, 1}),
	}
	r := Summarize("x", Hybrid, runs, 2)
	// Final two iterations: 1, 3, 5, 7 → mean 4, sample std √(20/3).
	if r.AvgReturn != 4 || math.Abs(r.Std-math.Sqrt(20.0/3)) > 1e-12 {
		t.Errorf("return %v ± %v, want 4 ± %v", r.AvgReturn, r.Std, math.Sqrt(20.0/3))
	}
	// Means over all six iterations: (36 − 9)/9 = 3.
	if math.Abs(r.RelativeVariance-3) > 1e-12 {
		t.Errorf("relative variance %v, want 3", r.RelativeVariance)
	}
	// Ratios 0.5, 1, 15, 1, 1, 1: median 1.
	if r.MedianRatio != 1 || r.Lambda != 0.5 || r.Seeds != 2 {
		t.Errorf("median ratio %v, λ %v, seeds %d", r.MedianRatio, r.Lambda, r.Seeds)
	}
}

func TestBiased(t *testing.T) {
	term := Spec{Terminates: true}
	for _, c := range []struct {
		e    Estimator
		s    Spec
		want bool
	}{{Pathwise, term, true}, {Hybrid, term, true}, {Reinforce, term, false}, {Pathwise, Pendulum{}.Spec(), false}} {
		if got := Biased(c.e, c.s); got != c.want {
			t.Errorf("Biased(%v, terminates=%v) = %v, want %v", c.e, c.s.Terminates, got, c.want)
		}
	}
}
