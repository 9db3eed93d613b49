package sde

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MaxAssets bounds the number of assets of a Correlated model. The cost of
// a path grows as d (exponentials, payoffs) plus d²/2 (correlating the
// normals, the dual vector), and the cross Gammas number d(d−1)/2.
const MaxAssets = 100

// Correlated is d geometric Brownian motions under the pricing measure
// driven by correlated Brownian motions,
//
//	dS_a = (Rate − Div_a) S_a dt + Vol_a S_a dW_a,   S_a(0) = Spot_a,
//	d⟨W_a, W_b⟩ = ρ_ab dt,
//
// sampled exactly at the fixings. With ρ = L Lᵀ (Cholesky) and independent
// standard normals Z, the increments are W_{t_j} − W_{t_{j−1}} = √Δt L Z_j,
// and each asset is the exact GBM sampler of its own Brownian motion:
//
//	S_a(t_j) = Spot_a exp((Rate − Div_a − Vol_a²/2) t_j + Vol_a W_a(t_j)).
//
// One asset with ρ = (1) is GBM, number for number. Build it with
// NewCorrelated, which validates the correlation matrix once and factors
// it; a Correlated built otherwise fails Validate.
//
// Malliavin (likelihood-ratio) weights. Write θ_a = ln S_a(0) and
// X_a = ln S_a(T) = θ_a + (r − q_a − σ_a²/2)T + σ_a W_a(T). Given the inputs,
// W(T) ~ N(0, Tρ), so X has the Gaussian density
//
//	p(x) ∝ exp(−½ (x − m)ᵀ Σ⁻¹ (x − m)),   m_a = θ_a + (r − q_a − σ_a²/2)T,
//	Σ = T diag(σ) ρ diag(σ),   Σ⁻¹ = diag(1/σ) ρ⁻¹ diag(1/σ) / T.
//
// At x = X, x − m = σ ⊙ W(T), hence Σ⁻¹(x − m) = u with
// u_a = Ŵ_a/(σ_a T), where Ŵ = ρ⁻¹W(T) is the dual vector Exact stores in
// Block.Dual. For a payoff f(S(T)), ∂E[f]/∂θ = E[f ∂ln p/∂θ] (integration by
// parts against the Gaussian law: the Malliavin weight of a European payoff),
// and ∂/∂S_a(0) = (1/S_a(0)) ∂/∂θ_a. Since ∂m_b/∂S_a(0) = δ_ab/S_a(0):
//
//	Delta_a  π_a  = ∂ln p/∂S_a(0) = Ŵ_a / (S_a(0) σ_a T),
//	Gamma_a  γ_aa = π_a² + ∂²ln p/∂S_a(0)²
//	              = (Ŵ_a² − σ_a T Ŵ_a − ρ⁻¹_aa T) / (S_a(0)² σ_a² T²),
//	cross    γ_ab = π_a π_b + ∂²ln p/∂S_a(0)∂S_b(0)
//	              = (Ŵ_a Ŵ_b − ρ⁻¹_ab T) / (S_a(0) S_b(0) σ_a σ_b T²),   a ≠ b,
//
// using ∂u_a/∂S_b(0) = −Σ⁻¹_ab/S_b(0) and Σ⁻¹_ab = ρ⁻¹_ab/(σ_a σ_b T). For Vega,
// change variables to W = (x − m)/σ (componentwise), whose law N(0, Tρ)
// does not depend on σ; then ln p(x; σ) = ln q(W(x, σ)) − Σ_b ln σ_b with
// ∂W_a/∂σ_a = T − W_a/σ_a and ∇ln q(W) = −ρ⁻¹W/T = −Ŵ/T, so
//
//	Vega_a   ν_a = ∂ln p/∂σ_a = Ŵ_a W_a/(σ_a T) − Ŵ_a − 1/σ_a.
//
// With one asset Ŵ = W and ρ⁻¹ = 1, and these are the single-asset weights
// W/(S_0σT), (W² − σTW − T)/(S_0²σ²T²) and W²/(σT) − W − 1/σ. Package
// greeks multiplies them with the discounted payoff (Malliavin), with the
// remainder f − f_ε of a smoothed payoff (localized), and uses π_b beside
// the payoff's gradient in the mixed pathwise–likelihood-ratio Gammas
// E[D (∂f/∂S_a) S_a(T)/S_a(0) · (π_b − δ_ab/S_a(0))]. Each weight is checked
// against finite differences on the same paths in greeks' tests.
type Correlated struct {
	Spot   []float64 // initial values S_a(0) > 0
	Div    []float64 // dividend yields, continuously compounded
	Vol    []float64 // volatilities σ_a > 0, annualized, absolute (0.2 = 20%)
	Rate   float64   // risk-free rate, continuously compounded
	Expiry float64   // horizon T > 0 in years
	corr   []float64 // ρ, d×d row-major
	chol   []float64 // L, lower triangular, d×d row-major
	inv    []float64 // ρ⁻¹, d×d row-major
	uinv   []float64 // L⁻ᵀ, upper triangular, d×d row-major
}

