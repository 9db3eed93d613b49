//go:build mujoco

package mujoco

import (
	_ "embed"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/hybridgreeks/hybridgreeks/rl"
)

var (
	//go:embed models/halfcheetah.xml
	halfCheetahXML string
	//go:embed models/hopper.xml
	hopperXML string
	//go:embed models/walker2d.xml
	walker2dXML string
)

// Eps is the perturbation of Linearize's centered differences, in the units
// of each state and control coordinate. Its truncation error is O(Eps²) and
// its rounding error ≈ 1e-16/Eps relative. 1e-6 leaves truncation errors up
// to 3e-5 relative on HalfCheetah's ground contacts (soft contacts whose
// impedance rises within 1 cm, 10 ms Euler steps); 1e-7 brings them below
// 1e-6 with rounding still near 1e-9.
const Eps = 1e-7

// task is one of the Gymnasium v4 task definitions.
type task struct {
	name      string
	xml       string
	frameSkip int
	ctrlCost  float64 // w in w·|u|²
	healthy   float64 // reward per step while alive; 0 for tasks that never end
	// velClip bounds the observed velocities (0: no clip).
	velClip float64
	// resetNoise is the half-width of the uniform noise on qpos at reset,
	// and of the noise on qvel (uniform, or normal with this standard
	// deviation when normalVel).
	resetNoise float64
	normalVel  bool
	// alive says whether a state is healthy; nil for tasks that never end.
	alive func(s []float64) bool

	once sync.Once
	md   *model
	err  error
}

var halfCheetah = &task{
	name: "halfcheetah", xml: halfCheetahXML, frameSkip: 5, ctrlCost: 0.1,
	resetNoise: 0.1, normalVel: true,
}

var hopper = &task{
	name: "hopper", xml: hopperXML, frameSkip: 4, ctrlCost: 1e-3, healthy: 1,
	velClip: 10, resetNoise: 5e-3, alive: hopperAlive,
}

var walker2d = &task{
	name: "walker2d", xml: walker2dXML, frameSkip: 4, ctrlCost: 1e-3, healthy: 1,
	velClip: 10, resetNoise: 5e-3, alive: walker2dAlive,
}

// hopperAlive is Hopper-v4's is_healthy: every coordinate of qpos[2:] and
// qvel strictly within ±100, the torso height qpos[1] above 0.7 and its
// angle qpos[2] strictly within ±0.2 rad.
func hopperAlive(s []float64) bool {
	for _, v := range s[2:] {
		if !(-100 < v && v < 100) {
			return false
		}
	}
	return s[1] > 0.7 && -0.2 < s[2] && s[2] < 0.2
}

// walker2dAlive is Walker2d-v4's is_healthy: the torso height qpos[1]
// strictly between 0.8 and 2 and its angle qpos[2] strictly within ±1 rad.
func walker2dAlive(s []float64) bool {
	return 0.8 < s[1] && s[1] < 2 && -1 < s[2] && s[2] < 1
}

func (t *task) model() (*model, error) {
	t.once.Do(func() {
		t.md, t.err = load(t.xml)
		if t.err != nil {
			t.err = fmt.Errorf("%s: %w", t.name, t.err)
		}
	})
	return t.md, t.err
}

func init() {
	for _, t := range []*task{halfCheetah, hopper, walker2d} {
		rl.Register(t.name, func() (rl.Env, error) { return newEnv(t) })
	}
}

// Env is a MuJoCo task. It is safe for concurrent use: each call takes its
// own MuJoCo data (scratch made on demand and pooled). Close frees that
// scratch; an Env that is garbage collected without Close is freed then.
type Env struct {
	t    *task
	md   *model
	p    *pool
	spec rl.Spec
	dt   float64 // seconds per Step: timestep × frame skip
}

var _ rl.Differentiable = (*Env)(nil)

// NewHalfCheetah returns the HalfCheetah task: 6 actions, 17 observations,
// 18 states, no termination.
func NewHalfCheetah() (*Env, error) { return newEnv(halfCheetah) }

// NewHopper returns the Hopper task: 3 actions, 11 observations, 12 states,
// termination when unhealthy.
func NewHopper() (*Env, error) { return newEnv(hopper) }

// NewWalker2d returns the Walker2d task: 6 actions, 17 observations, 18
// states, termination when unhealthy.
func NewWalker2d() (*Env, error) { return newEnv(walker2d) }

func newEnv(t *task) (*Env, error) {
	md, err := t.model()
	if err != nil {
		return nil, err
	}
	e := &Env{t: t, md: md, p: &pool{md: md}, dt: md.timestep * float64(t.frameSkip)}
	e.spec = rl.Spec{
		Name:       t.name,
		StateDim:   md.nq + md.nv,
		ObsDim:     md.nq - 1 + md.nv,
		ActDim:     md.nu,
		Horizon:    1000,
		Low:        slices.Clone(md.low),
		High:       slices.Clone(md.high),
		Terminates: t.alive != nil,
	}
	runtime.AddCleanup(e, func(p *pool) { p.close() }, e.p)
	return e, nil
}

// Spec returns the task's dimensions and bounds.
func (e *Env) Spec() rl.Spec { return e.spec }

