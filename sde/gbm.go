package sde

import (
	"fmt"
	"math"
)

// GBM is geometric Brownian motion under the pricing measure,
//
//	dS = (Rate − Div) S dt + Vol S dW,   S(0) = Spot,
//
// whose terminal value has the exact law
//
//	S_T = Spot · exp((Rate − Div − Vol²/2) T + Vol W_T).
type GBM struct {
	Spot   float64 // initial value S_0 > 0
	Rate   float64 // risk-free rate, continuously compounded (0.05 = 5%)
	Div    float64 // dividend yield, continuously compounded
	Vol    float64 // volatility σ > 0, annualized, absolute (0.2 = 20%)
	Expiry float64 // horizon T > 0 in years
}

// ParamError reports a model parameter outside its domain.
type ParamError struct {
	Name  string
	Value float64
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("sde: %s = %v is out of range", e.Name, e.Value)
}

// Validate reports the first parameter outside its domain: Spot, Vol and
// Expiry must be positive and finite, Rate and Div finite.
func (m GBM) Validate() error {
	for _, p := range []struct {
		name     string
		v        float64
		positive bool
	}{
		{"spot", m.Spot, true}, {"vol", m.Vol, true}, {"expiry", m.Expiry, true},
		{"rate", m.Rate, false}, {"div", m.Div, false},
	} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) || (p.positive && p.v <= 0) {
			return &ParamError{p.name, p.v}
		}
	}
	return nil
}
