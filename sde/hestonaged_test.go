package sde_test

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestHestonAged checks EvolveHestonAged's chain path by path against
// EvolveHeston's, for both schemes on the Feller and the Feller-violating
// set, with t_1 = 0.2 and 0.45 against T/m = 1/3 (N₁ = 4 of 12 steps): the
// first fixing equals, bitwise, the uniform chain of horizon t_1 over the
// N₁ steps on the same normals (steps of t_1/N₁), and every later fixing
// equals, to rounding, the uniform chain of horizon T − T/m restarted from
// that path's (S_{t_1}, v_{t_1}) on the remaining normals (steps of the
// unchanged T/steps). Using the first interval's Δ₁ after k = N₁, or Δ
// before it, fails by orders of magnitude beyond the 1e-12 tolerance.
func TestHestonAged(t *testing.T) {
	const n, steps, fixings = 64, 12, 3
	per := steps / fixings
	for _, c := range hestonSets[:2] {
		for _, s := range []sde.Scheme{sde.QE, sde.Euler} {
			for _, t1 := range []float64{0.2, 0.45} {
				m := c.m
				var g sde.Grid
				var b, b1, bi sde.Block
				z := make([]float64, 2*n*steps)
				rngstream.New(5, 2).Normals(z)
				b.Resize(n, fixings)
				g.EvolveHestonAged(m, s, t1, steps, z, &b, 0)
				// The first interval: the uniform chain of horizon t_1.
				m1 := m
				m1.Expiry = t1
				b1.Resize(n, 1)
				g.EvolveHeston(m1, s, per, z[:2*n*per], &b1, 0)
				v1 := append([]float64(nil), g.HestonVariance()[:n]...)
				for i := range n {
					if b.Obs[i] != b1.Obs[i] {
						t.Fatalf("%s %s t1=%g path %d: S_{t_1} %v, uniform chain of horizon t_1 %v", c.name, s, t1, i, b.Obs[i], b1.Obs[i])
					}
				}
				// The later intervals: the uniform chain restarted per path.
				rest := steps - per
				zi := make([]float64, 2*rest)
				for i := range n {
					for k := range rest {
						zi[2*k] = z[2*(per+k)*n+i]
						zi[2*k+1] = z[(2*(per+k)+1)*n+i]
					}
					mi := m
					mi.Spot, mi.V0, mi.Expiry = b1.Obs[i], v1[i], m.Expiry*float64(fixings-1)/fixings
					bi.Resize(1, fixings-1)
					g.EvolveHeston(mi, s, rest, zi, &bi, 0)
					for j := 1; j < fixings; j++ {
						got, want := b.Obs[j*n+i], bi.Obs[j-1]
						if math.Abs(got/want-1) > 1e-12 {
							t.Fatalf("%s %s t1=%g path %d fixing %d: S %v, restarted uniform chain %v", c.name, s, t1, i, j, got, want)
						}
					}
				}
			}
		}
	}
}

// TestHestonAgedUniform checks that EvolveHestonAged with t_1 = T/m, where
// t_1/N₁ = T/steps exactly (T = 1, m = 4, 8 steps), is EvolveHeston
// bitwise, weights, the Vega and t_1 tangents and the Vega weight included.
func TestHestonAgedUniform(t *testing.T) {
	const n, steps, fixings = 64, 8, 4
	for _, s := range []sde.Scheme{sde.QE, sde.Euler} {
		need := sde.NeedY | sde.NeedWeight | sde.NeedDVol | sde.NeedDExpiry
		m := hestonSets[0].m
		var g sde.Grid
		var a, b sde.Block
		z := make([]float64, 2*n*steps)
		rngstream.New(3, 4).Normals(z)
		a.Resize(n, fixings)
		b.Resize(n, fixings)
		var ga sde.Grid
		ga.EvolveHeston(m, s, steps, z, &a, need)
		g.EvolveHestonAged(m, s, m.Expiry/fixings, steps, z, &b, need)
		for _, r := range [][2][]float64{{a.Obs, b.Obs}, {a.Y, b.Y}, {a.Weight, b.Weight}, {a.DVol, b.DVol}, {a.DTime, b.DTime},
			{append([]float64(nil), ga.HestonVegaWeight()[:n]...), g.HestonVegaWeight()[:n]}} {
			for i := range r[0] {
				if r[0][i] != r[1][i] {
					t.Fatalf("%s: element %d: %v uniform, %v aged", s, i, r[0][i], r[1][i])
				}
			}
		}
	}
}
