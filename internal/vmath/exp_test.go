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

func TestLogAccuracy(t *testing.T) {
	worst, at := 0.0, 0.0
	x := make([]float64, 0, 1<<20)
	for v := 1e-300; v < 1e300; v *= 1.000731 {
		x = append(x, v)
	}
	for v := 0.5; v < 2; v += 1e-5 {
		x = append(x, v)
	}
	got := make([]float64, len(x))
	LogTo(got, x)
	for i, v := range x {
		if d := math.Abs(got[i] - math.Log(v)); d > worst {
			worst, at = d, v
		}
	}
	if worst > 4e-16*700 { // absolute, scaled by |ln x| ≤ 700 at the ends
		t.Errorf("LogTo(%v) is %v from math.Log", at, worst)
	}
	// Near 1, where ln x is small, the absolute error is what counts.
	near := []float64{1, 1 + 1e-12, 1 - 1e-12, 0.999, 1.001}
	out := make([]float64, len(near))
	LogTo(out, near)
	for i, v := range near {
		if d := math.Abs(out[i] - math.Log(v)); d > 4e-16 {
			t.Errorf("LogTo(%v) = %v, math.Log %v", v, out[i], math.Log(v))
		}
	}
	special := []float64{0, -1, math.Inf(1), math.NaN(), 5e-324}
	out = make([]float64, len(special))
	LogTo(out, special)
	for i, v := range special {
		if w := math.Log(v); !(out[i] == w || math.IsNaN(out[i]) && math.IsNaN(w)) {
			t.Errorf("LogTo(%v) = %v, want %v", v, out[i], w)
		}
	}
}

func BenchmarkLog(b *testing.B) {
	x := make([]float64, 256)
	for i := range x {
		x[i] = float64(i)/64 + 0.5
	}
	y := make([]float64, len(x))
	for range b.N {
		LogTo(y, x)
	}
	sink = y[0]
}
