// Package vae trains the paper's convolutional variational autoencoder on
// gorgonia with three estimators of the encoder's gradient — pathwise
// (reparameterization), score function and their hybrid — and measures
// gradient variance the way papers do.
//
// The encoder maps an image x to the mean μ and the log-variance s = log σ²
// of q(z|x) = N(μ, diag σ²); the loss of an example is the negative ELBO
//
//	ℓ = E_q[f(z)] + KL(q ‖ N(0, I)),   f(z) = −log p(x|z) (binary cross-entropy),
//	KL = ½ Σ_j (σ_j² + μ_j² − 1 − s_j).
//
// The decoder's gradient is pathwise in all three estimators. For the
// encoder, the route is through the per-example cotangents of ℓ at the
// encoder's outputs (μ, s): each estimator gives an unbiased cotangent per
// example, the hybrid mixes them with mlbridge (λ from the covariance of the
// cotangents), and one encoder backward pass turns the cotangents into the
// parameter gradient. Every λ keeps the result unbiased; choosing it from
// the cotangents' covariance minimizes the variance of the cotangents, not
// exactly of the parameter gradient.
package vae

import (
	"fmt"
	"math"
	"strings"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
)

// Estimator names an encoder-gradient estimator.
type Estimator int

const (
	Pathwise Estimator = iota // reparameterization: ∇f(z)·∂z/∂(μ, s)
	Score                     // (f(z) − b)·∇_{μ,s} log q(z), optional running baseline b
	Hybrid                    // λ·pathwise + (1 − λ)·score, λ by mlbridge
	// STL is sticking the landing (Roeder, Wu and Duvenaud 2017): the
	// pathwise gradient of the single-draw KL estimate log q(z) − log p(z)
	// with the score term ∂log q/∂(μ, s) at fixed z dropped, in place of
	// the analytic KL's gradient. The dropped term has mean zero, so STL is
	// unbiased; its difference from pathwise is a zero-mean control variate.
	STL
	HybridSTL // λ·pathwise + (1 − λ)·STL, λ by mlbridge
)

var estimatorNames = []string{"pathwise", "score", "hybrid", "stl", "hybrid-stl"}

// Estimators lists every estimator, in the order of their names.
func Estimators() []Estimator {
	e := make([]Estimator, len(estimatorNames))
	for i := range e {
		e[i] = Estimator(i)
	}
	return e
}

func (e Estimator) String() string {
	if e >= 0 && int(e) < len(estimatorNames) {
		return estimatorNames[e]
	}
	return fmt.Sprintf("Estimator(%d)", int(e))
}

// ParseEstimator returns the estimator called name.
func ParseEstimator(name string) (Estimator, error) {
	for i, n := range estimatorNames {
		if n == name {
			return Estimator(i), nil
		}
	}
	return 0, fmt.Errorf("vae: unknown estimator %q (want %s)", name, strings.Join(estimatorNames, ", "))
}

// Batch holds one batch's quantities at the encoder outputs, row-major
// B × L (L the latent size) unless noted.
type Batch struct {
	B, L  int
	Mu, S []float64 // encoder outputs μ and s = log σ²
	Eps   []float64 // the standard normal draws: z = μ + σ ε
	F     []float64 // B values: f(z_i) = −log p(x_i | z_i)
	GradF []float64 // ∇_z f(z_i), from the decoder's backward pass (pathwise and hybrid)
}

// Cotangents computes per-example cotangents of ℓ at the encoder outputs.
type Cotangents struct {
	Estimator Estimator
	Hybrid    mlbridge.Hybrid // the mixer of the hybrid estimator
	// Baseline enables the score estimator's running baseline: b is an
	// exponential moving average of the batch-mean loss of earlier batches
	// (weight BaselineDecay on the past), so it is independent of the
	// current batch and the estimator stays unbiased.
	Baseline      bool
	BaselineDecay float64 // 0 means 0.9

	b       float64
	hasB    bool
	pw, sc  []float64
	lastLam float64
}

// Lambda returns the mean λ the last hybrid batch used (NaN before one).
func (c *Cotangents) Lambda() float64 {
	if c.Estimator != Hybrid && c.Estimator != HybridSTL {
		return math.NaN()
	}
	return c.lastLam
}

