package rl

import (
	"errors"
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
)

// TestJacobians checks each differentiable environment's Linearize against
// central finite differences of Step and Observe along simulated
// trajectories, with actions inside and outside the bounds.
func TestJacobians(t *testing.T) {
	for _, e := range []Differentiable{Pendulum{}, CartPole{}} {
		sp := e.Spec()
		t.Run(sp.Name, func(t *testing.T) {
			r := rngstream.New(7, 0)
			s, next := make([]float64, sp.StateDim), make([]float64, sp.StateDim)
			a := make([]float64, sp.ActDim)
			lin := NewLinearization(sp)
			checked := 0
			for ep := range 20 {
				e.Reset(r, s)
				for step := range 40 {
					for i := range a {
						a[i] = 1.5 * sp.High[i] * r.Normal()
					}
					if nearKink(sp, s, a) {
						e.Step(s, a, next)
						copy(s, next)
						continue
					}
					e.Linearize(s, a, lin)
					want := FiniteDifferences(e, s, a, 1e-6)
					for name, pair := range map[string][2][]float64{
						"Fs": {lin.Fs, want.Fs}, "Fa": {lin.Fa, want.Fa}, "Rs": {lin.Rs, want.Rs},
						"Ra": {lin.Ra, want.Ra}, "Os": {lin.Os, want.Os},
					} {
						for k := range pair[0] {
							if math.Abs(pair[0][k]-pair[1][k]) > 1e-6*(1+math.Abs(pair[1][k])) {
								t.Errorf("episode %d step %d: %s[%d] = %.10g, finite differences %.10g (s=%v a=%v)",
									ep, step, name, k, pair[0][k], pair[1][k], s, a)
							}
						}
					}
					checked++
					e.Step(s, a, next)
					copy(s, next)
				}
			}
			if checked < 400 {
				t.Errorf("only %d points away from the kinks", checked)
			}
		})
	}
}

// nearKink reports points within the finite-difference step of a clip or
// of the pendulum angle's wrap, where the derivative jumps.
func nearKink(sp Spec, s, a []float64) bool {
	const eps = 1e-4
	for i := range a {
		if math.Abs(math.Abs(a[i])-sp.High[i]) < eps {
			return true
		}
	}
	if sp.Name == "pendulum" {
		u := math.Max(-2, math.Min(2, a[0]))
		v := s[1] + (15*math.Sin(s[0])+3*u)*pendDt
		if math.Abs(math.Abs(v)-pendMaxSpeed) < eps || math.Abs(math.Abs(angleNorm(s[0]))-math.Pi) < eps {
			return true
		}
	}
	return false
}

// TestPendulumGym pins Pendulum-v1's step against values worked by hand
// from Gymnasium's definition.
func TestPendulumGym(t *testing.T) {
	next := make([]float64, 2)
	r, done := Pendulum{}.Step([]float64{1, 0.5}, []float64{3}, next) // torque clipped to 2
	v := 0.5 + (15*math.Sin(1)+3*2)*0.05
	if done || math.Abs(r-(-(1+0.1*0.25+0.001*4))) > 1e-15 || math.Abs(next[1]-v) > 1e-15 || math.Abs(next[0]-(1+v*0.05)) > 1e-15 {
		t.Errorf("Step = %v, %v, %v", r, next, done)
	}
	// The angle in the cost wraps: θ = 2π + 0.1 costs like 0.1.
	r2, _ := Pendulum{}.Step([]float64{2*math.Pi + 0.1, 0}, []float64{0}, next)
	if math.Abs(r2-(-0.01)) > 1e-12 {
		t.Errorf("reward at 2π+0.1 = %v, want −0.01", r2)
	}
	// Speed clipped at 8.
	Pendulum{}.Step([]float64{math.Pi / 2, 7.9}, []float64{2}, next)
	if next[1] != 8 {
		t.Errorf("θ̇' = %v, want the clip 8", next[1])
	}
}

func TestMake(t *testing.T) {
	for _, n := range []string{"pendulum", "cartpole"} {
		e, err := Make(n)
		if err != nil || e.Spec().Name != n {
			t.Errorf("Make(%q) = %v, %v", n, e, err)
		}
	}
	_, err := Make("nope")
	var ee *EnvError
	if !errors.As(err, &ee) || ee.Name != "nope" {
		t.Errorf("Make(nope) error = %v", err)
	}
}

// TestFDEnv checks that the finite-difference adapter gives the pathwise
// estimator the analytic Jacobians' samples to the differences' accuracy.
func TestFDEnv(t *testing.T) {
	d := make([][]float64, 2)
	for i, env := range []Env{CartPole{}, FDEnv{Env: CartPole{}, H: 1e-6}} {
		tr, err := NewTrainer(env, Config{Estimator: Pathwise, Episodes: 2, Horizon: 30, Hidden: []int{8}, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		d[i] = make([]float64, 2*tr.Dim())
		if _, _, err := tr.Gradients(0, d[i], make([]float64, 2*tr.Dim())); err != nil {
			t.Fatal(err)
		}
		tr.Close()
	}
	for k := range d[0] {
		if math.Abs(d[0][k]-d[1][k]) > 1e-6*(1+math.Abs(d[0][k])) {
			t.Errorf("pathwise[%d]: analytic %v, finite differences %v", k, d[0][k], d[1][k])
		}
	}
}
