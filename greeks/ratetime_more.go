package greeks

import (
	"fmt"
	"math"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Rho and Theta beyond a European payoff on one GBM asset.
//
// Path-dependent payoffs on one GBM asset, exact scheme, fixings
// t_j = jΔ, Δ = T/m. Rho moves r in the discount and in every increment's
// mean (r − q − σ²/2)Δ; the increments' joint density has the r-score
// Σ_k ΔW_k/σ = W_T/σ, so the Malliavin weight is the European one, and the
// path moves as ∂S_{t_j}/∂r = t_j S_{t_j}:
//
//	Rho = E[D f (W_T/σ − T)]                               (Malliavin)
//	    = E[D (Σ_j t_j S_{t_j} ∂f/∂S_{t_j} − T f)]           (pathwise)
//
// Theta is −∂V/∂T with the fixing schedule fixed in calendar time and the
// valuation date moving: T ± h moves every fixing date by ± h, so only the
// first interval t_1 = Δ changes (the contract ages; with m = 1 this is the
// European Theta). Given the later increments, ln S_{t_1} is
// N(ln S_0 + μt_1, σ²t_1), μ = r − q − σ²/2, and every fixing moves with
// it (∂S_{t_j}/∂t_1 = S_{t_j}(μ + σW_{t_1}/(2t_1)) at fixed normals), so
// Theta is the European Theta with T → t_1 and W_T → W_{t_1} in the weight
// and the path derivative, the discount still over T:
//
//	Theta = E[D f (r − μW_{t_1}/(σt_1) − (W_{t_1}² − t_1)/(2t_1²))]      (Malliavin)
//	      = E[D (r f − Σ_j S_{t_j} ∂f/∂S_{t_j} (μ + σW_{t_1}/(2t_1)))]   (pathwise)
//
// The fd Theta moves the first interval by ± h with h = Bumps.Expiry·t_1
// (relative to the time to the first fixing, T for a European payoff),
// on the same normals: S_{t_j}(T ± h) = S_{t_j} exp(± μh + σ(√((t_1 ± h)/t_1) − 1) W_{t_1}),
// discounted by e^{−r(T ± h)}. The fd Rho scales S_{t_j} by e^{± h t_j}
// under e^{−(r ± h)T}.
//
// d correlated GBM assets (European payoffs), with W_a the assets'
// correlated W_T and Ŵ = ρ⁻¹W_T the dual vector: ln S_a(T) has mean
// ln S_a + μ_aT and covariance σ_aσ_bρ_abT, whose scores are
//
//	r: Σ_a Ŵ_a/σ_a,    T: Σ_a μ_aŴ_a/(σ_aT) + (Σ_a W_aŴ_a − dT)/(2T²),
//
// so (one Rho shared by the assets, one Theta)
//
//	Rho   = E[D f (Σ_a Ŵ_a/σ_a − T)]  = E[D (T Σ_a S_a ∂f/∂S_a − T f)]
//	Theta = E[D f (r − Σ_a μ_aŴ_a/(σ_aT) − (Σ_a W_aŴ_a − dT)/(2T²))]
//	      = E[D (r f − Σ_a S_a ∂f/∂S_a (μ_a + σ_aW_a/(2T)))]
//
// With d = 1 these are the European weights of sde.GBM's doc.
//
// On an Euler or Milstein grid (GBM or CEV) fd re-simulates the chain on
// the same normals: Rho with r ± h, Theta with the first fixing interval
// t_1 ± h over its same steps, the later steps unchanged (sde's
// EvolveAged; a European payoff's horizon T ± h). Under Euler the chain's
// tangents and scores in r and T (gridweights.go) give pathwise,
// Malliavin, localized and hybrid Rho and Theta of the same target.
//
// Under Heston (QE or Euler) the fd Rho scales the fixings by e^{±h t_j},
// exact for both schemes on the same normals, and the fd Theta re-simulates
// on the same normals: a European payoff over T ± h, a path-dependent one
// with the first fixing interval t_1 ± h over its same steps and the later
// steps unchanged (sde's EvolveHestonAged). The other Rho and Theta
// estimators are in heston.go.

// rateTimeInvalid returns why method x cannot estimate Rho or Theta of p
// on m under s, or "".
func rateTimeInvalid(p payoff.Payoff, m sde.Model, s sde.Scheme, g Greek, x Method) string {
	switch m.(type) {
	case sde.GBM, sde.Correlated:
	case sde.CEV:
	default:
		return fmt.Sprintf("%s is implemented for the gbm, cev and correlated gbm models (not %s)", g, m.Name())
	}
	if s == sde.Exact {
		return ""
	}
	if x != FD && !gridWeights(m, s) {
		return fmt.Sprintf("under %s %s is estimated by fd only: its step is not Gaussian, so the chain has no %s weight "+
			"in r and T here (use --scheme euler)", s, g, x)
	}
	return ""
}

// rateTimePairsGeneral adds the paired Rho and Theta samples of a
// path-dependent payoff on one GBM asset, or of a European payoff on d
// correlated GBM assets, under the exact scheme (see above). f is the
// payoff, r the remainder f − f_ε when localizing (nil otherwise) and grad
// the gradient of the payoff (of f_ε when localizing).
func (w *worker) rateTimePairsGeneral(pl *plan, n int, acc *chunkAcc, fold int, f, r, grad []float64) {
	b, m, d := &w.base, pl.fixings, pl.d
	fp := f
	if r != nil {
		fp = w.fs[:n]
	}
	T, rate := pl.par.Expiry, pl.par.Rate
	dt := T / float64(m)
	a, wt := w.fx[0][:n], w.fx[1][:n] // P/D and the weight
	// w1[a]: asset a's W at the first fixing (W_T for one fixing).
	w1 := func(a int) []float64 {
		if m == 1 {
			return b.W[a*n : a*n+n]
		}
		out, sq := w.fx[2][:n], math.Sqrt(dt)
		for i, z := range w.z[:n] {
			out[i] = sq * z
		}
		return out
	}
	wd := b.W
	if d > 1 {
		wd = b.Dual
	}
	for _, g := range []Greek{Rho, Theta} {
		if !pl.pair[g] {
			continue
		}
		clear(a)
		clear(wt)
		if g == Rho {
			// a = Σ_a Σ_j t_j S ∂f/∂S − T fp; weight Σ_a Ŵ_a/σ_a − T.
			if grad != nil {
				for j := range m {
					t := float64(j+1) * dt
					for as := range d {
						row := (j*d + as) * n
						for i, x := range b.Obs[row : row+n] {
							a[i] += t * x * grad[row+i]
						}
					}
				}
			}
			for as, par := range pl.assets {
				is := 1 / par.Vol
				for i, v := range wd[as*n : as*n+n] {
					wt[i] += v * is
				}
			}
			for i := range a {
				a[i] -= T * fp[i]
				wt[i] -= T
			}
		} else {
			// One asset: a = r fp − φ (μ + σW_1/(2t_1)), weight
			// r − μW_1/(σt_1) − (W_1² − t_1)/(2t_1²), t_1 = Δ. Several
			// (European): the sums over the assets, t_1 = T.
			t1 := dt
			for as, par := range pl.assets {
				mu := par.Rate - par.Div - par.Vol*par.Vol/2
				x1 := w1(as)
				dual := wd[as*n : as*n+n] // Ŵ_a; one asset: W_{t_1} itself
				if d == 1 {
					dual = x1
				}
				cw, cq := mu/(par.Vol*t1), 1/(2*t1*t1)
				for i, x := range x1 {
					var phi float64
					if grad != nil {
						for j := range m {
							row := (j*d + as) * n
							phi += b.Obs[row+i] * grad[row+i]
						}
					}
					a[i] -= phi * (mu + par.Vol*x/(2*t1))
					wt[i] -= cw*dual[i] + cq*(x*dual[i]-t1)
				}
			}
			for i := range a {
				a[i] += rate * fp[i]
				wt[i] += rate
			}
		}
		k := pl.slot(g, 0, 0)*pl.folds + fold
		acc.pair[k].add(pairSums(f, a, r, wt, pl.disc, pl.disc, pl.mall[g]))
	}
}

// rateTimeFDGeneral adds the central differences in r and in T of the
// cases rateTimeFD does not cover (see above), on the same normals.
func (w *worker) rateTimeFDGeneral(pl *plan, n int, acc *chunkAcc) {
	b, m, d := &w.base, pl.fixings, pl.d
	fu, fdn := w.fu[:n], w.fd[:n]
	par := pl.par
	T, r := par.Expiry, par.Rate
	hm, isHeston := heston(pl.model)
	if pl.fd[Rho] {
		h := pl.hr
		if pl.scheme != sde.Exact && !isHeston {
			w.simulate(pl, pl.rateUp, n, &w.up, 0)
			w.simulate(pl, pl.rateDown, n, &w.down, 0)
		} else {
			w.up.ResizeAssets(n, m, d)
			w.down.ResizeAssets(n, m, d)
			for j := range m {
				t := float64(j+1) * T / float64(m)
				cu, cd := math.Exp(h*t), math.Exp(-h*t)
				for as := range d {
					src, up, dn := b.Row(j, as), w.up.Row(j, as), w.down.Row(j, as)
					for i, x := range src {
						up[i], dn[i] = x*cu, x*cd
					}
				}
			}
		}
		pl.p.Eval(w.up.Obs, fu, nil)
		pl.p.Eval(w.down.Obs, fdn, nil)
		c := 1 / (2 * h)
		acc.fd[pl.slot(Rho, 0, 0)].add(weightedDiffSums(fu, fdn, c*math.Exp(-(r+h)*T), c*math.Exp(-(r-h)*T)))
	}
	if !pl.fd[Theta] {
		return
	}
	t1 := T / float64(m)
	h := pl.ht / float64(m) // Bumps.Expiry·t_1
	if pl.scheme != sde.Exact {
		// On a grid the same steps, the first interval t_1 ± h (European:
		// the whole horizon T ± h).
		w.up.ResizeAssets(n, m, d)
		w.down.ResizeAssets(n, m, d)
		if isHeston {
			z := w.z[:2*n*pl.steps]
			if m == 1 {
				up, dn := hm, hm
				up.Expiry, dn.Expiry = T+h, T-h
				w.grid.EvolveHeston(up, pl.scheme, pl.steps, z, &w.up, 0)
				w.grid.EvolveHeston(dn, pl.scheme, pl.steps, z, &w.down, 0)
			} else {
				w.grid.EvolveHestonAged(hm, pl.scheme, t1+h, pl.steps, z, &w.up, 0)
				w.grid.EvolveHestonAged(hm, pl.scheme, t1-h, pl.steps, z, &w.down, 0)
			}
		} else if z := w.z[:n*pl.steps]; m == 1 {
			w.grid.Evolve(pl.model, pl.scheme, par.Spot, T+h, pl.steps, z, &w.up, 0)
			w.grid.Evolve(pl.model, pl.scheme, par.Spot, T-h, pl.steps, z, &w.down, 0)
		} else {
			w.grid.EvolveAged(pl.model, pl.scheme, par.Spot, T, t1+h, pl.steps, z, &w.up, 0)
			w.grid.EvolveAged(pl.model, pl.scheme, par.Spot, T, t1-h, pl.steps, z, &w.down, 0)
		}
	} else {
		copyBlock(&w.up, b)
		copyBlock(&w.down, b)
		su, sd := math.Sqrt((t1+h)/t1)-1, math.Sqrt((t1-h)/t1)-1
		for as, p := range pl.assets {
			mu := p.Rate - p.Div - p.Vol*p.Vol/2
			// Per path, the factor of every fixing of the asset.
			cu, cd := w.fx[0][:n], w.fx[1][:n]
			if m == 1 {
				copy(cu, b.W[as*n:as*n+n])
			} else {
				sq := math.Sqrt(t1)
				for i, z := range w.z[:n] {
					cu[i] = sq * z
				}
			}
			for i, x := range cu {
				cu[i], cd[i] = math.Exp(mu*h+p.Vol*su*x), math.Exp(-mu*h+p.Vol*sd*x)
			}
			for j := range m {
				src, up, dn := b.Row(j, as), w.up.Row(j, as), w.down.Row(j, as)
				for i, x := range src {
					up[i], dn[i] = x*cu[i], x*cd[i]
				}
			}
		}
	}
	pl.p.Eval(w.up.Obs, fu, nil)
	pl.p.Eval(w.down.Obs, fdn, nil)
	c := 1 / (2 * h)
	acc.fd[pl.slot(Theta, 0, 0)].add(weightedDiffSums(fu, fdn, -c*math.Exp(-r*(T+h)), -c*math.Exp(-r*(T-h))))
}

// withRate returns the one-asset model m with the rate r.
func withRate(m sde.Model, r float64) sde.Model {
	switch x := m.(type) {
	case sde.GBM:
		x.Rate = r
		return x
	case sde.CEV:
		x.Rate = r
		return x
	}
	panic(fmt.Sprintf("greeks: no rate bump for model %s", m.Name()))
}
