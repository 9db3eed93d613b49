package sde

import (
	"math"

	"github.com/hybridgreeks/hybridgreeks/internal/vmath"
)

// Heston is a Model of one observed asset (S) and one hidden factor (v):
// Params().Vol is the initial volatility √V0, and Bump(spot, vol) sets Spot
// and V0 = vol², so that the engine's Vega is ∂V/∂√V0.

// Params implements Model: Vol is √V0.
func (m Heston) Params() Params {
	return Params{m.Spot, m.Rate, m.Div, math.Sqrt(m.V0), m.Expiry}
}

// Bump implements Model: the spot and the initial volatility √V0 = vol.
func (m Heston) Bump(spot, vol float64) Model { m.Spot, m.V0 = spot, vol*vol; return m }

// Name implements Model.
func (Heston) Name() string { return "heston" }

// Assets implements Assets: one observed asset.
func (Heston) Assets() int { return 1 }

// Asset implements Assets.
func (m Heston) Asset(int) Params { return m.Params() }

// Drivers implements Assets: two normals a step, one for the spot's noise
// independent of the variance and one for the variance.
func (Heston) Drivers() int { return 2 }

// Coefficients implements Diffusion with the spot's coefficients frozen at
// the initial variance, b(x) = (Rate − Div)x, σ(x) = √V0·x. Heston paths are
// simulated by Grid.EvolveHeston, not Grid.Evolve; this only makes Heston a
// Model.
func (m Heston) Coefficients(x []float64, c *Coefs) {
	GBM{Spot: m.Spot, Rate: m.Rate, Div: m.Div, Vol: math.Sqrt(m.V0), Expiry: m.Expiry}.Coefficients(x, c)
}

// hestonState is the reusable per-worker storage of EvolveHeston.
type hestonState struct {
	x, v, y, c, dv, dx []float64
	v1, lm, mq, ps, dl []float64 // QE: v_{k+1}, the linear part of ln M, m, s² and M's factor of a step
	pe, ie             []float64 // QE: Π M's factors since the last fixing, as mantissa in [1, 2) and binary exponent
	dm, dc, nu, yl, cl []float64 // a fixing interval's ∂M/∂√v₀, ∂C/∂√v₀, Y⊥ and C, and the Vega weight (HestonVegaWeight)
	tv, tm, tc, tx, nt []float64 // ∂v/∂t_1, a fixing interval's ∂M/∂t_1 and ∂C/∂t_1, ∂ln S/∂t_1 and the t_1 weight (HestonExpiryWeight)
	vq                 []float64 // QE with a tangent: v_k before the step
	idx                []int32   // QE: the paths on the exponential branch
	pa, pl, eb, er     []float64 // QE, exponential branch, compacted: ln Φ(−Z_v)'s a, (1 − p)/l, β and 1/M²
	pt                 []int32   // QE: LogPhiParts' scratch
}

// qePsiC is Andersen's switching level ψ_c between the quadratic and the
// exponential branches.
const qePsiC = 1.5

