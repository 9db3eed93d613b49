// Package payoff holds European contracts as functions of the terminal
// underlying value S_T: the payoff f, its almost-everywhere derivative f',
// and whether pathwise differentiation is valid for it.
//
// Pathwise differentiation of E[f(S_T)] under the expectation is valid when f
// is Lipschitz (Glasserman 2003, §7.2). Vanilla calls and puts are; digital
// (cash-or-nothing) and asset-or-nothing payoffs jump at the strike, their
// derivative is 0 almost surely away from it, and the pathwise "estimate"
// misses the Dirac mass at K: it is biased, not low-variance (ERRATA §2.7).
//
// Payoffs are evaluated a block at a time, without branches on the data, so
// that the per-path loop of a simulation stays predictable.
package payoff

import (
	"fmt"
	"math"
	"strings"
)

// Payoff is a European payoff f(S_T).
type Payoff interface {
	// Eval sets f[i] = f(s[i]) and, when df is not nil, df[i] = f'(s[i]),
	// the derivative almost everywhere. f and df must be at least as long
	// as s.
	Eval(s, f, df []float64)
	// Lipschitz reports whether f is Lipschitz continuous, which is when
	// the pathwise estimator E[f'(S_T) ∂S_T/∂θ] is unbiased.
	Lipschitz() bool
	// Name is the payoff's command-line name, such as "digital-call".
	Name() string
}

// Call is the vanilla call max(S_T − Strike, 0).
type Call struct{ Strike float64 }

// Put is the vanilla put max(Strike − S_T, 0).
type Put struct{ Strike float64 }

// DigitalCall is the cash-or-nothing call Cash·1{S_T > Strike}.
type DigitalCall struct{ Strike, Cash float64 }

// DigitalPut is the cash-or-nothing put Cash·1{S_T < Strike}.
type DigitalPut struct{ Strike, Cash float64 }

// AssetCall is the asset-or-nothing call S_T·1{S_T > Strike}.
type AssetCall struct{ Strike float64 }

// AssetPut is the asset-or-nothing put S_T·1{S_T < Strike}.
type AssetPut struct{ Strike float64 }

// positive returns 1 when x > 0 and 0 when x < 0, without a branch.
// x = +0 gives 1 and x = −0 gives 0; both have probability zero here.
func positive(x float64) float64 {
	return float64(int64(^math.Float64bits(x) >> 63))
}

// Eval implements Payoff.
func (p Call) Eval(s, f, df []float64) {
	f = f[:len(s)]
	for i, x := range s {
		d := x - p.Strike
		f[i] = d * positive(d)
	}
	if df != nil {
		df = df[:len(s)]
		for i, x := range s {
			df[i] = positive(x - p.Strike)
		}
	}
}

// Eval implements Payoff.
func (p Put) Eval(s, f, df []float64) {
	f = f[:len(s)]
	for i, x := range s {
		d := p.Strike - x
		f[i] = d * positive(d)
	}
	if df != nil {
		df = df[:len(s)]
		for i, x := range s {
			df[i] = -positive(p.Strike - x)
		}
	}
}

// Eval implements Payoff. The derivative is 0 almost everywhere.
func (p DigitalCall) Eval(s, f, df []float64) {
	f = f[:len(s)]
	for i, x := range s {
		f[i] = p.Cash * positive(x-p.Strike)
	}
	zero(df, len(s))
}

// Eval implements Payoff. The derivative is 0 almost everywhere.
func (p DigitalPut) Eval(s, f, df []float64) {
	f = f[:len(s)]
	for i, x := range s {
		f[i] = p.Cash * positive(p.Strike-x)
	}
	zero(df, len(s))
}

// Eval implements Payoff. The derivative almost everywhere is 1{S_T > K}.
func (p AssetCall) Eval(s, f, df []float64) {
	f = f[:len(s)]
	for i, x := range s {
		f[i] = x * positive(x-p.Strike)
	}
	if df != nil {
		df = df[:len(s)]
		for i, x := range s {
			df[i] = positive(x - p.Strike)
		}
	}
}

// Eval implements Payoff. The derivative almost everywhere is 1{S_T < K}.
func (p AssetPut) Eval(s, f, df []float64) {
	f = f[:len(s)]
	for i, x := range s {
		f[i] = x * positive(p.Strike-x)
	}
	if df != nil {
		df = df[:len(s)]
		for i, x := range s {
			df[i] = positive(p.Strike - x)
		}
	}
}

func zero(df []float64, n int) {
	if df != nil {
		clear(df[:n])
	}
}

// Lipschitz implements Payoff.
func (Call) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (Put) Lipschitz() bool { return true }

// Lipschitz implements Payoff: a digital jumps by Cash at the strike.
func (DigitalCall) Lipschitz() bool { return false }

// Lipschitz implements Payoff: a digital jumps by Cash at the strike.
func (DigitalPut) Lipschitz() bool { return false }

// Lipschitz implements Payoff: the payoff jumps by Strike at the strike.
func (AssetCall) Lipschitz() bool { return false }

// Lipschitz implements Payoff: the payoff jumps by Strike at the strike.
func (AssetPut) Lipschitz() bool { return false }

// Name implements Payoff.
func (Call) Name() string { return "call" }

// Name implements Payoff.
func (Put) Name() string { return "put" }

// Name implements Payoff.
func (DigitalCall) Name() string { return "digital-call" }

// Name implements Payoff.
func (DigitalPut) Name() string { return "digital-put" }

// Name implements Payoff.
func (AssetCall) Name() string { return "asset-call" }

// Name implements Payoff.
func (AssetPut) Name() string { return "asset-put" }

// Names lists the payoffs that New accepts.
var Names = []string{"call", "put", "digital-call", "digital-put", "asset-call", "asset-put"}

// ErrUnknown is returned by New for a payoff name it does not know.
var ErrUnknown = fmt.Errorf("unknown payoff (want one of %s)", strings.Join(Names, ", "))

// ParamError reports a contract parameter outside its domain.
type ParamError struct {
	Name  string
	Value float64
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("payoff: %s = %v is out of range", e.Name, e.Value)
}

// New returns the payoff called name with the given strike and, for
// digitals, cash amount. The strike must be positive and finite, the cash
// amount finite.
func New(name string, strike, cash float64) (Payoff, error) {
	if !(strike > 0) || math.IsInf(strike, 0) {
		return nil, &ParamError{"strike", strike}
	}
	if math.IsNaN(cash) || math.IsInf(cash, 0) {
		return nil, &ParamError{"cash", cash}
	}
	switch name {
	case "call":
		return Call{strike}, nil
	case "put":
		return Put{strike}, nil
	case "digital-call":
		return DigitalCall{strike, cash}, nil
	case "digital-put":
		return DigitalPut{strike, cash}, nil
	case "asset-call":
		return AssetCall{strike}, nil
	case "asset-put":
		return AssetPut{strike}, nil
	}
	return nil, fmt.Errorf("%q: %w", name, ErrUnknown)
}
