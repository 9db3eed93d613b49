package sde

import (
	"fmt"
	"math"

	"github.com/hybridgreeks/hybridgreeks/internal/vmath"
)

// GBM is geometric Brownian motion under the pricing measure,
//
//	dS = (Rate − Div) S dt + Vol S dW,   S(0) = Spot,
//
// whose terminal value has the exact law
//
//	S_T = Spot · exp((Rate − Div − Vol²/2) T + Vol W_T).
type GBM struct {
	Spot   float64 // initial value S_0 > 0
	Rate   float64 // risk-free rate, continuously compounded (0.05 = 5%)
	Div    float64 // dividend yield, continuously compounded
	Vol    float64 // volatility σ > 0, annualized, absolute (0.2 = 20%)
	Expiry float64 // horizon T > 0 in years
}

// ParamError reports a model parameter outside its domain.
type ParamError struct {
	Name  string
	Value float64
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("sde: %s = %v is out of range", e.Name, e.Value)
}

// Validate reports the first parameter outside its domain: Spot, Vol and
// Expiry must be positive and finite, Rate and Div finite.
func (m GBM) Validate() error {
	for _, p := range []struct {
		name     string
		v        float64
		positive bool
	}{
		{"spot", m.Spot, true}, {"vol", m.Vol, true}, {"expiry", m.Expiry, true},
		{"rate", m.Rate, false}, {"div", m.Div, false},
	} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) || (p.positive && p.v <= 0) {
			return &ParamError{p.name, p.v}
		}
	}
	return nil
}

// Coefficients implements Diffusion for GBM:
//
//	b(x) = (r − q)x, σ(x) = σx, b' = r − q, σ' = σ, σ'' = b'' = 0,
//	∂b/∂σ = 0, ∂σ(x)/∂σ = x, ∂σ'/∂σ = 1, ∂b/∂r = x.
func (m GBM) Coefficients(x []float64, c *Coefs) {
	mu := m.Rate - m.Div
	for i, v := range x {
		c.B[i] = mu * v
		c.S[i] = m.Vol * v
		c.DB[i] = mu
		c.DS[i] = m.Vol
		c.DDS[i] = 0
		c.DDB[i] = 0
		c.RB[i] = v
		c.VB[i] = 0
		c.VS[i] = v
		c.VDS[i] = 1
	}
}

// Linear implements Linear: b(x) = (r − q)x, σ(x) = σx.
func (m GBM) Linear() (mu, sigma float64) { return m.Rate - m.Div, m.Vol }

// Exact samples a block of GBM paths exactly at the fixings t_j = jT/m,
// m = b.Fixings(), from the normals z (m per path, fixing-major: z[j*n+i]):
// with W_{t_j} = W_{t_{j−1}} + √(T/m) z_j,
//
//	X_{t_j} = S_0 exp((r − q − σ²/2) t_j + σ W_{t_j}),
//	Y = X/S_0,  ∂X_{t_j}/∂σ = X_{t_j} (W_{t_j} − σ t_j),
//	π = π_c = W_{t_1}/(S_0 σ t_1).
//
// b must be sized by Resize.
//
// Rho and Theta of a European payoff f (greeks.Rho, greeks.Theta). With
// D = e^{−rT}, μ = r − q − σ²/2 and W_T = √T Z, ln S_T is normal with mean
// ln S_0 + μT and variance σ²T, so the score of its density in r is
// (ln S_T − mean)/(σ²T)·T = W_T/σ and in T it is
// μW_T/(σT) + W_T²/(2T²) − 1/(2T). Differentiating E[D f(S_T)] through the
// density (likelihood ratio, the Malliavin weight of a European payoff) or
// along the path (∂S_T/∂r = T S_T, ∂S_T/∂T = S_T(μ + σW_T/(2T)) at fixed Z)
// gives
//
//	Rho   = ∂V/∂r   = E[D f (W_T/σ − T)]                           (Malliavin)
//	                = E[D T (S_T f'(S_T) − f)]                      (pathwise)
//	Theta = −∂V/∂T  = −E[D f (−r + μW_T/(σT) + (W_T² − T)/(2T²))]  (Malliavin)
//	                = −E[D (−r f + f'(S_T) S_T (μ + σW_T/(2T)))]    (pathwise)
//
// The pathwise forms need a Lipschitz f. Both are checked against the
// closed forms of analytic.BlackScholesRateTime and against central
// differences in r and T on the same normals.
func (m GBM) Exact(z []float64, b *Block, need Need) {
	exactAsset(m.Spot, m.Rate-m.Div, m.Vol, m.Expiry/float64(b.Fixings()), 0, z, b, need)
}

// exactAsset fills asset a's rows of b (sized by ResizeAssets) exactly at
// the fixings from the normals z (same layout as b.Obs: z[(j*d+a)*n+i]),
// for a GBM of spot S_0, drift μ = r − q, volatility σ and fixing interval
// dt, as GBM.Exact describes. It is the one exact sampler: GBM is its
// d = 1 case, Correlated calls it for each asset on the correlated normals.
// The Delta weights of the first interval (NeedWeight, NeedChain) are filled
// for one asset only.
func exactAsset(spot, mu, vol, dt float64, a int, z []float64, b *Block, need Need) {
	n, k, d := b.Len(), b.Fixings(), b.Assets()
	sq := math.Sqrt(dt)
	drift := (mu - 0.5*vol*vol) * dt
	w := b.W[a*n : a*n+n]
	clear(w)
	for j := range k {
		r := (j*d + a) * n
		x, zj := b.Obs[r:r+n], z[r:r+n]
		tj := float64(j+1) * dt
		for i, zi := range zj {
			w[i] += sq * zi
			x[i] = drift*float64(j+1) + vol*w[i]
		}
		vmath.ExpTo(x, x)
		for i := range x {
			x[i] *= spot
		}
		if need&NeedDVol != 0 {
			v, st := b.DVol[r:r+n], vol*tj
			for i, xi := range x {
				v[i] = xi * (w[i] - st)
			}
		}
		if j == 0 && d == 1 && need&(NeedWeight|NeedChain) != 0 {
			c := 1 / (spot * vol * tj)
			for i, wi := range w {
				b.Weight[i] = wi * c
			}
			if need&NeedChain != 0 {
				copy(b.Chain[:n], b.Weight[:n])
			}
		}
	}
	if need&NeedY != 0 {
		inv := 1 / spot
		for j := range k {
			r := (j*d + a) * n
			for i, v := range b.Obs[r : r+n] {
				b.Y[r+i] = v * inv
			}
		}
	}
}

// Params are the market inputs every model shares; Vol is the model's own
// volatility parameter.
type Params struct {
	Spot, Rate, Div, Vol, Expiry float64
}

// Model is a diffusion with its market inputs, as the pricing engine uses
// it: simulated on a grid through Diffusion, bumped for finite differences.
type Model interface {
	Diffusion
	Validate() error
	Params() Params
	// Bump returns the same model with another spot and volatility parameter.
	Bump(spot, vol float64) Model
	// Name is the model's command-line name.
	Name() string
}

// Params implements Model.
func (m GBM) Params() Params { return Params{m.Spot, m.Rate, m.Div, m.Vol, m.Expiry} }

// Bump implements Model.
func (m GBM) Bump(spot, vol float64) Model { m.Spot, m.Vol = spot, vol; return m }

// Name implements Model.
func (GBM) Name() string { return "gbm" }
