package sde

import "math"

// Grid is the evolution workspace of one worker: coefficient storage that
// Evolve reuses from block to block.
type Grid struct {
	c       Coefs
	x, y, v []float64 // running state, first variation, Vega tangent
	gw      gridSums  // the Euler chain's Gamma, Vega, Rho and Theta weights
	h       hestonState
}

// Evolve advances a block of paths of d from x0 over [0, T] in steps equal
// steps of the Euler or Milstein scheme and observes them at the fixings
// t_j = jT/m, m = b.Fixings(); steps must be a multiple of m so that the
// fixings are grid dates. z holds n·steps standard normals step-major:
// z[k*n+i] drives path i over step k. b must be sized by Resize.
//
// Alongside X it evolves, by differentiating the scheme's step
// X_{k+1} = X_k + b Δt + g_k with g_k = σΔW_k (+ ½σσ'(ΔW_k² − Δt) for
// Milstein),
//
//	Y_{k+1} = Y_k J_k,            J_k = ∂X_{k+1}/∂X_k,        Y_0 = 1,
//	V_{k+1} = V_k J_k + ∂_σX_{k+1}|_{X_k},                     V_0 = 0,
//
// the exact derivatives of the chain in X_0 and σ (so pathwise estimators on
// the grid are unbiased for the discretized price), and over the first
// fixing interval (k < N_1 steps, t_1 = N_1 Δt) two Delta weights:
//
//	π   = (1/t_1) Σ_k Y_k ΔW_k / σ(X_k)                          (NeedWeight)
//	π_c = (1/N_1) Σ_k [ Y_{k+1} ΔW_k/(h_k Δt) − Y_k ∂J_k/h_k
//	                   + Y_{k+1} ∂h_k/h_k² ]                    (NeedChain)
//
// with h_k = ∂X_{k+1}/∂ΔW_k (σ, or σ + σσ'ΔW_k for Milstein) and ∂ the
// derivative in ΔW_k. π is the continuous-time weight; π_c comes from
// Gaussian integration by parts in each ΔW_k of the chain with the direction
// α_k = Y_{k+1}/(N_1 h_k), for which Σ_k α_k ∂X_{t_j}/∂ΔW_k = Y_{t_j} at
// every fixing, so E[F(X_{t_1}, …, X_{t_m}) π_c] = ∂/∂X_0 E[F] exactly for
// the chain, with a variance of the same order as π's.
//
// Under Euler, NeedGamma, NeedVegaWeight, NeedRate and NeedTime add the
// chain's Gamma, Vega, Rho and Theta weights and the tangents in r and T
// derived in gridweights.go (Milstein panics: its step is not Gaussian).
func (g *Grid) Evolve(d Diffusion, s Scheme, x0, T float64, steps int, z []float64, b *Block, need Need) {
	g.evolve(d, s, x0, T, T/float64(b.Fixings()), steps, z, b, need)
}

// EvolveAged is Evolve with the first fixing interval of length t1 instead
// of T/m (its steps of t1/N_1, the later ones of T/steps): the chain of a
// contract whose valuation date has moved by T/m − t1 with its fixing
// schedule fixed, for the fd Theta of a path-dependent payoff. It always
// runs the general loop.
func (g *Grid) EvolveAged(d Diffusion, s Scheme, x0, T, t1 float64, steps int, z []float64, b *Block, need Need) {
	if !(t1 > 0) {
		panic("sde: EvolveAged needs a first interval t1 > 0")
	}
	g.evolve(d, s, x0, T, t1, steps, z, b, need)
}

