package rl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/mlbridge"
	"github.com/hybridgreeks/hybridgreeks/mlbridge/graph"
)

// Estimator names a policy-gradient estimator.
type Estimator int

const (
	// Pathwise backpropagates the discounted return through time, through
	// the reparameterized actions a = μ + σ∘ε and the environment's
	// Jacobians (the adjoint recursion below).
	Pathwise Estimator = iota
	// Reinforce is the score-function estimator with a learned state-value
	// baseline.
	Reinforce
	// Hybrid mixes the two per episode with mlbridge's λ.
	Hybrid
)

var estimatorNames = []string{"pathwise", "reinforce", "hybrid"}

func (e Estimator) String() string {
	if e >= 0 && int(e) < len(estimatorNames) {
		return estimatorNames[e]
	}
	return fmt.Sprintf("Estimator(%d)", int(e))
}

// ParseEstimator returns the estimator called name.
func ParseEstimator(name string) (Estimator, error) {
	for i, n := range estimatorNames {
		if n == name {
			return Estimator(i), nil
		}
	}
	return 0, &ParamError{Name: "estimator", Value: name, Want: "pathwise, reinforce or hybrid"}
}

// ParamError is a configuration value out of its domain.
type ParamError struct {
	Name  string
	Value any
	Want  string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("rl: invalid %s %v: want %s", e.Name, e.Value, e.Want)
}

// Config sets a training run; zero fields mean the paper's settings.
type Config struct {
	Estimator Estimator
	// Mixer sets the hybrid's λ. The paper estimates it from the last 32
	// per-episode gradient samples: Mode mlbridge.Window (with Window 0 =
	// 32) and one λ over the trace; the zero value is Plugin, λ from the
	// current episodes.
	Mixer      mlbridge.Hybrid
	Iterations int     // 0 means 200
	Episodes   int     // per iteration; 0 means 5
	Gamma      float64 // discount; 0 means 0.99
	LR         float64 // Adam's learning rate for the policy; 0 means 3e-4
	Hidden     []int   // hidden tanh layers; nil means 64, 64
	InitStd    float64 // the policy's initial σ (every action coordinate); 0 means 0.6
	Horizon    int     // steps per episode at most; 0 means the environment's
	// Clip bounds the policy gradient's global norm; 0 means no clipping
	// (the paper's vanilla policy gradient).
	Clip float64
	// The baseline: an MLP V(o, t/H) of the same hidden sizes fitted after
	// every iteration to that iteration's standardized returns-to-go by
	// ValueEpochs passes of Adam (ValueLR) over minibatches of ValueBatch.
	ValueLR     float64 // 0 means 1e-3
	ValueEpochs int     // 0 means 5
	ValueBatch  int     // 0 means 64
	Seed        uint64
}

func (c *Config) defaults(spec Spec) error {
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	deff := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	def(&c.Iterations, 200)
	def(&c.Episodes, 5)
	def(&c.Horizon, spec.Horizon)
	def(&c.ValueEpochs, 5)
	def(&c.ValueBatch, 64)
	deff(&c.Gamma, 0.99)
	deff(&c.LR, 3e-4)
	deff(&c.InitStd, 0.6)
	deff(&c.ValueLR, 1e-3)
	if c.Hidden == nil {
		c.Hidden = []int{64, 64}
	}
	switch {
	case c.Estimator < Pathwise || c.Estimator > Hybrid:
		return &ParamError{"estimator", c.Estimator, "pathwise, reinforce or hybrid"}
	case c.Iterations < 1:
		return &ParamError{"iterations", c.Iterations, "at least 1"}
	case c.Episodes < 2:
		return &ParamError{"episodes", c.Episodes, "at least 2 (a variance needs two episodes)"}
	case !(c.Gamma > 0 && c.Gamma <= 1):
		return &ParamError{"gamma", c.Gamma, "in (0, 1]"}
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return &ParamError{"lr", c.LR, "a positive number"}
	case !(c.InitStd > 0) || math.IsInf(c.InitStd, 0):
		return &ParamError{"init-std", c.InitStd, "a positive number"}
	case c.Horizon < 1:
		return &ParamError{"horizon", c.Horizon, "at least 1"}
	case c.Clip < 0 || math.IsNaN(c.Clip):
		return &ParamError{"clip", c.Clip, "0 (off) or a positive norm"}
	case c.ValueEpochs < 0 || c.ValueBatch < 1 || !(c.ValueLR > 0):
		return &ParamError{"value fit", fmt.Sprintf("epochs %d batch %d lr %v", c.ValueEpochs, c.ValueBatch, c.ValueLR), "epochs ≥ 0, batch ≥ 1, lr > 0"}
	}
	for _, h := range c.Hidden {
		if h < 1 {
			return &ParamError{"hidden", c.Hidden, "positive layer sizes"}
		}
	}
	return nil
}

