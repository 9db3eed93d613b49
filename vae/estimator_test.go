package vae

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/mlbridge"
)

// linearGaussian is a tiny VAE with a Gaussian decoder p(x|z) = N(Wz + c, I),
// so that f(z) = ½‖x − Wz − c‖² and the expected loss has the closed-form
// gradient at the encoder outputs
//
//	∂/∂μ E_q f = −Wᵀ(x − Wμ − c),   ∂/∂s_j E_q f = ½ σ_j² ‖W_{·j}‖²,
//
// plus the KL term μ, ½(σ² − 1).
type linearGaussian struct {
	W    [][]float64 // D × L
	c, x []float64
}

func (m linearGaussian) f(z []float64) (f float64, grad []float64) {
	D, L := len(m.W), len(z)
	grad = make([]float64, L)
	for d := range D {
		r := m.x[d] - m.c[d]
		for j := range L {
			r -= m.W[d][j] * z[j]
		}
		f += 0.5 * r * r
		for j := range L {
			grad[j] -= r * m.W[d][j]
		}
	}
	return f, grad
}

func (m linearGaussian) exact(mu, s []float64) []float64 {
	D, L := len(m.W), len(mu)
	g := make([]float64, 2*L)
	for d := range D {
		r := m.x[d] - m.c[d]
		for j := range L {
			r -= m.W[d][j] * mu[j]
		}
		for j := range L {
			g[j] -= r * m.W[d][j]
			g[L+j] += 0.5 * math.Exp(s[j]) * m.W[d][j] * m.W[d][j]
		}
	}
	for j := range L {
		g[j] += mu[j]
		g[L+j] += 0.5 * (math.Exp(s[j]) - 1)
	}
	return g
}

// TestUnbiased checks each estimator's cotangent against the closed-form
// gradient of the linear-Gaussian VAE within 5 standard errors, over many
// batches of one example repeated.
func TestUnbiased(t *testing.T) {
	m := linearGaussian{
		W: [][]float64{{0.8, -0.3}, {0.2, 1.1}, {-0.5, 0.4}},
		c: []float64{0.1, -0.2, 0.3}, x: []float64{1, 0.5, -0.7},
	}
	mu, s := []float64{0.3, -0.6}, []float64{-0.4, 0.2}
	want := m.exact(mu, s)
	const L, B, batches = 2, 64, 1500
	for _, est := range Estimators() {
		for _, baseline := range []bool{false, true} {
			if baseline && est != Score && est != Hybrid {
				continue
			}
			c := Cotangents{Estimator: est, Baseline: baseline}
			c.Hybrid = mlbridge.Hybrid{Mode: mlbridge.Crossfit, VecMixer: mlbridge.VecMixer{Granularity: mlbridge.Coordinate}}
			rng := rngstream.New(5, uint64(est))
			sum, sq := make([]float64, 2*L), make([]float64, 2*L)
			bt := &Batch{B: B, L: L, Mu: make([]float64, B*L), S: make([]float64, B*L), Eps: make([]float64, B*L),
				F: make([]float64, B), GradF: make([]float64, B*L)}
			dst := make([]float64, B*2*L)
			for range batches {
				rng.Normals(bt.Eps)
				for i := range B {
					z := make([]float64, L)
					for j := range L {
						bt.Mu[i*L+j], bt.S[i*L+j] = mu[j], s[j]
						z[j] = mu[j] + math.Exp(0.5*s[j])*bt.Eps[i*L+j]
					}
					f, g := m.f(z)
					bt.F[i] = f
					copy(bt.GradF[i*L:], g)
				}
				c.Compute(bt, dst)
				for k := range 2 * L {
					var v float64
					for i := range B {
						v += dst[i*2*L+k]
					}
					sum[k] += v
					sq[k] += v * v
				}
			}
			for k := range 2 * L {
				mean := sum[k] / batches
				se := math.Sqrt((sq[k]/batches - mean*mean) / (batches - 1))
				if math.Abs(mean-want[k]) > 5*se {
					t.Errorf("%s baseline=%v coordinate %d: %v ± %v, want %v", est, baseline, k, mean, se, want[k])
				}
			}
		}
	}
}

// TestSTLUnbiased: sticking the landing and pathwise, computed from the same
// draws, differ by a term of mean zero. The paired difference's mean over
// many batches is within 5 standard errors of zero on every coordinate,
// at a posterior far from the prior (so the dropped score term is large:
// a sign or a factor wrong in its KL part shows as a bias of order μ or
// σ² − 1, hundreds of standard errors here).
func TestSTLUnbiased(t *testing.T) {
	const L, B, batches = 3, 64, 400
	mu, s := []float64{0.9, -0.6, 0.1}, []float64{-1.2, 0.4, 0.8}
	rng := rngstream.New(11, 0)
	bt := &Batch{B: B, L: L, Mu: make([]float64, B*L), S: make([]float64, B*L), Eps: make([]float64, B*L),
		F: make([]float64, B), GradF: make([]float64, B*L)}
	pw, stl := Cotangents{Estimator: Pathwise}, Cotangents{Estimator: STL}
	dp, ds := make([]float64, B*2*L), make([]float64, B*2*L)
	sum, sq := make([]float64, 2*L), make([]float64, 2*L)
	for range batches {
		rng.Normals(bt.Eps)
		rng.Normals(bt.GradF)
		for i := range B {
			copy(bt.Mu[i*L:], mu)
			copy(bt.S[i*L:], s)
		}
		pw.Compute(bt, dp)
		stl.Compute(bt, ds)
		for k := range 2 * L {
			var d float64
			for i := range B {
				d += ds[i*2*L+k] - dp[i*2*L+k]
			}
			sum[k] += d
			sq[k] += d * d
		}
	}
	for k := range 2 * L {
		mean := sum[k] / batches
		se := math.Sqrt((sq[k]/batches - mean*mean) / (batches - 1))
		if !(se > 0) || math.Abs(mean) > 5*se {
			t.Errorf("STL − pathwise, coordinate %d: %v ± %v, want 0", k, mean, se)
		}
	}
	// The definition, on one draw: STL's cotangent is (∇f + z − ε/σ)·∂z/∂(μ, s),
	// the pathwise gradient of f(z) + log q(z) − log p(z) with log q's
	// parameters held fixed.
	for k := range 2 * L {
		i, j := 0, k%L
		e, sig := bt.Eps[j], math.Exp(0.5*s[j])
		g := bt.GradF[j] + mu[j] + sig*e - e/sig
		want := g
		if k >= L {
			want = g * e * sig / 2
		}
		if got := ds[i*2*L+k] * B; math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
			t.Errorf("STL cotangent %d = %v, want %v", k, got, want)
		}
	}
}
