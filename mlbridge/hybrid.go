package mlbridge

import (
	"fmt"
	"math"
)

// Mode says how a Hybrid estimates λ.
type Mode int

const (
	// Plugin estimates λ from the batch it weights (the paper's Algorithm
	// 1): the hybrid then has a bias of order 1/B (ERRATA §2.5).
	Plugin Mode = iota
	// Crossfit deals the batch's samples into Folds folds (sample i to
	// fold i mod Folds) and mixes each fold with the λ of the others: λ is
	// independent of the samples it weights, so the hybrid is unbiased.
	Crossfit
	// Running needs only the batch means: since E[ḡ_P − ḡ_S] = 0,
	//	λ = E[ḡ_S·(ḡ_S − ḡ_P)] / E[(ḡ_S − ḡ_P)²],
	// kept as exponential moving averages over earlier batches only, so
	// the current batch's hybrid stays unbiased. Before any history λ = 1.
	Running
	// Window estimates λ from the last Window per-sample gradients of
	// earlier batches (the paper's RL setting: "the last 32 gradient
	// samples"). λ never sees the samples it weights, so the hybrid is
	// unbiased whenever both estimators are; before two samples of history
	// λ = 1.
	Window
)

var modeNames = []string{"plugin", "crossfit", "running", "window"}

func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode returns the mode called name.
func ParseMode(name string) (Mode, error) {
	for i, n := range modeNames {
		if n == name {
			return Mode(i), nil
		}
	}
	return 0, fmt.Errorf("mlbridge: unknown mode %q (want plugin, crossfit, running or window)", name)
}

// Hybrid mixes the pathwise and score-function gradients of successive
// batches. The zero value mixes with one λ (Trace), plug-in, unclipped.
type Hybrid struct {
	VecMixer
	Mode  Mode
	Folds int     // Crossfit folds, 2 ≤ Folds ≤ B; 0 means 4
	Decay float64 // Running: weight of the past in the moving averages, in [0, 1); 0 means 0.9
	// Window: how many of the most recent per-sample gradients of earlier
	// batches λ is estimated from; 0 means 32.
	Window int
	Guard  Guard // the bias test run on per-sample batches

	num, den []float64 // Running: moving averages per coordinate
	foldLam  [][]float64
	steps    int
	acc      *Acc
	evidence *Acc // every batch so far, for the guard
	folds    []*Acc
	lam, tmp []float64
	// Window: a ring of the last samples, row-major, wn of them filled,
	// the next one written at row wnext.
	wp, ws    []float64
	wn, wnext int
	windowAcc *Acc
}

// Step reports how a batch was mixed.
type Step struct {
	// Lambda[k] is the λ applied to coordinate k (for Crossfit, the
	// fold-size-weighted mean of the folds' λ).
	Lambda []float64
	// Guard is the bias test of all batches so far; when it fires the
	// pathwise estimator is not mixed and the score-function mean is
	// returned.
	Guard GuardResult
	Mixed bool
	// FoldLambda[j][k] is the λ applied to coordinate k of the samples of
	// fold j; sample i belongs to fold i mod len(FoldLambda) (one fold
	// outside Crossfit). With it a caller can mix per-sample gradients
	// itself — Σ_i [λ∘p_i + (1−λ)∘s_i]/B with each sample's own fold's λ is
	// the returned mean — for example to backpropagate mixed per-example
	// cotangents in one pass.
	FoldLambda [][]float64
}

func (h *Hybrid) ensure(d int) {
	if h.acc == nil || h.acc.Dim() != d {
		h.acc = NewAcc(d)
		h.lam, h.tmp = make([]float64, d), make([]float64, d)
		h.num, h.den = make([]float64, d), make([]float64, d)
		h.evidence = NewAcc(d)
		h.folds = nil
	}
}