// ErrNotDifferentiable is returned when the pathwise or hybrid estimator is
// asked of an environment without Jacobians.
var ErrNotDifferentiable = errors.New("rl: the pathwise estimator needs a differentiable environment")

// IterLog is what one iteration measured.
type IterLog struct {
	Iteration int
	// Return is the mean over the iteration's episodes of the undiscounted
	// episode return Σ r_t (what Gymnasium reports); Discounted the mean
	// of Σ γ^t r_t, the objective.
	Return, Discounted float64
	// GradVariance is the trace of the covariance, across the iteration's
	// episodes, of the one-episode gradient estimator in use (for the
	// hybrid, each episode's λ∘P + (1−λ)∘S); ReinforceVariance the same for
	// REINFORCE at the same parameters (computed in every run, so that
	// variances compare at equal θ).
	GradVariance, ReinforceVariance float64
	Lambda                          float64 // the hybrid's mean λ; NaN otherwise
	GradNorm                        float64 // of the mean gradient, before clipping
	Steps                           int     // environment steps this iteration
	Seconds                         float64
}

// Trainer trains a Gaussian policy a ~ N(μ_θ(o), diag σ²), σ = exp(ℓ), on
// one environment.
type Trainer struct {
	Env    Env
	Cfg    Config
	Policy *MLP      // μ_θ
	LogStd []float64 // ℓ
	Value  *MLP      // the baseline network
	Iter   int       // iterations done

	spec          Spec
	diff          Differentiable
	adam, vadam   *graph.Adam
	hyb           mlbridge.Hybrid
	vMean, vScale float64 // the baseline's target standardization, from earlier data
	theta         []float64
	vtheta        []float64
	ep            []episode
	lin           *Linearization
}

// episode holds one rollout.
type episode struct {
	s, o, a, eps, r []float64 // states (T+1)·n, observations T·o, actions, noise T·m, rewards T
	T               int
}

// NewTrainer builds the networks for env and cfg.
func NewTrainer(env Env, cfg Config) (*Trainer, error) {
	spec := env.Spec()
	if err := cfg.defaults(spec); err != nil {
		return nil, err
	}
	t := &Trainer{Env: env, Cfg: cfg, spec: spec, vScale: 1}
	if cfg.Estimator != Reinforce {
		d, ok := env.(Differentiable)
		if !ok {
			return nil, fmt.Errorf("%w: %s has no Jacobians", ErrNotDifferentiable, spec.Name)
		}
		t.diff = d
		t.lin = NewLinearization(spec)
	}
	H, E := cfg.Horizon, cfg.Episodes
	var err error
	if t.Policy, err = NewMLP(spec.ObsDim, spec.ActDim, cfg.Hidden, E, H, 0.01, cfg.Seed); err != nil {
		return nil, err
	}
	if t.Value, err = NewMLP(spec.ObsDim+1, 1, cfg.Hidden, H, max(cfg.ValueBatch, 1), 1, cfg.Seed^0x9e3779b97f4a7c15); err != nil {
		return nil, err
	}
	t.LogStd = make([]float64, spec.ActDim)
	for k := range t.LogStd {
		t.LogStd[k] = math.Log(cfg.InitStd)
	}
	d := t.Policy.Dim() + spec.ActDim
	t.adam, t.vadam = graph.NewAdam(d), graph.NewAdam(t.Value.Dim())
	t.theta, t.vtheta = make([]float64, d), make([]float64, t.Value.Dim())
	t.hyb = cfg.Mixer
	if t.hyb.Granularity == mlbridge.Block && t.hyb.Blocks == nil {
		t.hyb.Blocks = append(append([]int(nil), t.Policy.Params.Blocks()...), d)
	}
	t.ep = make([]episode, E)
	n, o, m := spec.StateDim, spec.ObsDim, spec.ActDim
	for e := range t.ep {
		t.ep[e] = episode{s: make([]float64, (H+1)*n), o: make([]float64, H*o), a: make([]float64, H*m),
			eps: make([]float64, H*m), r: make([]float64, H)}
	}
	return t, nil
}

