package vae

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
)

// TestConvMatchesGorgonia: convOp and its two gradients equal gorgonia's
// Conv2d (3×3, stride 1, padding 1; and 4×4, stride 2, padding 1) bit for bit with gonum's BLAS, in
// float64 and float32, on random inputs and a random output cotangent.
// The shapes take gonum's serial Dgemm path (one chunk), its parallel path
// in several chunks of one example (32×32 images) and in uneven chunks
// (135 examples of 4×4 at 70 output channels: chunks of 67 and 68). Eight
// input channels make k = 72 > 64, so gonum's k-blocking shows: one-example
// chunks there (the serial path) fail the test.
func TestConvMatchesGorgonia(t *testing.T) {
	defer G.Use(G.WhichBLAS())
	G.Use(gonum.Implementation{})
	for _, c := range []struct {
		x                    tensor.Shape
		o, ks, st, p, chunks int
	}{
		{tensor.Shape{2, 3, 5, 4}, 2, 3, 1, 1, 1},
		{tensor.Shape{3, 8, 32, 32}, 1, 3, 1, 1, 3},
		{tensor.Shape{135, 8, 4, 4}, 70, 3, 1, 1, 2},
		{tensor.Shape{2, 3, 6, 5}, 2, 4, 2, 1, 1},     // the encoder's 4×4, stride 2, padding 1
		{tensor.Shape{70, 8, 16, 16}, 70, 4, 2, 1, 4}, // 8×8 outputs, chunks of 17 and 18
	} {
		d := newConvDims(c.x, c.o, c.ks, c.st, c.p)
		if len(d.chunks()) != c.chunks+1 {
			t.Fatalf("%v: chunks %v, want %d", c.x, d.chunks(), c.chunks)
		}
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			t.Run(fmt.Sprintf("%v/o=%d/k=%d,s=%d/%v", c.x, c.o, c.ks, c.st, dt), func(t *testing.T) {
				want := convRun(t, dt, d, false)
				got := convRun(t, dt, d, true)
				for i, name := range []string{"output", "∂x", "∂w"} {
					if len(got[i]) != len(want[i]) {
						t.Fatalf("%s: %d values, want %d", name, len(got[i]), len(want[i]))
					}
					for j := range got[i] {
						if math.Float64bits(got[i][j]) != math.Float64bits(want[i][j]) {
							t.Fatalf("%s[%d] = %v, want %v (Conv2d)", name, j, got[i][j], want[i][j])
						}
					}
				}
			})
		}
	}
}

// convRun returns the convolution's output and the gradients of
// Σ out ⊙ g with respect to x and w, by convOp (own) or Conv2d.
func convRun(t *testing.T, dt tensor.Dtype, d convDims, own bool) [3][]float64 {
	t.Helper()
	return opGradients(t, dt, 11, tensor.Shape{d.b, d.c, d.h, d.w}, tensor.Shape{d.o, d.c, d.ks, d.ks},
		tensor.Shape{d.b, d.o, d.oh, d.ow}, func(x, w *G.Node) (*G.Node, error) {
			if own {
				return convolve(x, w, d.st, d.pad)
			}
			return G.Conv2d(x, w, tensor.Shape{d.ks, d.ks}, []int{d.pad, d.pad}, []int{d.st, d.st}, []int{1, 1})
		})
}

// opGradients returns y = op(x, w) and the gradients of Σ y ⊙ g with
// respect to x and w, for x, w and g of the given shapes drawn from
// rngstream seed.
func opGradients(t *testing.T, dt tensor.Dtype, seed uint64, xs, ws, os tensor.Shape, op func(x, w *G.Node) (*G.Node, error)) [3][]float64 {
	t.Helper()
	r := rngstream.New(seed, 0)
	vals := func(s tensor.Shape) []float64 {
		v := make([]float64, s.TotalSize())
		r.Normals(v)
		return v
	}
	g := G.NewGraph()
	x := G.NewTensor(g, dt, 4, G.WithShape(xs...), G.WithName("x"), G.WithValue(dense(dt, xs, vals(xs))))
	w := G.NewTensor(g, dt, 4, G.WithShape(ws...), G.WithName("w"), G.WithValue(dense(dt, ws, vals(ws))))
	ct := G.NewTensor(g, dt, 4, G.WithShape(os...), G.WithName("g"), G.WithValue(dense(dt, os, vals(os))))
	y, err := op(x, w)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, ct))))
	if _, err := G.Grad(cost, x, w); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(x, w))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	gx, err := x.Grad()
	if err != nil {
		t.Fatal(err)
	}
	gw, err := w.Grad()
	if err != nil {
		t.Fatal(err)
	}
	return [3][]float64{floats(y.Value().Data()), floats(gx.Data()), floats(gw.Data())}
}