// EvolveHeston advances a block of Heston paths over [0, T] in steps
// uniform steps of scheme s (QE or Euler) and observes S at the fixings
// t_j = jT/m, m = b.Fixings(); steps must be a multiple of m. z holds
// 2·n·steps standard normals, step-major then driver: z[(2k+0)n+i] = Z⊥
// drives path i's spot noise independent of the variance over step k and
// z[(2k+1)n+i] = Z_v its variance. b must be sized by Resize.
//
// Full-truncation Euler (s = Euler; Lord, Koekkoek and van Dijk 2010), with
// v⁺ = max(v, 0) and ρ̄ = √(1 − ρ²):
//
//	ln S_{k+1} = ln S_k + (r − q − v_k⁺/2)Δt + √(v_k⁺Δt) (ρ Z_v + ρ̄ Z⊥),
//	v_{k+1}    = v_k + κ(θ − v_k⁺)Δt + ξ √(v_k⁺Δt) Z_v.
//
// Andersen's QE (s = QE; Andersen 2008, §3.2.3 and §4.2): given v_k, with
// e = e^{−κΔt}, m = θ + (v_k − θ)e, s² = v_k ξ² e(1 − e)/κ + θξ²(1 − e)²/(2κ)
// and ψ = s²/m²,
//
//	ψ ≤ ψ_c = 1.5:  b² = 2/ψ − 1 + √(2/ψ)√(2/ψ − 1),  a = m/(1 + b²),
//	                v_{k+1} = a (b + Z_v)²,
//	ψ > ψ_c:        p = (ψ − 1)/(ψ + 1),  β = (1 − p)/m,
//	                v_{k+1} = max(0, ln((1 − p)/(1 − U)))/β,   U = Φ(Z_v).
//
// The uniform of the exponential branch is derived from the variance's
// normal, U = Φ(Z_v) (evaluated as 1 − U = Φ(−Z_v) = erfc(Z_v/√2)/2 so
// that no digits are lost), so that the normals are the only input: a step
// always consumes exactly two, whatever branch it takes, and any source of
// normals (pseudo-random or quasi-random) drives the scheme. The log-spot
// step with γ₁ = γ₂ = ½ is
//
//	ln S_{k+1} = ln S_k + (r − q)Δt + K₀* + K₁ v_k + K₂ v_{k+1} + √(K₃ v_k + K₄ v_{k+1}) Z⊥,
//	K₁ = ½Δt(κρ/ξ − ½) − ρ/ξ,  K₂ = ½Δt(κρ/ξ − ½) + ρ/ξ,  K₃ = K₄ = ½Δt(1 − ρ²),
//
// with the martingale correction K₀* = −ln E[e^{A v_{k+1}} | v_k] − (K₁ + ½K₃) v_k,
// A = K₂ + ½K₄, the expectation being exp(A b² a/(1 − 2Aa))/√(1 − 2Aa) on the
// quadratic branch and p + β(1 − p)/(β − A) on the exponential one; with it
// E[S_{k+1} | S_k, v_k] = S_k e^{(r−q)Δt} exactly, so S e^{−(r−q)t} is a
// martingale of the scheme. The expectation needs A < 1/(2a) and A < β
// (Andersen's Proposition 5), which holds for ρ ≤ 0 and for the usual steps;
// where it fails the denominators are floored at 1e-12 rather than giving NaN.
// The step is computed by qeStep (two divisions and two square roots on the
// quadratic branch, which runs on every path; the exponential branch on
// the compacted paths that take it) and the logarithm of the martingale
// correction's factor is taken once a fixing, not once a step (qeFlush).
//
// Alongside S it fills, as need asks:
//
//	Y (NeedY):        S_{t_j}/S_0. The variance does not depend on S_0 and
//	                  ln S is ln S_0 plus terms free of it, so S ∝ S_0 on the
//	                  same normals: pathwise Delta is exact for the scheme.
//	Weight, Chain and CondVar (NeedWeight or NeedChain): the conditional
//	                  Malliavin Delta weight below (Weight and Chain alike).
//	DVol (NeedDVol):  ∂S_{t_j}/∂√v₀ by the tangent of the chain, u_0 = 2√v₀.
//	                  Euler: u_{k+1} = u_k − κΔt·1{v_k>0}u_k + ξ√Δt Z_v·1{v_k>0}u_k/(2√v_k),
//	                  ∂ln S_{k+1} = ∂ln S_k − ½Δt·1{v_k>0}u_k
//	                  + √Δt(ρZ_v + ρ̄Z⊥)·1{v_k>0}u_k/(2√v_k). The factor
//	                  1/√v_k explodes as v_k → 0 (so greeks refuses it when
//	                  the Feller condition fails). QE: the quadratic
//	                  branch's tangent (qeTangent), which has no such factor
//	                  (∂v_{k+1} ∝ √v_{k+1}) but exists only where every step
//	                  is quadratic, ξ² < 3κθ (Heston.QEQuadratic); EvolveHeston
//	                  panics when asked for it under QE where ξ² ≥ 3κθ. With
//	                  a weight need also the conditional Vega weight
//	                  (HestonVegaWeight).
//	NeedVegaWeight:   (without NeedDVol) the first step's likelihood-ratio
//	                  Vega weight (HestonVegaWeight; hestonVegaLR), exact for
//	                  the scheme with no tangent, so for any parameters.
//	NeedDExpiry:      the tangent in the first fixing interval's length t_1
//	                  at fixed normals and steps, only its N₁ steps of
//	                  Δ₁ = t_1/N₁ moving (the valuation date moves, the later
//	                  fixings' gaps stay; with one fixing t_1 = T and this
//	                  is ∂/∂T at fixed step count): DTime = ∂S_{t_j}/∂t_1,
//	                  ∂ln S_T/∂t_1 (HestonExpiryTangent) and, with a weight
//	                  need, the conditional weight in t_1
//	                  (HestonExpiryWeight); under QE only where ξ² < 3κθ,
//	                  as DVol.
//	W:                the spot's Brownian motion at T, Σ_k √Δt(ρZ_v + ρ̄Z⊥)
//	                  under Euler, Σ_k √Δt Z⊥ (the independent part) under QE.
//
// The conditional weight. Both schemes draw the variance path from Z_v
// alone, and given it, ln S at the fixings is ln S_0 + (terms of the
// variance path) + Σ_k √c_k Z⊥_k, a Gaussian random walk with step variances
//
//	c_k = (1 − ρ²) v_k⁺ Δt                    (Euler),
//	c_k = K₃ v_k + K₄ v_{k+1}                  (QE).
//
// Shifting ln S_0 shifts every fixing by the same amount. Integrating by
// parts in the Z⊥ of the first fixing interval (k < N₁, t_1 = N₁Δt) only,
// along the direction α_k = √c_k / C, C = Σ_{k<N₁} c_k, which moves every
// fixing's log by Σ_{k<N₁} α_k √c_k = 1, gives for any payoff F of the fixings
//
//	∂/∂S_0 E[F] = E[F π],          π = Y⊥/(S_0 C),   Y⊥ = Σ_{k<N₁} √c_k Z⊥_k,
//	∂²/∂S_0² E[F] = E[F γ],        γ = ((Y⊥/C)² − 1/C − Y⊥/C)/S_0²,
//
// the second from ∂²/∂S_0² = (∂²_{ln S_0} − ∂_{ln S_0})/S_0² and the
// conditional Gaussian's ∂²ln p = −1/C. These hold exactly for the scheme
// itself (the conditional law is exactly Gaussian on the grid), use only
// the part of the spot noise independent of the variance (so they carry
// the factor √(1 − ρ²) through c_k, unlike a weight in the whole dW₁), and
// have no 1/√v singularity: C ≥ c_0 > 0, c_0 = (1 − ρ²)v₀Δt (Euler) or
// ≥ K₃v₀ (QE), even on paths whose variance hits 0. Being conditional
// expectations of the usual weights, their variance is smaller.
//
// References: L. Andersen, Simple and efficient simulation of the Heston
// stochastic volatility model, J. Comput. Finance 11(3) (2008) 1–42;
// R. Lord, R. Koekkoek and D. van Dijk, A comparison of biased simulation
// schemes for stochastic volatility models, Quant. Finance 10 (2010) 177–194.
func (g *Grid) EvolveHeston(hm Heston, s Scheme, steps int, z []float64, b *Block, need Need) {
	g.evolveHeston(hm, s, 0, steps, z, b, need)
}