// Close releases the networks' machines.
func (t *Trainer) Close() {
	t.Policy.Close()
	t.Value.Close()
}

// Dim is the length of the policy's gradient: the network's weights, then ℓ.
func (t *Trainer) Dim() int { return t.Policy.Dim() + t.spec.ActDim }

// rollout plays E episodes in lockstep with the current policy. Episode e
// draws its reset and its noise from stream (seed, base + e): training
// iteration it uses base = it·E, so the same parameters replay the same
// episodes.
func (t *Trainer) rollout(base uint64) error {
	sp, E, H := t.spec, t.Cfg.Episodes, t.Cfg.Horizon
	n, o, m := sp.StateDim, sp.ObsDim, sp.ActDim
	streams := make([]*rngstream.Stream, E)
	alive := make([]bool, E)
	for e := range E {
		streams[e] = rngstream.New(t.Cfg.Seed, base+uint64(e))
		t.Env.Reset(streams[e], t.ep[e].s[:n])
		t.ep[e].T = H
		alive[e] = true
	}
	in, mu := make([]float64, E*o), make([]float64, E*m)
	sigma := make([]float64, m)
	for k := range m {
		sigma[k] = math.Exp(t.LogStd[k])
	}
	for step := range H {
		clear(in)
		live := false
		for e := range E {
			if alive[e] {
				ep := &t.ep[e]
				t.Env.Observe(ep.s[step*n:(step+1)*n], ep.o[step*o:(step+1)*o])
				copy(in[e*o:(e+1)*o], ep.o[step*o:(step+1)*o])
				live = true
			}
		}
		if !live {
			break
		}
		if err := t.Policy.Forward(in, mu); err != nil {
			return err
		}
		for e := range E {
			if !alive[e] {
				continue
			}
			ep := &t.ep[e]
			for k := range m {
				z := streams[e].Normal()
				ep.eps[step*m+k] = z
				ep.a[step*m+k] = mu[e*m+k] + sigma[k]*z
			}
			r, done := t.Env.Step(ep.s[step*n:(step+1)*n], ep.a[step*m:(step+1)*m], ep.s[(step+1)*n:(step+2)*n])
			ep.r[step] = r
			if done {
				ep.T, alive[e] = step+1, false
			}
		}
	}
	return nil
}

// baseline writes b_t = vMean + vScale·V(o_t, t/H) for the episode's steps.
func (t *Trainer) baseline(ep *episode, b []float64) error {
	o, H := t.spec.ObsDim, t.Cfg.Horizon
	in, out := make([]float64, H*(o+1)), make([]float64, H)
	for i := range ep.T {
		copy(in[i*(o+1):i*(o+1)+o], ep.o[i*o:(i+1)*o])
		in[i*(o+1)+o] = float64(i) / float64(H)
	}
	if err := t.Value.Forward(in, out); err != nil {
		return err
	}
	for i := range ep.T {
		b[i] = t.vMean + t.vScale*out[i]
	}
	return nil
}

// returnsToGo writes G_t = Σ_{u≥t} γ^{u−t} r_u.
func returnsToGo(r []float64, gamma float64, g []float64) {
	acc := 0.0
	for i := len(r) - 1; i >= 0; i-- {
		acc = r[i] + gamma*acc
		g[i] = acc
	}
}

