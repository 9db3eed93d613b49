package sde

import "math"

// Gamma, Vega, Rho and Theta weights of the Euler chain of one diffusion.
//
// The chain is X_{k+1} = X_k + b_kΔt + σ_kΔW_k, b_k = b(X_k), σ_k = σ(X_k),
// with independent ΔW_k ~ N(0, Δt); the payoff F reads the fixings
// X_{N_1}, X_{2N_1}, …, N_1 = steps/m the steps of a fixing interval. Its
// derivatives: J_k = ∂X_{k+1}/∂X_k = 1 + b'_kΔt + σ'_kΔW_k,
// Y_k = ∂X_k/∂X_0 = Π_{i<k} J_i, h_k = ∂X_{k+1}/∂ΔW_k = σ_k, and with
// D_k = ∂/∂ΔW_k, D_k X_j = Y_j h_k/Y_{k+1} for j > k. Gaussian integration
// by parts in one increment, E[α D_k G] = E[G (αΔW_k/Δt − D_kα)] for any
// smooth α and G of the increments, is the discrete Malliavin calculus
// every weight below comes from; each is exact for the chain (what fd and
// pathwise estimate on the grid), not for the diffusion.
//
// Gamma. Let u(x) = E[F | X_M = x] for a step M ≤ N_1 (no fixing before
// it). Then ∂_{X_0}E[F] = E[u'(X_M) Y_M] and, with the second variation
// Z_M = ∂Y_M/∂X_0 (Z_{k+1} = Z_kJ_k + Y_k² K_k, K_k = ∂J_k/∂X_k =
// b''_kΔt + σ''_kΔW_k),
//
//	Gamma = E[u''(X_M) Y_M² + u'(X_M) Z_M],   Z_M = Y_M Σ_{j<M} A_j,   A_j = K_j Y_j/J_j.
//
// The direction β_k = Y_{k+1}Y_M/(M h_k), k < M, has Σ_k β_k D_k X_M = Y_M²,
// so E[u''(X_M)Y_M²] = E[Σ_k β_k D_k u'(X_M)] = E[u'(X_M) δ(β)] with
// δ(β) = Σ_k (β_kΔW_k/Δt − D_kβ_k). D_kY_M = Y_M(σ'_k/J_k + (h_k/Y_{k+1}) Σ_{k<j<M} A_j)
// gives D_kβ_k = (Y_M/(M h_k))(2Y_kσ'_k + h_k Σ_{k<j<M} A_j), and Σ_k Σ_{k<j<M} A_j
// = Σ_j j A_j, so
//
//	(δ(β) + Z_M)/Y_M = g_M := (1/M) Σ_{k<M} (Y_{k+1}ΔW_k/(h_kΔt) − 2Y_kσ'_k/h_k) + Σ_{j<M} (1 − j/M) A_j.
//
// Mixed (pathwise–Malliavin), M = N_1, for a Lipschitz F: u'(X_M)Y_M =
// E[φ_Y | X_M] with φ_Y = Σ_j ∂F/∂X_{t_j} Y_{t_j} (the pathwise Delta sample),
// so
//
//	Gamma = E[φ_Y g_P],   g_P = g_{N_1}                          (GammaMixed)
//
// Malliavin, M = ⌊N_1/2⌋, any F: u'(X_M) is the chain Delta weight of the
// steps [M, N_1) with the tangent restarted at X_M, and Y_M times it is
// π₂ = (1/L) Σ_{M≤k<N_1} (Y_{k+1}ΔW_k/(h_kΔt) − Y_kσ'_k/h_k), L = N_1 − M
// (Grid.Evolve's chain weight on those steps), so
//
//	Gamma = E[F γ],   γ = π₂ g_M                                  (GammaWeight)
//
// which needs N_1 ≥ 2 (with N_1 = 1 γ is NaN). On GBM (A = 0, h = σX)
// g_P = π_c − 1/X_0, the mixed Gamma of the exact scheme on the chain.
//
// Vega, Rho and Theta. Given X_k the step is Gaussian,
// N(X_k + b_kΔt, σ_k²Δt), so the chain's density has the scores
// (z_k = ΔW_k/√Δt; the derivatives at fixed X_k)
//
//	ν   = Σ_k ((∂_vσ_k/σ_k)(z_k² − 1) + ∂_vb_k ΔW_k/σ_k)          (VegaWeight)
//	s_r = Σ_k ∂_rb_k ΔW_k/σ_k                                     (RateWeight)
//	s_T = Σ_{k<N_1} ((z_k² − 1)/2 + b_kΔW_k/σ_k)/t_1               (TimeWeight)
//
// the last with T moving the first interval t_1 = N_1Δt over the same N_1
// steps (∂Δt/∂T = 1/N_1; a European payoff has t_1 = T). ν and s_T are
// sums of N independent scores of variance 2/σ² order (their variances
// grow with the steps); s_r is a discrete martingale like W_T/σ. The
// pathwise tangents follow the step at fixed normals:
//
//	R_{k+1} = R_kJ_k + ∂_rb_kΔt,                                          R_0 = 0  (DRate)
//	U_{k+1} = U_kJ_k + (b_kΔt + σ_kΔW_k/2)/t_1 (k < N_1), U_kJ_k after,   U_0 = 0  (DTime)
//
// Rho = E[D(Σ_j ∂F/∂X_{t_j} R_{t_j} − T F)] = E[D F (s_r − T)] and
// Theta = −∂_T E[D F] = E[D(rF − Σ_j ∂F/∂X_{t_j} U_{t_j})] = E[D F (r − s_T)].
//
// Paths absorbed at 0 (CEV): the weights add nothing after absorption and
// ignore the step into 0, whose law is a point mass, not a Gaussian; they
// are exact for the chain up to the probability of absorption before the
// horizon (far below the tests' standard errors at their CEV market).

