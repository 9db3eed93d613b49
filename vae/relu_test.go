package vae

import (
	"fmt"
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
		r := rngstream.New(11, 0)
		xs, ws := make([]float64, shape.TotalSize()), make([]float64, shape.TotalSize())
		r.Normals(xs)
		r.Normals(ws)
		copy(xs, []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN()})
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			wantOut, wantGrad := unaryGradient(t, dt, shape, shape, xs, ws, G.Rectify)
			gotOut, gotGrad := unaryGradient(t, dt, shape, shape, xs, ws, relu)
			if math.Float64bits(gotOut[1]) != math.Float64bits(math.Copysign(0, -1)) || !math.IsNaN(gotOut[3]) {
				t.Errorf("%v %v: relu(−0), relu(−Inf) = %v, %v; want −0, NaN as Rectify's x·0", shape, dt, gotOut[1], gotOut[3])
			}
			sameBits(t, fmt.Sprint(shape, dt), gotOut, wantOut, gotGrad, wantGrad)
		}
	}
}
