package sde

import "fmt"

// Scheme selects how a path is advanced to the horizon.
type Scheme int

const (
	// Exact samples the terminal value from its exact law in one step
	// (GBM only).
	Exact Scheme = iota
	// Euler is the Euler–Maruyama scheme on a uniform grid:
	//	X_{k+1} = X_k + b(X_k)Δt + σ(X_k)ΔW_k.
	Euler
	// Milstein adds the Itô correction ½σσ'(X_k)(ΔW_k² − Δt) to Euler.
	Milstein
	// QE is Andersen's quadratic-exponential scheme with the martingale
	// correction (Heston only; see Grid.EvolveHeston).
	QE
)

// Schemes lists the scheme names ParseScheme accepts, in Scheme order.
var Schemes = []string{"exact", "euler", "milstein", "qe"}

func (s Scheme) String() string {
	if s >= 0 && int(s) < len(Schemes) {
		return Schemes[s]
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// ParseScheme returns the scheme with the given name.
func ParseScheme(name string) (Scheme, error) {
	for i, n := range Schemes {
		if n == name {
			return Scheme(i), nil
		}
	}
	return 0, fmt.Errorf("sde: unknown scheme %q (want exact, euler, milstein or qe)", name)
}

// Need says which path functionals a simulation must produce besides the
// fixings and W_T.
type Need uint16

const (
	// NeedY asks for the first variation Y = ∂X/∂X_0 at the fixings.
	NeedY Need = 1 << iota
	// NeedWeight asks for the time-averaged Malliavin Delta weight over the
	// first fixing interval [0, t_1] (ERRATA §1; Fournié et al. 1999),
	//	π = (1/t_1) Σ_{t_k < t_1} Y_k ΔW_k / σ(X_k),
	// for which ∂/∂X_0 E[F] = E[F π] for any payoff F of the fixings, in
	// continuous time. On a grid it estimates the diffusion's Delta, which
	// differs from the discretized chain's by O(Δt).
	NeedWeight
	// NeedDVol asks for the tangent ∂X/∂σ at the fixings, for pathwise Vega.
	NeedDVol
	// NeedChain asks for the chain weight: the same integration by parts
	// done on the discretized chain itself, so that ∂/∂X_0 E[F] = E[F π_c]
	// holds exactly for the chain (see Grid.Evolve).
	NeedChain
	// NeedGamma asks for the Euler chain's Gamma factors GammaMixed and
	// GammaWeight (see Grid.Evolve and gridweights.go).
	NeedGamma
	// NeedVegaWeight asks for the Euler chain's Vega score VegaWeight.
	NeedVegaWeight
	// NeedRate asks for the tangent ∂X/∂r at the fixings (DRate) and the
	// Euler chain's score in r (RateWeight).
	NeedRate
	// NeedTime asks for the tangent ∂X/∂T at the fixings (DTime) and the
	// Euler chain's score in T (TimeWeight), T moving the first fixing
	// interval.
	NeedTime
	// NeedDExpiry asks EvolveHeston (Euler only) for the expiry tangent of a
	// European payoff's path, ∂ln S_T/∂T at fixed normals and steps
	// (HestonExpiryTangent), and, with NeedWeight or NeedChain, the
	// conditional Malliavin weight in T (HestonExpiryWeight).
	NeedDExpiry
)

// Block is a block of simulated paths in structure-of-arrays form, with the
// paths of d assets observed at m fixing dates t_j = jT/m. Per-fixing slices
// are fixing-major, then asset, then path: Obs[(j*d+a)*n+i] is asset a at
// t_{j+1} on path i, so that one asset's fixing is a contiguous row. With one
// asset (d = 1) that is Obs[j*n+i]. Slices are sized by Resize (or
// ResizeAssets) and reused from block to block, so a simulation does not
// allocate.
type Block struct {
	Obs    []float64 // m×d×n: X at the fixings; the last d rows are X_T
	Y      []float64 // m×d×n: ∂X/∂X_0 at the fixings, with NeedY
	DVol   []float64 // m×d×n: ∂X/∂σ at the fixings (each asset in its own σ), with NeedDVol
	W      []float64 // d×n: W_T of each asset (correlated Brownian motions)
	Weight []float64 // n: the Malliavin Delta weight π, with NeedWeight (one asset)
	Chain  []float64 // n: the chain weight π_c, with NeedChain (one asset)
	// The Euler chain's Gamma, Vega, Rho and Theta factors of one asset
	// (gridweights.go): n each, DRate and DTime m×n.
	GammaMixed  []float64 // with NeedGamma: g_P, Gamma = E[D φ_Y g_P] for a Lipschitz payoff
	GammaWeight []float64 // with NeedGamma: γ, Gamma = E[D f γ]
	VegaWeight  []float64 // with NeedVegaWeight: ν, Vega = E[D f ν]
	RateWeight  []float64 // with NeedRate: the score in r, Σ_k ∂_r b_k ΔW_k/σ_k
	TimeWeight  []float64 // with NeedTime: the score in T of the first interval
	DRate       []float64 // m×n: ∂X/∂r at the fixings, with NeedRate
	DTime       []float64 // m×n: ∂X/∂T at the fixings, with NeedTime
	// Dual is d×n: the dual Brownian vector ρ⁻¹W_T (ρ the assets'
	// correlation matrix) of several assets, filled by Correlated; the
	// Malliavin weights of correlated GBM are built from it. With one
	// asset it is not filled: ρ⁻¹W_T = W_T.
	Dual []float64
	// CondVar is n: under Heston, the variance Σ_k c_k of log X_{t_1}
	// given the variance path (see Grid.EvolveHeston), with NeedWeight or
	// NeedChain. The Malliavin Gamma divides by it.
	CondVar []float64
	// Z is m×d×n: the correlated normals of the assets' increments,
	// filled by Correlated (for revaluations of one asset under a bumped
	// volatility on the same draws); the first asset's rows are the
	// independent normals themselves and are not copied here.
	Z       []float64
	n, m, d int
}

// Resize sizes b for n paths, m fixings and one asset, growing storage
// only when needed.
func (b *Block) Resize(n, m int) { b.ResizeAssets(n, m, 1) }

// ResizeAssets sizes b for n paths, m fixings and d assets, growing
// storage only when needed.
func (b *Block) ResizeAssets(n, m, d int) {
	b.n, b.m, b.d = n, m, d
	for _, p := range []*[]float64{&b.Obs, &b.Y, &b.DVol, &b.DRate, &b.DTime} {
		*p = grow(*p, n*m*d)
	}
	for _, p := range []*[]float64{&b.Weight, &b.Chain, &b.CondVar, &b.GammaMixed, &b.GammaWeight, &b.VegaWeight,
		&b.RateWeight, &b.TimeWeight} {
		*p = grow(*p, n)
	}
	b.W = grow(b.W, n*d)
	if d > 1 {
		b.Dual = grow(b.Dual, n*d)
		b.Z = grow(b.Z, n*m*d)
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// Len returns the number of paths n.
func (b *Block) Len() int { return b.n }

// Fixings returns the number of fixings m.
func (b *Block) Fixings() int { return b.m }

// Assets returns the number of assets d.
func (b *Block) Assets() int { return b.d }

// Row returns asset a's fixing j (0-based) on every path.
func (b *Block) Row(j, a int) []float64 { return b.Obs[(j*b.d+a)*b.n : (j*b.d+a+1)*b.n] }

// Terminal returns X_T of the first asset for every path.
func (b *Block) Terminal() []float64 { return b.Row(b.m-1, 0) }

// Coefs holds diffusion coefficients evaluated at a block of states.
type Coefs struct {
	B, S   []float64 // drift b(x) and diffusion σ(x)
	DB, DS []float64 // b'(x) and σ'(x), for the first variation
	DDS    []float64 // σ''(x), for Milstein's first variation and the Gamma weights
	DDB    []float64 // b''(x), for the Gamma weights' second variation
	RB     []float64 // ∂b/∂r: the drift's derivative in the rate, for Rho
	VB, VS []float64 // ∂b/∂σ and ∂σ(x)/∂σ: derivatives in the volatility parameter
	VDS    []float64 // ∂σ'(x)/∂σ, for Milstein's Vega tangent
}

func (c *Coefs) resize(n int) {
	for _, p := range []*[]float64{&c.B, &c.S, &c.DB, &c.DS, &c.DDS, &c.DDB, &c.RB, &c.VB, &c.VS, &c.VDS} {
		*p = grow(*p, n)
	}
}

// Diffusion is a one-dimensional diffusion dX = b(X)dt + σ(X)dW whose
// coefficients are evaluated a block of states at a time. A new model needs
// only this method; Grid.Evolve supplies the schemes, the first variation,
// the Vega tangent and the Malliavin weights.
type Diffusion interface {
	// Coefficients fills c (already sized to len(x)) at the states x.
	Coefficients(x []float64, c *Coefs)
}

// Absorbing is implemented by diffusions absorbed at 0 (CEV with β < 1):
// a step that ends at or below 0 leaves the path at 0 for good, and its
// derivatives there are 0. Coefficients must return zeros at x ≤ 0.
type Absorbing interface {
	Diffusion
	// AbsorbedAtZero reports whether 0 is absorbing.
	AbsorbedAtZero() bool
}

// Assets is implemented by models of several observed assets (Correlated)
// and, with Drivers > Assets, by models with hidden factors. A Model that
// does not implement it has one asset and one driver.
type Assets interface {
	// Assets is the number d of observed assets, the asset axis of a Block.
	Assets() int
	// Asset returns asset a's market inputs (0 ≤ a < d).
	Asset(a int) Params
	// Drivers is the number of independent standard normals a path draws
	// at each step (or fixing, under the exact scheme).
	Drivers() int
}

// Dims returns the number of observed assets of m and the normals a path
// draws a step.
func Dims(m Model) (assets, drivers int) {
	if a, ok := m.(Assets); ok {
		return a.Assets(), a.Drivers()
	}
	return 1, 1
}

// Linear is implemented by diffusions whose coefficients are linear in the
// state, b(x) = μx and σ(x) = σx (GBM). Evolve then uses a faster loop with
// the same results: the scheme's step is a multiplication, the chain is
// linear in X_0 so Y_k = X_k/X_0, and the weight's terms Y_kΔW_k/σ(X_k)
// reduce to ΔW_k/(σX_0), so π = W_{t_1}/(σ X_0 t_1) exactly.
type Linear interface {
	Diffusion
	// Linear returns μ and σ.
	Linear() (mu, sigma float64)
}
