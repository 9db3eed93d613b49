package sde

import (
	"math"
	"strings"
	"testing"
)

func mustCorrelated(t *testing.T, spot, div, vol []float64, corr [][]float64) Correlated {
	t.Helper()
	m, err := NewCorrelated(spot, div, vol, 0.05, 1.5, corr)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCorrelatedOneAsset: one asset is GBM, number for number, for one
// fixing and several.
func TestCorrelatedOneAsset(t *testing.T) {
	g := GBM{Spot: 100, Rate: 0.05, Div: 0.02, Vol: 0.3, Expiry: 1.5}
	c := mustCorrelated(t, []float64{100}, []float64{0.02}, []float64{0.3}, [][]float64{{1}})
	for _, m := range []int{1, 12} {
		n := 300
		z := normals(n * m)
		var a, b Block
		a.Resize(n, m)
		b.ResizeAssets(n, m, 1)
		need := NeedY | NeedDVol | NeedWeight
		g.Exact(z, &a, need)
		c.Exact(z, &b, need)
		for _, s := range []struct {
			name string
			x, y []float64
		}{{"Obs", a.Obs, b.Obs}, {"W", a.W, b.W}, {"Y", a.Y, b.Y}, {"DVol", a.DVol, b.DVol}, {"Weight", a.Weight, b.Weight}} {
			for i := range s.x {
				if s.x[i] != s.y[i] {
					t.Fatalf("m=%d %s[%d]: GBM %v, Correlated %v", m, s.name, i, s.x[i], s.y[i])
				}
			}
		}
	}
}

// TestCorrelatedLaw: the log-returns have the correlation asked for, each
// asset its GBM mean, and Dual = ρ⁻¹W_T on every path.
func TestCorrelatedLaw(t *testing.T) {
	corr := [][]float64{{1, 0.6, -0.3}, {0.6, 1, 0.2}, {-0.3, 0.2, 1}}
	m := mustCorrelated(t, []float64{100, 50, 200}, []float64{0, 0.03, 0.01}, []float64{0.2, 0.35, 0.15}, corr)
	const n, d = 200_000, 3
	z := normals(n * d)
	var b Block
	b.ResizeAssets(n, 1, d)
	m.Exact(z, &b, 0)
	// W_T: correlation ρ_ij, with standard error (1 − ρ²)/√n.
	for i := range d {
		for j := i + 1; j < d; j++ {
			var sxy, sxx, syy float64
			for k := range n {
				x, y := b.W[i*n+k], b.W[j*n+k]
				sxy += x * y
				sxx += x * x
				syy += y * y
			}
			r, want := sxy/math.Sqrt(sxx*syy), corr[i][j]
			if se := (1 - want*want) / math.Sqrt(n); math.Abs(r-want) > 5*se {
				t.Errorf("corr(W_%d, W_%d) = %v, want %v ± %v", i, j, r, want, 5*se)
			}
		}
		// S_i(T) = S_i exp((r − q_i − σ_i²/2)T + σ_i W_i) on every path.
		for k := 0; k < n; k += 997 {
			want := m.Spot[i] * math.Exp((m.Rate-m.Div[i]-m.Vol[i]*m.Vol[i]/2)*m.Expiry+m.Vol[i]*b.W[i*n+k])
			if got := b.Obs[i*n+k]; math.Abs(got-want) > 1e-12*want {
				t.Fatalf("S_%d on path %d = %v, want %v", i, k, got, want)
			}
		}
	}
	// ρ·Dual = W_T.
	for k := 0; k < n; k += 101 {
		for i := range d {
			s := 0.0
			for j := range d {
				s += corr[i][j] * b.Dual[j*n+k]
			}
			if w := b.W[i*n+k]; math.Abs(s-w) > 1e-12*(1+math.Abs(w)) {
				t.Fatalf("path %d: (ρ Dual)_%d = %v, want W = %v", k, i, s, w)
			}
		}
	}
}

// TestRevol: resampling one asset at another volatility gives what the
// bumped model samples from the same normals.
func TestRevol(t *testing.T) {
	m := mustCorrelated(t, []float64{100, 50, 200}, []float64{0, 0.03, 0.01}, []float64{0.2, 0.35, 0.15},
		[][]float64{{1, 0.6, -0.3}, {0.6, 1, 0.2}, {-0.3, 0.2, 1}})
	const n, d = 100, 3
	z := normals(n * d)
	var b, r, want Block
	b.ResizeAssets(n, 1, d)
	want.ResizeAssets(n, 1, d)
	m.Exact(z, &b, 0)
	for a := range d {
		m.Revol(a, m.Vol[a]+0.01, z, &b, &r)
		m.BumpAsset(a, m.Spot[a], m.Vol[a]+0.01).Exact(z, &want, 0)
		for i := range want.Obs {
			if r.Obs[i] != want.Obs[i] {
				t.Fatalf("asset %d: Obs[%d] = %v, want %v", a, i, r.Obs[i], want.Obs[i])
			}
		}
	}
}

func TestNewCorrelatedErrors(t *testing.T) {
	ok := [][]float64{{1, 0.5}, {0.5, 1}}
	for _, c := range []struct {
		spot, div, vol []float64
		corr           [][]float64
		want           string
	}{
		{[]float64{100, 90}, []float64{0, 0}, []float64{0.2, -0.1}, ok, "sde: vol[1] = -0.1 is out of range"},
		{[]float64{100, 90}, []float64{0}, []float64{0.2, 0.2}, ok, "sde: 1 divs for 2 assets"},
		{[]float64{100, 90}, []float64{0, 0}, []float64{0.2, 0.2}, [][]float64{{1, math.NaN()}, {0.5, 1}}, "sde: correlation[0][1] = NaN: must be in [-1, 1]"},
		{[]float64{100, 90}, []float64{0, 0}, []float64{0.2, 0.2}, [][]float64{{1, 1}, {1, 1}}, "not positive definite: its smallest eigenvalue is"},
		{nil, nil, nil, nil, "sde: assets = 0 is out of range"},
	} {
		_, err := NewCorrelated(c.spot, c.div, c.vol, 0.05, 1, c.corr)
		if err == nil || len(err.Error()) < len(c.want) || !contains(err.Error(), c.want) {
			t.Errorf("NewCorrelated(%v, %v, %v, %v) = %v, want %q", c.spot, c.div, c.vol, c.corr, err, c.want)
		}
	}
	if err := (Correlated{Spot: []float64{1}, Div: []float64{0}, Vol: []float64{0.2}, Expiry: 1}).Validate(); err == nil {
		t.Error("a Correlated not built by NewCorrelated validates")
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
