package greeks

import (
	"errors"
	"fmt"
	"math"
	"runtime"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Defaults used for the zero fields of Config and Bumps.
const (
	DefaultPaths    = 1_000_000
	DefaultSteps    = 100
	DefaultSpotBump = 0.01 // h = 1% of the spot
	DefaultVolBump  = 0.01 // δ = one volatility point (σ ± 0.01)
)

// ChunkSize is the number of paths of one random stream. Chunk i of a run
// draws from the stream (seed, i), so results depend on the seed and the
// path count only, never on the number of workers. Changing it changes every
// number the product prints.
const ChunkSize = 4096

// Bumps are the finite-difference steps of the fd method. The central
// differences have a bias of order h² (and δ²): for a call at the defaults
// it is far below the standard error of 10⁶ paths; reports state the bumps.
type Bumps struct {
	Spot float64 // relative spot bump h/S_0 for Delta and Gamma, in (0, 0.5); 0 means 0.01
	Vol  float64 // absolute volatility bump δ for Vega, in (0, σ); 0 means 0.01
}

// Config says what to compute and how. Zero fields mean the documented
// defaults.
type Config struct {
	Paths   int64      // number of paths N ≥ 2; 0 means DefaultPaths
	Seed    uint64     // the run's seed: the same seed gives the same numbers
	Workers int        // goroutines; ≤ 0 means runtime.GOMAXPROCS(0); never changes results
	Scheme  sde.Scheme // Exact (default), Euler or Milstein
	Steps   int        // time steps of Euler and Milstein; 0 means DefaultSteps; Exact uses one
	Greeks  []Greek    // nil means AllGreeks
	// Methods to report; nil means every method valid for the payoff and
	// scheme. A method named here that is invalid for a requested Greek is
	// an error (*MethodError).
	Methods []Method
	Clip    bool  // clip the hybrid's λ to [0, 1] (the paper's variant)
	Bumps   Bumps // fd steps
}

// ParamError reports a Config field or model input outside its domain.
type ParamError struct {
	Name  string
	Value any
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("greeks: %s = %v is out of range", e.Name, e.Value)
}

// MethodError reports a method asked for explicitly that is invalid for the
// payoff, scheme and Greek.
type MethodError struct {
	Method Method
	Greek  Greek
	Payoff string
	Reason string
}

func (e *MethodError) Error() string {
	return fmt.Sprintf("greeks: method %s is not valid for %s of %s: %s", e.Method, e.Greek, e.Payoff, e.Reason)
}

// ErrCanceled is wrapped by Run's error when its context ends first.
var ErrCanceled = errors.New("greeks: run canceled")

// withDefaults returns c with its zero fields filled in.
func (c Config) withDefaults() Config {
	if c.Paths == 0 {
		c.Paths = DefaultPaths
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Scheme == sde.Exact {
		c.Steps = 1
	} else if c.Steps == 0 {
		c.Steps = DefaultSteps
	}
	if c.Greeks == nil {
		c.Greeks = AllGreeks
	}
	if c.Bumps.Spot == 0 {
		c.Bumps.Spot = DefaultSpotBump
	}
	if c.Bumps.Vol == 0 {
		c.Bumps.Vol = DefaultVolBump
	}
	return c
}

// validate checks a defaulted config against the model.
func (c Config) validate(m sde.GBM) error {
	switch {
	case c.Paths < 2:
		return &ParamError{"paths", c.Paths}
	case c.Scheme < sde.Exact || c.Scheme > sde.Milstein:
		return &ParamError{"scheme", c.Scheme}
	case c.Steps < 1 || c.Steps > 1_000_000:
		return &ParamError{"steps", c.Steps}
	case !(c.Bumps.Spot > 0 && c.Bumps.Spot < 0.5):
		return &ParamError{"spot bump", c.Bumps.Spot}
	case !(c.Bumps.Vol > 0 && c.Bumps.Vol < m.Vol):
		return &ParamError{"vol bump", c.Bumps.Vol}
	}
	for _, g := range c.Greeks {
		if g < Delta || g > Vega {
			return &ParamError{"greek", g}
		}
	}
	for _, x := range c.Methods {
		if x < FD || x > Hybrid {
			return &ParamError{"method", x}
		}
	}
	// The exact scheme exponentiates (r − q − σ²/2)T + σ√T z with |z| < 40;
	// keep that inside the floating-point range.
	if a := math.Abs((m.Rate-m.Div-m.Vol*m.Vol/2)*m.Expiry) + 40*m.Vol*math.Sqrt(m.Expiry); a > 600 {
		return &ParamError{"vol·√expiry", m.Vol * math.Sqrt(m.Expiry)}
	}
	return nil
}

// Invalid returns why method x cannot estimate Greek g of payoff p under
// scheme s, or "" when it can.
func Invalid(p payoff.Payoff, s sde.Scheme, g Greek, x Method) string {
	switch x {
	case Pathwise:
		if !p.Lipschitz() {
			return fmt.Sprintf("pathwise differentiation needs a Lipschitz payoff; %s jumps at the strike, "+
				"so f' = 0 almost surely and the pathwise estimate misses the jump (biased)", p.Name())
		}
		if g == Gamma && s != sde.Exact {
			return "the mixed pathwise–likelihood-ratio Gamma uses the lognormal density of the exact scheme; use --scheme exact or fd"
		}
	case Malliavin:
		if g != Delta && s != sde.Exact {
			return fmt.Sprintf("on a time grid only the first-variation Delta weight is implemented, not %s; use --scheme exact or fd", g)
		}
	case Hybrid:
		if r := Invalid(p, s, g, Pathwise); r != "" {
			return "the hybrid mixes pathwise and malliavin: " + r
		}
		if r := Invalid(p, s, g, Malliavin); r != "" {
			return "the hybrid mixes pathwise and malliavin: " + r
		}
	}
	return ""
}

// note returns a caveat printed beside a valid figure, or "".
func note(s sde.Scheme, g Greek, x Method) string {
	if s == sde.Exact || g != Delta {
		return ""
	}
	switch x {
	case Malliavin:
		return "the time-averaged Malliavin weight is exact in continuous time: it estimates the diffusion's Delta, " +
			"which differs from the discretized chain's (what pathwise and fd estimate) by O(Δt)"
	case Hybrid:
		return "mixes pathwise (Delta of the discretized chain) and malliavin (Delta of the diffusion), " +
			"whose targets differ by O(Δt); the mix is within O(Δt) of both"
	}
	return ""
}
