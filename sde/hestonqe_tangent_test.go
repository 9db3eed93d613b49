package sde_test

import (
	"math"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// qeTangentSets are parameter sets on which every QE step is quadratic
// (ξ² < 3κθ): Feller holding; Feller violated mildly (ξ²/(2κθ) = 1.28,
// between 1 and ψ_c); dividends with ρ > 0 and a longer maturity; ψ(0) =
// 1.45, just below ψ_c, from v₀ = 0.01.
var qeTangentSets = []struct {
	name string
	m    sde.Heston
}{
	{"feller", hestonSets[0].m},
	{"mild", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 0.32, Rho: -0.7, Expiry: 1}},
	{"div", sde.Heston{Spot: 100, Rate: 0.01, Div: 0.04, V0: 0.05, Kappa: 3, Theta: 0.03, Xi: 0.4, Rho: 0.3, Expiry: 2}},
	{"edge", sde.Heston{Spot: 100, Rate: 0.03, V0: 0.01, Kappa: 1, Theta: 0.04, Xi: 0.3406, Rho: -0.7, Expiry: 1}},
}

// TestQEPsiMonotone checks numerically what Heston.QEQuadratic rests on:
// ψ = s²/m² decreases in v, and ψ(0) = ξ²/(2κθ) whatever Δt, on a grid of
// v and Δt for several parameter sets.
func TestQEPsiMonotone(t *testing.T) {
	for _, c := range append(qeTangentSets, hestonSets[1]) {
		k, th, xi := c.m.Kappa, c.m.Theta, c.m.Xi
		psi0 := xi * xi / (2 * k * th)
		for _, dt := range []float64{1e-4, 0.01, 0.1, 1, 10} {
			e := math.Exp(-k * dt)
			psi := func(v float64) float64 {
				m := th + (v-th)*e
				s2 := v*xi*xi*e*(1-e)/k + th*xi*xi*(1-e)*(1-e)/(2*k)
				return s2 / (m * m)
			}
			if p := psi(0); math.Abs(p-psi0) > 1e-10*psi0 { // 1 − e loses digits at small Δt
				t.Errorf("%s Δt=%g: ψ(0) = %v, want ξ²/(2κθ) = %v", c.name, dt, p, psi0)
			}
			prev := psi(0)
			for v := 1e-6; v < 4; v *= 1.5 {
				if p := psi(v); p > prev*(1+1e-14) {
					t.Errorf("%s Δt=%g: ψ(%g) = %v > ψ at smaller v %v", c.name, dt, v, p, prev)
				} else {
					prev = p
				}
			}
		}
		if got, want := c.m.QEQuadratic(), psi0 < 1.5; got != want {
			t.Errorf("%s: QEQuadratic %v with ψ(0) = %v", c.name, got, psi0)
		}
	}
}

// qeEvolve runs EvolveHeston under QE on n paths and the normals z and
// returns the block (fresh storage, so blocks can be compared).
func qeEvolve(m sde.Heston, steps, fixings, n int, z []float64, need sde.Need) (*sde.Block, *sde.Grid) {
	var g sde.Grid
	var b sde.Block
	b.Resize(n, fixings)
	g.EvolveHeston(m, sde.QE, steps, z, &b, need)
	return &b, &g
}

// TestQETangent is the decisive check of the QE tangents: on fixed normals,
// ∂S_{t_j}/∂√v₀ (DVol, every fixing) and ∂ln S_T/∂T (HestonExpiryTangent)
// equal central differences of the scheme itself, with h = 1e-5 (relative),
// to 1e-7 of the natural scale (S_0√T for DVol, √T for ∂ln S_T/∂T; central
// differences' O(h²) and rounding are about 1e-9 of it). The paths include
// ones where v nears 0 (the mild set violates Feller); the worst gaps
// measured are 2e-9 (DVol) and 2e-10 (T). Leaving out the derivative of the
// martingale correction's ½ln(den₂/den) fails it by 0.02–0.06, leaving out
// ∂s1 and ∂s0 in T by 0.06–0.55.
func TestQETangent(t *testing.T) {
	const n, steps, fixings = 256, 16, 4
	for _, c := range qeTangentSets {
		m := c.m
		z := make([]float64, 2*n*steps)
		rngstream.New(7, 1).Normals(z)
		b, _ := qeEvolve(m, steps, fixings, n, z, sde.NeedDVol)
		sv := math.Sqrt(m.V0)
		h := 1e-5 * sv
		up, dn := m, m
		up.V0, dn.V0 = (sv+h)*(sv+h), (sv-h)*(sv-h)
		bu, _ := qeEvolve(up, steps, fixings, n, z, 0)
		bd, _ := qeEvolve(dn, steps, fixings, n, z, 0)
		scale := m.Spot * math.Sqrt(m.Expiry)
		worst := 0.0
		for i, d := range b.DVol[:n*fixings] {
			fd := (bu.Obs[i] - bd.Obs[i]) / (2 * h)
			worst = max(worst, math.Abs(d-fd)/scale)
		}
		t.Logf("%s: DVol vs central differences, worst gap %.2g of S_0√T", c.name, worst)
		if !(worst < 1e-7) {
			t.Errorf("%s: DVol differs from central differences by %g of S_0√T", c.name, worst)
		}

		// T: one fixing, ∂ln S_T/∂T at fixed steps.
		_, g := qeEvolve(m, steps, 1, n, z, sde.NeedDExpiry)
		tx := append([]float64(nil), g.HestonExpiryTangent()[:n]...)
		ht := 1e-5 * m.Expiry
		up, dn = m, m
		up.Expiry, dn.Expiry = m.Expiry+ht, m.Expiry-ht
		bu, _ = qeEvolve(up, steps, 1, n, z, 0)
		bd, _ = qeEvolve(dn, steps, 1, n, z, 0)
		worst = 0
		for i, d := range tx {
			fd := (math.Log(bu.Obs[i]) - math.Log(bd.Obs[i])) / (2 * ht)
			worst = max(worst, math.Abs(d-fd)/math.Sqrt(m.Expiry))
		}
		t.Logf("%s: ∂ln S_T/∂T vs central differences, worst gap %.2g of √T", c.name, worst)
		if !(worst < 1e-7) {
			t.Errorf("%s: ∂ln S_T/∂T differs from central differences by %g of √T", c.name, worst)
		}
	}
}