// evolveHeston is EvolveHeston with, when t1 > 0, the first fixing
// interval's steps of t1/N₁ (EvolveHestonAged); t1 = 0 keeps the uniform grid.
func (g *Grid) evolveHeston(hm Heston, s Scheme, t1 float64, steps int, z []float64, b *Block, need Need) {
	n, m := b.Len(), b.Fixings()
	switch {
	case s != Euler && s != QE:
		panic("sde: EvolveHeston needs the qe or euler scheme")
	case m < 1 || steps%m != 0:
		panic("sde: EvolveHeston needs a number of steps that is a multiple of the fixings")
	case len(z) < 2*n*steps:
		panic("sde: EvolveHeston given fewer normals than 2 × paths × steps")
	case s == QE && need&(NeedDVol|NeedDExpiry) != 0 && !hm.QEQuadratic():
		panic("sde: EvolveHeston has no Vega or expiry tangent under qe where ξ² ≥ 3κθ (the exponential branch)")
	}
	h := &g.h
	for _, p := range []*[]float64{&h.x, &h.v, &h.y, &h.c, &h.dv, &h.dx, &h.v1, &h.lm, &h.mq, &h.ps, &h.dl, &h.pe, &h.ie, &h.dm, &h.dc, &h.nu, &h.yl, &h.cl, &h.tv, &h.tm, &h.tc, &h.tx, &h.nt, &h.vq, &h.pa, &h.pl, &h.eb, &h.er} {
		*p = grow(*p, n)
	}
	if cap(h.idx) < n {
		h.idx = make([]int32, n)
		h.pt = make([]int32, n)
	}
	x, v, y, c, w := h.x[:n], h.v[:n], h.y[:n], h.c[:n], b.W[:n]
	x0 := math.Log(hm.Spot)
	for i := range x {
		x[i], v[i], y[i], c[i], w[i] = x0, hm.V0, 0, 0, 0
		h.pe[i], h.ie[i] = 1, 0
	}
	weight := need&(NeedWeight|NeedChain) != 0
	tangent := need&NeedDVol != 0
	expiry := need&NeedDExpiry != 0
	lr := need&NeedVegaWeight != 0 && !tangent // the first step's likelihood-ratio Vega weight
	var tv, tm, tc, tx []float64
	if expiry {
		tv, tm, tc, tx = h.tv[:n], h.tm[:n], h.tc[:n], h.tx[:n]
		clearAll(tv, tm, tc, tx)
	}
	var u, dx, dm, dc, yl, cl, nu, nt []float64
	vw := tangent && weight    // the Vega weight
	tw := expiry && weight     // the weight in t_1
	sw := weight && (vw || tw) // a fixing interval's Y_l and C_l
	if tangent {
		u, dx, dm, dc = h.dv[:n], h.dx[:n], h.dm[:n], h.dc[:n]
		for i := range u {
			u[i], dx[i], dm[i], dc[i] = 2*math.Sqrt(hm.V0), 0, 0, 0
		}
	}
	if sw {
		yl, cl, nu, nt = h.yl[:n], h.cl[:n], h.nu[:n], h.nt[:n]
		clearAll(yl, cl, nu, nt)
	}
	T := hm.Expiry
	dt := T / float64(steps)
	sq := math.Sqrt(dt)
	per := steps / m
	rho, xi, kappa, theta := hm.Rho, hm.Xi, hm.Kappa, hm.Theta
	rbar := math.Sqrt(1 - rho*rho)
	drift := (hm.Rate - hm.Div) * dt
	rq := hm.Rate - hm.Div
	qe := qeConst(hm, dt)
	dtL, sqL, driftL, qeL := dt, sq, drift, qe // the later intervals' steps
	if t1 > 0 {
		dt = t1 / float64(per)
		sq, drift, qe = math.Sqrt(dt), (hm.Rate-hm.Div)*dt, qeConst(hm, dt)
	}
	// The tangent in t_1: the first interval's Δ₁ = t_1/N₁ moves by 1/N₁,
	// √Δ₁ by 1/(2N₁√Δ₁), QE's constants by qeDerivT; later steps' not.
	invN := 1 / float64(per)
	halfSqInv := invN / (2 * sq)
	var qd, qdT qeDeriv // the constants' derivatives: none in √v₀, qeDerivT in t_1
	if expiry {
		qdT = qeDerivT(hm, dt, invN)
	}
	for k := range steps {
		if k == per {
			dt, sq, drift, qe = dtL, sqL, driftL, qeL
			invN, halfSqInv, qdT = 0, 0, qeDeriv{}
		}
		zp := z[2*k*n : 2*k*n+n]
		zv := z[(2*k+1)*n : (2*k+1)*n+n]
		first := k < per
		cw := 0.0 // 1 while the weight accumulates (first fixing interval)
		if first && weight {
			cw = 1
		}
		if s == Euler {
			for i, zi := range zp {
				zvi := zv[i]
				vp := max(v[i], 0)
				sv := math.Sqrt(vp)
				dws := sq * (rho*zvi + rbar*zi)
				if tangent {
					ind := 0.0
					if vp > 0 {
						ind = 1
					}
					du := ind * u[i]
					ds := du / (2 * max(sv, 1e-300))
					dx[i] += -0.5*dt*du + dws*ds
					dm[i] += -0.5*dt*du + rho*sq*zvi*ds
					dc[i] += (1 - rho*rho) * dt * du
					u[i] += -kappa*dt*du + xi*sq*zvi*ds
				}
				if expiry {
					// d(√v⁺Δt)/dt_1 and d(v⁺Δt)/dt_1 at fixed normals.
					ind := 0.0
					if vp > 0 {
						ind = 1
					}
					tk := ind * tv[i]
					dsig := tk*sq/(2*max(sv, 1e-300)) + sv*halfSqInv
					dvar := tk*dt + vp*invN
					dM := rq*invN - 0.5*dvar + rho*zvi*dsig
					tm[i] += dM
					tc[i] += (1 - rho*rho) * dvar
					tx[i] += dM + rbar*zi*dsig
					tv[i] += kappa*(theta-vp)*invN - kappa*dt*tk + xi*zvi*dsig
				}
				ck := (1 - rho*rho) * vp * dt
				sck := math.Sqrt(ck) * zi
				y[i] += cw * sck
				c[i] += cw * ck
				if sw {
					yl[i] += sck
					cl[i] += ck
				}
				x[i] += drift - 0.5*vp*dt + sv*dws
				v[i] += kappa*(theta-vp)*dt + xi*sv*sq*zvi
				w[i] += dws
			}
		} else {
			vq := h.vq[:n]
			if tangent || expiry {
				copy(vq, v)
			}
			g.qeStep(qe, zp, zv, x, v, y, c, w, cw != 0)
			if tangent {
				qeTangent(&qe, &qd, zp, zv, vq, v, u, dx, dm, dc)
			}
			if expiry {
				qeTangent(&qe, &qdT, zp, zv, vq, v, tv, tx, tm, tc)
			}
			if sw {
				qeScore(&qe, zp, vq, v, yl, cl)
			}
		}
		if k == 0 && lr {
			hestonVegaLR(hm, s, &qe, dt, zp, zv, v, h.nu[:n])
		}
		if (k+1)%per == 0 {
			j := (k+1)/per - 1
			row := b.Obs[j*n : j*n+n]
			if s == QE {
				g.qeFlush(x)
			}
			vmath.ExpTo(row, x)
			if need&NeedY != 0 {
				yr := b.Y[j*n : j*n+n]
				for i, sv := range row {
					yr[i] = sv / hm.Spot
				}
			}
			if tangent {
				dr := b.DVol[j*n : j*n+n]
				for i, sv := range row {
					dr[i] = sv * dx[i]
				}
			}
			if expiry {
				dr := b.DTime[j*n : j*n+n]
				for i, sv := range row {
					dr[i] = sv * tx[i]
				}
			}
			if sw {
				// The interval's terms of the Vega weight and the weight
				// in t_1; where C_l = 0 (v⁺ = 0 throughout, Euler) the
				// interval's ∂M_l = ∂C_l = 0 and the term is 0.
				for i, ci := range cl {
					ci = max(ci, 1e-300)
					sc := yl[i] / ci
					sv := 0.5 * (sc*sc - 1/ci)
					if vw {
						nu[i] += sc*dm[i] + sv*dc[i]
						dm[i], dc[i] = 0, 0
					}
					if tw {
						nt[i] += sc*tm[i] + sv*tc[i]
						tm[i], tc[i] = 0, 0
					}
					yl[i], cl[i] = 0, 0
				}
			}
		}
	}
	if weight {
		pi, ch, cv := b.Weight[:n], b.Chain[:n], b.CondVar[:n]
		for i, ci := range c {
			pi[i] = y[i] / (hm.Spot * ci)
			ch[i] = pi[i]
			cv[i] = ci
		}
	}
}

