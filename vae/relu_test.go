package vae

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
)

// TestReluMatchesGorgonia: reluOp and its gradient equal gorgonia's
// Rectify bit for bit, in float64 and float32, on 2- and 4-dimensional
// inputs with negative and positive values, ±0, ±Inf and NaN (a negative
// input gives −0, −Inf gives NaN, as x·0 does), under a random cotangent.
func TestReluMatchesGorgonia(t *testing.T) {
	for _, shape := range []tensor.Shape{{4, 7}, {2, 3, 4, 5}} {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			run := func(own bool) (out, grad []float64) {
				g := G.NewGraph()
				r := rngstream.New(11, 0)
				xs := make([]float64, shape.TotalSize())
				ws := make([]float64, shape.TotalSize())
				r.Normals(xs)
				r.Normals(ws)
				copy(xs, []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN()})
				x := G.NewTensor(g, dt, shape.Dims(), G.WithShape(shape...), G.WithName("x"), G.WithValue(dense(dt, shape, xs)))
				w := G.NewTensor(g, dt, shape.Dims(), G.WithShape(shape...), G.WithName("w"), G.WithValue(dense(dt, shape, ws)))
				var y *G.Node
				var err error
				if own {
					y, err = relu(x)
				} else {
					y, err = G.Rectify(x)
				}
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
			wantOut, wantGrad := run(false)
			gotOut, gotGrad := run(true)
			if math.Float64bits(gotOut[1]) != math.Float64bits(math.Copysign(0, -1)) || !math.IsNaN(gotOut[3]) {
				t.Errorf("%v %v: relu(−0), relu(−Inf) = %v, %v; want −0, NaN as Rectify's x·0", shape, dt, gotOut[1], gotOut[3])
			}
			for name, p := range map[string][2][]float64{"output": {gotOut, wantOut}, "gradient": {gotGrad, wantGrad}} {
				if len(p[0]) != len(p[1]) {
					t.Fatalf("%v %v %s: %d values, want %d", shape, dt, name, len(p[0]), len(p[1]))
				}
				for i := range p[0] {
					if math.Float64bits(p[0][i]) != math.Float64bits(p[1][i]) {
						t.Fatalf("%v %v %s[%d] = %v, want %v", shape, dt, name, i, p[0][i], p[1][i])
					}
				}
			}
		}
	}
}
