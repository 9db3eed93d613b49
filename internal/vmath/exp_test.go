package vmath

import (
	"math"
	"testing"
)

func ulps(a, b float64) float64 {
	return math.Abs(a-b) / (math.Nextafter(math.Abs(b), math.Inf(1)) - math.Abs(b))
}

func TestExpAccuracy(t *testing.T) {
	worst, at := 0.0, 0.0
	for x := -708.0; x <= 709; x += 0.000731 {
		if u := ulps(Exp(x), math.Exp(x)); u > worst {
			worst, at = u, x
		}
	}
	for _, x := range []float64{0, 1e-300, -1e-300, 1e-10, 0.5 * math.Ln2, -0.5 * math.Ln2, 1, -1, 700, -700} {
		if u := ulps(Exp(x), math.Exp(x)); u > worst {
			worst, at = u, x
		}
	}
	if worst > 4 {
		t.Errorf("Exp(%v) is %v ulp from math.Exp, want ≤ 4", at, worst)
	}
}

func TestExpEdges(t *testing.T) {
	if got := Exp(0); got != 1 {
		t.Errorf("Exp(0) = %v, want 1", got)
	}
	if got := Exp(1e6); math.IsInf(got, 0) || got < 1e307 {
		t.Errorf("Exp(1e6) = %v, want the clamped finite value e^709", got)
	}
	if got := Exp(-1e6); got <= 0 || got > 1e-307 {
		t.Errorf("Exp(-1e6) = %v, want the clamped tiny positive value e^-708", got)
	}
	if got := Exp(math.NaN()); !math.IsNaN(got) {
		t.Errorf("Exp(NaN) = %v, want NaN", got)
	}
}

var sink float64

func BenchmarkExp(b *testing.B) {
	x := make([]float64, 256)
	for i := range x {
		x[i] = float64(i)/64 - 2
	}
	y := make([]float64, len(x))
	for range b.N {
		ExpTo(y, x)
	}
	sink = y[0]
}

func BenchmarkMathExp(b *testing.B) {
	x := make([]float64, 256)
	for i := range x {
		x[i] = float64(i)/64 - 2
	}
	for range b.N {
		s := 0.0
		for _, v := range x {
			s += math.Exp(v)
		}
		sink = s
	}
}