func (g *Grid) evolve(d Diffusion, s Scheme, x0, T, t1 float64, steps int, z []float64, b *Block, need Need) {
	n, m := b.Len(), b.Fixings()
	if s != Euler && s != Milstein {
		panic("sde: Evolve needs the Euler or Milstein scheme")
	}
	if m < 1 || steps%m != 0 {
		panic("sde: Evolve needs a number of steps that is a multiple of the fixings")
	}
	if len(z) < n*steps {
		panic("sde: Evolve given fewer normals than paths × steps")
	}
	extra := need&(NeedGamma|NeedVegaWeight|NeedRate|NeedTime) != 0
	if extra && s != Euler {
		panic("sde: the Gamma, Vega, Rho and Theta weights of a grid need the Euler scheme")
	}
	if lin, ok := d.(Linear); ok && need&(NeedRate|NeedTime) == 0 && t1 == T/float64(m) {
		mu, sigma := lin.Linear()
		evolveLinear(mu, sigma, s, x0, T, steps, z, b, need)
		return
	}
	absorbing := false
	if a, ok := d.(Absorbing); ok {
		absorbing = a.AbsorbedAtZero()
	}
	g.c.resize(n)
	c := &g.c
	g.x, g.y, g.v = grow(g.x, n), grow(g.y, n), grow(g.v, n)
	per := steps / m
	dt := T / float64(steps)
	if t1 != T/float64(m) { // EvolveAged: the first interval's steps, the later ones' from k = per
		dt = t1 / float64(per)
	}
	sq := math.Sqrt(dt)
	mil := 0.0
	if s == Milstein {
		mil = 1
	}
	x, w := g.x, b.W[:n]
	for i := range x {
		x[i] = x0
		w[i] = 0
	}
	var y, v, pi, ch []float64
	if need&(NeedY|NeedWeight|NeedChain|NeedGamma) != 0 {
		y = g.y
		for i := range y {
			y[i] = 1
		}
	}
	if need&NeedDVol != 0 {
		v = g.v
		clear(v)
	}
	if need&NeedWeight != 0 {
		pi = b.Weight[:n]
		clear(pi)
	}
	if need&NeedChain != 0 {
		ch = b.Chain[:n]
		clear(ch)
	}
	if extra {
		g.initWeights(n, b, need)
	}
	for k := range steps {
		if k == per {
			dt = T / float64(steps)
			sq = math.Sqrt(dt)
		}
		d.Coefficients(x, c)
		zk := z[k*n : k*n+n]
		first := k < per
		if extra {
			g.stepWeights(k, per, dt, zk, y, b, need)
		}
		for i, zi := range zk {
			dw := sq * zi
			q := dw*dw - dt
			S, DS := c.S[i], c.DS[i]
			c2 := DS*DS + S*c.DDS[i]                     // (σσ')'
			jac := 1 + c.DB[i]*dt + DS*dw + 0.5*mil*c2*q // J_k
			if first && pi != nil && S != 0 {            // absorbed paths (σ = 0, y = 0) add nothing
				pi[i] += y[i] * dw / S
			}
			if first && ch != nil {
				h := S + mil*S*DS*dw // ∂X_{k+1}/∂ΔW_k
				if h != 0 {
					dj := DS + mil*c2*dw // ∂J_k/∂ΔW_k
					dh := mil * S * DS   // ∂h_k/∂ΔW_k
					y1 := y[i] * jac
					ch[i] += y1*dw/(h*dt) - y[i]*dj/h + y1*dh/(h*h)
				}
			}
			if v != nil {
				v[i] = v[i]*jac + c.VB[i]*dt + c.VS[i]*dw + 0.5*mil*(c.VS[i]*DS+S*c.VDS[i])*q
			}
			if y != nil {
				y[i] *= jac
			}
			x[i] += c.B[i]*dt + S*dw + 0.5*mil*S*DS*q
			w[i] += dw
		}
		if absorbing {
			// A step ending at or below 0 is absorbed; rare, so the branch
			// is predicted. The absorbed path's derivatives are 0.
			for i, xi := range x {
				if xi <= 0 {
					x[i] = 0
					if y != nil {
						y[i] = 0
					}
					if v != nil {
						v[i] = 0
					}
					if need&NeedRate != 0 {
						g.gw.r[i] = 0
					}
					if need&NeedTime != 0 {
						g.gw.u[i] = 0
					}
				}
			}
		}
		if (k+1)%per == 0 {
			j := (k+1)/per - 1
			copy(b.Obs[j*n:j*n+n], x)
			if need&NeedY != 0 {
				copy(b.Y[j*n:j*n+n], y)
			}
			if v != nil {
				copy(b.DVol[j*n:j*n+n], v)
			}
			if need&NeedRate != 0 {
				copy(b.DRate[j*n:j*n+n], g.gw.r[:n])
			}
			if need&NeedTime != 0 {
				copy(b.DTime[j*n:j*n+n], g.gw.u[:n])
			}
		}
	}
	if pi != nil {
		for i := range pi {
			pi[i] /= t1
		}
	}
	if ch != nil {
		for i := range ch {
			ch[i] /= float64(per)
		}
	}
}

