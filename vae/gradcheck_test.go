package vae

import (
	"math"
	"testing"
)

// TestPathwiseGradientCheck checks the whole pathwise route — decoder
// backward, ∇_z f, the encoder cotangents with the analytic KL and the
// encoder's backward pass — against central differences of the batch's
// negative ELBO with the draws ε held fixed, on a sample of parameters of
// every layer.
func TestPathwiseGradientCheck(t *testing.T) {
	a := Arch{Channels: 1, Side: 16, Conv: []int{4, 8}, Hidden: 16, Latent: 3}
	tr, err := NewTrainer(a, TrainConfig{Estimator: Pathwise, Batch: 4, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Net.Close()
	x := make([]float64, 4*16*16)
	for i := range x {
		x[i] = 0.5 + 0.4*math.Sin(float64(i)*0.37)
	}
	const draw = 7
	ne, nd := tr.Net.Encoder.Dim(), tr.Net.Decoder.Dim()
	enc, dec := make([]float64, ne), make([]float64, nd)
	if _, err := tr.Gradient(x, draw, enc, dec); err != nil {
		t.Fatal(err)
	}
	loss := func() float64 {
		e, d := make([]float64, ne), make([]float64, nd)
		l, err := tr.Gradient(x, draw, e, d)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	check := func(name string, p interface {
		Values([]float64) error
		SetValues([]float64) error
		Blocks() []int
	}, grad []float64) {
		vals := make([]float64, len(grad))
		p.Values(vals)
		blocks := p.Blocks()
		for j := 0; j+1 < len(blocks); j++ {
			for _, k := range []int{blocks[j], (blocks[j] + blocks[j+1]) / 2, blocks[j+1] - 1} {
				const h = 1e-5
				old := vals[k]
				vals[k] = old + h
				p.SetValues(vals)
				up := loss()
				vals[k] = old - h
				p.SetValues(vals)
				down := loss()
				vals[k] = old
				p.SetValues(vals)
				fd := (up - down) / (2 * h)
				if math.Abs(fd-grad[k]) > 1e-5*(1+math.Abs(fd)) {
					t.Errorf("%s parameter %d (block %d): gradient %v, central difference %v", name, k, j, grad[k], fd)
				}
			}
		}
	}
	check("encoder", tr.Net.Encoder, enc)
	check("decoder", tr.Net.Decoder, dec)
}