// TestQETangentPrices checks that asking for the tangents and weights does
// not change a value qeStep computes: the fixings, Y, the Delta weight and
// the conditional variance are bitwise those of a run without them, and
// the variance at T too.
func TestQETangentPrices(t *testing.T) {
	const n, steps, fixings = 100, 12, 3
	for _, c := range qeTangentSets {
		z := make([]float64, 2*n*steps)
		rngstream.New(9, 3).Normals(z)
		base := sde.NeedY | sde.NeedWeight
		a, ga := qeEvolve(c.m, steps, fixings, n, z, base)
		va := append([]float64(nil), ga.HestonVariance()[:n]...)
		b, gb := qeEvolve(c.m, steps, fixings, n, z, base|sde.NeedDVol|sde.NeedDExpiry)
		for k, r := range [][2][]float64{{a.Obs, b.Obs}, {a.Y, b.Y}, {a.Weight, b.Weight}, {a.CondVar, b.CondVar}, {va, gb.HestonVariance()}} {
			for i := range r[0][:n] {
				if math.Float64bits(r[0][i]) != math.Float64bits(r[1][i]) {
					t.Fatalf("%s: array %d element %d: %v without tangents, %v with", c.name, k, i, r[0][i], r[1][i])
				}
			}
		}
	}
}

// TestQETangentRefused checks that EvolveHeston refuses the QE tangents
// where ξ² ≥ 3κθ (the strongly violated set, ψ(0) = 12.5).
func TestQETangentRefused(t *testing.T) {
	m := hestonSets[1].m
	for _, need := range []sde.Need{sde.NeedDVol, sde.NeedDExpiry} {
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, "3κθ") {
					t.Errorf("need %v: recovered %v, want a panic naming ξ² ≥ 3κθ", need, r)
				}
			}()
			qeEvolve(m, 8, 1, 8, make([]float64, 2*8*8), need)
		}()
	}
}

// TestHestonAgedTangent checks the tangent in the first fixing interval's
// length t_1 (NeedDExpiry; only Δ₁ = t_1/N₁ moves, later steps keep
// Δ = T/steps) against central differences of EvolveHestonAged at
// t_1 ± h on fixed normals, h = 1e-6·t_1, at every fixing (Block.DTime =
// ∂S_{t_j}/∂t_1): on the uniform grid (EvolveHeston, t_1 = T/m) and on an
// aged one (t_1 = 0.2 against T/m = 1/3), under QE on the quadratic sets
// and under Euler on the Feller set (whose paths stay away from the
// truncation's kink), to 1e-7 of S_0/√T.
func TestHestonAgedTangent(t *testing.T) {
	const n, steps, fixings = 128, 12, 3
	for _, c := range []struct {
		name string
		m    sde.Heston
		s    sde.Scheme
	}{{"feller-qe", qeTangentSets[0].m, sde.QE}, {"mild-qe", qeTangentSets[1].m, sde.QE}, {"div-qe", qeTangentSets[2].m, sde.QE}, {"feller-euler", qeTangentSets[0].m, sde.Euler}} {
		m := c.m
		z := make([]float64, 2*n*steps)
		rngstream.New(11, 2).Normals(z)
		for _, t1 := range []float64{0, 0.2} {
			var g sde.Grid
			var b, bu, bd sde.Block
			b.Resize(n, fixings)
			bu.Resize(n, fixings)
			bd.Resize(n, fixings)
			base := t1
			if t1 == 0 {
				g.EvolveHeston(m, c.s, steps, z, &b, sde.NeedDExpiry)
				base = m.Expiry / fixings
			} else {
				g.EvolveHestonAged(m, c.s, t1, steps, z, &b, sde.NeedDExpiry)
			}
			h := 1e-6 * base
			g.EvolveHestonAged(m, c.s, base+h, steps, z, &bu, 0)
			g.EvolveHestonAged(m, c.s, base-h, steps, z, &bd, 0)
			scale := m.Spot / math.Sqrt(m.Expiry)
			worst := 0.0
			for i, d := range b.DTime[:n*fixings] {
				fd := (bu.Obs[i] - bd.Obs[i]) / (2 * h)
				worst = max(worst, math.Abs(d-fd)/scale)
			}
			t.Logf("%s t_1=%g: ∂S_{t_j}/∂t_1 vs central differences, worst gap %.2g of S_0/√T", c.name, base, worst)
			if !(worst < 1e-7) {
				t.Errorf("%s t_1=%g: DTime differs from central differences by %g of S_0/√T", c.name, base, worst)
			}
		}
	}
}