// HestonVegaWeight returns, per path of the last EvolveHeston call with
// NeedDVol and NeedWeight (or NeedChain), the conditional
// Malliavin Vega weight ν of a payoff of the fixings, valid until the next
// call:
//
//	∂/∂√v₀ E[f(S_{t_1}, …, S_{t_m})] = E[f ν].
//
// Given the variance path (the Z_v), the increments of ln S over the
// fixing intervals l are independent Gaussians with means
// M_l = Σ_{k∈l} ((r − q)Δt − ½v_k⁺Δt + ρ√(v_k⁺Δt) Z_v,k) and variances
// C_l = Σ_{k∈l} (1 − ρ²)v_k⁺Δt, so E[f | Z_v] = g(M_1, C_1, …) with
// ∂g/∂M_l = E[f Y_l/C_l | Z_v] and ∂g/∂C_l = E[f ((Y_l/C_l)² − 1/C_l)/2 | Z_v]
// (the Gaussian's scores; Y_l = Σ_{k∈l} √c_k Z⊥_k, the increment less
// M_l). √v₀ moves only the variance path, differentiated pathwise by the
// tangent u_k of the chain (EvolveHeston's doc), hence
//
//	ν = Σ_l (Y_l/C_l) ∂M_l + ½((Y_l/C_l)² − 1/C_l) ∂C_l,
//	∂M_l = Σ_{k∈l} 1{v_k>0} u_k (−½Δt + ρ√Δt Z_v,k/(2√v_k)),   ∂C_l = Σ_{k∈l} 1{v_k>0} u_k (1 − ρ²)Δt,
//
// an interval where v⁺ = 0 throughout (C_l = 0) having ∂M_l = ∂C_l = 0
// and no term. With one fixing this is ν = (Y⊥/C)∂M + ½((Y⊥/C)² − 1/C)∂C.
//
// Under QE the same formula holds with QE's step mean and variance,
// M_l = Σ_{k∈l} ((r − q)Δt + K₀* + K₁v_k + K₂v_{k+1}) and
// C_l = Σ_{k∈l} K₃(v_k + v_{k+1}), differentiated along the quadratic
// branch's tangent (qeTangent: ∂M_k and ∂c_k there, the martingale
// correction's derivative included); C_l ≥ K₃v₀ > 0 on the first interval
// and > 0 almost surely on the others.
//
// The payoff is not differentiated (digitals have a Vega), the weight is
// exact for the discrete scheme where the tangent is (full truncation is
// Lipschitz in v₀ and the indicator is its derivative almost everywhere;
// QE's quadratic branch is smooth). Under Euler ∂M carries the tangent's
// 1/√v_k, which explodes when the variance reaches 0: use it only where
// the Feller condition holds, as the pathwise Vega. Under QE it needs
// ξ² < 3κθ only.
//
// With NeedVegaWeight instead of NeedDVol it is the first step's
// likelihood-ratio weight of hestonVegaLR, ν = 2√v₀ ∂_{v₀} ln of the first
// step's joint law of (v₁, ln S_1): exact for the scheme under any
// parameters (no tangent), for any payoff of the fixings, but with a
// standard deviation that grows like √(steps/T).
func (g *Grid) HestonVegaWeight() []float64 { return g.h.nu }

