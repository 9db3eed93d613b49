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

// TestConv3MatchesGorgonia: conv3 and its two gradients equal gorgonia's
// Conv2d(x, w, 3×3, pad 1, stride 1) bit for bit with gonum's BLAS, in
// float64 and float32, on random inputs and a random output cotangent.
// The shapes take gonum's serial Dgemm path (one chunk), its parallel path
// in several chunks of one example (32×32 images) and in uneven chunks
// (135 examples of 4×4 at 70 output channels: chunks of 67 and 68). Eight
// input channels make k = 72 > 64, so gonum's k-blocking shows: one-example
// chunks there (the serial path) fail the test.
func TestConv3MatchesGorgonia(t *testing.T) {
	defer G.Use(G.WhichBLAS())
	G.Use(gonum.Implementation{})
	for _, c := range []struct {
		x tensor.Shape
		o int
	}{
		{tensor.Shape{2, 3, 5, 4}, 2},
		{tensor.Shape{3, 8, 32, 32}, 1},
		{tensor.Shape{135, 8, 4, 4}, 70},
	} {
		d := dimsOf(c.x, tensor.Shape{c.o, c.x[1], 3, 3})
		if serial := c.x[0] == 2; (len(d.chunks()) == 2) != serial {
			t.Fatalf("%v: chunks %v", c.x, d.chunks())
		}
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			t.Run(fmt.Sprintf("%v/o=%d/%v", c.x, c.o, dt), func(t *testing.T) {
				want := conv3Run(t, dt, c.x, c.o, false)
				got := conv3Run(t, dt, c.x, c.o, true)
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

// conv3Run returns the convolution's output and the gradients of
// Σ out ⊙ g with respect to x and w, by conv3 (own) or Conv2d.
func conv3Run(t *testing.T, dt tensor.Dtype, xs tensor.Shape, o int, own bool) [3][]float64 {
	t.Helper()
	ws := tensor.Shape{o, xs[1], 3, 3}
	os := tensor.Shape{xs[0], o, xs[2], xs[3]}
	r := rngstream.New(11, 0)
	vals := func(s tensor.Shape) []float64 {
		v := make([]float64, s.TotalSize())
		r.Normals(v)
		return v
	}
	g := G.NewGraph()
	x := G.NewTensor(g, dt, 4, G.WithShape(xs...), G.WithName("x"), G.WithValue(dense(dt, xs, vals(xs))))
	w := G.NewTensor(g, dt, 4, G.WithShape(ws...), G.WithName("w"), G.WithValue(dense(dt, ws, vals(ws))))
	ct := G.NewTensor(g, dt, 4, G.WithShape(os...), G.WithName("g"), G.WithValue(dense(dt, os, vals(os))))
	var y *G.Node
	var err error
	if own {
		y, err = convolve3(x, w)
	} else {
		y, err = G.Conv2d(x, w, tensor.Shape{3, 3}, []int{1, 1}, []int{1, 1}, []int{1, 1})
	}
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