// evolveLinear is Evolve for b(x) = μx, σ(x) = σx. Each step multiplies by
//
//	F_k = 1 + μΔt + σΔW_k (+ ½σ²(ΔW_k² − Δt) for Milstein),
//
// the Vega tangent follows V_{k+1} = V_k F_k + X_k (ΔW_k (+ σ(ΔW_k² − Δt))),
// Y = X/X_0, π = W_{t_1}/(σ X_0 t_1), and the chain weight's terms reduce to
//
//	Euler:     (F_k ΔW_k/(σΔt) − 1) / (N_1 X_0)
//	Milstein:  (F_k ΔW_k/(σ u_k Δt) − 1 + F_k/u_k²) / (N_1 X_0),  u_k = 1 + σΔW_k.
//
// Under Euler the Gamma and Vega weights of gridweights.go reduce to
// (A_j = 0, Y_k = X_k/X_0, h_k = σX_k), with a_I = Σ_{k∈I} F_kΔW_k/(σΔt),
// I_1 = [0, M), I_2 = [M, N_1), M = ⌊N_1/2⌋, L = N_1 − M,
//
//	g_P = ((a_{I_1} + a_{I_2})/N_1 − 2)/X_0,   γ = (a_{I_2}/L − 1)(a_{I_1}/M − 2)/X_0²,
//	ν = Σ_k (z_k² − 1)/σ.
func evolveLinear(mu, sigma float64, s Scheme, x0, T float64, steps int, z []float64, b *Block, need Need) {
	n, m := b.Len(), b.Fixings()
	dt := T / float64(steps)
	sq := math.Sqrt(dt)
	per := steps / m
	a := 1 + mu*dt
	hs2 := 0.5 * sigma * sigma
	isdt := 1 / (sigma * dt)
	mil := s == Milstein
	// Rows of Obs and DVol are filled at the fixings; the running state is
	// the previous fixing's row (or x0), so no extra storage is needed.
	w := b.W[:n]
	clear(w)
	var w1 []float64 // W at the first fixing, for the weight
	if need&NeedWeight != 0 {
		w1 = b.Weight[:n]
	}
	var ch []float64
	if need&NeedChain != 0 {
		ch = b.Chain[:n]
		clear(ch)
	}
	var ga, gb, vw []float64 // a_{I_1}, a_{I_2} and ν, accumulated in the block's outputs
	if need&NeedGamma != 0 {
		ga, gb = b.GammaMixed[:n], b.GammaWeight[:n]
		clear(ga)
		clear(gb)
	}
	if need&NeedVegaWeight != 0 {
		vw = b.VegaWeight[:n]
		clear(vw)
	}
	isig := 1 / sigma
	for j := range m {
		x := b.Obs[j*n : j*n+n]
		var v []float64
		if j == 0 {
			for i := range x {
				x[i] = x0
			}
		} else {
			copy(x, b.Obs[(j-1)*n:j*n])
		}
		if need&NeedDVol != 0 {
			v = b.DVol[j*n : j*n+n]
			if j == 0 {
				clear(v)
			} else {
				copy(v, b.DVol[(j-1)*n:j*n])
			}
		}
		for k := j * per; k < (j+1)*per; k++ {
			zk := z[k*n : k*n+n]
			// The Gamma sums of this step: a_{I_1} before M, a_{I_2} after.
			var gk []float64
			if j == 0 && ga != nil {
				gk = ga
				if k >= per/2 {
					gk = gb
				}
			}
			// The Gamma and Vega sums (Euler only: extra needs refuse the
			// other schemes) in passes of their own, so that the loops
			// below, the Delta runs' hot path, keep no test for them.
			if gk != nil {
				for i, zi := range zk {
					dw := sq * zi
					gk[i] += (a + sigma*dw) * dw * isdt
				}
			}
			if vw != nil {
				for i, zi := range zk {
					vw[i] += (zi*zi - 1) * isig
				}
			}
			switch {
			case v != nil || (j == 0 && ch != nil):
				for i, zi := range zk {
					dw := sq * zi
					f, g := a+sigma*dw, dw
					if mil {
						q := dw*dw - dt
						f += hs2 * q
						g += sigma * q
					}
					if v != nil {
						v[i] = v[i]*f + x[i]*g
					}
					if j == 0 && ch != nil {
						// Σ of the per-step terms without their constant −1,
						// which is added once at the end.
						if mil {
							iu := 1 / (1 + sigma*dw)
							ch[i] += f * iu * (dw*isdt + iu)
						} else {
							ch[i] += f * dw * isdt
						}
					}
					x[i] *= f
					w[i] += zi
				}
			case mil:
				for i, zi := range zk {
					dw := sq * zi
					x[i] *= a + sigma*dw + hs2*(dw*dw-dt)
					w[i] += zi
				}
			default:
				for i, zi := range zk {
					x[i] *= a + sigma*sq*zi
					w[i] += zi
				}
			}
		}
		if j == 0 && w1 != nil {
			// π = W_{t_1}/(σ X_0 t_1), and W_{t_1} = √Δt Σ z so far.
			c := sq / (sigma * x0 * T / float64(m))
			for i, v := range w {
				w1[i] = v * c
			}
		}
	}
	for i := range w {
		w[i] *= sq
	}
	if need&NeedY != 0 {
		inv := 1 / x0
		for i, v := range b.Obs[:n*m] {
			b.Y[i] = v * inv
		}
	}
	if ch != nil {
		c := 1 / (float64(per) * x0)
		for i := range ch {
			ch[i] = (ch[i] - float64(per)) * c
		}
	}
	if ga != nil {
		fm, fl, ix := float64(per/2), float64(per-per/2), 1/x0
		for i, a1 := range ga {
			a2 := gb[i]
			ga[i] = ((a1+a2)/float64(per) - 2) * ix
			gb[i] = (a2/fl - 1) * (a1/fm - 2) * ix * ix // NaN when M = 0 (one step a fixing)
		}
	}
}