// score writes the REINFORCE gradient of one episode into dst (length Dim):
//
//	Σ_t γ^t (G_t − b_t) ∇ log π(a_t | o_t),
//	∇_μ log π = ε/σ,   ∇_ℓ log π = ε² − 1,
//
// with the discount γ^t kept: without it (as many implementations do) the
// estimator is biased for the discounted objective J. The baseline b comes
// from a network fitted to earlier iterations only, so it does not depend on
// this episode's actions and the estimator stays unbiased.
func (t *Trainer) score(ep *episode, g, b, dst []float64) error {
	m, o, T := t.spec.ActDim, t.spec.ObsDim, ep.T
	cot := make([]float64, T*m)
	np := t.Policy.Dim()
	clear(dst[np:])
	disc := 1.0
	for i := range T {
		w := disc * (g[i] - b[i])
		for k := range m {
			z := ep.eps[i*m+k]
			cot[i*m+k] = w * z / math.Exp(t.LogStd[k])
			dst[np+k] += w * (z*z - 1)
		}
		disc *= t.Cfg.Gamma
	}
	return t.Policy.VJP(ep.o[:T*o], cot, T, nil, dst[:np], nil)
}

// pathwise writes the reparameterization gradient of one episode's
// discounted return into dst (length Dim), by the adjoint recursion
// backwards from ḡ_{s_T} = 0:
//
//	ḡ_{a_t} = γ^t ∂r_t/∂a + F_aᵀ ḡ_{s_{t+1}}
//	ḡ_{s_t} = γ^t ∂r_t/∂s + F_sᵀ ḡ_{s_{t+1}} + O_sᵀ (∂μ/∂o)ᵀ ḡ_{a_t}
//	∇_θ J  += (∂μ_t/∂θ)ᵀ ḡ_{a_t},   ∇_ℓ J += ḡ_{a_t} ∘ σ ∘ ε_t
//
// The input Jacobians ∂μ/∂o come from m runs of the policy's training graph
// with one-hot cotangents; the parameter products from one run with the
// cotangents ḡ_{a_t}.
func (t *Trainer) pathwise(ep *episode, dst []float64) error {
	sp := t.spec
	n, o, m, T := sp.StateDim, sp.ObsDim, sp.ActDim, ep.T
	jac := make([]float64, m*T*o) // jac[k][t][j] = ∂μ_k/∂o_j at step t
	onehot := make([]float64, T*m)
	for k := range m {
		clear(onehot)
		for i := range T {
			onehot[i*m+k] = 1
		}
		if err := t.Policy.VJP(ep.o[:T*o], onehot, T, nil, nil, jac[k*T*o:(k+1)*T*o]); err != nil {
			return err
		}
	}
	np := t.Policy.Dim()
	clear(dst[np:])
	cot := make([]float64, T*m)
	gs, gsNext := make([]float64, n), make([]float64, n)
	ga, go_ := make([]float64, m), make([]float64, o)
	lin := t.lin
	for i := T - 1; i >= 0; i-- {
		disc := math.Pow(t.Cfg.Gamma, float64(i))
		t.diff.Linearize(ep.s[i*n:(i+1)*n], ep.a[i*m:(i+1)*m], lin)
		for k := range m {
			v := disc * lin.Ra[k]
			for j := range n {
				v += lin.Fa[j*m+k] * gsNext[j]
			}
			ga[k] = v
		}
		clear(go_)
		for k := range m {
			row := jac[k*T*o+i*o : k*T*o+(i+1)*o]
			for j := range o {
				go_[j] += ga[k] * row[j]
			}
		}
		for j := range n {
			v := disc * lin.Rs[j]
			for q := range n {
				v += lin.Fs[q*n+j] * gsNext[q]
			}
			for q := range o {
				v += lin.Os[q*n+j] * go_[q]
			}
			gs[j] = v
		}
		for k := range m {
			cot[i*m+k] = ga[k]
			dst[np+k] += ga[k] * math.Exp(t.LogStd[k]) * ep.eps[i*m+k]
		}
		gs, gsNext = gsNext, gs
	}
	return t.Policy.VJP(ep.o[:T*o], cot, T, nil, dst[:np], nil)
}

