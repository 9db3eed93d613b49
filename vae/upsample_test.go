package vae

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
)

// TestUpsampleMatchesGorgonia: upsample2x and its gradient equal gorgonia's
// Upsample2D(x, 2) bit for bit, in float64 and float32, on a random input
// and a random output cotangent.
func TestUpsampleMatchesGorgonia(t *testing.T) {
	shape, up := tensor.Shape{3, 2, 5, 4}, tensor.Shape{3, 2, 10, 8}
	r := rngstream.New(7, 0)
	xs, ws := make([]float64, shape.TotalSize()), make([]float64, up.TotalSize())
	r.Normals(xs)
	r.Normals(ws)
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		gorgonia := func(x *G.Node) (*G.Node, error) { return G.Upsample2D(x, 2) }
		wantOut, wantGrad := unaryGradient(t, dt, shape, up, xs, ws, gorgonia)
		gotOut, gotGrad := unaryGradient(t, dt, shape, up, xs, ws, upsample)
		sameBits(t, fmt.Sprint(dt), gotOut, wantOut, gotGrad, wantGrad)
	}
}

// unaryGradient runs op on x (shape xs, values xv) under the cotangent w
// (shape ws, values wv): it returns op(x) and the gradient of Σ op(x)⊙w
// with respect to x.
func unaryGradient(t *testing.T, dt tensor.Dtype, xs, ws tensor.Shape, xv, wv []float64, op func(*G.Node) (*G.Node, error)) (out, grad []float64) {
	t.Helper()
	g := G.NewGraph()
	x := G.NewTensor(g, dt, xs.Dims(), G.WithShape(xs...), G.WithName("x"), G.WithValue(dense(dt, xs, xv)))
	w := G.NewTensor(g, dt, ws.Dims(), G.WithShape(ws...), G.WithName("w"), G.WithValue(dense(dt, ws, wv)))
	y, err := op(x)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, w))))
	if _, err := G.Grad(cost, x); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(x))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	gv, err := x.Grad()
	if err != nil {
		t.Fatal(err)
	}
	return floats(y.Value().Data()), floats(gv.Data())
}

// sameBits fails unless got and want (output, then gradient) agree bit for bit.
func sameBits(t *testing.T, what string, gotOut, wantOut, gotGrad, wantGrad []float64) {
	t.Helper()
	for name, p := range map[string][2][]float64{"output": {gotOut, wantOut}, "gradient": {gotGrad, wantGrad}} {
		if len(p[0]) != len(p[1]) {
			t.Fatalf("%s %s: %d values, want %d", what, name, len(p[0]), len(p[1]))
		}
		for i := range p[0] {
			if math.Float64bits(p[0][i]) != math.Float64bits(p[1][i]) {
				t.Fatalf("%s %s[%d] = %v, want %v", what, name, i, p[0][i], p[1][i])
			}
		}
	}
}

func dense(dt tensor.Dtype, shape tensor.Shape, v []float64) *tensor.Dense {
	if dt == tensor.Float32 {
		f := make([]float32, len(v))
		for i, x := range v {
			f[i] = float32(x)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), v...)))
}

func floats(d any) []float64 {
	switch v := d.(type) {
	case []float64:
		return append([]float64(nil), v...)
	case []float32:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	}
	panic("floats")
}
