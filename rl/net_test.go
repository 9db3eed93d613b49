package rl

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
)

// TestMLPVJP checks the training graph's vector–Jacobian products against
// central differences of the forward graph, which also checks that Sync
// carries the weights across.
func TestMLPVJP(t *testing.T) {
	const rows = 4
	n, err := NewMLP(3, 2, []int{5, 4}, rows, 6, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	r := rngstream.New(11, 0)
	x, cot := make([]float64, rows*3), make([]float64, rows*2)
	r.Normals(x)
	r.Normals(cot)
	// Perturb the zero biases so their gradients are exercised at a generic point.
	theta := make([]float64, n.Dim())
	n.Params.Values(theta)
	for i := range theta {
		theta[i] += 0.3 * r.Normal()
	}
	n.Params.SetValues(theta)
	n.Sync()
	gp, gx, out := make([]float64, n.Dim()), make([]float64, rows*3), make([]float64, rows*2)
	if err := n.VJP(x, cot, rows, out, gp, gx); err != nil {
		t.Fatal(err)
	}
	f := func() float64 {
		o := make([]float64, rows*2)
		if err := n.Forward(x, o); err != nil {
			t.Fatal(err)
		}
		var s float64
		for i := range o {
			s += o[i] * cot[i]
		}
		return s
	}
	fo := make([]float64, rows*2)
	n.Forward(x, fo)
	for i := range fo {
		if math.Abs(fo[i]-out[i]) > 1e-14 {
			t.Fatalf("forward graphs disagree: %v vs %v", fo, out)
		}
	}
	const h = 1e-6
	for i := range x {
		x0 := x[i]
		x[i] = x0 + h
		fp := f()
		x[i] = x0 - h
		fm := f()
		x[i] = x0
		if want := (fp - fm) / (2 * h); math.Abs(gx[i]-want) > 1e-7 {
			t.Errorf("∂/∂x[%d] = %v, finite differences %v", i, gx[i], want)
		}
	}
	for i := range theta {
		th0 := theta[i]
		theta[i] = th0 + h
		n.Params.SetValues(theta)
		n.Sync()
		fp := f()
		theta[i] = th0 - h
		n.Params.SetValues(theta)
		n.Sync()
		fm := f()
		theta[i] = th0
		if want := (fp - fm) / (2 * h); math.Abs(gp[i]-want) > 1e-7 {
			t.Errorf("∂/∂θ[%d] = %v, finite differences %v", i, gp[i], want)
		}
	}
	// A second run must not accumulate the first one's gradients.
	gp2 := make([]float64, n.Dim())
	n.Params.SetValues(theta)
	n.Sync()
	n.VJP(x, cot, rows, nil, gp2, nil)
	for i := range gp {
		if math.Abs(gp2[i]-gp[i]) > 1e-12 {
			t.Fatalf("second VJP differs at %d: %v vs %v", i, gp2[i], gp[i])
		}
	}
}
