package sde

import (
	"fmt"
	"math"

	"github.com/hybridgreeks/hybridgreeks/internal/vmath"
)

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
)

// Schemes lists the scheme names ParseScheme accepts, in Scheme order.
var Schemes = []string{"exact", "euler", "milstein"}

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
	return 0, fmt.Errorf("sde: unknown scheme %q (want exact, euler or milstein)", name)
}

// Need says which path functionals a simulation must produce besides X_T
// and W_T.
type Need uint8

const (
	// NeedY asks for the first variation Y_T = ∂X_T/∂X_0.
	NeedY Need = 1 << iota
	// NeedWeight asks for the Malliavin Delta weight
	//	π = (1/T) Σ_k Y_k ΔW_k / σ(X_k),
	// so that ∂/∂X_0 E[f(X_T)] = E[f(X_T)·π] (Fournié et al. 1999; ERRATA §1).
	NeedWeight
	// NeedDVol asks for the tangent ∂X_T/∂σ with respect to the volatility
	// parameter, for pathwise Vega.
	NeedDVol
)

// Block is a block of simulated paths in structure-of-arrays form. Slices
// are sized by Resize and reused across blocks, so a simulation loop does
// not allocate.
type Block struct {
	X      []float64 // X_T
	W      []float64 // W_T
	Y      []float64 // ∂X_T/∂X_0, with NeedY
	Weight []float64 // Malliavin Delta weight π, with NeedWeight
	DVol   []float64 // ∂X_T/∂σ, with NeedDVol
}

// Resize sets every slice of b to length n, growing storage only when needed.
func (b *Block) Resize(n int) {
	for _, p := range []*[]float64{&b.X, &b.W, &b.Y, &b.Weight, &b.DVol} {
		if cap(*p) < n {
			*p = make([]float64, n)
		}
		*p = (*p)[:n]
	}
}

// Coefs holds diffusion coefficients evaluated at a block of states.
type Coefs struct {
	B, S   []float64 // drift b(x) and diffusion σ(x)
	DB, DS []float64 // b'(x) and σ'(x), for the first variation
	DDS    []float64 // σ''(x), for Milstein's first variation
	VB, VS []float64 // ∂b/∂σ and ∂σ(x)/∂σ: derivatives in the volatility parameter
	VDS    []float64 // ∂σ'(x)/∂σ, for Milstein's Vega tangent
}

func (c *Coefs) resize(n int) {
	for _, p := range []*[]float64{&c.B, &c.S, &c.DB, &c.DS, &c.DDS, &c.VB, &c.VS, &c.VDS} {
		if cap(*p) < n {
			*p = make([]float64, n)
		}
		*p = (*p)[:n]
	}
}

// Diffusion is a one-dimensional diffusion dX = b(X)dt + σ(X)dW whose
// coefficients are evaluated a block of states at a time. A new model needs
// only this method; Evolve supplies the schemes, the first variation and the
// Malliavin weight.
type Diffusion interface {
	// Coefficients fills c (already sized to len(x)) at the states x.
	Coefficients(x []float64, c *Coefs)
}

// Coefficients implements Diffusion for GBM:
//
//	b(x) = (r − q)x, σ(x) = σx, b' = r − q, σ' = σ, σ'' = 0,
//	∂b/∂σ = 0, ∂σ(x)/∂σ = x, ∂σ'/∂σ = 1.
func (m GBM) Coefficients(x []float64, c *Coefs) {
	mu := m.Rate - m.Div
	for i, v := range x {
		c.B[i] = mu * v
		c.S[i] = m.Vol * v
		c.DB[i] = mu
		c.DS[i] = m.Vol
		c.DDS[i] = 0
		c.VB[i] = 0
		c.VS[i] = v
		c.VDS[i] = 1
	}
}

