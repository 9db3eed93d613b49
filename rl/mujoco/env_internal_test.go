//go:build mujoco

package mujoco

import (
	"math"
	"slices"
	"testing"
)

// TestTransitionFDIsEuler pins why Linearize does not use mjd_transitionFD
// for the RK4 models: in MuJoCo 2.2.2 it linearizes an explicit Euler step
// whatever the integrator. From a Hopper state in the air (no contacts,
// joints inside their limits), its chained Jacobian ∂s'/∂a misses central
// differences of the RK4 Step by O(timestep), while the chained differences
// of mj_step agree to rounding. If a newer MuJoCo fixes this, the first
// check fails and hg_stepFD can go.
func TestTransitionFDIsEuler(t *testing.T) {
	e, err := NewHopper()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := []float64{0, 2.5, 0.1, -0.4, -0.4, 0.2, 0.3, -0.2, 0.5, 1, -1, 0.4}
	a := []float64{0.3, -0.2, 0.5}
	n, m := 12, 3
	// Central differences of Step in a.
	fd := make([]float64, n*m)
	sp, sm := make([]float64, n), make([]float64, n)
	const h = 1e-6
	for j := range m {
		ap, am := slices.Clone(a), slices.Clone(a)
		ap[j] += h
		am[j] -= h
		e.Step(s, ap, sp)
		e.Step(s, am, sm)
		for i := range n {
			fd[i*m+j] = (sp[i] - sm[i]) / (2 * h)
		}
	}
	diff := func(transition bool) float64 {
		A, B, next := make([]float64, n*n), make([]float64, n*m), make([]float64, n)
		e.p.linearize(s, a, hopper.frameSkip, Eps, transition, A, B, next)
		scale, d := 1.0, 0.0
		for k := range fd {
			scale = math.Max(scale, 1+math.Abs(fd[k]))
			d = math.Max(d, math.Abs(B[k]-fd[k]))
		}
		return d / scale
	}
	if d := diff(true); d < 1e-5 {
		t.Errorf("mjd_transitionFD chained: ∂s'/∂a within %.2g of the RK4 step's; want the Euler step's O(timestep) gap", d)
	} else {
		t.Logf("mjd_transitionFD chained: %.2g relative from the RK4 step's ∂s'/∂a", d)
	}
	if d := diff(false); d > 1e-8 {
		t.Errorf("mj_step differences chained: %.2g relative from the RK4 step's ∂s'/∂a, want rounding", d)
	}
}
