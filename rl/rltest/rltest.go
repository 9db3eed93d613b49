// Package rltest holds checks that every environment of package rl must
// pass, shared by the tests of rl and rl/mujoco.
package rltest

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/rl"
)

// PathwiseIsExact checks the whole pathwise chain on env — its Jacobians,
// the reward's derivatives and the trainer's adjoint recursion: with the
// episodes' noise held fixed, each episode's pathwise sample is the
// derivative of that episode's discounted return, which central
// differences of step h reproduce to relative tolerance tol, for every
// stride-th parameter. The policy's weights are scaled by 20 so that its
// output is not near zero. It returns the largest relative difference.
func PathwiseIsExact(t testing.TB, env rl.Env, cfg rl.Config, h, tol float64, stride int) float64 {
	t.Helper()
	cfg.Estimator = rl.Pathwise
	tr, err := rl.NewTrainer(env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	E := tr.Cfg.Episodes
	np, d := tr.Policy.Dim(), tr.Dim()
	theta := make([]float64, np)
	if err := tr.Policy.Params.Values(theta); err != nil {
		t.Fatal(err)
	}
	for i := range theta {
		theta[i] *= 20
	}
	set := func() {
		if err := tr.Policy.Params.SetValues(theta); err != nil {
			t.Fatal(err)
		}
		if err := tr.Policy.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	set()
	p, s := make([]float64, E*d), make([]float64, E*d)
	if _, _, err := tr.Gradients(0, p, s); err != nil {
		t.Fatal(err)
	}
	disc := func() []float64 {
		_, dr, err := tr.Gradients(0, nil, s)
		if err != nil {
			t.Fatal(err)
		}
		return dr
	}
	worst := 0.0
	for k := 0; k < d; k += stride {
		x := &tr.LogStd[max(0, k-np)]
		if k < np {
			x = &theta[k]
		}
		x0 := *x
		*x = x0 + h
		set()
		up := disc()
		*x = x0 - h
		set()
		dn := disc()
		*x = x0
		set()
		for e := range E {
			fd := (up[e] - dn[e]) / (2 * h)
			rel := math.Abs(p[e*d+k]-fd) / (1 + math.Abs(fd))
			worst = math.Max(worst, rel)
			if rel > tol {
				t.Errorf("%s episode %d: ∂J/∂θ[%d] = %.10g, finite differences %.10g", env.Spec().Name, e, k, p[e*d+k], fd)
			}
		}
	}
	return worst
}