// HestonVariance returns the variance v_T of each path of the last
// EvolveHeston call (valid until the next call).
func (g *Grid) HestonVariance() []float64 { return g.h.v }

// qeConsts are QE's per-step constants (EvolveHeston's doc comment).
type qeConsts struct {
	e, th1     float64 // m = e·v_k + th1: e = e^{−κΔt}, th1 = θ(1 − e)
	s1, s0     float64 // s² = s1·v_k + s0
	k2, hk3    float64 // K₂ and ½K₃
	k3, a      float64 // K₃ = K₄ and A = K₂ + ½K₄
	drift, sq  float64 // (r − q)Δt and √Δt
	psic, iqlo float64 // ψ_c and 2/ψ_c
}

func qeConst(hm Heston, dt float64) qeConsts {
	rho, xi, kappa, theta := hm.Rho, hm.Xi, hm.Kappa, hm.Theta
	e := math.Exp(-kappa * dt)
	k2 := 0.5*dt*(kappa*rho/xi-0.5) + rho/xi
	k3 := 0.5 * dt * (1 - rho*rho)
	return qeConsts{
		e: e, th1: theta * (1 - e),
		s1: xi * xi * e * (1 - e) / kappa, s0: theta * xi * xi * (1 - e) * (1 - e) / (2 * kappa),
		k2: k2, hk3: 0.5 * k3, k3: k3, a: k2 + 0.5*k3,
		drift: (hm.Rate - hm.Div) * dt, sq: math.Sqrt(dt),
		psic: qePsiC, iqlo: 2 / qePsiC,
	}
}