// Compute writes the mean-over-batch cotangent of each example's loss into
// dst (B × 2L: the L μ-cotangents then the L s-cotangents of each example,
// divided by B so that one backward pass of Σ_i ⟨dst_i, (μ_i, s_i)⟩ gives the
// batch-mean gradient). It includes the analytic KL term
// ∂KL/∂μ = μ, ∂KL/∂s = ½(σ² − 1).
//
//	pathwise:  ∂f/∂μ = ∇f(z),            ∂f/∂s = ∇f(z)·ε·σ/2
//	score:     (f − b)·ε/σ,              (f − b)·½(ε² − 1)
//	STL:       pathwise + ε(σ − 1/σ),    pathwise + μεσ/2 + ½(σ² − 1)(ε² − 1)
//
// the score being ∇_{μ,s} log q(z) = ((z−μ)/σ², ½((z−μ)²/σ² − 1)). STL's
// extra terms are its KL part, (z − ε/σ)·∂z/∂(μ, s) with ∂z/∂μ = 1 and
// ∂z/∂s = εσ/2 (the z-derivative of log q at fixed μ, s is −ε/σ, of
// −log p(z) is z), less the analytic KL gradient added to every
// estimator below; both have mean zero under ε ~ N(0, 1).
func (c *Cotangents) Compute(bt *Batch, dst []float64) {
	B, L := bt.B, bt.L
	w := 2 * L
	if len(dst) < B*w {
		panic("vae: Cotangents.Compute: dst too short")
	}
	needPW := c.Estimator != Score
	needSC := c.Estimator == Score || c.Estimator == Hybrid
	needSTL := c.Estimator == STL || c.Estimator == HybridSTL
	if cap(c.pw) < B*w {
		c.pw, c.sc = make([]float64, B*w), make([]float64, B*w)
	}
	pw, sc := c.pw[:B*w], c.sc[:B*w]
	b := 0.0
	if c.Baseline && c.hasB {
		b = c.b
	}
	for i := range B {
		for j := range L {
			k := i*L + j
			sigma := math.Exp(0.5 * bt.S[k])
			e := bt.Eps[k]
			if needPW {
				g := bt.GradF[k]
				pw[i*w+j], pw[i*w+L+j] = g, g*e*sigma/2
			}
			if needSC {
				f := bt.F[i] - b
				sc[i*w+j], sc[i*w+L+j] = f*e/sigma, f*0.5*(e*e-1)
			}
			if needSTL {
				// sc holds the STL cotangents.
				sc[i*w+j] = pw[i*w+j] + e*(sigma-1/sigma)
				sc[i*w+L+j] = pw[i*w+L+j] + bt.Mu[k]*e*sigma/2 + 0.5*(sigma*sigma-1)*(e*e-1)
			}
		}
	}
	switch c.Estimator {
	case Pathwise:
		copy(dst, pw)
	case Score, STL:
		copy(dst, sc)
	case Hybrid, HybridSTL:
		// The mixer chooses λ coordinate by coordinate (per fold).
		mean := make([]float64, w)
		st := c.Hybrid.Batch(pw, sc, B, mean)
		var sum float64
		for _, l := range st.Lambda {
			sum += l
		}
		c.lastLam = sum / float64(len(st.Lambda))
		// Each example takes its own fold's λ, so that the mixed
		// cotangents sum to the hybrid mean (unbiased under Crossfit).
		for i := range B {
			lam := st.FoldLambda[i%len(st.FoldLambda)]
			for k := range w {
				l := lam[k]
				dst[i*w+k] = l*pw[i*w+k] + (1-l)*sc[i*w+k]
			}
		}
	}
	// The KL term, and the 1/B of the batch mean.
	for i := range B {
		for j := range L {
			k := i*L + j
			dst[i*w+j] = (dst[i*w+j] + bt.Mu[k]) / float64(B)
			dst[i*w+L+j] = (dst[i*w+L+j] + 0.5*(math.Exp(bt.S[k])-1)) / float64(B)
		}
	}
	if c.Baseline {
		var m float64
		for _, f := range bt.F[:B] {
			m += f
		}
		m /= float64(B)
		rho := c.BaselineDecay
		if rho == 0 {
			rho = 0.9
		}
		if !c.hasB {
			c.b, c.hasB = m, true
		} else {
			c.b = rho*c.b + (1-rho)*m
		}
	}
}
