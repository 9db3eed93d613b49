package sde

// EvolveHestonAged is EvolveHeston with the first fixing interval of
// length t1 instead of T/m, T = hm.Expiry: the N₁ = steps/m steps of the
// first interval are of Δ₁ = t1/N₁ and the later ones of the unchanged
// Δ = T/steps, on the same normals z. It is the chain of a contract whose
// valuation date has moved by T/m − t1 with its fixing schedule (t_j − t_1
// for j ≥ 1) fixed, for the fd Theta of a path-dependent payoff,
//
//	Theta = −∂V/∂T ≈ −(V(t_1 + h) − V(t_1 − h))/(2h)   (T ± h, the later fixings' gaps kept),
//
// the analogue of EvolveAged for Euler and Milstein grids. Under Euler every
// per-step quantity takes its step's Δ (√Δ, (r − q)Δ, v⁺Δ); under QE the
// per-step constants (e^{−κΔ}, s²'s coefficients, K₀*'s A, K₂, K₃, (r − q)Δ,
// √Δ) come in two sets, switched at k = N₁, a fixing (where the deferred
// martingale correction has just been flushed), so each step is exactly
// EvolveHeston's step of its own length. With t1 = T/m the two sets agree
// with EvolveHeston's up to the rounding of t1/N₁ against T/steps.
//
// The Delta weight and the Vega tangent and weight use the steps' own Δ
// and stay exact for the aged chain. NeedDExpiry gives the tangent in t1
// (Block.DTime, HestonExpiryTangent) and its weight (HestonExpiryWeight),
// which move Δ₁ only (EvolveHeston's doc), so that pathwise and Malliavin
// Theta of a path-dependent payoff are
//
//	Theta = −∂V/∂t_1 = E[D (r f − Σ_j ∂f/∂S_{t_j} ∂S_{t_j}/∂t_1)] = E[D f (r − ν_{t_1})].
func (g *Grid) EvolveHestonAged(hm Heston, s Scheme, t1 float64, steps int, z []float64, b *Block, need Need) {
	if !(t1 > 0) {
		panic("sde: EvolveHestonAged needs a first interval t1 > 0")
	}
	g.evolveHeston(hm, s, t1, steps, z, b, need)
}
