package vae

import (
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
	shape := tensor.Shape{3, 2, 5, 4}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		run := func(own bool) (out, grad []float64) {
			g := G.NewGraph()
			r := rngstream.New(7, 0)
			xs := make([]float64, shape.TotalSize())
			ws := make([]float64, 4*shape.TotalSize())
			r.Normals(xs)
			r.Normals(ws)
			x := G.NewTensor(g, dt, 4, G.WithShape(shape...), G.WithName("x"), G.WithValue(dense(dt, shape, xs)))
			w := G.NewTensor(g, dt, 4, G.WithShape(3, 2, 10, 8), G.WithName("w"), G.WithValue(dense(dt, tensor.Shape{3, 2, 10, 8}, ws)))
			var up *G.Node
			var err error
			if own {
				up, err = upsample(x)
			} else {
				up, err = G.Upsample2D(x, 2)
			}
			if err != nil {
				t.Fatal(err)
			}
			cost := G.Must(G.Sum(G.Must(G.HadamardProd(up, w))))
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
			return floats(up.Value().Data()), floats(gv.Data())
		}
		wantOut, wantGrad := run(false)
		gotOut, gotGrad := run(true)
		for name, p := range map[string][2][]float64{"output": {gotOut, wantOut}, "gradient": {gotGrad, wantGrad}} {
			if len(p[0]) != len(p[1]) {
				t.Fatalf("%v %s: %d values, want %d", dt, name, len(p[0]), len(p[1]))
			}
			for i := range p[0] {
				if math.Float64bits(p[0][i]) != math.Float64bits(p[1][i]) {
					t.Fatalf("%v %s[%d] = %v, want %v", dt, name, i, p[0][i], p[1][i])
				}
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