// Linear is implemented by diffusions whose coefficients are linear in the
// state, b(x) = μx and σ(x) = σx (GBM). Evolve then uses a faster loop with
// the same results: the scheme's step is a multiplication, the chain is
// linear in X_0 so Y_k = X_k/X_0, and the weight's terms Y_kΔW_k/σ(X_k)
// reduce to ΔW_k/(σX_0), so π = W_T/(σ X_0 T) exactly.
type Linear interface {
	Diffusion
	// Linear returns μ and σ.
	Linear() (mu, sigma float64)
}

// Linear implements Linear: b(x) = (r − q)x, σ(x) = σx.
func (m GBM) Linear() (mu, sigma float64) { return m.Rate - m.Div, m.Vol }

// Grid is the evolution workspace of one worker: coefficient storage that
// Evolve reuses from block to block.
type Grid struct {
	c Coefs
}

// Evolve advances a block of n = len(b.X) paths of d from x0 over [0, T]
// in steps equal steps by the Euler or Milstein scheme. z holds the n·steps
// standard normal draws step-major: z[k*n+i] drives path i over step k.
// b must be sized to n; on return b.X holds X_T, b.W holds W_T and the
// functionals in need are filled.
//
// Alongside X it evolves, by differentiating the scheme itself,
//
//	Y_{k+1} = Y_k · ∂X_{k+1}/∂X_k,  Y_0 = 1,
//	V_{k+1} = V_k · ∂X_{k+1}/∂X_k + ∂X_{k+1}/∂σ|_{X_k},  V_0 = 0,
//
// so that Y_T and V_T = ∂X_T/∂σ are the exact derivatives of the discrete
// chain (pathwise estimators on the grid are unbiased for the discretized
// price), and accumulates the Malliavin weight π = (1/T) Σ Y_k ΔW_k/σ(X_k),
// whose expectation property holds in continuous time: on the grid it
// estimates the Delta of the diffusion, not of the chain, within O(Δt).
func (g *Grid) Evolve(d Diffusion, s Scheme, x0, T float64, steps int, z []float64, b *Block, need Need) {
	n := len(b.X)
	if s != Euler && s != Milstein {
		panic("sde: Evolve needs the Euler or Milstein scheme")
	}
	if len(z) < n*steps {
		panic("sde: Evolve given fewer normals than paths × steps")
	}
	if lin, ok := d.(Linear); ok {
		mu, sigma := lin.Linear()
		evolveLinear(mu, sigma, s, x0, T, steps, z, b, need)
		return
	}
	g.c.resize(n)
	c := &g.c
	dt := T / float64(steps)
	sq := math.Sqrt(dt)
	mil := 0.0
	if s == Milstein {
		mil = 0.5
	}
	x, w := b.X[:n], b.W[:n]
	for i := range x {
		x[i] = x0
		w[i] = 0
	}
	y, pi, dv := b.Y[:n], b.Weight[:n], b.DVol[:n]
	if need&(NeedY|NeedWeight) != 0 {
		for i := range y {
			y[i] = 1
			pi[i] = 0
		}
	}
	if need&NeedDVol != 0 {
		clear(dv)
	}
	for k := 0; k < steps; k++ {
		d.Coefficients(x, c)
		zk := z[k*n : k*n+n]
		// Functionals first: they use the state at the start of the step.
		if need&NeedWeight != 0 {
			for i, zi := range zk {
				pi[i] += y[i] * (sq * zi) / c.S[i]
			}
		}
		if need&NeedDVol != 0 {
			for i, zi := range zk {
				dw := sq * zi
				q := dw*dw - dt
				jac := 1 + c.DB[i]*dt + c.DS[i]*dw + mil*(c.DS[i]*c.DS[i]+c.S[i]*c.DDS[i])*q
				dv[i] = dv[i]*jac + c.VB[i]*dt + c.VS[i]*dw + mil*(c.VS[i]*c.DS[i]+c.S[i]*c.VDS[i])*q
			}
		}
		if need&(NeedY|NeedWeight) != 0 {
			for i, zi := range zk {
				dw := sq * zi
				q := dw*dw - dt
				y[i] *= 1 + c.DB[i]*dt + c.DS[i]*dw + mil*(c.DS[i]*c.DS[i]+c.S[i]*c.DDS[i])*q
			}
		}
		for i, zi := range zk {
			dw := sq * zi
			x[i] += c.B[i]*dt + c.S[i]*dw + mil*c.S[i]*c.DS[i]*(dw*dw-dt)
			w[i] += dw
		}
	}
	if need&NeedWeight != 0 {
		for i := range pi {
			pi[i] /= T
		}
	}
}

