//go:build mujoco

package mujoco_test

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/rl"
	"github.com/hybridgreeks/hybridgreeks/rl/mujoco"
)

// gym holds the Gymnasium v4 definitions the tasks must follow, written
// out here independently of the package's own constants.
var gym = []struct {
	name              string
	n, o, m           int
	dt                float64 // timestep × frame skip
	ctrlCost, healthy float64
	velClip           float64 // 0: none
	terminates        bool
	noise             float64 // reset noise scale
	qpos0             []float64
	normalVel         bool
}{
	{name: "halfcheetah", n: 18, o: 17, m: 6, dt: 0.01 * 5, ctrlCost: 0.1, noise: 0.1, normalVel: true,
		qpos0: make([]float64, 9)},
	{name: "hopper", n: 12, o: 11, m: 3, dt: 0.002 * 4, ctrlCost: 1e-3, healthy: 1, velClip: 10, terminates: true,
		noise: 5e-3, qpos0: []float64{0, 1.25, 0, 0, 0, 0}},
	{name: "walker2d", n: 18, o: 17, m: 6, dt: 0.002 * 4, ctrlCost: 1e-3, healthy: 1, velClip: 10, terminates: true,
		noise: 5e-3, qpos0: []float64{0, 1.25, 0, 0, 0, 0, 0, 0, 0}},
}