// Dt returns the simulated seconds per Step (timestep × frame skip), the
// denominator of the forward reward.
func (e *Env) Dt() float64 { return e.dt }

// Close frees the environment's MuJoCo data. Using e after Close panics.
func (e *Env) Close() error {
	e.p.close()
	return nil
}

// Reset draws an initial state as Gymnasium v4 does: qpos = qpos0 + U(−c, c)
// and qvel = U(−c, c) with c = 5e-3 for Hopper and Walker2d; qvel = 0.1·N(0, 1)
// and c = 0.1 for HalfCheetah. qpos draws come first, in coordinate order.
func (e *Env) Reset(r rl.Rand, state []float64) {
	e.check("Reset state", state, e.spec.StateDim)
	c := e.t.resetNoise
	nq := e.md.nq
	for i := range nq {
		state[i] = e.md.qpos0[i] + c*(2*r.Float64()-1)
	}
	for i := nq; i < len(state); i++ {
		if e.t.normalVel {
			state[i] = c * r.Normal()
		} else {
			state[i] = c * (2*r.Float64() - 1)
		}
	}
}

// Step takes frame-skip MuJoCo steps from state with the action clipped
// into [Low, High], writes the state reached into next and returns
//
//	r = (x' − x)/dt − w·|u|² + h,   done = the task terminates and next is unhealthy,
//
// with x = qpos[0] the forward position and u the clipped action.
func (e *Env) Step(state, action, next []float64) (reward float64, done bool) {
	e.check("Step state", state, e.spec.StateDim)
	e.check("Step action", action, e.spec.ActDim)
	e.check("Step next", next, e.spec.StateDim)
	e.p.step(state, action, e.t.frameSkip, next)
	runtime.KeepAlive(e)
	return e.reward(state, action, next)
}

func (e *Env) reward(state, action, next []float64) (float64, bool) {
	r := (next[0]-state[0])/e.dt + e.t.healthy
	for i, a := range action {
		u := clip(a, e.md.low[i], e.md.high[i])
		r -= e.t.ctrlCost * u * u
	}
	done := e.t.alive != nil && !e.t.alive(next)
	return r, done
}

// Observe writes qpos[1:] and then qvel, clipped to ±10 for Hopper and
// Walker2d, into obs.
func (e *Env) Observe(state, obs []float64) {
	e.check("Observe state", state, e.spec.StateDim)
	e.check("Observe obs", obs, e.spec.ObsDim)
	nq := e.md.nq
	copy(obs, state[1:nq])
	v := obs[nq-1:]
	copy(v, state[nq:])
	if c := e.t.velClip; c > 0 {
		for i := range v {
			v[i] = clip(v[i], -c, c)
		}
	}
}

// Linearize fills lin at (state, action):
//
//	Fs = A,   Fa = B·diag(χ),   χ_i = 1 if Low_i ≤ a_i ≤ High_i, else 0,
//	Rs = (A_{x,·} − e_x)/dt,   Ra = (B_{x,·}/dt − 2w·u)∘χ,
//	Os = the selection of qpos[1:] and qvel, with 0 for a clipped velocity,
//
// where A and B are centered finite-difference Jacobians (step Eps) chained
// over the frame skip (see the package documentation), x the forward
// position and u the clipped action. The healthy reward is constant while alive and contributes
// nothing.
func (e *Env) Linearize(state, action []float64, lin *rl.Linearization) {
	n, m, o := e.spec.StateDim, e.spec.ActDim, e.spec.ObsDim
	e.check("Linearize state", state, n)
	e.check("Linearize action", action, m)
	e.check("Linearize Fs", lin.Fs, n*n)
	e.check("Linearize Fa", lin.Fa, n*m)
	e.check("Linearize Rs", lin.Rs, n)
	e.check("Linearize Ra", lin.Ra, m)
	e.check("Linearize Os", lin.Os, o*n)
	var buf [64]float64 // next state, unused; n ≤ 64 for these tasks
	e.p.linearize(state, action, e.t.frameSkip, Eps, false, lin.Fs, lin.Fa, buf[:n])
	runtime.KeepAlive(e)

	A, B := lin.Fs, lin.Fa
	for i := range n {
		lin.Rs[i] = A[i] / e.dt // row 0: x'
	}
	lin.Rs[0] -= 1 / e.dt
	for j, a := range action {
		lo, hi := e.md.low[j], e.md.high[j]
		if a < lo || a > hi {
			for i := range n {
				B[i*m+j] = 0
			}
			lin.Ra[j] = 0
			continue
		}
		lin.Ra[j] = B[j]/e.dt - 2*e.t.ctrlCost*a
	}

	clear(lin.Os)
	nq := e.md.nq
	for i := range nq - 1 {
		lin.Os[i*n+i+1] = 1
	}
	c := e.t.velClip
	for k := range e.md.nv {
		if v := state[nq+k]; c == 0 || (-c <= v && v <= c) {
			lin.Os[(nq-1+k)*n+nq+k] = 1
		}
	}
}

func clip(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

func (e *Env) check(what string, s []float64, want int) {
	if len(s) != want {
		panic(fmt.Sprintf("mujoco: %s %s has length %d, want %d", e.t.name, what, len(s), want))
	}
}
