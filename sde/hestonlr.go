package sde

import "math"

// hestonVegaLR sets nu to the first step's likelihood-ratio Vega weight of
// EvolveHeston (NeedVegaWeight without NeedDVol; see HestonVegaWeight):
// given the step-0 constants qe (QE) or dt (Euler), the step's normals zp
// (Z⊥) and zv (Z_v) and v1, the variance after the step.
//
// v₀ enters the scheme only through the first step's transition
// (v₀, ln S_0) → (v₁, ln S_1): every later step is a function of (v₁, ln S_1)
// and its own normals. So with p(v₁ | v₀) the law of the variance step and
// p(x₁ | v₀, v₁) the conditional law of the log-spot step given it,
//
//	∂/∂√v₀ E[F] = E[F ν],   ν = 2√v₀ (∂_{v₀} ln p(v₁ | v₀) + ∂_{v₀} ln p(x₁ | v₀, v₁)),
//
// the derivatives at the drawn (v₁, x₁). This is exact for the discrete
// scheme and needs no tangent of the variance path, so it holds where the
// tangent does not exist (QE where ξ² ≥ 3κθ, whose exponential branch jumps
// at ψ_c) or explodes (Euler without Feller). The price is its variance:
// the first step's law narrows as Δt → 0, and ν's standard deviation grows
// like 1/√Δt (√(steps/T)).
//
// QE. At v₀ the step's m, s² and ψ are the same on every path (m' = e,
// s²' = s1 in v₀), so the branch is too.
//
// Quadratic (ψ ≤ ψ_c): v₁ = a(b + Z_v)², with R = √(v₁/a) = |b + Z_v| its
// density is (φ(R − b) + φ(R + b))/(2√(a v₁)), so
//
//	ln p = −(R² + b²)/2 + ln cosh(Rb) − ½ln a + const,   R' = −R a'/(2a),
//	∂_{v₀} ln p = −RR' − bb' + tanh(Rb)(R'b + Rb') − a'/(2a),
//
// with b' and a' from qeTangent's derivation (q = 2m²/s², b² = q − 1 + √(q(q − 1)),
// a = m/(1 + b²)).
//
// Exponential (ψ > ψ_c): v₁ is 0 with probability p and Exp(β) otherwise,
// a density p·δ₀ + (1 − p)βe^{−βv} against δ₀ plus Lebesgue measure, which
// does not move with v₀; with D = s² + m², p = (s² − m²)/D, β = 2m/D,
//
//	∂_{v₀} ln p = p'/p  (v₁ = 0),   −p'/(1 − p) + β'/β − β'v₁  (v₁ > 0).
//
// Given v₁ the log-spot step is Gaussian, x₁ = x₀ + M + √c Z⊥ with
// M = (r − q)Δt − ln M_c − ½K₃v₀ + K₂v₁ (M_c the martingale correction's
// moment, qeStep) and c = K₃(v₀ + v₁), so with Y = √c Z⊥
//
//	∂_{v₀} ln p(x₁ | ·) = (Y/c)M' + ½((Y/c)² − 1/c)c' = Z⊥ M'/√c + ½(Z⊥² − 1)K₃/c,
//	M' = ∂(−ln M_c) − ½K₃,
//
// ∂(−ln M_c) as in qeTangent on the quadratic branch and −M_c'/M_c with
// M_c = p + β(1 − p)/(β − A) on the exponential one.
//
// Euler (v₀ > 0, so the first step is not truncated): v₁ ~ N(μ, σ²),
// μ = v₀ + κ(θ − v₀)Δt, σ² = ξ²v₀Δt, and given v₁ (that is, Z_v) x₁ is
// Gaussian with mean x₀ + (r − q)Δt − ½v₀Δt + ρ(v₁ − μ)/ξ and variance
// c = (1 − ρ²)v₀Δt:
//
//	∂_{v₀} ln p(v₁) = Z_v(1 − κΔt)/σ + ½(Z_v² − 1)/v₀,
//	∂_{v₀} ln p(x₁ | v₁) = Z⊥ M'/√c + ½(Z⊥² − 1)/v₀,   M' = −½Δt − ρ(1 − κΔt)/ξ.
func hestonVegaLR(hm Heston, s Scheme, qe *qeConsts, dt float64, zp, zv, v1, nu []float64) {
	n := len(zp)
	zv, v1, nu = zv[:n], v1[:n], nu[:n]
	v0 := hm.V0
	c2 := 2 * math.Sqrt(v0) // ∂v₀/∂√v₀
	if s == Euler {
		kd := 1 - hm.Kappa*dt
		sig := hm.Xi * math.Sqrt(v0*dt)
		sc := math.Sqrt((1 - hm.Rho*hm.Rho) * v0 * dt)
		dM := -0.5*dt - hm.Rho*kd/hm.Xi
		for i, zi := range zp {
			z := zv[i]
			sv := z*kd/sig + 0.5*(z*z-1)/v0
			sx := zi*dM/sc + 0.5*(zi*zi-1)/v0
			nu[i] = c2 * (sv + sx)
		}
		return
	}
	A := qe.a
	mm := qe.e*v0 + qe.th1
	s2 := qe.s1*v0 + qe.s0
	dmm, ds2 := qe.e, qe.s1
	ck0 := qe.k3 * v0        // c = ck0 + K₃v₁
	if s2 <= qe.psic*mm*mm { // quadratic, as qeStep decides
		bb, db2, a, da, dlnM := qeQuadDeriv(qe, &qeDeriv{}, v0, 1)
		db := db2 / (2 * bb)
		dM := dlnM - qe.hk3
		for i, zi := range zp {
			R := math.Abs(bb + zv[i])
			dR := -R * da / (2 * a)
			sv := -R*dR - bb*db + math.Tanh(R*bb)*(dR*bb+R*db) - da/(2*a)
			c := ck0 + qe.k3*v1[i]
			sx := zi*dM/math.Sqrt(c) + 0.5*(zi*zi-1)*qe.k3/c
			nu[i] = c2 * (sv + sx)
		}
		return
	}
	d := s2 + mm*mm
	dd := ds2 + 2*mm*dmm
	p := (s2 - mm*mm) / d
	dp := (ds2 - 2*mm*dmm - p*dd) / d
	beta := 2 * mm / d
	dbeta := (2*dmm - beta*dd) / d
	ba := beta - A
	dba := dbeta
	if ba < 1e-12 {
		ba, dba = 1e-12, 0
	}
	mc := p + beta*(1-p)/ba
	dmc := dp + (dbeta*(1-p)-beta*dp)/ba - beta*(1-p)*dba/(ba*ba)
	dM := -dmc/mc - qe.hk3
	s0, s1 := dp/p, -dp/(1-p)+dbeta/beta
	for i, zi := range zp {
		vn := v1[i]
		sv := s1 - dbeta*vn
		if vn == 0 {
			sv = s0
		}
		c := ck0 + qe.k3*vn
		sx := zi*dM/math.Sqrt(c) + 0.5*(zi*zi-1)*qe.k3/c
		nu[i] = c2 * (sv + sx)
	}
}