// qeStep advances x = ln S and v by one QE step on the normals zp (Z⊥) and
// zv (Z_v), adds √Δt Z⊥ to w and, when first, the conditional weight's
// √c_k Z⊥ to y and c_k to c.
//
// The quadratic branch runs on every path (ψ clamped into its domain) with
// two divisions: with den = 1 + b², den₂ = den − 2Am = den(1 − 2Aa) and
// q = 1/(den·den₂),
//
//	2/ψ = 2m²/s²,   a = m·den₂·q,   A b² a/(1 − 2Aa) = A b² m·den·q,   1 − 2Aa = den₂²·q.
//
// The paths whose ψ exceeds ψ_c are compacted into an index list (a store
// and a conditional increment, no jump) and the exponential branch, with
// its erfc and logarithm, is computed on those alone, overwriting the
// quadratic values. The martingale correction
// −ln M = −A b² a/(1 − 2Aa) + ½ln(1 − 2Aa) (quadratic) or −ln M (exponential)
// is split into its linear part, added to x now, and the factor 1 − 2Aa
// or 1/M², multiplied into a running product kept as a mantissa in [1, 2)
// and an exponent (bit operations, so it cannot overflow); qeFlush takes
// one logarithm of the product at a fixing instead of one a step.
func (g *Grid) qeStep(qe qeConsts, zp, zv, x, v, y, c, w []float64, first bool) {
	h := &g.h
	n := len(zp)
	zv, x, v, y, c, w = zv[:n], x[:n], v[:n], y[:n], c[:n], w[:n]
	v1, lm, mq, ps, dl, pe, ie, idx := h.v1[:n], h.lm[:n], h.mq[:n], h.ps[:n], h.dl[:n], h.pe[:n], h.ie[:n], h.idx[:n]
	A := qe.a
	// The first lo paths by the vector kernel where there is one
	// (hestonqe_amd64.s, or hestonqe_simd.go with GOEXPERIMENT=simd; lo = 0
	// without AVX-512 and off amd64), the rest here.
	lo, cnt := qeQuadVec(&qe, zv, v, v1, lm, dl, mq, ps, idx)
	for i, zvi := range zv[lo:] {
		i += lo
		vk := v[i]
		mm := vk*qe.e + qe.th1
		s2 := vk*qe.s1 + qe.s0
		mm2 := mm * mm
		iq := max(2*mm2/s2, qe.iqlo) // 2/ψ, ψ clamped to ψ_c
		b2 := iq - 1 + math.Sqrt(iq*(iq-1))
		bb := math.Sqrt(b2)
		den := 1 + b2
		den2 := max(den-2*A*mm, 1e-12*den) // den·(1 − 2Aa), floored as 1 − 2Aa ≥ 1e-12
		q := 1 / (den * den2)
		a := mm * den2 * q
		zb := bb + zvi
		v1[i] = a * zb * zb
		lm[i] = A * b2 * mm * den * q
		dl[i] = den2 * den2 * q
		mq[i], ps[i] = mm, s2
		idx[cnt] = int32(i)
		if s2 > qe.psic*mm2 {
			cnt++
		}
	}
	// Exponential branch on the compacted paths: p = (ψ − 1)/(ψ + 1) =
	// (s² − m²)/(s² + m²), β = (1 − p)/m = 2m/(s² + m²) and
	//
	//	v_{k+1} = max(0, ln((1 − p)/(1 − U)))/β,   1 − U = Φ(−Z_v),
	//
	// with ln Φ(w) = a + ln l (vmath.LogPhiRatioParts: no exponential,
	// fdlibm's rational forms, the tail's e^{−x²} kept in a, and the
	// quotient (1 − p)/l), so that one batch logarithm serves:
	// v_{k+1} = max(0, ln((1 − p)/l) − a)/β.
	// LogPhiRatioParts takes w = −Z_v above vmath.LogPhiMax = 1.19 as 1.19,
	// which changes nothing here: ψ > ψ_c = 1.5 gives p > 0.2, 1 − p < 0.8
	// (0.8 + 2^−52 at most in rounding), while Φ(1.19) = 0.883, so both the
	// exact value at w > 1.19 and the one computed at 1.19 (a = 0, l within
	// ulps of 0.883, the quotient below 0.91) have a negative logarithm and
	// v_{k+1} = 0 exactly. mq[:cnt] holds 1 − p and then the logarithm,
	// ps[:cnt] holds w (each written at c, read for path idx[c] ≥ c before);
	// pl holds the quotient.
	// β and 1/M² are kept compacted (eb, er) until the last loop, so
	// that the first, by the vector kernel where there is one
	// (hestonqe_exp_amd64.s, the first lo paths), gathers and stores
	// contiguously; the last scatters.
	ea, ew, eb, er := mq[:cnt], ps[:cnt], h.eb[:cnt], h.er[:cnt]
	lo = qeExpVec(A, idx[:cnt], mq, ps, zv, ea, ew, eb, er)
	for c, j := range idx[lo:cnt] {
		c += lo
		mm, s2 := mq[j], ps[j]
		mm2 := mm * mm
		d := 1 / (s2 + mm2)
		p := (s2 - mm2) * d
		beta := 2 * mm * d
		r := 1 / (p + beta*(1-p)/max(beta-A, 1e-12)) // 1/M
		ea[c], ew[c], eb[c], er[c] = 1-p, -zv[j], beta, r*r
	}
	pa, pl := h.pa[:cnt], h.pl[:cnt]
	vmath.LogPhiRatioParts(pa, pl, ea, ew, h.pt[:cnt]) // pl = (1 − p)/l
	vmath.LogTo(ea, pl)
	for c, j := range idx[:cnt] {
		v1[j] = max(ea[c]-pa[c], 0) / eb[c]
		lm[j], dl[j] = 0, er[c]
	}
	// The spot, K₀* + K₁v_k = −ln M − ½K₃v_k, and the product of M's factors
	// renormalized to a mantissa in [1, 2) and an exponent; again the first
	// lo paths by the vector kernel.
	lo = qeSpotVec(&qe, first, zp, v, v1, lm, dl, pe, ie, x, y, c, w)
	if first {
		for i, zi := range zp[lo:] {
			i += lo
			vk, vn := v[i], v1[i]
			ck := qe.k3 * (vk + vn)
			sc := math.Sqrt(ck)
			y[i] += sc * zi
			c[i] += ck
			x[i] += qe.drift - lm[i] - qe.hk3*vk + qe.k2*vn + sc*zi
			v[i] = vn
			w[i] += qe.sq * zi
			mant, exp := splitExp(pe[i] * dl[i])
			pe[i], ie[i] = mant, ie[i]+exp
		}
	} else {
		for i, zi := range zp[lo:] {
			i += lo
			vk, vn := v[i], v1[i]
			sc := math.Sqrt(qe.k3 * (vk + vn))
			x[i] += qe.drift - lm[i] - qe.hk3*vk + qe.k2*vn + sc*zi
			v[i] = vn
			w[i] += qe.sq * zi
			mant, exp := splitExp(pe[i] * dl[i])
			pe[i], ie[i] = mant, ie[i]+exp
		}
	}
}

