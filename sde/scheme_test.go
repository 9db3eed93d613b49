package sde

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
)

// cev is a test diffusion with non-linear coefficients:
// b(x) = μx, σ(x) = v x^β.
type cev struct{ mu, v, beta float64 }

func (m cev) Coefficients(x []float64, c *Coefs) {
	for i, s := range x {
		p := math.Pow(s, m.beta)
		c.B[i] = m.mu * s
		c.S[i] = m.v * p
		c.DB[i] = m.mu
		c.DS[i] = m.v * m.beta * p / s
		c.DDS[i] = m.v * m.beta * (m.beta - 1) * p / (s * s)
		c.VB[i] = 0
		c.VS[i] = p
		c.VDS[i] = m.beta * p / s
	}
}

// generic hides GBM's Linear method, forcing Evolve's general loop.
type generic struct{ GBM }

func (g generic) Coefficients(x []float64, c *Coefs) { g.GBM.Coefficients(x, c) }

func normals(n int) []float64 {
	z := make([]float64, n)
	rngstream.New(42, 0).Normals(z)
	return z
}

func newBlock(n int) *Block {
	b := new(Block)
	b.Resize(n)
	return b
}

const all = NeedY | NeedWeight | NeedDVol

// TestLinearMatchesGeneric checks the fast GBM loop against the general
// scheme with GBM's coefficients: X, W, the first variation, the Malliavin
// weight and the Vega tangent, path by path.
func TestLinearMatchesGeneric(t *testing.T) {
	m := GBM{Spot: 100, Rate: 0.05, Div: 0.01, Vol: 0.3, Expiry: 1.5}
	const n, steps = 64, 25
	z := normals(n * steps)
	for _, s := range []Scheme{Euler, Milstein} {
		a, b := newBlock(n), newBlock(n)
		var g Grid
		g.Evolve(m, s, m.Spot, m.Expiry, steps, z, a, all)
		g.Evolve(generic{m}, s, m.Spot, m.Expiry, steps, z, b, all)
		for i := range n {
			for _, c := range []struct {
				name string
				x, y float64
			}{{"X", a.X[i], b.X[i]}, {"W", a.W[i], b.W[i]}, {"Y", a.Y[i], b.Y[i]}, {"Weight", a.Weight[i], b.Weight[i]}, {"DVol", a.DVol[i], b.DVol[i]}} {
				if math.Abs(c.x-c.y) > 1e-10*(1+math.Abs(c.y)) {
					t.Errorf("%s path %d: %s linear %v, generic %v", s, i, c.name, c.x, c.y)
				}
			}
		}
	}
}

// TestFirstVariation checks Y_T = ∂X_T/∂X_0 and V_T = ∂X_T/∂σ of the
// general scheme against central differences of the chain itself, path by
// path, on a diffusion with non-linear coefficients.
func TestFirstVariation(t *testing.T) {
	const n, steps, T, x0 = 64, 20, 1.0, 100.0
	m := cev{mu: 0.03, v: 0.2 * math.Pow(100, 0.3), beta: 0.7}
	z := normals(n * steps)
	for _, s := range []Scheme{Euler, Milstein} {
		var g Grid
		base, up, dn := newBlock(n), newBlock(n), newBlock(n)
		g.Evolve(m, s, x0, T, steps, z, base, all)
		h := 1e-4
		g.Evolve(m, s, x0+h, T, steps, z, up, 0)
		g.Evolve(m, s, x0-h, T, steps, z, dn, 0)
		dv := 1e-5
		mu, md := m, m
		mu.v += dv
		md.v -= dv
		vu, vd := newBlock(n), newBlock(n)
		g.Evolve(mu, s, x0, T, steps, z, vu, 0)
		g.Evolve(md, s, x0, T, steps, z, vd, 0)
		for i := range n {
			fdY := (up.X[i] - dn.X[i]) / (2 * h)
			if math.Abs(base.Y[i]-fdY) > 1e-6*(1+math.Abs(fdY)) {
				t.Errorf("%s path %d: Y = %v, central difference %v", s, i, base.Y[i], fdY)
			}
			fdV := (vu.X[i] - vd.X[i]) / (2 * dv)
			if math.Abs(base.DVol[i]-fdV) > 1e-5*(1+math.Abs(fdV)) {
				t.Errorf("%s path %d: ∂X/∂σ = %v, central difference %v", s, i, base.DVol[i], fdV)
			}
		}
	}
}

// TestTerminal checks the exact GBM sampler's functionals against their
// definitions on a few paths.
func TestTerminal(t *testing.T) {
	m := GBM{Spot: 90, Rate: 0.04, Div: 0.02, Vol: 0.35, Expiry: 0.7}
	z := []float64{-2.5, -0.3, 0, 0.8, 3.1}
	b := newBlock(len(z))
	m.Terminal(z, b, all)
	for i, zi := range z {
		w := math.Sqrt(m.Expiry) * zi
		x := m.Spot * math.Exp((m.Rate-m.Div-m.Vol*m.Vol/2)*m.Expiry+m.Vol*w)
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"W", b.W[i], w}, {"X", b.X[i], x}, {"Y", b.Y[i], x / m.Spot},
			{"Weight", b.Weight[i], w / (m.Spot * m.Vol * m.Expiry)},
			{"DVol", b.DVol[i], x * (w - m.Vol*m.Expiry)},
		} {
			if math.Abs(c.got-c.want) > 1e-13*(1+math.Abs(c.want)) {
				t.Errorf("z=%v: %s = %v, want %v", zi, c.name, c.got, c.want)
			}
		}
	}
}

// TestEulerMean checks the Euler chain's mean against its exact value
// E[X_T] = X_0 (1 + μΔt)^steps within 5 standard errors.
func TestEulerMean(t *testing.T) {
	m := GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	const n, steps = 200_000, 10
	z := normals(n * steps)
	b := newBlock(n)
	var g Grid
	g.Evolve(m, Euler, m.Spot, m.Expiry, steps, z, b, 0)
	var s, ss float64
	for _, v := range b.X {
		s += v
		ss += v * v
	}
	mean := s / n
	se := math.Sqrt((ss/n - mean*mean) / n)
	want := m.Spot * math.Pow(1+0.05/steps, steps)
	if math.Abs(mean-want) > 5*se {
		t.Errorf("E[X_T] = %v ± %v, want %v", mean, se, want)
	}
}

func TestParseScheme(t *testing.T) {
	for i, name := range Schemes {
		s, err := ParseScheme(name)
		if err != nil || s != Scheme(i) || s.String() != name {
			t.Errorf("ParseScheme(%q) = %v, %v", name, s, err)
		}
	}
	if _, err := ParseScheme("rk4"); err == nil {
		t.Error("ParseScheme(rk4) gave no error")
	}
}

func TestValidate(t *testing.T) {
	good := GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    GBM
	}{
		{"spot", GBM{Spot: 0, Vol: 0.2, Expiry: 1}},
		{"vol", GBM{Spot: 1, Vol: -0.2, Expiry: 1}},
		{"expiry", GBM{Spot: 1, Vol: 0.2, Expiry: 0}},
		{"rate", GBM{Spot: 1, Vol: 0.2, Expiry: 1, Rate: math.NaN()}},
		{"div", GBM{Spot: 1, Vol: 0.2, Expiry: 1, Div: math.Inf(1)}},
	} {
		err := c.m.Validate()
		pe, ok := err.(*ParamError)
		if !ok || pe.Name != c.name {
			t.Errorf("Validate(%+v) = %v, want a ParamError for %s", c.m, err, c.name)
		}
	}
}