// CorrelationError reports a correlation matrix that is not one: an entry
// out of place (Row, Col ≥ 0), or a matrix that is not positive definite
// (Row = Col = −1, with its smallest eigenvalue).
type CorrelationError struct {
	Row, Col int     // the first offending entry, row-major; −1 for the whole matrix
	Value    float64 // the entry, or the smallest eigenvalue
	Reason   string
}

func (e *CorrelationError) Error() string {
	if e.Row < 0 {
		return fmt.Sprintf("sde: correlation matrix is not positive definite: its smallest eigenvalue is %.6g", e.Value)
	}
	return fmt.Sprintf("sde: correlation[%d][%d] = %v: %s", e.Row, e.Col, e.Value, e.Reason)
}

// AssetsError reports inputs of a Correlated model whose lengths disagree.
type AssetsError struct {
	Name      string // the input: "divs", "vols", "correlation"
	Len, Want int
}

func (e *AssetsError) Error() string {
	return fmt.Sprintf("sde: %d %s for %d assets", e.Len, e.Name, e.Want)
}

// NewCorrelated returns the d-asset model with the given spots, dividend
// yields and volatilities (d each, 1 ≤ d ≤ MaxAssets) and correlation matrix
// corr (d rows of d). The matrix must be symmetric with a unit diagonal and
// entries in [−1, 1], and positive definite; the first entry that breaks a
// rule, or the smallest eigenvalue of a matrix that is not positive
// definite, is reported in a *CorrelationError. Other bad inputs give an
// *AssetsError or a *ParamError naming the asset ("vol[1]").
func NewCorrelated(spot, div, vol []float64, rate, expiry float64, corr [][]float64) (Correlated, error) {
	d := len(spot)
	if d < 1 || d > MaxAssets {
		return Correlated{}, &ParamError{"assets", float64(d)}
	}
	for _, in := range []struct {
		name string
		n    int
	}{{"divs", len(div)}, {"vols", len(vol)}, {"correlation rows", len(corr)}} {
		if in.n != d {
			return Correlated{}, &AssetsError{in.name, in.n, d}
		}
	}
	m := Correlated{Spot: spot, Div: div, Vol: vol, Rate: rate, Expiry: expiry}
	if err := m.validateParams(); err != nil {
		return Correlated{}, err
	}
	flat := make([]float64, d*d)
	for i, row := range corr {
		if len(row) != d {
			return Correlated{}, &AssetsError{fmt.Sprintf("entries in correlation row %d", i), len(row), d}
		}
		copy(flat[i*d:], row)
	}
	for i := range d {
		for j := range d {
			v := flat[i*d+j]
			switch {
			case math.IsNaN(v) || v < -1 || v > 1:
				return Correlated{}, &CorrelationError{i, j, v, "must be in [-1, 1]"}
			case i == j && v != 1:
				return Correlated{}, &CorrelationError{i, j, v, "the diagonal must be 1"}
			case v != flat[j*d+i]:
				return Correlated{}, &CorrelationError{i, j, v, fmt.Sprintf("the matrix must be symmetric, but correlation[%d][%d] = %v", j, i, flat[j*d+i])}
			}
		}
	}
	sym := mat.NewSymDense(d, flat)
	var ch mat.Cholesky
	if ok := ch.Factorize(sym); !ok {
		var eig mat.EigenSym
		lo := math.NaN()
		if eig.Factorize(sym, false) {
			lo = eig.Values(nil)[0]
		}
		return Correlated{}, &CorrelationError{-1, -1, lo, "not positive definite"}
	}
	var l mat.TriDense
	ch.LTo(&l)
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return Correlated{}, &CorrelationError{-1, -1, 0, err.Error()}
	}
	var li mat.TriDense
	if err := li.InverseTri(&l); err != nil {
		return Correlated{}, &CorrelationError{-1, -1, 0, err.Error()}
	}
	m.corr, m.chol, m.inv, m.uinv = flat, make([]float64, d*d), make([]float64, d*d), make([]float64, d*d)
	for i := range d {
		for j := range d {
			m.chol[i*d+j] = l.At(i, j)
			m.inv[i*d+j] = inv.At(i, j)
			m.uinv[i*d+j] = li.At(j, i) // (L⁻¹)ᵀ
		}
	}
	// The diagonal of the factor of a unit-diagonal matrix's first row is
	// exactly 1, so asset 0 draws Z_0 itself; keep it exact.
	m.chol[0] = 1
	return m, nil
}