// splitExp returns the mantissa in [1, 2) and the binary exponent of a
// positive normal p: p = mant·2^exp.
func splitExp(p float64) (mant, exp float64) {
	bits := math.Float64bits(p)
	return math.Float64frombits(bits&(1<<52-1) | 1023<<52), float64(int64(bits>>52) - 1023)
}

// qeFlush adds the deferred ½ln Π(1 − 2Aa) of the martingale correction
// to x and restarts the product.
func (g *Grid) qeFlush(x []float64) {
	h := &g.h
	n := len(x)
	pe, ie, l := h.pe[:n], h.ie[:n], h.dl[:n]
	vmath.LogTo(l, pe)
	for i := range x {
		x[i] += 0.5 * (l[i] + ie[i]*math.Ln2)
		pe[i], ie[i] = 1, 0
	}
}

// HestonExpiryTangent returns ∂ln S_T/∂t_1 per path of the last
// EvolveHeston or EvolveHestonAged call with NeedDExpiry (valid until the
// next call; Block.DTime has ∂S_{t_j}/∂t_1 at every fixing): the tangent of
// the chain in the first fixing interval's length t_1 at fixed normals and
// step count, Δ₁ = t_1/N₁ (∂Δ₁/∂t_1 = 1/N₁; with one fixing t_1 = T,
// N₁ = N). The later steps' Δ does not move, but their state does: they
// carry the tangent as the Vega tangent does. Under QE it is qeTangent with
// the constants' derivatives of qeDerivT over the first N₁ steps
// (e^{−κΔ₁}, s²'s coefficients, K₂, K₃, A and (r − q)Δ₁ move with Δ₁) and
// none after; under Euler, with τ_k = ∂v_k/∂t_1, τ_0 = 0, σ_k = √(v_k⁺Δ_k),
// ι_k = 1/N₁ for k < N₁ and 0 after,
//
//	∂σ_k = 1{v_k>0} τ_k √Δ_k/(2√v_k) + ι_k √v_k⁺/(2√Δ_k),   ∂(v_k⁺Δ_k) = 1{v_k>0} τ_k Δ_k + ι_k v_k⁺,
//	τ_{k+1} = τ_k + ι_k κ(θ − v_k⁺) − κΔ_k 1{v_k>0} τ_k + ξ Z_v,k ∂σ_k,
//	∂ln S_{k+1} = ∂ln S_k + ι_k (r − q) − ½∂(v_k⁺Δ_k) + ∂σ_k (ρ Z_v,k + ρ̄ Z⊥_k).
//
// Like the Vega tangent it carries 1/√v_k under Euler, which explodes when
// the variance reaches 0: use it there where the Feller condition holds
// (under QE where ξ² < 3κθ).
func (g *Grid) HestonExpiryTangent() []float64 { return g.h.tx }