// Batch mixes one batch of b per-sample (or per-micro-batch) gradients
// given row-major (p[i*d+k]) and writes the hybrid mean gradient into dst
// (length d).
func (h *Hybrid) Batch(p, s []float64, b int, dst []float64) Step {
	d := len(dst)
	h.ensure(d)
	h.acc.Reset()
	h.acc.AddBatch(p, s, b)
	// Under E[P − S] = 0 at every step, the differences of all batches so
	// far are evidence for the same hypothesis.
	h.evidence.Merge(h.acc)
	st := Step{Lambda: h.lam, Guard: h.Guard.Check(h.evidence)}
	if st.Guard.Biased {
		for k := range dst {
			dst[k] = h.acc.ms[k]
		}
		clear(h.lam)
		st.FoldLambda = [][]float64{h.lam}
		return st
	}
	st.Mixed = true
	st.FoldLambda = [][]float64{h.lam}
	switch h.Mode {
	case Crossfit:
		h.crossfit(p, s, b, dst)
		st.FoldLambda = h.foldLam
	case Running:
		h.running(h.acc.mp, h.acc.ms, dst)
	case Window:
		h.window(p, s, b, dst)
	default:
		h.Lambdas(h.acc, h.lam)
		for k := range dst {
			dst[k] = h.lam[k]*h.acc.mp[k] + (1-h.lam[k])*h.acc.ms[k]
		}
	}
	return st
}

// Means mixes a batch known only by its mean gradients (Running mode,
// which needs no per-sample gradients); no bias test is possible.
func (h *Hybrid) Means(pbar, sbar, dst []float64) Step {
	if h.Mode != Running {
		panic("mlbridge: Hybrid.Means needs the Running mode")
	}
	h.ensure(len(dst))
	h.running(pbar, sbar, dst)
	return Step{Lambda: h.lam, Mixed: true}
}

func (h *Hybrid) crossfit(p, s []float64, b int, dst []float64) {
	d, k := len(dst), h.Folds
	if k == 0 {
		k = 4
	}
	if k < 2 || k > b {
		panic(fmt.Sprintf("mlbridge: crossfit needs 2 ≤ folds ≤ batch, got %d folds for %d samples", k, b))
	}
	if len(h.folds) != k {
		h.folds = make([]*Acc, k)
		h.foldLam = make([][]float64, k)
		for j := range h.folds {
			h.folds[j] = NewAcc(d)
			h.foldLam[j] = make([]float64, d)
		}
	}
	for _, f := range h.folds {
		f.Reset()
	}
	for i := range b {
		h.folds[i%k].AddBatch(p[i*d:i*d+d], s[i*d:i*d+d], 1)
	}
	clear(dst)
	clear(h.lam)
	rest := NewAcc(d)
	for j, f := range h.folds {
		rest.Reset()
		for i, g := range h.folds {
			if i != j {
				rest.Merge(g)
			}
		}
		h.Lambdas(rest, h.tmp)
		copy(h.foldLam[j], h.tmp)
		w := float64(f.N()) / float64(b)
		for c := range dst {
			l := h.tmp[c]
			dst[c] += w * (l*f.mp[c] + (1-l)*f.ms[c])
			h.lam[c] += w * l
		}
	}
}

func (h *Hybrid) window(p, s []float64, b int, dst []float64) {
	d, w := len(dst), h.Window
	if w == 0 {
		w = 32
	}
	if len(h.wp) != w*d {
		h.wp, h.ws = make([]float64, w*d), make([]float64, w*d)
		h.wn, h.wnext = 0, 0
	}
	if h.windowAcc == nil || h.windowAcc.Dim() != d {
		h.windowAcc = NewAcc(d)
	}
	if h.wn >= 2 {
		h.windowAcc.Reset()
		h.windowAcc.AddBatch(h.wp[:h.wn*d], h.ws[:h.wn*d], h.wn)
		h.Lambdas(h.windowAcc, h.lam)
	} else {
		for k := range h.lam {
			h.lam[k] = 1
		}
	}
	for k := range dst {
		dst[k] = h.lam[k]*h.acc.mp[k] + (1-h.lam[k])*h.acc.ms[k]
	}
	// Only now does this batch join the window.
	for i := range b {
		copy(h.wp[h.wnext*d:(h.wnext+1)*d], p[i*d:(i+1)*d])
		copy(h.ws[h.wnext*d:(h.wnext+1)*d], s[i*d:(i+1)*d])
		h.wnext = (h.wnext + 1) % w
		h.wn = min(h.wn+1, w)
	}
}

