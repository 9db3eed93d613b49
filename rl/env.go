// Package rl trains Gaussian policies by policy gradients with the
// estimators of package mlbridge: pathwise (backpropagation through time
// through reparameterized actions and the environment's Jacobians), REINFORCE
// (the score function with a learned state-value baseline), and their
// variance-optimal hybrid — the paper's §7.4, with the estimators made
// unbiased for the same objective.
//
// The objective is the expected discounted return over an episode of at
// most Horizon steps,
//
//	J(θ) = E[ Σ_{t<T} γ^t r_t ],   a_t = μ_θ(o_t) + σ∘ε_t,   s_{t+1} = F(s_t, a_t),
//
// with observations o_t = O(s_t), rewards r_t = R(s_t, a_t) and σ = exp(ℓ) a
// learned diagonal standard deviation.
package rl

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Spec describes an environment.
type Spec struct {
	Name     string
	StateDim int // n: the simulator's state (positions and velocities)
	ObsDim   int // o: what the policy sees
	ActDim   int // m
	Horizon  int // steps per episode at most (the time limit)
	// Low and High bound the actions; Step clips into them (the policy's
	// Gaussian is unbounded).
	Low, High []float64
	// Terminates says that episodes can end before Horizon. The pathwise
	// estimator treats the end as fixed, ignoring how θ moves it: where
	// episodes terminate it is biased (ERRATA §2.7: a pathwise derivative
	// misses what a discontinuity contributes).
	Terminates bool
}

// Rand is what Reset draws from.
type Rand interface {
	Float64() float64 // uniform on [0, 1)
	Normal() float64  // standard normal
}

// Env is an episodic environment with an explicit state, so that one value
// serves many episodes at once and a step can be linearized where it was
// taken. Environments hold no random generator; Reset is handed one.
type Env interface {
	Spec() Spec
	// Reset writes an initial state, drawn from r, into state.
	Reset(r Rand, state []float64)
	// Step writes into next the state reached from state under action
	// (clipped into the bounds) and returns the reward and whether next is
	// terminal. It must not modify state or action.
	Step(state, action, next []float64) (reward float64, done bool)
	// Observe writes the policy's observation of state into obs.
	Observe(state, obs []float64)
}

// Linearization holds the first derivatives of one step at (s, a), row-major,
// with n = StateDim, m = ActDim and o = ObsDim.
type Linearization struct {
	Fs []float64 // n×n: ∂s'/∂s
	Fa []float64 // n×m: ∂s'/∂a
	Rs []float64 // n: ∂r/∂s, the total derivative (through s' where r depends on it)
	Ra []float64 // m: ∂r/∂a, likewise
	Os []float64 // o×n: ∂o/∂s, the observation of s
}

// NewLinearization returns a Linearization sized for spec.
func NewLinearization(spec Spec) *Linearization {
	n, m, o := spec.StateDim, spec.ActDim, spec.ObsDim
	return &Linearization{Fs: make([]float64, n*n), Fa: make([]float64, n*m),
		Rs: make([]float64, n), Ra: make([]float64, m), Os: make([]float64, o*n)}
}

// Differentiable is an environment whose steps can be differentiated: what
// the pathwise estimator needs.
type Differentiable interface {
	Env
	// Linearize fills lin with the derivatives of the step from state
	// under action (the action before clipping; the clip's derivative is
	// part of Fa and Ra).
	Linearize(state, action []float64, lin *Linearization)
}

// ErrUnavailable reports an environment that this build cannot make, for
// example a MuJoCo task in a binary built without the mujoco tag.
var ErrUnavailable = errors.New("environment not available in this build")

// EnvError names an environment that cannot be made.
type EnvError struct {
	Name string
	Err  error
}

func (e *EnvError) Error() string {
	return fmt.Sprintf("rl: environment %q: %v", e.Name, e.Err)
}

func (e *EnvError) Unwrap() error { return e.Err }

// registry maps names to constructors. Each call makes a new environment,
// since environments may hold scratch space (a MuJoCo model's data).
var registry = map[string]func() (Env, error){}

// unavailable lists names known to the project that this build lacks, with
// the reason.
var unavailable = map[string]string{}

// Register makes an environment constructible by name. It panics on a
// duplicate name (a programmer error).
func Register(name string, make func() (Env, error)) {
	if _, dup := registry[name]; dup {
		panic("rl: duplicate environment " + name)
	}
	delete(unavailable, name)
	registry[name] = make
}

// RegisterUnavailable records a name this build cannot make and why, so
// that asking for it explains what to install or how to build.
func RegisterUnavailable(name, why string) {
	if _, ok := registry[name]; !ok {
		unavailable[name] = why
	}
}

// Make returns a new environment called name.
func Make(name string) (Env, error) {
	if mk, ok := registry[name]; ok {
		return mk()
	}
	if why, ok := unavailable[name]; ok {
		return nil, &EnvError{Name: name, Err: fmt.Errorf("%w: %s", ErrUnavailable, why)}
	}
	return nil, &EnvError{Name: name, Err: fmt.Errorf("unknown (want %s)", strings.Join(Names(), ", "))}
}

// Names lists the environments, available or not, sorted.
func Names() []string {
	var ns []string
	for n := range registry {
		ns = append(ns, n)
	}
	for n := range unavailable {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// FiniteDifferences approximates the Linearization of env's step from state
// under action by central differences of Step and Observe with step h: the
// reference the analytic and MuJoCo Jacobians are tested against, and a
// way to run the pathwise estimator on an environment without Jacobians
// (FDEnv; at the cost of 2(n + m) steps per step, and the differences' error).
func FiniteDifferences(env Env, state, action []float64, h float64) *Linearization {
	sp := env.Spec()
	n, m, o := sp.StateDim, sp.ActDim, sp.ObsDim
	lin := NewLinearization(sp)
	np, nm := make([]float64, n), make([]float64, n)
	op, om := make([]float64, o), make([]float64, o)
	bump := func(x []float64, i int, d float64) []float64 {
		y := append([]float64(nil), x...)
		y[i] += d
		return y
	}
	for j := range n {
		rp, _ := env.Step(bump(state, j, h), action, np)
		rm, _ := env.Step(bump(state, j, -h), action, nm)
		for i := range n {
			lin.Fs[i*n+j] = (np[i] - nm[i]) / (2 * h)
		}
		lin.Rs[j] = (rp - rm) / (2 * h)
		env.Observe(bump(state, j, h), op)
		env.Observe(bump(state, j, -h), om)
		for i := range o {
			lin.Os[i*n+j] = (op[i] - om[i]) / (2 * h)
		}
	}
	for j := range m {
		rp, _ := env.Step(state, bump(action, j, h), np)
		rm, _ := env.Step(state, bump(action, j, -h), nm)
		for i := range n {
			lin.Fa[i*m+j] = (np[i] - nm[i]) / (2 * h)
		}
		lin.Ra[j] = (rp - rm) / (2 * h)
	}
	return lin
}

// FDEnv makes any environment Differentiable by central differences of
// step H (the absolute bump of each state and action coordinate); the
// pathwise estimator then carries the differences' error, O(H²) where the
// step is smooth.
type FDEnv struct {
	Env
	H float64
}

// Linearize implements Differentiable.
func (f FDEnv) Linearize(state, action []float64, lin *Linearization) {
	d := FiniteDifferences(f.Env, state, action, f.H)
	copy(lin.Fs, d.Fs)
	copy(lin.Fa, d.Fa)
	copy(lin.Rs, d.Rs)
	copy(lin.Ra, d.Ra)
	copy(lin.Os, d.Os)
}