// HestonExpiryWeight returns, per path of the last EvolveHeston or
// EvolveHestonAged call with NeedDExpiry and NeedWeight (or NeedChain), the
// conditional Malliavin weight in t_1 of a payoff of the fixings,
// ∂/∂t_1 E[f(S_{t_1}, …, S_{t_m})] = E[f ν_{t_1}] at fixed step count, by
// the argument of HestonVegaWeight with the tangent in t_1 in place of the
// Vega one (t_1 moves the variance path and the fixing intervals' means
// and variances M_l, C_l, not the payoff):
//
//	ν_{t_1} = Σ_l (Y_l/C_l) ∂M_l + ½((Y_l/C_l)² − 1/C_l) ∂C_l,
//	∂M_l = Σ_{k∈l} (ι_k (r − q) − ½∂(v_k⁺Δ_k) + ρ Z_v,k ∂σ_k),   ∂C_l = Σ_{k∈l} (1 − ρ²) ∂(v_k⁺Δ_k)
//
// under Euler (HestonExpiryTangent's notation), and under QE
// ∂M_l = Σ_{k∈l} ∂M_k, ∂C_l = Σ_{k∈l} ∂c_k of qeTangent. With one fixing
// it is ν_T = (Y⊥/C)∂_T M + ½((Y⊥/C)² − 1/C)∂_T C.
func (g *Grid) HestonExpiryWeight() []float64 { return g.h.nt }
