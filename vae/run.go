package vae

import (
	"context"
	"math"
	"time"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/mlbridge"
	"github.com/hybridgreeks/hybridgreeks/vae/dataset"
)

// EpochLog is one line of the training log.
type EpochLog struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"train_loss"` // mean negative ELBO estimate over the epoch's batches
	TestLoss  float64 `json:"test_loss"`  // negative ELBO on the test images (one draw each)
	Lambda    float64 `json:"lambda"`     // the hybrid's mean λ over the epoch (NaN otherwise)
	// GradVariance is the encoder gradient's variance trace on a fixed
	// batch after the epoch (NaN when not measured).
	GradVariance float64 `json:"grad_variance"`
	GradNorm     float64 `json:"grad_norm"` // mean global gradient norm before clipping
	Seconds      float64 `json:"seconds"`
}

// Epoch trains one epoch on the images in an order shuffled from (seed,
// epoch), dropping the last partial batch; progress, when not nil, is
// called after each batch.
func (t *Trainer) Epoch(ctx context.Context, train *dataset.Images, epoch int, progress func(done, total int)) (EpochLog, error) {
	start := time.Now()
	B := t.Net.Batch
	batches := train.N / B
	if batches == 0 {
		return EpochLog{}, errBatch
	}
	order := permutation(train.N, t.Cfg.Seed, uint64(epoch))
	x := make([]float64, B*train.Size())
	lr := t.LearningRate(epoch)
	var loss, lam, norm float64
	for b := range batches {
		if err := ctx.Err(); err != nil {
			return EpochLog{}, err
		}
		for i := range B {
			copy(x[i*train.Size():], train.Image(order[b*B+i]))
		}
		st, err := t.TrainStep(x, lr)
		if err != nil {
			return EpochLog{}, err
		}
		loss, lam, norm = loss+st.Loss, lam+st.Lambda, norm+st.Norm
		if progress != nil {
			progress(b+1, batches)
		}
	}
	n := float64(batches)
	return EpochLog{Epoch: epoch + 1, TrainLoss: loss / n, Lambda: lam / n, GradNorm: norm / n,
		Seconds: time.Since(start).Seconds(), TestLoss: math.NaN(), GradVariance: math.NaN()}, nil
}

// Evaluate returns the mean negative ELBO of the images (whole batches),
// one latent draw per image, without changing the parameters.
func (t *Trainer) Evaluate(im *dataset.Images) (float64, error) {
	n := t.Net
	B, L := n.Batch, n.Arch.Latent
	batches := im.N / B
	if batches == 0 {
		return math.NaN(), errBatch
	}
	var total float64
	for b := range batches {
		x := im.Pixels[b*B*im.Size() : (b+1)*B*im.Size()]
		mu, s, err := n.Encode(x)
		if err != nil {
			return 0, err
		}
		eps := make([]float64, B*L)
		rngstream.New(t.Cfg.Seed^0x3c6ef372fe94f82b, uint64(b)).Normals(eps)
		z := make([]float64, B*L)
		for k := range z {
			sig := math.Exp(0.5 * s[k])
			z[k] = mu[k] + sig*eps[k]
			total += 0.5 * (sig*sig + mu[k]*mu[k] - 1 - s[k])
		}
		f, _, err := n.Decode(z, x)
		if err != nil {
			return 0, err
		}
		for _, v := range f {
			total += v
		}
		if err := n.Decoder.ZeroGrads(); err != nil {
			return 0, err
		}
	}
	return total / float64(batches*B), nil
}

// permutation returns a shuffle of 0..n−1 drawn from (seed, epoch).
func permutation(n int, seed, epoch uint64) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r := rngstream.New(seed^0x510e527fade682d1, epoch)
	for i := n - 1; i > 0; i-- {
		j := int(r.Uint64() % uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// Variance is a Table-2 line: the encoder gradient's variance over
// independent draws of one estimator on one batch at one parameter snapshot.
type Variance struct {
	Estimator      string             `json:"estimator"`
	VarianceTrace  float64            `json:"variance_trace"` // Σ over encoder parameters of the per-parameter variance
	PerLayer       map[string]float64 `json:"per_layer"`
	Lambda         float64            `json:"lambda"` // the hybrid's mean λ over the draws (null otherwise)
	SecondsPerStep float64            `json:"seconds_per_step"`
}

// GradientVariance draws the encoder gradient of the batch x `draws` times
// (independent ε each time, parameters fixed) and returns the summed
// per-parameter variance, per layer, and the seconds a gradient took.
//
// The estimators' running state (baseline, running λ, guard evidence) is
// restored afterwards, so measuring does not change the training.
func (t *Trainer) GradientVariance(x []float64, draws int) (Variance, error) {
	saved, b, hasB, d := t.Cot.Hybrid.State(), t.Cot.b, t.Cot.hasB, 2*t.Net.Arch.Latent
	defer func() {
		t.Cot.Hybrid.SetState(saved, d)
		t.Cot.b, t.Cot.hasB = b, hasB
	}()
	ne, nd := t.Net.Encoder.Dim(), t.Net.Decoder.Dim()
	enc, dec := make([]float64, ne), make([]float64, nd)
	acc := mlbridge.NewAcc(ne)
	start := time.Now()
	var lam float64
	for r := range draws {
		if _, err := t.Gradient(x, 1<<40+uint64(r), enc, dec); err != nil {
			return Variance{}, err
		}
		acc.AddBatch(enc, enc, 1)
		lam += t.Cot.Lambda()
	}
	v := Variance{Estimator: t.Cfg.Estimator.String(), PerLayer: map[string]float64{},
		SecondsPerStep: time.Since(start).Seconds() / float64(draws), Lambda: lam / float64(draws)}
	blocks := t.Net.Encoder.Blocks()
	for j, node := range t.Net.Encoder.Nodes() {
		p := acc.Sum(blocks[j], blocks[j+1])
		layer := p.M2P / float64(draws-1)
		v.PerLayer[node.Name()] = layer
		v.VarianceTrace += layer
	}
	return v, nil
}