// gridSums is Evolve's running state for the weights above.
type gridSums struct {
	gs, ga, gj, g1 []float64 // Gamma: Σ of the g terms, Σ A_j, Σ j A_j, g_M
	r, u           []float64 // the tangents R and U
}

// initWeights clears the running sums and the block's outputs that need.
func (g *Grid) initWeights(n int, b *Block, need Need) {
	s := &g.gw
	if need&NeedGamma != 0 {
		for _, p := range []*[]float64{&s.gs, &s.ga, &s.gj, &s.g1} {
			*p = grow(*p, n)
			clear(*p)
		}
		clear(b.GammaWeight[:n]) // π₂ accumulates here
	}
	if need&NeedVegaWeight != 0 {
		clear(b.VegaWeight[:n])
	}
	if need&NeedRate != 0 {
		s.r = grow(s.r, n)
		clear(s.r)
		clear(b.RateWeight[:n])
	}
	if need&NeedTime != 0 {
		s.u = grow(s.u, n)
		clear(s.u)
		clear(b.TimeWeight[:n])
	}
}

// stepWeights adds Euler step k (of per steps a fixing interval, Δt = dt)
// to the weights and advances the tangents R and U, from the step's
// normals zk, the first variation y before the step and the coefficients
// in g.c (at the states before the step).
func (g *Grid) stepWeights(k, per int, dt float64, zk, y []float64, b *Block, need Need) {
	c, s := &g.c, &g.gw
	n := len(zk)
	sq := math.Sqrt(dt)
	t1 := float64(per) * dt
	first := k < per
	if need&NeedGamma != 0 && first {
		split := per / 2
		fk := float64(k)
		inP2 := 0.0 // the step is one of π₂'s
		if k >= split {
			inP2 = 1
		}
		gs, ga, gj, p2 := s.gs[:n], s.ga[:n], s.gj[:n], b.GammaWeight[:n]
		for i, zi := range zk {
			dw := sq * zi
			S, DS := c.S[i], c.DS[i]
			is := 0.0
			if S != 0 { // absorbed paths (σ = 0, y = 0) add nothing
				is = 1 / S
			}
			jac := 1 + c.DB[i]*dt + DS*dw
			y0 := y[i]
			a := (c.DDB[i]*dt + c.DDS[i]*dw) * y0 / jac // A_k
			t := y0*jac*dw*is/dt - y0*DS*is             // the chain weight's term
			gs[i] += t - y0*DS*is
			ga[i] += a
			gj[i] += fk * a
			p2[i] += inP2 * t
		}
		if k == split-1 {
			gM(s.g1[:n], gs, ga, gj, split)
		}
		if k == per-1 {
			gM(b.GammaMixed[:n], gs, ga, gj, per)
			if split == 0 {
				for i := range p2 {
					p2[i] = math.NaN()
				}
			} else {
				c := 1 / float64(per-split)
				for i, v := range s.g1[:n] {
					p2[i] *= c * v
				}
			}
		}
	}
	if need&(NeedVegaWeight|NeedRate) != 0 {
		var vw, rw, r []float64
		if need&NeedVegaWeight != 0 {
			vw = b.VegaWeight[:n]
		}
		if need&NeedRate != 0 {
			rw, r = b.RateWeight[:n], s.r[:n]
		}
		for i, zi := range zk {
			dw := sq * zi
			is := 0.0
			if c.S[i] != 0 {
				is = 1 / c.S[i]
			}
			if vw != nil {
				vw[i] += c.VS[i]*is*(zi*zi-1) + c.VB[i]*dw*is
			}
			if rw != nil {
				rw[i] += c.RB[i] * dw * is
				r[i] = r[i]*(1+c.DB[i]*dt+c.DS[i]*dw) + c.RB[i]*dt
			}
		}
	}
	if need&NeedTime != 0 {
		u, tw := s.u[:n], b.TimeWeight[:n]
		if !first {
			for i, zi := range zk {
				u[i] *= 1 + c.DB[i]*dt + c.DS[i]*sq*zi
			}
			return
		}
		it := 1 / t1
		for i, zi := range zk {
			dw := sq * zi
			S := c.S[i]
			is := 0.0
			if S != 0 {
				is = 1 / S
			}
			tw[i] += ((zi*zi-1)/2 + c.B[i]*dw*is) * it
			u[i] = u[i]*(1+c.DB[i]*dt+c.DS[i]*dw) + (c.B[i]*dt+0.5*S*dw)*it
		}
	}
}

// gM sets out to g_M = (Σ of the g terms)/M + Σ A_j − Σ j A_j/M.
func gM(out, gs, ga, gj []float64, m int) {
	im := 1 / float64(m)
	for i := range out {
		out[i] = gs[i]*im + ga[i] - gj[i]*im
	}
}
