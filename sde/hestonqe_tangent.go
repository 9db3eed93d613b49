package sde

import "math"

// QEQuadratic reports whether every step of Andersen's QE scheme takes the
// quadratic branch, whatever the step length and the variance: ξ² < 2ψ_cκθ
// = 3κθ. Then the scheme is a smooth function of v₀ and of T at fixed
// normals and EvolveHeston has its tangents under QE (NeedDVol,
// NeedDExpiry).
//
// Why. With e = e^{−κΔt}, u = v e ≥ 0 and c = θ(1 − e) > 0, the step's
// moments are m = u + c and s² = ξ²(1 − e)/κ · (u + c/2), so
//
//	ψ(v) = s²/m² = ξ²(1 − e)/κ · (u + c/2)/(u + c)²,
//	∂ψ/∂u = ξ²(1 − e)/κ · ((u + c) − 2(u + c/2))/(u + c)³ = −ξ²(1 − e)/κ · u/(u + c)³ ≤ 0:
//
// ψ decreases in v, and its largest value, at v = 0, is
//
//	ψ(0) = ξ²(1 − e)/κ · (c/2)/c² = ξ²(1 − e)/(2κθ(1 − e)) = ξ²/(2κθ),
//
// free of Δt. Hence ψ ≤ ξ²/(2κθ) < ψ_c on every step of every path when
// ξ² < 3κθ (every Feller set, 2κθ ≥ ξ², and the mildly violated ones), and
// the exponential branch, whose value jumps at ψ_c and kinks at U = p, is
// never taken. Where ξ² ≥ 3κθ the steps from a small v take it. (The
// floating-point comparison in qeStep could still send a path with ψ
// within a rounding of ψ_c = ψ(0) to the exponential branch; that needs
// ξ²/(3κθ) within about 1e-15 of 1.)
func (m Heston) QEQuadratic() bool { return m.Xi*m.Xi < 2*qePsiC*m.Kappa*m.Theta }

// qeDeriv holds the derivatives of a step's qeConsts in the parameter of a
// tangent: zero for √v₀ (which moves only v) and for the steps after the
// first fixing interval, and in the first interval's length t_1, over its
// N₁ steps of Δt = t_1/N₁, ∂Δt/∂t_1 = 1/N₁ (qeDerivT; with one fixing this
// is T at fixed step count N).
type qeDeriv struct {
	e, th1, s1, s0 float64 // ∂e, ∂(θ(1 − e)), ∂s1, ∂s0
	k2, hk3, k3, a float64 // ∂K₂, ∂(½K₃), ∂K₃, ∂A
	drift          float64 // ∂((r − q)Δt)
}

// qeDerivT returns the derivatives of qeConst(hm, dt) in T at fixed step
// count, dt = T/N, invN = 1/N (or in t_1, dt = t_1/N₁, invN = 1/N₁):
//
//	∂e  = −κe/N,                 ∂(θ(1 − e)) = −θ∂e,
//	∂s1 = ξ²(1 − 2e)∂e/κ,        ∂s0 = −θξ²(1 − e)∂e/κ,
//	∂K₂ = ½(κρ/ξ − ½)/N,         ∂K₃ = ½(1 − ρ²)/N,   ∂A = ∂K₂ + ½∂K₃,
//	∂((r − q)Δt) = (r − q)/N.
func qeDerivT(hm Heston, dt, invN float64) qeDeriv {
	rho, xi, kappa, theta := hm.Rho, hm.Xi, hm.Kappa, hm.Theta
	e := math.Exp(-kappa * dt)
	de := -kappa * e * invN
	dk2 := 0.5 * (kappa*rho/xi - 0.5) * invN
	dk3 := 0.5 * (1 - rho*rho) * invN
	return qeDeriv{
		e: de, th1: -theta * de,
		s1: xi * xi * (1 - 2*e) * de / kappa, s0: -theta * xi * xi * (1 - e) * de / kappa,
		k2: dk2, hk3: 0.5 * dk3, k3: dk3, a: dk2 + 0.5*dk3,
		drift: (hm.Rate - hm.Div) * invN,
	}
}