func mustMake(t testing.TB, name string) *mujoco.Env {
	t.Helper()
	env, err := rl.Make(name)
	if err != nil {
		t.Fatalf("Make(%q): %v", name, err)
	}
	e, ok := env.(*mujoco.Env)
	if !ok {
		t.Fatalf("Make(%q) = %T, want *mujoco.Env", name, env)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestSpec(t *testing.T) {
	for _, g := range gym {
		e := mustMake(t, g.name)
		var _ rl.Differentiable = e
		sp := e.Spec()
		if sp.Name != g.name || sp.StateDim != g.n || sp.ObsDim != g.o || sp.ActDim != g.m ||
			sp.Horizon != 1000 || sp.Terminates != g.terminates {
			t.Errorf("Spec(%s) = %+v, want n=%d o=%d m=%d horizon 1000 terminates %v", g.name, sp, g.n, g.o, g.m, g.terminates)
		}
		for i := range g.m {
			if sp.Low[i] != -1 || sp.High[i] != 1 {
				t.Errorf("Spec(%s) bounds %v..%v, want ±1", g.name, sp.Low, sp.High)
				break
			}
		}
		if math.Abs(e.Dt()-g.dt) > 1e-15 {
			t.Errorf("Dt(%s) = %v, want %v", g.name, e.Dt(), g.dt)
		}
	}
}

// TestReset checks that Reset is a function of the generator's draws and
// that its noise has the v4 shape: uniform of half-width c around qpos0 for
// positions, and for velocities uniform as well (Hopper, Walker2d) or c
// times a standard normal (HalfCheetah, whose draws may exceed c).
func TestReset(t *testing.T) {
	for _, g := range gym {
		e := mustMake(t, g.name)
		s1, s2 := make([]float64, g.n), make([]float64, g.n)
		e.Reset(rngstream.New(3, 1), s1)
		e.Reset(rngstream.New(3, 1), s2)
		if !slices.Equal(s1, s2) {
			t.Errorf("Reset(%s) with the same seed: %v, then %v", g.name, s1, s2)
		}
		e.Reset(rngstream.New(4, 1), s2)
		if slices.Equal(s1, s2) {
			t.Errorf("Reset(%s) with seeds 3 and 4 gave the same state %v", g.name, s1)
		}
		nq := len(g.qpos0)
		var maxVel float64
		r := rngstream.New(5, 0)
		for range 200 {
			e.Reset(r, s1)
			for i := range nq {
				if d := math.Abs(s1[i] - g.qpos0[i]); d > g.noise {
					t.Fatalf("Reset(%s) qpos[%d] = %v, more than %v from %v", g.name, i, s1[i], g.noise, g.qpos0[i])
				}
			}
			for _, v := range s1[nq:] {
				maxVel = math.Max(maxVel, math.Abs(v))
			}
		}
		if !g.normalVel && maxVel > g.noise {
			t.Errorf("Reset(%s) |qvel| up to %v, want ≤ %v", g.name, maxVel, g.noise)
		}
		if g.normalVel && maxVel <= g.noise {
			t.Errorf("Reset(%s) |qvel| at most %v over 200 draws of %v·N(0,1)", g.name, maxVel, g.noise)
		}
	}
}

// rollout steps from a reset under a fixed action pattern and returns the
// visited states and actions.
func rollout(e *mujoco.Env, seed uint64, steps int) (states, actions [][]float64) {
	sp := e.Spec()
	s := make([]float64, sp.StateDim)
	e.Reset(rngstream.New(seed, 0), s)
	for k := range steps {
		a := make([]float64, sp.ActDim)
		for i := range a {
			a[i] = 0.6 * math.Sin(0.3*float64(k)+float64(i))
		}
		next := make([]float64, sp.StateDim)
		_, done := e.Step(s, a, next)
		states, actions = append(states, s), append(actions, a)
		s = next
		if done {
			s = make([]float64, sp.StateDim)
			e.Reset(rngstream.New(seed, uint64(k+1)), s)
		}
	}
	return states, actions
}

// TestStepPure checks that a step is a function of (state, action): the
// same input gives bitwise the same output whatever was stepped or
// linearized before and from however many goroutines, and the inputs are
// left alone.
func TestStepPure(t *testing.T) {
	for _, g := range gym {
		e := mustMake(t, g.name)
		states, actions := rollout(e, 11, 30)
		want := make([][]float64, len(states))
		wantR := make([]float64, len(states))
		for k := range states {
			want[k] = make([]float64, g.n)
			wantR[k], _ = e.Step(states[k], actions[k], want[k])
		}
		lin := rl.NewLinearization(e.Spec())
		next := make([]float64, g.n)
		for k := len(states) - 1; k >= 0; k-- { // another order, with Linearize between
			s0, a0 := slices.Clone(states[k]), slices.Clone(actions[k])
			e.Linearize(states[k], actions[k], lin)
			r, _ := e.Step(states[k], actions[k], next)
			if r != wantR[k] || !slices.Equal(next, want[k]) {
				t.Fatalf("%s step %d again: %v, %v; first %v, %v", g.name, k, r, next, wantR[k], want[k])
			}
			if !slices.Equal(s0, states[k]) || !slices.Equal(a0, actions[k]) {
				t.Fatalf("%s step %d modified its inputs", g.name, k)
			}
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for w := range errs {
			wg.Go(func() {
				next := make([]float64, g.n)
				for rep := range 2 {
					for k := range states {
						if r, _ := e.Step(states[k], actions[k], next); r != wantR[k] || !slices.Equal(next, want[k]) {
							errs[w] = fmt.Errorf("worker %d rep %d step %d differs", w, rep, k)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Errorf("%s concurrent Step: %v", g.name, err)
			}
		}
	}
}

// TestReward checks Step's reward against the v4 definition
// (x' − x)/dt − w·|clip(a)|² + h, and that actions are clipped.
func TestReward(t *testing.T) {
	for _, g := range gym {
		e := mustMake(t, g.name)
		states, actions := rollout(e, 12, 30)
		next := make([]float64, g.n)
		for k, s := range states {
			a := actions[k]
			a[0] = 1.7 // beyond the bound: costs and acts as 1
			r, _ := e.Step(s, a, next)
			want := (next[0]-s[0])/g.dt + g.healthy
			for _, v := range a {
				v = math.Max(-1, math.Min(1, v))
				want -= g.ctrlCost * v * v
			}
			if math.Abs(r-want) > 1e-12*(1+math.Abs(want)) {
				t.Errorf("%s step %d: reward %v, want %v", g.name, k, r, want)
			}
			a1 := slices.Clone(a)
			a1[0] = 1
			next1 := make([]float64, g.n)
			r1, _ := e.Step(s, a1, next1)
			if r1 != r || !slices.Equal(next1, next) {
				t.Errorf("%s step %d: action 1.7 gives %v, %v; 1 gives %v, %v", g.name, k, r, next, r1, next1)
			}
		}
	}
}

func TestObserve(t *testing.T) {
	for _, g := range gym {
		e := mustMake(t, g.name)
		s := make([]float64, g.n)
		for i := range s {
			s[i] = 3 * float64(i+1) * math.Pow(-1, float64(i)) // velocities up to ±54
		}
		nq := len(g.qpos0)
		want := slices.Clone(s[1:])
		for i := nq - 1; i < len(want) && g.velClip > 0; i++ {
			want[i] = math.Max(-g.velClip, math.Min(g.velClip, want[i]))
		}
		obs := make([]float64, g.o)
		e.Observe(s, obs)
		if !slices.Equal(obs, want) {
			t.Errorf("Observe(%s) = %v, want %v", g.name, obs, want)
		}
	}
}

// TestTermination checks the v4 health conditions of Hopper and Walker2d
// on states built to break one of them, and that with zero torques the
// torso falls and the episode ends before the horizon, at an unhealthy
// state. HalfCheetah never terminates.
func TestTermination(t *testing.T) {
	cases := []struct {
		name string
		set  func(s []float64) // from the standing state qpos0
		done bool
	}{
		{"hopper", func(s []float64) {}, false},
		{"hopper", func(s []float64) { s[1] = 0.6 }, true},                   // torso low
		{"hopper", func(s []float64) { s[2] = 0.3 }, true},                   // tilted forward
		{"hopper", func(s []float64) { s[2] = -0.3 }, true},                  // tilted back
		{"hopper", func(s []float64) { s[2+2*3+2] = 150; s[1] = 1.4 }, true}, // a velocity beyond 100
		{"walker2d", func(s []float64) {}, false},
		{"walker2d", func(s []float64) { s[1] = 0.7 }, true},
		{"walker2d", func(s []float64) { s[1] = 2.2 }, true},
		{"walker2d", func(s []float64) { s[2] = 1.2 }, true},
		{"walker2d", func(s []float64) { s[2] = 0.5 }, false}, // tilted, still within ±1
	}
	for i, c := range cases {
		e := mustMake(t, c.name)
		sp := e.Spec()
		s, next := make([]float64, sp.StateDim), make([]float64, sp.StateDim)
		s[1] = 1.25
		c.set(s)
		if _, done := e.Step(s, make([]float64, sp.ActDim), next); done != c.done {
			t.Errorf("case %d: %s from %v: done = %v, want %v (next %v)", i, c.name, s, done, c.done, next)
		}
	}
	for _, g := range gym {
		e := mustMake(t, g.name)
		s, next := make([]float64, g.n), make([]float64, g.n)
		e.Reset(rngstream.New(1, 0), s)
		a := make([]float64, g.m)
		steps, done := 0, false
		for ; steps < 1000 && !done; steps++ {
			_, done = e.Step(s, a, next)
			copy(s, next)
		}
		if done != g.terminates {
			t.Errorf("%s with zero torques: done = %v after %d steps, want %v", g.name, done, steps, g.terminates)
			continue
		}
		if !done {
			continue
		}
		t.Logf("%s with zero torques falls after %d steps: height %.3f, angle %.3f", g.name, steps, s[1], s[2])
		minZ, maxAngle := 0.7, 0.2
		if g.name == "walker2d" {
			minZ, maxAngle = 0.8, 1
		}
		if s[1] > minZ && math.Abs(s[2]) < maxAngle {
			t.Errorf("%s ended at height %v, angle %v: healthy", g.name, s[1], s[2])
		}
	}
}

func TestClose(t *testing.T) {
	e, err := mujoco.NewHopper()
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	e.Close() // idempotent
	defer func() {
		if recover() == nil {
			t.Error("Step after Close did not panic")
		}
	}()
	e.Step(make([]float64, 12), make([]float64, 3), make([]float64, 12))
}

// linTol bounds |Linearize − reference| relative to 1 + the largest entry
// of each part of the Linearization, the reference being the Richardson
// extrapolation of central differences of Step over the whole frame skip.
// Where the step is smooth the two differ by Linearize's truncation error
// (O(Eps²) per sub-step, Eps = 1e-7), both rounding errors (≈ 1e-16·|s'|/h,
// 1e-9 relative) and the constraint solver's residual over h; on these
// trajectories the worst measured is 1.6e-8 (Hopper), 9e-7 (Walker2d) and
// 5e-7 (HalfCheetah), logged below. The errors the test must catch are
// 1e-4 and more: mjd_transitionFD's Euler Jacobians in the RK4 models
// (1e-4, TestTransitionFDIsEuler), a chaining order reversed, a missing clip
// derivative (O(1)). 1e-5 sits between, 10 above the noise and 10 below the
// smallest bug.
const linTol = 1e-5

// smoothTol screens out points where the reference itself is uncertain by
// more than linTol: there central differences of steps h and h/2 differ by
// more than their O(h²) gap allows, because a contact or a joint limit
// switches on or off within h or the contact force is too curved at that
// scale (HalfCheetah's soft contacts, whose impedance rises from 0 to 0.8
// within 1 cm of penetration).
const smoothTol = linTol

// linDiff returns max|got − want| / (1 + max|want|) over the five parts of
// a Linearization, and the name of the worst part.
func linDiff(got, want *rl.Linearization) (float64, string) {
	worst, where := 0.0, ""
	for _, p := range []struct {
		name      string
		got, want []float64
	}{{"Fs", got.Fs, want.Fs}, {"Fa", got.Fa, want.Fa}, {"Rs", got.Rs, want.Rs}, {"Ra", got.Ra, want.Ra}, {"Os", got.Os, want.Os}} {
		scale, diff := 1.0, 0.0
		for k := range p.want {
			scale = math.Max(scale, 1+math.Abs(p.want[k]))
			diff = math.Max(diff, math.Abs(p.got[k]-p.want[k]))
		}
		if d := diff / scale; d > worst || where == "" {
			worst, where = d, p.name
		}
	}
	return worst, where
}

// TestLinearize checks Linearize against central differences of Step and
// Observe over the whole frame skip, at points of seeded trajectories that
// run on the ground (feet in contact, joints at and off their limits, falls
// and resets), with the first action component beyond its bound at every
// other point (its column of Fa and its Ra must vanish) and, for Hopper and
// Walker2d, a velocity above the observation clip at every third.
//
// Contacts and joint limits switch on and off as the state moves, and a
// difference quotient across a switch measures the jump, not a derivative.
// A point is compared only where the step is smooth at the scale of the
// differences: where the quotients of steps h = 1e-6 and 5e-7 agree to
// smoothTol. Most points pass; the test requires two thirds.
func TestLinearize(t *testing.T) {
	for _, g := range gym {
		t.Run(g.name, func(t *testing.T) {
			e := mustMake(t, g.name)
			states, actions := rollout(e, 31, 150)
			lin := rl.NewLinearization(e.Spec())
			checked, total, worst := 0, 0, 0.0
			for k := 0; k < len(states); k += 5 {
				s, a := slices.Clone(states[k]), slices.Clone(actions[k])
				if k%2 == 0 {
					a[0] = 1.3
				}
				if k%3 == 0 && g.velClip > 0 {
					s[len(s)-1] = 12
				}
				total++
				d1, d2 := rl.FiniteDifferences(e, s, a, 1e-6), rl.FiniteDifferences(e, s, a, 5e-7)
				if d, _ := linDiff(d1, d2); d > smoothTol {
					continue // not smooth at the scale of h: see smoothTol
				}
				want := richardson(d1, d2)
				checked++
				e.Linearize(s, a, lin)
				d, where := linDiff(lin, want)
				worst = math.Max(worst, d)
				if d > linTol {
					t.Errorf("step %d: Linearize.%s differs from finite differences by %.3g relative (s=%v a=%v)", k, where, d, s, a)
				}
				if k%2 == 0 {
					for i := range g.n {
						if lin.Fa[i*g.m] != 0 {
							t.Fatalf("step %d: Fa[%d][0] = %v with a[0] = 1.3 beyond the bound", k, i, lin.Fa[i*g.m])
						}
					}
					if lin.Ra[0] != 0 {
						t.Fatalf("step %d: Ra[0] = %v with a[0] = 1.3 beyond the bound", k, lin.Ra[0])
					}
				}
			}
			t.Logf("%d of %d points smooth at 1e-6; worst relative difference %.2g", checked, total, worst)
			if 3*checked < 2*total {
				t.Errorf("only %d of %d points smooth at 1e-6", checked, total)
			}
		})
	}
}

// richardson combines central differences of steps h and h/2 into
// (4·D(h/2) − D(h))/3, whose truncation error is O(h⁴) instead of O(h²).
func richardson(dh, dh2 *rl.Linearization) *rl.Linearization {
	out := &rl.Linearization{}
	for _, p := range []struct {
		dst  *[]float64
		a, b []float64
	}{
		{&out.Fs, dh.Fs, dh2.Fs}, {&out.Fa, dh.Fa, dh2.Fa}, {&out.Rs, dh.Rs, dh2.Rs}, {&out.Ra, dh.Ra, dh2.Ra}, {&out.Os, dh.Os, dh2.Os},
	} {
		*p.dst = make([]float64, len(p.a))
		for k := range p.a {
			(*p.dst)[k] = (4*p.b[k] - p.a[k]) / 3
		}
	}
	return out
}
