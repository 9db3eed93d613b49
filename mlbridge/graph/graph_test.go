package graph

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
)

// linear builds loss = (w·x + b − y)² for one sample, with learnable w and b.
func linear(t *testing.T) (*G.ExprGraph, *G.Node, *G.Node, *G.Node, *G.Node, *G.Node) {
	g := G.NewGraph()
	w := G.NewVector(g, tensor.Float64, G.WithShape(3), G.WithName("w"), G.WithValue(tensor.New(tensor.WithShape(3), tensor.WithBacking([]float64{0.5, -1, 2}))))
	b := G.NewVector(g, tensor.Float64, G.WithShape(1), G.WithName("b"), G.WithValue(tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{0.1}))))
	x := G.NewVector(g, tensor.Float64, G.WithShape(3), G.WithName("x"), G.WithInit(G.Zeroes()))
	y := G.NewScalar(g, tensor.Float64, G.WithName("y"), G.WithValue(0.0))
	pred := G.Must(G.Add(G.Must(G.Sum(G.Must(G.HadamardProd(w, x)))), G.Must(G.Sum(b))))
	loss := G.Must(G.Square(G.Must(G.Sub(pred, y))))
	if _, err := G.Grad(loss, w, b); err != nil {
		t.Fatal(err)
	}
	return g, w, b, x, y, loss
}

// TestGradsRoundTrip computes per-sample gradients through the graph,
// checks them against the closed form 2r·(x, 1), mixes them with mlbridge,
// writes the result back and takes a solver step with it.
func TestGradsRoundTrip(t *testing.T) {
	g, w, b, x, y, _ := linear(t)
	m := G.NewTapeMachine(g, G.BindDualValues(w, b))
	defer m.Close()
	p, err := NewParams(w, b)
	if err != nil {
		t.Fatal(err)
	}
	if p.Dim() != 4 || len(p.Blocks()) != 3 || p.Blocks()[1] != 3 {
		t.Fatalf("layout: dim %d blocks %v", p.Dim(), p.Blocks())
	}
	xs := [][]float64{{1, 2, 3}, {0, -1, 1}, {2, 0.5, -1}, {-1, 1, 0}}
	ys := []float64{1, 0, 2, -1}
	wv := []float64{0.5, -1, 2}
	d := p.Dim()
	grads := make([]float64, len(xs)*d)
	for i := range xs {
		G.Let(x, tensor.New(tensor.WithShape(3), tensor.WithBacking(append([]float64(nil), xs[i]...))))
		G.Let(y, ys[i])
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		if err := p.Grads(grads[i*d : i*d+d]); err != nil {
			t.Fatal(err)
		}
		if err := p.ZeroGrads(); err != nil {
			t.Fatal(err)
		}
		m.Reset()
		r := wv[0]*xs[i][0] + wv[1]*xs[i][1] + wv[2]*xs[i][2] + 0.1 - ys[i]
		want := []float64{2 * r * xs[i][0], 2 * r * xs[i][1], 2 * r * xs[i][2], 2 * r}
		for k := range want {
			if math.Abs(grads[i*d+k]-want[k]) > 1e-12 {
				t.Errorf("sample %d coordinate %d: %v, want %v", i, k, grads[i*d+k], want[k])
			}
		}
	}
	// Mix the per-sample gradients with themselves (a trivial pair) per
	// block: the mixed mean must be the plain mean.
	h := mlbridge.Hybrid{VecMixer: mlbridge.VecMixer{Granularity: mlbridge.Block, Blocks: p.Blocks()}}
	h.Guard.MinSamples = 1
	mean := make([]float64, d)
	h.Batch(grads, grads, len(xs), mean)
	for k := range d {
		var s float64
		for i := range xs {
			s += grads[i*d+k]
		}
		if math.Abs(mean[k]-s/float64(len(xs))) > 1e-12 {
			t.Errorf("mixed mean[%d] = %v, want %v", k, mean[k], s/float64(len(xs)))
		}
	}
	// Write the mean back and step with plain SGD: w ← w − η g.
	if err := p.SetGrads(mean); err != nil {
		t.Fatal(err)
	}
	back := make([]float64, d)
	if err := p.Grads(back); err != nil {
		t.Fatal(err)
	}
	for k := range back {
		if back[k] != mean[k] {
			t.Fatalf("SetGrads then Grads: %v, want %v", back, mean)
		}
	}
	solver := G.NewVanillaSolver(G.WithLearnRate(0.1))
	if err := solver.Step(p.ValueGrads()); err != nil {
		t.Fatal(err)
	}
	got := w.Value().Data().([]float64)
	for k := range 3 {
		if want := wv[k] - 0.1*mean[k]; math.Abs(got[k]-want) > 1e-12 {
			t.Errorf("w[%d] after the step = %v, want %v", k, got[k], want)
		}
	}
}

func TestErrors(t *testing.T) {
	g := G.NewGraph()
	i := G.NewVector(g, tensor.Int, G.WithShape(2), G.WithName("i"), G.WithInit(G.Zeroes()))
	if _, err := NewParams(i); err == nil {
		t.Error("an int node accepted")
	}
	w := G.NewVector(g, tensor.Float64, G.WithShape(2), G.WithName("w"), G.WithInit(G.Zeroes()))
	p, _ := NewParams(w)
	if err := p.Grads(make([]float64, 3)); err == nil {
		t.Error("Grads into the wrong length accepted")
	}
	if err := p.Grads(make([]float64, 2)); err == nil {
		t.Error("Grads of a node without a gradient accepted")
	}
}
