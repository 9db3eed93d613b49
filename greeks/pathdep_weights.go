package greeks

import (
	"math"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Malliavin Gamma and Vega weights of path-dependent payoffs (arithmetic
// and geometric Asian options, discrete barriers) on one GBM asset sampled
// exactly at the m fixings t_j = jΔ, Δ = T/m.
//
// The path is ln S_{t_j} = ln S_0 + Σ_{k≤j} (μΔ + σ ΔW_k), μ = r − q − σ²/2,
// with independent increments ΔW_k ~ N(0, Δ). The Skorohod integral over
// the fixing grid of an adapted, piecewise-constant direction is the sum of
// the direction times the increments, so the weights below are Gaussian
// integrations by parts in the ΔW_k (equivalently, likelihood ratios of
// the increments' joint density):
//
// Gamma, any payoff of the fixings. S_0 moves every ln S_{t_j} by the same
// 1/S_0, which is a move of ΔW_1 alone by 1/(σS_0): the direction
// u = 1{s < t_1}/(σS_0t_1) (the first-interval Delta weight
// π_1 = W_{t_1}/(S_0σt_1)). Given the later increments, ln S_{t_1} is
// normal with mean ln S_0 + μt_1 and variance σ²t_1, so Gamma's weight is
// the European one with T → t_1, W_T → W_{t_1}:
//
//	γ_1 = (W_{t_1}² − σt_1 W_{t_1} − t_1)/(S_0² σ² t_1²).
//
// Vega, any payoff of the fixings. σ enters each increment's law
// N(μΔ, σ²Δ) of ln S_{t_k} − ln S_{t_{k−1}}; the score is the sum of the
// European Vega weights of the increments (Glasserman 2003, §7.3):
//
//	ν_Σ = Σ_k (ΔW_k²/(σΔ) − ΔW_k − 1/σ) = Σ_k z_k²/σ − W_T − m/σ,
//
// z_k = ΔW_k/√Δ the normals. With m = 1 both are the European weights.
// Their variances grow with m: γ_1 as m² (1/t_1²), ν_Σ as m (it sums m
// independent scores of variance 2/σ² + Δ); the localized and hybrid
// estimators lean on the pathwise half, which does not.
//
// Geometric Asian. The payoff depends on the path through
// Z̄ = (1/m) Σ_j W_{t_j} = (1/m) Σ_k (m − k + 1) ΔW_k only, and
// ln G = ln S_0 + μt̄ + σZ̄ with Z̄ ~ N(0, v),
//
//	t̄ = T(m + 1)/(2m),   v = T(m + 1)(2m + 1)/(6m²)
//
// (package analytic's σ_G² = σ²v). Conditioning the weights on Z̄ (the
// density of ln G: mean ln S_0 + μt̄, variance σ²v; ∂mean/∂σ = −σt̄,
// ∂variance/∂σ = 2σv) gives weights whose variance does not grow with m:
//
//	γ_G = (Z̄² − σvZ̄ − v)/(S_0² σ² v²),
//	ν_G = Z̄²/(σv) − Z̄ t̄/v − 1/σ.
//
// The localized and hybrid P halves are those of the European Greeks:
// Gamma's mixed pathwise–likelihood-ratio D φ (π − 1/S_0)/S_0 with
// φ = Σ_j ∂f/∂S_{t_j} S_{t_j} and π the run's Delta weight (the Asian
// weights, valid for functions of the average, or π_1 for a barrier's
// smoothed payoff), and Vega's pathwise D Σ_j ∂f/∂S_{t_j} ∂S_{t_j}/∂σ.

// pathDep reports whether Gamma and Vega of p on m under s take the
// path-dependent weights above: an Asian or barrier payoff with several
// fixings on one GBM asset under the exact scheme.
func pathDep(p payoff.Payoff, m sde.Model, s sde.Scheme) bool {
	if _, ok := m.(sde.GBM); !ok || s != sde.Exact || european(p) {
		return false
	}
	return asian(p) || knockout(p)
}

// knockout reports whether p is a discretely monitored barrier option.
func knockout(p payoff.Payoff) bool {
	switch p.(type) {
	case payoff.UpOutCall, payoff.UpInCall, payoff.DownOutPut, payoff.DownInPut:
		return true
	}
	return false
}

// pathDepWeights fills w.pg and w.pv with the Gamma and Vega weights of
// the block's n paths from its normals w.z (one asset: z[j*n+i] drives
// fixing interval j of path i).
func (w *worker) pathDepWeights(pl *plan, n int) {
	m, par := pl.fixings, pl.par
	T, sig, s0 := par.Expiry, par.Vol, par.Spot
	dt := T / float64(m)
	sq := math.Sqrt(dt)
	z := w.z[:n*m]
	g, v := w.pg[:n], w.pv[:n]
	if pl.wkind == weightGeoAsian {
		// Z̄ accumulates in g: increment j (0-based) counts m − j times.
		clear(g)
		for j := range m {
			c := sq * float64(m-j) / float64(m)
			for i, x := range z[j*n : j*n+n] {
				g[i] += c * x
			}
		}
		fm := float64(m)
		tbar := T * (fm + 1) / (2 * fm)
		vv := T * (fm + 1) * (2*fm + 1) / (6 * fm * fm)
		cg := 1 / (s0 * s0 * sig * sig * vv * vv)
		for i, zb := range g {
			v[i] = zb*zb/(sig*vv) - zb*tbar/vv - 1/sig
			g[i] = cg * (zb*zb - sig*vv*zb - vv)
		}
		return
	}
	// Σ z_k² accumulates in v.
	clear(v)
	for j := range m {
		for i, x := range z[j*n : j*n+n] {
			v[i] += x * x
		}
	}
	cg := 1 / (s0 * s0 * sig * sig * dt * dt)
	is := 1 / sig
	for i, w1 := range z[:n] {
		w1 *= sq
		g[i] = cg * (w1*w1 - sig*dt*w1 - dt)
		v[i] = (v[i]-float64(m))*is - w.base.W[i]
	}
}

// pathDepGammaSamples returns the mixed pathwise–likelihood-ratio Gamma
// samples over D/S_0, φ (π − 1/S_0), for pairSums to pair
// P = D φ (π − 1/S_0)/S_0 (+ D r γ) with the Malliavin M = D f γ, γ the
// path-dependent Gamma weight w.pg.
func (w *worker) pathDepGammaSamples(n int, phi, pi []float64, s0 float64) []float64 {
	a := w.fx[0][:n]
	inv := 1 / s0
	for i, p := range phi[:n] {
		a[i] = p * (pi[i] - inv)
	}
	return a
}