// validateParams checks the per-asset inputs.
func (m Correlated) validateParams() error {
	for _, in := range []struct {
		name     string
		v        []float64
		positive bool
	}{{"spot", m.Spot, true}, {"vol", m.Vol, true}, {"div", m.Div, false}} {
		for a, v := range in.v {
			if math.IsNaN(v) || math.IsInf(v, 0) || (in.positive && v <= 0) {
				return &ParamError{fmt.Sprintf("%s[%d]", in.name, a), v}
			}
		}
	}
	for _, p := range []struct {
		name     string
		v        float64
		positive bool
	}{{"expiry", m.Expiry, true}, {"rate", m.Rate, false}} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) || (p.positive && p.v <= 0) {
			return &ParamError{p.name, p.v}
		}
	}
	return nil
}

// Validate implements Model.
func (m Correlated) Validate() error {
	d := len(m.Spot)
	if d < 1 || len(m.chol) != d*d || len(m.Div) != d || len(m.Vol) != d {
		return &ParamError{"assets (build the model with NewCorrelated)", float64(d)}
	}
	return m.validateParams()
}

// Assets implements Assets: the number of assets d.
func (m Correlated) Assets() int { return len(m.Spot) }

// Drivers implements Assets: d normals a fixing.
func (m Correlated) Drivers() int { return len(m.Spot) }

// Asset implements Assets: asset a's market inputs.
func (m Correlated) Asset(a int) Params {
	return Params{m.Spot[a], m.Rate, m.Div[a], m.Vol[a], m.Expiry}
}

// Corr returns the correlation ρ_ab.
func (m Correlated) Corr(a, b int) float64 { return m.corr[a*len(m.Spot)+b] }

// InvCorr returns the entry (a, b) of the inverse correlation matrix ρ⁻¹.
func (m Correlated) InvCorr(a, b int) float64 { return m.inv[a*len(m.Spot)+b] }

// Params implements Model: the first asset's inputs (Asset(0)).
func (m Correlated) Params() Params { return m.Asset(0) }

// Bump implements Model: the first asset's spot and volatility.
func (m Correlated) Bump(spot, vol float64) Model { return m.BumpAsset(0, spot, vol) }

// BumpAsset returns the model with asset a's spot and volatility replaced.
func (m Correlated) BumpAsset(a int, spot, vol float64) Correlated {
	m.Spot, m.Vol = append([]float64(nil), m.Spot...), append([]float64(nil), m.Vol...)
	m.Spot[a], m.Vol[a] = spot, vol
	return m
}

// Name implements Model.
func (Correlated) Name() string { return "gbm" }

// Coefficients implements Diffusion for the first asset's marginal GBM.
// The model is simulated by Exact; no grid scheme steps d assets.
func (m Correlated) Coefficients(x []float64, c *Coefs) {
	GBM{Spot: m.Spot[0], Rate: m.Rate, Div: m.Div[0], Vol: m.Vol[0], Expiry: m.Expiry}.Coefficients(x, c)
}