// Gradients rolls out iteration it's episodes at the current parameters
// and writes the per-episode gradient samples of J, row-major (E × Dim):
// REINFORCE's into s always, the pathwise ones into p unless p is nil.
// It returns the episodes' undiscounted and discounted returns.
func (t *Trainer) Gradients(it int, p, s []float64) (ret, disc []float64, err error) {
	if err := t.rollout(uint64(it) * uint64(t.Cfg.Episodes)); err != nil {
		return nil, nil, err
	}
	d := t.Dim()
	ret, disc = make([]float64, len(t.ep)), make([]float64, len(t.ep))
	g, b := make([]float64, t.Cfg.Horizon), make([]float64, t.Cfg.Horizon)
	for e := range t.ep {
		ep := &t.ep[e]
		f := 1.0
		for i := range ep.T {
			ret[e] += ep.r[i]
			disc[e] += f * ep.r[i]
			f *= t.Cfg.Gamma
		}
		returnsToGo(ep.r[:ep.T], t.Cfg.Gamma, g)
		if err := t.baseline(ep, b); err != nil {
			return nil, nil, err
		}
		if err := t.score(ep, g, b, s[e*d:(e+1)*d]); err != nil {
			return nil, nil, err
		}
		if p != nil {
			if err := t.pathwise(ep, p[e*d:(e+1)*d]); err != nil {
				return nil, nil, err
			}
		}
	}
	return ret, disc, nil
}

// evalBase is where the evaluation episodes' streams start, far from any
// training iteration's.
const evalBase = 1 << 60

// Evaluate returns the undiscounted returns of the current (stochastic)
// policy on n episodes fixed by the seed: the same reset states and noise at
// every call, so that two parameter snapshots compare with common random
// numbers. It plays ⌈n/E⌉·E episodes and returns n.
func (t *Trainer) Evaluate(n int) ([]float64, error) {
	E := t.Cfg.Episodes
	var rets []float64
	for g := 0; len(rets) < n; g++ {
		if err := t.rollout(evalBase + uint64(g*E)); err != nil {
			return nil, err
		}
		for e := range t.ep {
			var r float64
			for i := range t.ep[e].T {
				r += t.ep[e].r[i]
			}
			rets = append(rets, r)
		}
	}
	return rets[:n], nil
}

// traceVar is the trace of the sample covariance of b rows of x (b × d).
func traceVar(x []float64, b, d int) float64 {
	var tr float64
	for k := range d {
		var mean float64
		for i := range b {
			mean += x[i*d+k]
		}
		mean /= float64(b)
		var ss float64
		for i := range b {
			dv := x[i*d+k] - mean
			ss += dv * dv
		}
		tr += ss / float64(b-1)
	}
	return tr
}

// Iterate runs one iteration: episodes, per-episode gradients, the
// estimator's mean gradient, an Adam ascent step, and the baseline's fit.
func (t *Trainer) Iterate() (IterLog, error) {
	start := time.Now()
	E, d := t.Cfg.Episodes, t.Dim()
	s := make([]float64, E*d)
	var p []float64
	if t.Cfg.Estimator != Reinforce {
		p = make([]float64, E*d)
	}
	ret, disc, err := t.Gradients(t.Iter, p, s)
	if err != nil {
		return IterLog{}, err
	}
	lg := IterLog{Iteration: t.Iter, Lambda: math.NaN(), ReinforceVariance: traceVar(s, E, d)}
	for e := range E {
		lg.Return += ret[e] / float64(E)
		lg.Discounted += disc[e] / float64(E)
		lg.Steps += t.ep[e].T
	}
	g := make([]float64, d)
	switch t.Cfg.Estimator {
	case Reinforce:
		meanRows(s, E, d, g)
		lg.GradVariance = lg.ReinforceVariance
	case Pathwise:
		meanRows(p, E, d, g)
		lg.GradVariance = traceVar(p, E, d)
	case Hybrid:
		st := t.hyb.Batch(p, s, E, g)
		h := make([]float64, E*d)
		for e := range E {
			lam := st.FoldLambda[e%len(st.FoldLambda)]
			for k := range d {
				h[e*d+k] = lam[k]*p[e*d+k] + (1-lam[k])*s[e*d+k]
			}
		}
		lg.GradVariance = traceVar(h, E, d)
		var l float64
		for _, v := range st.Lambda {
			l += v
		}
		lg.Lambda = l / float64(len(st.Lambda))
	}
	for _, v := range g {
		lg.GradNorm += v * v
	}
	lg.GradNorm = math.Sqrt(lg.GradNorm)
	// Ascent on J: Adam descends on −J.
	scale := -1.0
	if t.Cfg.Clip > 0 && lg.GradNorm > t.Cfg.Clip {
		scale *= t.Cfg.Clip / lg.GradNorm
	}
	for k := range g {
		g[k] *= scale
	}
	np := t.Policy.Dim()
	if err := t.Policy.Params.Values(t.theta[:np]); err != nil {
		return IterLog{}, err
	}
	copy(t.theta[np:], t.LogStd)
	t.adam.Step(t.theta, g, t.Cfg.LR)
	if err := t.Policy.Params.SetValues(t.theta[:np]); err != nil {
		return IterLog{}, err
	}
	if err := t.Policy.Sync(); err != nil {
		return IterLog{}, err
	}
	copy(t.LogStd, t.theta[np:])
	if err := t.fitValue(); err != nil {
		return IterLog{}, err
	}
	t.Iter++
	lg.Seconds = time.Since(start).Seconds()
	return lg, nil
}

