//go:build mujoco

package mujoco_test

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/rl"
)

// TestLinearizeSkipsClipped: a linearization at an action with some
// coordinates outside the control range (whose perturbations are skipped)
// equals, bit for bit, the one at the clipped action (whose are all
// computed, and which steps the same controls), except for the clipped
// columns of Fa and entries of Ra, which are zero.
func TestLinearizeSkipsClipped(t *testing.T) {
	for _, name := range []string{"hopper", "walker2d", "halfcheetah"} {
		e := mustMake(t, name)
		states, actions := rollout(e, 5, 30)
		sp := e.Spec()
		m := sp.ActDim
		got, want := rl.NewLinearization(sp), rl.NewLinearization(sp)
		for k, s := range states {
			a := make([]float64, m)
			inside := make([]float64, m)
			clipped := make([]bool, m)
			for i := range a {
				a[i] = 2.5 * actions[k][i]
				inside[i] = math.Max(-1, math.Min(1, a[i]))
				clipped[i] = a[i] != inside[i]
			}
			e.Linearize(s, a, got)
			e.Linearize(s, inside, want)
			n := sp.StateDim
			for i := range n * n {
				if math.Float64bits(got.Fs[i]) != math.Float64bits(want.Fs[i]) {
					t.Fatalf("%s state %d: Fs[%d] = %v, want %v", name, k, i, got.Fs[i], want.Fs[i])
				}
			}
			for i := range n {
				for j := range m {
					w := want.Fa[i*m+j]
					if clipped[j] {
						w = 0
					}
					if math.Float64bits(got.Fa[i*m+j]) != math.Float64bits(w) {
						t.Fatalf("%s state %d: Fa[%d,%d] = %v, want %v (clipped %v)", name, k, i, j, got.Fa[i*m+j], w, clipped[j])
					}
				}
			}
			for j := range m {
				if clipped[j] && got.Ra[j] != 0 {
					t.Fatalf("%s state %d: Ra[%d] = %v for a clipped action", name, k, j, got.Ra[j])
				}
			}
		}
		e.Close()
	}
}
