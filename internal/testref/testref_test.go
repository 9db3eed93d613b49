package testref

import (
	"math"
	"testing"
)

// TestLambdaDeltaCall checks the quadrature λ* against the value 1.085 the
// issue quotes for the ATM call Delta.
func TestLambdaDeltaCall(t *testing.T) {
	got := LambdaDeltaCall(Cases[0].Model, Cases[0].Strike)
	if math.Abs(got-1.085) > 5e-4 {
		t.Errorf("λ*(ATM call Delta) = %v, want 1.085", got)
	}
	t.Logf("λ*(ATM call Delta) = %.6f", got)
}