// qeTangent advances, beside qeStep, the tangent of one QE step in a
// parameter θ (√v₀ with d the zero qeDeriv, or t_1 with d = qeDerivT on
// the first fixing interval's steps and zero after) on the
// quadratic branch (every step's, Heston.QEQuadratic): given v_k (vk),
// v_{k+1} (vn, qeStep's value), the normals Z⊥ (zp) and Z_v (zv) and
// u = ∂v_k, it adds the step's ∂ln S to dx, ∂M_k to dm and ∂c_k to dc
// (M_k and c_k the conditional mean and variance of the step's ln S
// increment given the variance path) and sets u to ∂v_{k+1}. It reads and
// writes nothing of qeStep's, so the values are qeStep's whether or not a
// tangent is taken.
//
// The derivation, ∂ the total derivative in θ (∂v_k = u, ∂e etc. from d).
// The moments and 2/ψ:
//
//	m = e v_k + θ(1 − e),   ∂m = e u + ∂e v_k + ∂(θ(1 − e)),
//	s² = s1 v_k + s0,        ∂s² = s1 u + ∂s1 v_k + ∂s0,
//	q = 2/ψ = 2m²/s²,        ∂q = q (2∂m/m − ∂s²/s²).
//
// q > 2/ψ_c, so qeStep's clamp max(q, 2/ψ_c) is inactive. The branch:
//
//	b² = q − 1 + r,  r = √(q(q − 1)),   ∂b² = ∂q (1 + (2q − 1)/(2r)),   ∂b = ∂b²/(2b),
//	a = m/(1 + b²),                       ∂a = (∂m − a ∂b²)/(1 + b²),
//	v_{k+1} = a (b + Z_v)²,               ∂v_{k+1} = (b + Z_v)(∂a (b + Z_v) + 2a ∂b).
//
// (qeStep's a = m·den₂/(den·den₂) is m/den whatever the floor of den₂.)
// The tangent of v_{k+1} is √v_{k+1}·sign(b + Z_v)(∂a(b + Z_v) + 2a∂b)/√a, so
// ∂v/√v stays bounded where v → 0, unlike full-truncation Euler's
// 1/√v_k: the spot step's ∂√c_k = ∂c_k/(2√c_k) below does not explode and
// the Feller condition is not needed.
//
// The martingale correction on the quadratic branch, with den = 1 + b² and
// den₂ = max(den − 2Am, 10⁻¹² den) (= den(1 − 2Aa) unless floored), is
// −ln M = −ℓ + ½(ln den₂ − ln den), ℓ = A b² m/den₂ (qeStep adds −ℓ now and
// ½ln(den₂/den) at the fixing, qeFlush). The floor is a max, so the branch
// taken is differentiated:
//
//	∂den₂ = ∂b² − 2(∂A m + A ∂m)   (den − 2Am ≥ 10⁻¹² den),   10⁻¹² ∂b²   (floored),
//	∂ℓ = (∂A b² m + A ∂b² m + A b² ∂m − ℓ ∂den₂)/den₂,
//	∂(−ln M) = −∂ℓ + ½(∂den₂/den₂ − ∂b²/den).
//
// The spot step, ln S_{k+1} = ln S_k + M_k + √c_k Z⊥ with
// M_k = (r − q)Δt − ln M − ½K₃ v_k + K₂ v_{k+1} and c_k = K₃(v_k + v_{k+1}):
//
//	∂M_k = ∂((r − q)Δt) + ∂(−ln M) − ∂(½K₃) v_k − ½K₃ u + ∂K₂ v_{k+1} + K₂ ∂v_{k+1},
//	∂c_k = ∂K₃ (v_k + v_{k+1}) + K₃ (u + ∂v_{k+1}),
//	∂ln S_{k+1} = ∂ln S_k + ∂M_k + Z⊥ ∂c_k/(2√c_k).
//
// (c_k > 0: v_{k+1} = 0 only where Z_v = −b, and v_0 > 0.)
func qeTangent(qe *qeConsts, d *qeDeriv, zp, zv, vk, vn, u, dx, dm, dc []float64) {
	n := len(zp)
	zv, vk, vn, u, dx, dm, dc = zv[:n], vk[:n], vn[:n], u[:n], dx[:n], dm[:n], dc[:n]
	for i, zi := range zp {
		v, vp, uk := vk[i], vn[i], u[i]
		bb, db2, a, da, dlnM := qeQuadDeriv(qe, d, v, uk)
		zb := bb + zv[i]
		un := zb * (da*zb + a*db2/bb)
		dM := d.drift + dlnM - d.hk3*v - qe.hk3*uk + d.k2*vp + qe.k2*un
		ck := qe.k3 * (v + vp)
		dck := d.k3*(v+vp) + qe.k3*(uk+un)
		dx[i] += dM + zi*dck/(2*math.Sqrt(ck))
		dm[i] += dM
		dc[i] += dck
		u[i] = un
	}
}

// qeQuadDeriv returns, for a QE step from v on the quadratic branch, b
// (bb), a and the derivatives of b², a and the martingale correction
// −ln M in a parameter that moves v by u and the step's constants by d
// (qeTangent's derivation): ∂b² (db2), ∂a (da), ∂(−ln M) (dlnM).
func qeQuadDeriv(qe *qeConsts, d *qeDeriv, v, u float64) (bb, db2, a, da, dlnM float64) {
	A, dA := qe.a, d.a
	mm := qe.e*v + qe.th1
	dmm := qe.e*u + d.e*v + d.th1
	s2 := qe.s1*v + qe.s0
	ds2 := qe.s1*u + d.s1*v + d.s0
	q := 2 * mm * mm / s2
	dq := q * (2*dmm/mm - ds2/s2)
	r := math.Sqrt(q * (q - 1))
	b2 := q - 1 + r
	db2 = dq * (1 + (2*q-1)/(2*r))
	bb = math.Sqrt(b2)
	den := 1 + b2
	a = mm / den
	da = (dmm - a*db2) / den
	den2, dden2 := den-2*A*mm, db2-2*(dA*mm+A*dmm)
	if fl := 1e-12 * den; den2 < fl {
		den2, dden2 = fl, 1e-12*db2
	}
	l := A * b2 * mm / den2
	dl := (dA*b2*mm + A*db2*mm + A*b2*dmm - l*dden2) / den2
	return bb, db2, a, da, -dl + 0.5*(dden2/den2-db2/den)
}

// qeScore adds a step's √c_k Z⊥ to yl and c_k = K₃(v_k + v_{k+1}) to cl,
// the fixing interval's sums of the conditional Vega weight
// (HestonVegaWeight) under QE.
func qeScore(qe *qeConsts, zp, vk, vn, yl, cl []float64) {
	n := len(zp)
	vk, vn, yl, cl = vk[:n], vn[:n], yl[:n], cl[:n]
	for i, zi := range zp {
		ck := qe.k3 * (vk[i] + vn[i])
		yl[i] += math.Sqrt(ck) * zi
		cl[i] += ck
	}
}

// clearAll zeroes each of xs.
func clearAll(xs ...[]float64) {
	for _, x := range xs {
		clear(x)
	}
}
