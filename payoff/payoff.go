// Package payoff holds the contracts: European payoffs of the terminal value
// S_T and path-dependent ones (Asian, discretely monitored barriers) of the
// values at m equally spaced fixing dates t_j = jT/m ending at maturity. Each
// gives the payoff f, its gradient almost everywhere in the fixings, and
// whether pathwise differentiation is valid for it.
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
	"slices"
	"strings"
)

// Payoff is a payoff f(S_{t_1}, …, S_{t_m}) of the underlying at m = Dates()
// fixing dates t_j = jT/m; a European payoff has m = 1.
type Payoff interface {
	// Eval evaluates a block of n = len(f) paths. obs holds the fixings
	// fixing-major: obs[j*n+i] is S_{t_{j+1}} on path i. It sets f[i] to
	// the payoff and, when grad is not nil, grad[j*n+i] to ∂f/∂S_{t_{j+1}},
	// the gradient almost everywhere (same layout as obs).
	Eval(obs, f, grad []float64)
	// Dates is the number m ≥ 1 of fixing dates.
	Dates() int
	// Lipschitz reports whether f is Lipschitz continuous, which is when
	// the pathwise estimator E[f'(S_T) ∂S_T/∂θ] is unbiased.
	Lipschitz() bool
	// Name is the payoff's command-line name, such as "digital-call".
	Name() string
}

// Smoother is implemented by discontinuous payoffs, for localization
// (Fournié, Lasry, Lebuchoux, Lions 2001): f = f_ε + (f − f_ε) with f_ε a
// Lipschitz approximation that equals f outside a band of half-width ε
// around the discontinuity, so that pathwise differentiation of f_ε plus a
// Malliavin weight on the remainder f − f_ε is unbiased, and the remainder,
// being non-zero only in the band, has a small variance.
type Smoother interface {
	// EvalSmooth sets fs[i] = f_ε on path i and grad its gradient
	// (layouts as in Payoff.Eval). ε > 0 is in the units of the
	// underlying.
	EvalSmooth(obs []float64, eps float64, fs, grad []float64)
}

// Names lists the payoffs that New accepts.
var Names = []string{
	"call", "put", "digital-call", "digital-put", "asset-call", "asset-put",
	"asian-call", "asian-put", "geometric-asian-call", "geometric-asian-put",
	"up-out-call", "up-in-call", "down-out-put", "down-in-put",
}

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

// Spec describes a contract by name, as the command line and portfolio
// files do.
type Spec struct {
	Name    string  // one of Names
	Strike  float64 // K > 0
	Cash    float64 // digitals' cash amount: finite and non-zero (no default: zero is refused, not read as 1); ignored by other payoffs
	Fixings int     // Asian and barrier fixing dates m ≥ 1; ignored by European payoffs
	Barrier float64 // barrier level H > 0 of the barrier payoffs
	Rebate  float64 // barrier rebate ≥ 0, paid at maturity (see UpOutCall)
}

// MaxFixings bounds Spec.Fixings.
const MaxFixings = 100_000

// New returns the payoff that s describes, after checking its parameters.
func New(s Spec) (Payoff, error) {
	if !(s.Strike > 0) || math.IsInf(s.Strike, 0) {
		return nil, &ParamError{"strike", s.Strike}
	}
	if math.IsNaN(s.Cash) || math.IsInf(s.Cash, 0) {
		return nil, &ParamError{"cash", s.Cash}
	}
	if !slices.Contains(Names, s.Name) {
		return nil, fmt.Errorf("%q: %w", s.Name, ErrUnknown)
	}
	if strings.HasPrefix(s.Name, "digital-") && s.Cash == 0 {
		// A zero Cash is far more often a field left out than a contract
		// that pays nothing: refuse it rather than price 0 silently.
		return nil, &ParamError{"cash", s.Cash}
	}
	if pathDependent := slices.Contains(Names[6:], s.Name); pathDependent && (s.Fixings < 1 || s.Fixings > MaxFixings) {
		return nil, &ParamError{"fixings", float64(s.Fixings)}
	}
	barrier := strings.Contains(s.Name, "-out-") || strings.Contains(s.Name, "-in-")
	if barrier {
		if !(s.Barrier > 0) || math.IsInf(s.Barrier, 0) {
			return nil, &ParamError{"barrier", s.Barrier}
		}
		if !(s.Rebate >= 0) || math.IsInf(s.Rebate, 0) {
			return nil, &ParamError{"rebate", s.Rebate}
		}
	}
	k, m := s.Strike, s.Fixings
	b := Barrier{Level: s.Barrier, Rebate: s.Rebate, Fixings: m}
	switch s.Name {
	case "call":
		return Call{k}, nil
	case "put":
		return Put{k}, nil
	case "digital-call":
		return DigitalCall{k, s.Cash}, nil
	case "digital-put":
		return DigitalPut{k, s.Cash}, nil
	case "asset-call":
		return AssetCall{k}, nil
	case "asset-put":
		return AssetPut{k}, nil
	case "asian-call":
		return AsianCall{k, m}, nil
	case "asian-put":
		return AsianPut{k, m}, nil
	case "geometric-asian-call":
		return GeometricAsianCall{k, m}, nil
	case "geometric-asian-put":
		return GeometricAsianPut{k, m}, nil
	case "up-out-call":
		return UpOutCall{k, b}, nil
	case "up-in-call":
		return UpInCall{k, b}, nil
	case "down-out-put":
		return DownOutPut{k, b}, nil
	case "down-in-put":
		return DownInPut{k, b}, nil
	}
	return nil, fmt.Errorf("%q: %w", s.Name, ErrUnknown)
}

// positive returns 1 when x > 0 and 0 when x < 0, without a branch.
// x = +0 gives 1 and x = −0 gives 0; both have probability zero here.
func positive(x float64) float64 {
	return float64(int64(^math.Float64bits(x) >> 63))
}

// ramp returns the Lipschitz step clamp((x + ε)/(2ε), 0, 1), which rises
// from 0 at x = −ε to 1 at x = ε, and its slope 1{|x| < ε}/(2ε).
func ramp(x, eps float64) (r, slope float64) {
	u := (x + eps) / (2 * eps)
	r = min(max(u, 0), 1)
	return r, positive(u) * positive(1-u) / (2 * eps)
}