// Exact samples a block of paths of the d assets exactly at the fixings
// t_j = jT/m, m = b.Fixings(), from the independent normals z (m·d per path,
// laid out as b.Obs: z[(j*d+c)*n+i]). b must be sized by ResizeAssets with
// d = Assets(). It correlates the normals, Z_a = Σ_{c≤a} L_ac z_c (kept in
// b.Z for a ≥ 1; Z_0 = z_0), runs each asset's exact GBM sampler on them (b.Obs, b.W, and b.DVol
// and b.Y when asked), and with several assets sets the dual vector
//
//	b.Dual = ρ⁻¹ W_T = L⁻ᵀ (L⁻¹ W_T) = L⁻ᵀ √Δt Σ_j z_j,
//
// whose entries carry the Malliavin weights (see greeks' doc).
func (m Correlated) Exact(z []float64, b *Block, need Need) {
	n, k, d := b.Len(), b.Fixings(), b.Assets()
	dt := m.Expiry / float64(k)
	if d == 1 {
		exactAsset(m.Spot[0], m.Rate-m.Div[0], m.Vol[0], dt, 0, z, b, need)
		return
	}
	// Asset 0 draws z_0 itself (L_00 = 1): its rows of b.Z are not used.
	zc := b.Z[:n*k*d]
	for j := range k {
		base := j * d * n
		for a := 1; a < d; a++ {
			lincomb(zc[base+a*n:base+a*n+n], z[base:], m.chol[a*d:a*d+a+1])
		}
	}
	exactAsset(m.Spot[0], m.Rate-m.Div[0], m.Vol[0], dt, 0, z, b, need)
	for a := 1; a < d; a++ {
		exactAsset(m.Spot[a], m.Rate-m.Div[a], m.Vol[a], dt, a, zc, b, need)
	}
	// Dual: ẑ_c = √Δt Σ_j z_c,j is L⁻¹W_T; Dual_a = Σ_{c≥a} (L⁻ᵀ)_ac ẑ_c.
	sq := math.Sqrt(dt)
	dual := b.Dual[:n*d]
	if k == 1 { // ẑ = √T z: fold √T into the coefficients
		var c [MaxAssets]float64
		for a := range d {
			for i, u := range m.uinv[a*d+a : a*d+d] {
				c[i] = sq * u
			}
			lincomb(dual[a*n:a*n+n], z[a*n:], c[:d-a])
		}
		return
	}
	// Accumulate ẑ in the rows of Dual, then overwrite them from the first
	// asset on: row a needs ẑ_c for c ≥ a only.
	for c := range d {
		row := dual[c*n : c*n+n]
		clear(row)
		for j := range k {
			for i, v := range z[(j*d+c)*n : (j*d+c)*n+n] {
				row[i] += sq * v
			}
		}
	}
	for a := range d {
		lincomb(dual[a*n:a*n+n], dual[a*n:], m.uinv[a*d+a:a*d+d])
	}
}

// lincomb sets dst[i] = Σ_k c[k]·src[k·n + i] (n = len(dst)), four rows at
// a time so that dst is loaded and stored once per four terms. The first
// row of src may be dst itself: each dst[i] is written after its terms are
// read.
func lincomb(dst, src, c []float64) {
	n := len(dst)
	k := 0
	for ; k+4 <= len(c); k += 4 {
		r0, r1 := src[k*n:k*n+n], src[(k+1)*n:(k+1)*n+n]
		r2, r3 := src[(k+2)*n:(k+2)*n+n], src[(k+3)*n:(k+3)*n+n]
		r0, r1, r2, r3 = r0[:n], r1[:n], r2[:n], r3[:n]
		c0, c1, c2, c3 := c[k], c[k+1], c[k+2], c[k+3]
		if k == 0 {
			for i := range dst {
				dst[i] = c0*r0[i] + c1*r1[i] + c2*r2[i] + c3*r3[i]
			}
			continue
		}
		for i := range dst {
			dst[i] += c0*r0[i] + c1*r1[i] + c2*r2[i] + c3*r3[i]
		}
	}
	for ; k < len(c); k++ {
		r, ck := src[k*n:k*n+n], c[k]
		r = r[:n]
		if k == 0 {
			for i := range dst {
				dst[i] = ck * r[i]
			}
			continue
		}
		for i := range dst {
			dst[i] += ck * r[i]
		}
	}
}

// Revol sets dst to src (the block Exact filled from the normals z) with
// asset a resampled at volatility vol on the same normals: the revaluation
// of a Vega bump under common random numbers. Only dst.Obs is meaningful.
func (m Correlated) Revol(a int, vol float64, z []float64, src, dst *Block) {
	n, k, d := src.Len(), src.Fixings(), src.Assets()
	dst.ResizeAssets(n, k, d)
	copy(dst.Obs, src.Obs[:n*k*d])
	if a > 0 {
		z = src.Z
	}
	exactAsset(m.Spot[a], m.Rate-m.Div[a], vol, m.Expiry/float64(k), a, z, dst, 0)
}
