package vae

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/mlbridge"
	"github.com/hybridgreeks/hybridgreeks/mlbridge/graph"
)

// TrainConfig sets the training; zero fields mean the paper's settings.
type TrainConfig struct {
	Estimator Estimator
	// Mixer configures the hybrid's λ (granularity, mode, clipping); the
	// zero value is one λ over the trace, plug-in. NewTrainer defaults the
	// mode to Crossfit.
	Mixer    mlbridge.Hybrid
	Baseline bool    // the score estimator's running baseline
	Batch    int     // 0 means 128
	LR       float64 // Adam learning rate; 0 means 1e-3
	Clip     float64 // global gradient-norm clip; 0 means 1.0
	Seed     uint64
	// Float32 runs the networks in float32 (half the memory; float32
	// matrix products). The estimators, the mixer and Adam stay in float64:
	// each step reads the float32 weights, steps in float64 and rounds the
	// result back.
	Float32 bool
}

// Trainer trains a Net with Adam (β = 0.9, 0.999, ε = 1e-8), the learning
// rate ×0.95 every 10 epochs, and the gradient's global norm clipped.
type Trainer struct {
	Net  *Net
	Cfg  TrainConfig
	Cot  Cotangents
	Step int // steps taken

	adam     *graph.Adam // moments in flat vectors, for exact checkpoints
	enc, dec []float64   // gradient buffers
	params   []float64
	g        []float64 // the clipped gradient, encoder then decoder
	eps, z   []float64 // B × L draws and latents
	cot      []float64 // B × 2L cotangents
}

// NewTrainer builds a Net for the architecture and the configuration.
func NewTrainer(a Arch, cfg TrainConfig) (*Trainer, error) {
	if cfg.Batch == 0 {
		cfg.Batch = 128
	}
	if cfg.LR == 0 {
		cfg.LR = 1e-3
	}
	if cfg.Clip == 0 {
		cfg.Clip = 1
	}
	if (cfg.Estimator == Hybrid || cfg.Estimator == HybridSTL) && cfg.Mixer.Mode == mlbridge.Plugin {
		cfg.Mixer.Mode = mlbridge.Crossfit
	}
	dt := tensor.Float64
	if cfg.Float32 {
		dt = tensor.Float32
	}
	net, err := newNet(a, cfg.Batch, cfg.Seed, dt)
	if err != nil {
		return nil, err
	}
	t := &Trainer{Net: net, Cfg: cfg}
	t.Cot = Cotangents{Estimator: cfg.Estimator, Hybrid: cfg.Mixer, Baseline: cfg.Baseline}
	d := net.Encoder.Dim() + net.Decoder.Dim()
	t.adam = graph.NewAdam(d)
	t.enc, t.dec = make([]float64, net.Encoder.Dim()), make([]float64, net.Decoder.Dim())
	t.params, t.g = make([]float64, d), make([]float64, d)
	B, L := cfg.Batch, a.Latent
	t.eps, t.z, t.cot = make([]float64, B*L), make([]float64, B*L), make([]float64, 2*B*L)
	return t, nil
}

// StepStats reports one step.
type StepStats struct {
	Loss   float64 // the batch-mean negative ELBO estimate
	Lambda float64 // the hybrid's mean λ (NaN for the others)
	Norm   float64 // the gradient's global norm before clipping
}

// Gradient computes the batch-mean gradient of the negative ELBO for the
// images x (B images) into enc and dec (the encoder's by the configured
// estimator, the decoder's pathwise), drawing ε from the stream (seed,
// draw). It returns the loss estimate.
func (t *Trainer) Gradient(x []float64, draw uint64, enc, dec []float64) (float64, error) {
	n := t.Net
	B, L := n.Batch, n.Arch.Latent
	mu, s, err := n.Encode(x)
	if err != nil {
		return 0, err
	}
	eps, z := t.eps[:B*L], t.z[:B*L]
	rngstream.New(t.Cfg.Seed^0x7ae5d1c3b2a19f07, draw).Normals(eps)
	kl := 0.0
	for k := range z {
		sig := math.Exp(0.5 * s[k])
		z[k] = mu[k] + sig*eps[k]
		kl += 0.5 * (sig*sig + mu[k]*mu[k] - 1 - s[k])
	}
	f, gz, err := n.Decode(z, x)
	if err != nil {
		return 0, err
	}
	cot := t.cot[:B*2*L]
	t.Cot.Compute(&Batch{B: B, L: L, Mu: mu, S: s, Eps: eps, F: f, GradF: gz}, cot)
	if err := n.EncoderBackward(x, cot); err != nil {
		return 0, err
	}
	if err := n.Encoder.Grads(enc); err != nil {
		return 0, err
	}
	if err := n.Decoder.Grads(dec); err != nil {
		return 0, err
	}
	for i := range dec {
		dec[i] /= float64(B) // the decoder graph sums the examples
	}
	if err := n.Encoder.ZeroGrads(); err != nil {
		return 0, err
	}
	if err := n.Decoder.ZeroGrads(); err != nil {
		return 0, err
	}
	loss := kl
	for _, v := range f {
		loss += v
	}
	return loss / float64(B), nil
}

// TrainStep takes one optimizer step on the images x at learning rate lr.
func (t *Trainer) TrainStep(x []float64, lr float64) (StepStats, error) {
	loss, err := t.Gradient(x, uint64(t.Step), t.enc, t.dec)
	if err != nil {
		return StepStats{}, err
	}
	ne := t.Net.Encoder.Dim()
	g := t.g
	copy(g, t.enc)
	copy(g[ne:], t.dec)
	var sq float64
	for _, v := range g {
		sq += v * v
	}
	norm := math.Sqrt(sq)
	if norm > t.Cfg.Clip {
		for i := range g {
			g[i] *= t.Cfg.Clip / norm
		}
	}
	if err := t.Net.Encoder.Values(t.params[:ne]); err != nil {
		return StepStats{}, err
	}
	if err := t.Net.Decoder.Values(t.params[ne:]); err != nil {
		return StepStats{}, err
	}
	t.adam.Step(t.params, g, lr)
	if err := t.Net.Encoder.SetValues(t.params[:ne]); err != nil {
		return StepStats{}, err
	}
	if err := t.Net.Decoder.SetValues(t.params[ne:]); err != nil {
		return StepStats{}, err
	}
	t.Step++
	return StepStats{Loss: loss, Lambda: t.Cot.Lambda(), Norm: norm}, nil
}

// LearningRate is the schedule: LR × 0.95^⌊epoch/10⌋.
func (t *Trainer) LearningRate(epoch int) float64 {
	return t.Cfg.LR * math.Pow(0.95, float64(epoch/10))
}

var errBatch = fmt.Errorf("vae: fewer images than one batch")
