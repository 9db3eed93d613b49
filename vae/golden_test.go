package vae

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
	"github.com/hybridgreeks/hybridgreeks/mlbridge/graph"
	"github.com/hybridgreeks/hybridgreeks/vae/dataset"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/steps.golden")

// goldenTrace trains each estimator for a few steps on fixed images and
// writes, per step, the exact bits of the loss and the gradient norm, then
// a SHA-256 of the parameters' bits, the test loss from Evaluate and the
// variance trace of GradientVariance. Every speedup of the trainer must
// leave it unchanged: the file was written by the trainer before the
// speedups (gorgonia's Upsample2D, the encoder's forward run through its
// backward tape, fresh buffers every step).
func goldenTrace(t *testing.T) string {
	t.Helper()
	const batch, steps = 8, 3
	a := smallArch()
	x := make([]float64, 2*batch*a.Side*a.Side)
	for i := range x {
		x[i] = float64((i*7919)%13) / 12
	}
	var sb strings.Builder
	for _, e := range []Estimator{Pathwise, Score, Hybrid} {
		tr, err := NewTrainer(a, TrainConfig{Estimator: e, Batch: batch, Seed: 3, Baseline: e == Score,
			Mixer: mlbridge.Hybrid{VecMixer: mlbridge.VecMixer{Granularity: mlbridge.Coordinate}}})
		if err != nil {
			t.Fatal(err)
		}
		for s := range steps {
			xb := x[(s%2)*batch*a.Side*a.Side : (s%2+1)*batch*a.Side*a.Side]
			st, err := tr.TrainStep(xb, 1e-3)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&sb, "%s step %d loss %x norm %x lambda %x\n", e, s, st.Loss, st.Norm, nanZero(st.Lambda))
		}
		p := make([]float64, tr.Net.Encoder.Dim()+tr.Net.Decoder.Dim())
		if err := tr.Net.Encoder.Values(p[:tr.Net.Encoder.Dim()]); err != nil {
			t.Fatal(err)
		}
		if err := tr.Net.Decoder.Values(p[tr.Net.Encoder.Dim():]); err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for _, v := range p {
			fmt.Fprintf(h, "%x,", v)
		}
		fmt.Fprintf(&sb, "%s params %s\n", e, hex.EncodeToString(h.Sum(nil)))
		im := &dataset.Images{N: 2 * batch, Channels: 1, Rows: a.Side, Cols: a.Side, Pixels: x}
		ev, err := tr.Evaluate(im)
		if err != nil {
			t.Fatal(err)
		}
		v, err := tr.GradientVariance(x[:batch*a.Side*a.Side], 3)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sb, "%s eval %x variance %x\n", e, ev, v.VarianceTrace)
		tr.Net.Close()
	}
	return sb.String()
}

func nanZero(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// TestGoldenSteps pins the training's results bit for bit (float64): the
// losses, norms, λ, parameters, test loss and variance after a few steps of
// each estimator must equal a recorded trace. Two traces: steps.golden,
// of the decoder in the sub-pixel form (upconvOp, rewritten with -update
// when that form came in: it sums in another order, TestSubPixelGradient
// bounds the difference by 10⁻¹²), and steps_upsample.golden, written by
// the trainer before its speedups (gorgonia's Upsample2D and Conv2d, the
// encoder's forward run through its backward tape, fresh buffers every
// step), which the graph of upsample2x and convOp still reproduces bit for
// bit. Run with -update only when a change is meant to alter the numbers;
// it rewrites steps.golden only.
func TestGoldenSteps(t *testing.T) {
	if graph.BLAS != "gonum" {
		t.Skipf("the golden trace is gonum's pure-Go BLAS; this build uses %s (TestBLASGradient compares them)", graph.BLAS)
	}
	for _, c := range []struct {
		file     string
		upsample bool
	}{{"steps.golden", false}, {"steps_upsample.golden", true}} {
		upsampleThenConvolve = c.upsample
		got := goldenTrace(t)
		upsampleThenConvolve = false
		path := filepath.Join("testdata", c.file)
		if *updateGolden && !c.upsample {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("training trace differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
		}
	}
}