// evolveLinear is Evolve for b(x) = μx, σ(x) = σx. Each step multiplies by
//
//	F_k = 1 + μΔt + σΔW_k (+ ½σ²(ΔW_k² − Δt) for Milstein),
//
// and the Vega tangent follows V_{k+1} = V_k F_k + X_k (ΔW_k (+ σ(ΔW_k² − Δt))).
func evolveLinear(mu, sigma float64, s Scheme, x0, T float64, steps int, z []float64, b *Block, need Need) {
	n := len(b.X)
	dt := T / float64(steps)
	sq := math.Sqrt(dt)
	a := 1 + mu*dt
	x, w := b.X[:n], b.W[:n]
	for i := range x {
		x[i] = x0
		w[i] = 0
	}
	dv := b.DVol[:n]
	if need&NeedDVol != 0 {
		clear(dv)
	}
	mil := s == Milstein
	hs2 := 0.5 * sigma * sigma
	for k := 0; k < steps; k++ {
		zk := z[k*n : k*n+n]
		switch {
		case need&NeedDVol != 0:
			for i, zi := range zk {
				dw := sq * zi
				f, g := a+sigma*dw, dw
				if mil {
					q := dw*dw - dt
					f += hs2 * q
					g += sigma * q
				}
				dv[i] = dv[i]*f + x[i]*g
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
	for i := range w {
		w[i] *= sq
	}
	if need&NeedY != 0 {
		y, inv := b.Y[:n], 1/x0
		for i, v := range x {
			y[i] = v * inv
		}
	}
	if need&NeedWeight != 0 {
		pi, c := b.Weight[:n], 1/(sigma*x0*T)
		for i, v := range w {
			pi[i] = v * c
		}
	}
}

// Terminal samples a block of GBM terminal values exactly from the normals
// z (one per path): with W_T = √T z,
//
//	X_T = S_0 exp((r − q − σ²/2)T + σW_T),
//	Y_T = X_T/S_0,  ∂X_T/∂σ = X_T (W_T − σT),  π = W_T/(S_0 σ T).
//
// b must be sized to len(z).
func (m GBM) Terminal(z []float64, b *Block, need Need) {
	n := len(z)
	sqT := math.Sqrt(m.Expiry)
	drift := (m.Rate - m.Div - 0.5*m.Vol*m.Vol) * m.Expiry
	x, w := b.X[:n], b.W[:n]
	for i, zi := range z {
		w[i] = sqT * zi
		x[i] = drift + m.Vol*w[i]
	}
	vmath.ExpTo(x, x)
	for i := range x {
		x[i] *= m.Spot
	}
	if need&NeedY != 0 {
		inv := 1 / m.Spot
		y := b.Y[:n]
		for i, v := range x {
			y[i] = v * inv
		}
	}
	if need&NeedWeight != 0 {
		k := 1 / (m.Spot * m.Vol * m.Expiry)
		pi := b.Weight[:n]
		for i, v := range w {
			pi[i] = v * k
		}
	}
	if need&NeedDVol != 0 {
		st := m.Vol * m.Expiry
		dv := b.DVol[:n]
		for i, v := range x {
			dv[i] = v * (w[i] - st)
		}
	}
}