func (h *Hybrid) running(pbar, sbar, dst []float64) {
	d := len(dst)
	for _, g := range h.groups(d) {
		var num, den float64
		for k := g[0]; k < g[1]; k++ {
			num += h.num[k]
			den += h.den[k]
		}
		l := 1.0
		if h.steps > 0 && den > 0 {
			l = num / den
			if h.Mixer.Clip {
				l = math.Min(math.Max(l, 0), 1)
			}
		}
		for k := g[0]; k < g[1]; k++ {
			h.lam[k] = l
		}
	}
	for k := range dst {
		dst[k] = h.lam[k]*pbar[k] + (1-h.lam[k])*sbar[k]
	}
	// Update with this batch only after it has been mixed.
	rho := h.Decay
	if rho == 0 {
		rho = 0.9
	}
	if h.steps == 0 {
		rho = 0
	}
	for k := range dst {
		diff := sbar[k] - pbar[k]
		h.num[k] = rho*h.num[k] + (1-rho)*sbar[k]*diff
		h.den[k] = rho*h.den[k] + (1-rho)*diff*diff
	}
	h.steps++
}

// HybridState is the part of a Hybrid that carries over from batch to
// batch — the running moving averages and the guard's evidence — so that a
// training checkpoint can resume it exactly.
type HybridState struct {
	Num, Den []float64
	Steps    int
	Evidence AccState
	// The Window mode's ring of past samples.
	WindowP, WindowS  []float64
	WindowN, WindowAt int
}

// AccState is an Acc's content.
type AccState struct {
	N            int64
	MeanP, MeanS []float64
	M2P, M2S, C  []float64
}

// State returns a copy of h's carried-over state (empty before any batch).
func (h *Hybrid) State() HybridState {
	st := HybridState{Num: clone(h.num), Den: clone(h.den), Steps: h.steps,
		WindowP: clone(h.wp), WindowS: clone(h.ws), WindowN: h.wn, WindowAt: h.wnext}
	if e := h.evidence; e != nil {
		st.Evidence = AccState{N: e.n, MeanP: clone(e.mp), MeanS: clone(e.ms), M2P: clone(e.m2p), M2S: clone(e.m2s), C: clone(e.cc)}
	}
	return st
}

// SetState restores a state returned by State for gradients of d coordinates.
func (h *Hybrid) SetState(st HybridState, d int) error {
	h.ensure(d)
	h.wp, h.ws, h.wn, h.wnext = clone(st.WindowP), clone(st.WindowS), st.WindowN, st.WindowAt
	if len(h.wp)%d != 0 || len(h.ws) != len(h.wp) || h.wn > len(h.wp)/d {
		return fmt.Errorf("mlbridge: hybrid window of %d values for %d coordinates", len(st.WindowP), d)
	}
	if st.Num == nil && st.Steps == 0 && st.Evidence.N == 0 {
		return nil
	}
	if len(st.Num) != d || len(st.Den) != d || (st.Evidence.N > 0 && len(st.Evidence.MeanP) != d) {
		return fmt.Errorf("mlbridge: hybrid state for %d coordinates, want %d", len(st.Num), d)
	}
	copy(h.num, st.Num)
	copy(h.den, st.Den)
	h.steps = st.Steps
	e := h.evidence
	e.n = st.Evidence.N
	if e.n > 0 {
		copy(e.mp, st.Evidence.MeanP)
		copy(e.ms, st.Evidence.MeanS)
		copy(e.m2p, st.Evidence.M2P)
		copy(e.m2s, st.Evidence.M2S)
		copy(e.cc, st.Evidence.C)
	}
	return nil
}

func clone(x []float64) []float64 {
	if x == nil {
		return nil
	}
	return append([]float64(nil), x...)
}