func meanRows(x []float64, b, d int, dst []float64) {
	clear(dst)
	for i := range b {
		for k := range d {
			dst[k] += x[i*d+k]
		}
	}
	for k := range dst {
		dst[k] /= float64(b)
	}
}

// fitValue fits the baseline network to this iteration's returns-to-go,
// standardized by their mean and standard deviation (kept, so that the
// next iteration's baseline is vMean + vScale·V).
func (t *Trainer) fitValue() error {
	o, H := t.spec.ObsDim, t.Cfg.Horizon
	var xs, ys []float64
	g := make([]float64, H)
	for e := range t.ep {
		ep := &t.ep[e]
		returnsToGo(ep.r[:ep.T], t.Cfg.Gamma, g)
		for i := range ep.T {
			xs = append(xs, ep.o[i*o:(i+1)*o]...)
			xs = append(xs, float64(i)/float64(H))
			ys = append(ys, g[i])
		}
	}
	N := len(ys)
	var mean, ss float64
	for _, y := range ys {
		mean += y
	}
	mean /= float64(N)
	for _, y := range ys {
		ss += (y - mean) * (y - mean)
	}
	scale := math.Sqrt(ss / float64(N))
	if !(scale > 1e-8) {
		scale = 1
	}
	t.vMean, t.vScale = mean, scale
	for i := range ys {
		ys[i] = (ys[i] - mean) / scale
	}
	B, in := t.Cfg.ValueBatch, o+1
	r := rngstream.New(t.Cfg.Seed^0x5851f42d4c957f2d, uint64(t.Iter))
	perm := make([]int, N)
	for i := range perm {
		perm[i] = i
	}
	bx, by := make([]float64, B*in), make([]float64, B)
	grad := make([]float64, t.Value.Dim())
	for range t.Cfg.ValueEpochs {
		for i := N - 1; i > 0; i-- { // Fisher–Yates
			j := int(r.Uint64() % uint64(i+1))
			perm[i], perm[j] = perm[j], perm[i]
		}
		for lo := 0; lo < N; lo += B {
			rows := min(B, N-lo)
			for q := range rows {
				copy(bx[q*in:(q+1)*in], xs[perm[lo+q]*in:(perm[lo+q]+1)*in])
				by[q] = ys[perm[lo+q]]
			}
			if err := t.Value.Regress(bx[:rows*in], by[:rows], rows, nil, grad); err != nil {
				return err
			}
			if err := t.Value.Params.Values(t.vtheta); err != nil {
				return err
			}
			t.vadam.Step(t.vtheta, grad, t.Cfg.ValueLR)
			if err := t.Value.Params.SetValues(t.vtheta); err != nil {
				return err
			}
		}
	}
	return t.Value.Sync()
}

// Run trains for cfg.Iterations iterations, calling progress (if not nil)
// after each; it stops early with ctx's error.
func Run(ctx context.Context, env Env, cfg Config, progress func(IterLog)) ([]IterLog, error) {
	t, err := NewTrainer(env, cfg)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	var logs []IterLog
	for range t.Cfg.Iterations {
		if err := ctx.Err(); err != nil {
			return logs, err
		}
		lg, err := t.Iterate()
		if err != nil {
			return logs, err
		}
		logs = append(logs, lg)
		if progress != nil {
			progress(lg)
		}
	}
	return logs, nil
}
