package greeks

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Defaults used for the zero fields of Config and Bumps.
const (
	DefaultPaths = 1_000_000
	DefaultSteps = 100
	// DefaultBumpScale sets the default fd steps from the width of the
	// distribution (see Bumps): h = DefaultBumpScale·S₀·σ√T for the spot
	// and δ = DefaultBumpScale·σ for the volatility. At σ = 0.2, T = 1 they
	// are 0.5% of the spot and half a volatility point.
	DefaultBumpScale = 0.025
	DefaultFolds     = 4
	// DefaultMaxPaths caps a run controlled by Tolerance.
	DefaultMaxPaths = 100_000_000
)

// Smallest inputs the engine accepts: below them the bumped revaluations
// and the weights (which divide by h·S₀, by δ and by σ√T) lose every
// significant digit or overflow.
const (
	MinBump   = 1e-6 // the relative spot bump and the absolute vol bump
	MinExpiry = 1e-6 // years, about 32 seconds
)

// ChunkSize is the number of paths of one random stream. Chunk i of a run
// draws from the stream (seed, i), so results depend on the seed and the
// path count only, never on the number of workers. Changing it changes every
// number the product prints.
const ChunkSize = 4096

// roundChunks is the number of chunks simulated between two merges (and
// between two checks of a tolerance). It does not depend on the worker
// count, so neither does the path count a tolerance stops at.
const roundChunks = 32

// Bumps are the finite-difference steps of the fd method. The central
// differences have a bias of order h² (and δ²) relative to the scale on
// which the price curves, which for the spot is the width S₀σ√T of the
// terminal distribution, not S₀: a fixed 1% of spot is 15% of that width at
// T = 0.05, σ = 0.3, where the fd Delta and Gamma then sit 5–6 standard
// errors of 10⁸ paths from the truth. So a zero field means a step that
// scales with the width:
//
//	Spot = DefaultBumpScale·σ√T   (h = 0.025·S₀σ√T)
//	Vol  = DefaultBumpScale·σ     (δ = 0.025·σ)
//
// each rounded to two significant digits (reports print them short) and
// kept in [MinBump, 0.25]. Bumping σ by δ moves log S_T by δ√T·z, which is
// δ/σ of the width σ√T, as h/S₀ = 0.025·σ√T is for the spot: one rule for
// both. σ is the lognormal volatility at the spot: Vol for GBM,
// Vol·Spot^(Beta−1) for CEV (whose vol step is 0.025·Vol, relative to its
// own parameter), and the smallest asset volatility for a model of several
// assets, whose assets all take the one relative spot step and the one vol
// step (the vol step must stay below every volatility). At σ = 0.2, T = 1
// this is 0.5% of spot and half a vol point (the former fixed default was
// 1% and one point). At T = 0.05, σ = 0.3 the bias of the fd Delta, Gamma
// and Vega of calls, puts and digitals within 5% of the money is below one
// standard error of 10⁸ paths (TestDefaultBumpBias); a scale of 0.05 left
// the Delta of a put 5% out of the money 3 standard errors off. Smaller
// bumps cost the fd Gamma variance (it grows as 1/h for a kinked payoff,
// 1/h³ for a digital) but not the Delta and Vega of Lipschitz payoffs.
// Reports state the bumps used.
//
// Rho and Theta follow the same rule. A rate step h_r moves log S_T by
// h_r·T and the discount's exponent by as much, so h_r·T = 0.025·σ√T:
//
//	Rate   = DefaultBumpScale·σ/√T   (absolute, 0.005 = 50bp at σ = 0.2, T = 1)
//	Expiry = DefaultBumpScale        (relative: T ± 0.025·T)
//
// A step of 2.5% of T moves the width σ√T by about 1.25% of itself, the
// same order as the other steps. Theta's bumped paths keep the normals:
// S_T(T ± h) = S_0 exp((r − q − σ²/2)(T ± h) + σ√(T ± h) Z), Z = W_T/√T.
// For a payoff with m fixings the expiry step is relative to the time to
// the first fixing t_1 = T/m, the interval that moves as the contract
// ages (h = Expiry·T/m; see ratetime_more.go).
type Bumps struct {
	Spot   float64 // relative spot bump h/S_0 for Delta and Gamma, in [MinBump, 0.5); 0 means width-scaled
	Vol    float64 // absolute volatility bump δ for Vega, in [MinBump, σ); 0 means width-scaled
	Rate   float64 // absolute rate bump for Rho, in [MinBump, 0.25]; 0 means width-scaled
	Expiry float64 // relative expiry bump h_T/t_1 for Theta (t_1 = T/m, T for a European), in [MinBump, 0.5); 0 means DefaultBumpScale
}

// DefaultBumps returns the bumps a zero Bumps stands for on model m (see
// Bumps).
func DefaultBumps(m sde.Model) Bumps {
	p := m.Params()
	sigma, vstep := p.Vol, p.Vol
	switch x := m.(type) {
	case sde.CEV:
		sigma = x.Vol * math.Pow(x.Spot, x.Beta-1)
	case sde.Correlated:
		for _, a := range modelAssets(x) {
			sigma = min(sigma, a.Vol)
		}
		vstep = sigma
	}
	return Bumps{
		Spot:   defaultStep(DefaultBumpScale * sigma * math.Sqrt(p.Expiry)),
		Vol:    defaultStep(DefaultBumpScale * vstep),
		Rate:   defaultStep(DefaultBumpScale * sigma / math.Sqrt(p.Expiry)),
		Expiry: DefaultBumpScale,
	}
}

// defaultStep rounds x to two significant digits inside [MinBump, 0.25].
// A non-finite x (an invalid model, which validation reports) is returned
// as it is.
func defaultStep(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	x = min(max(x, MinBump), 0.25)
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 2, 64), 64)
	return r
}

// withBumps fills c's zero bumps with DefaultBumps(m).
func (c Config) withBumps(m sde.Model) Config {
	d := DefaultBumps(m)
	if c.Bumps.Spot == 0 {
		c.Bumps.Spot = d.Spot
	}
	if c.Bumps.Vol == 0 {
		c.Bumps.Vol = d.Vol
	}
	if c.Bumps.Rate == 0 {
		c.Bumps.Rate = d.Rate
	}
	if c.Bumps.Expiry == 0 {
		c.Bumps.Expiry = d.Expiry
	}
	return c
}

// Config says what to compute and how. Zero fields mean the documented
// defaults.
type Config struct {
	Paths   int64      // number of paths N ≥ 2; 0 means DefaultPaths (with Tolerance: the minimum)
	Seed    uint64     // the run's seed: the same seed gives the same numbers
	Workers int        // goroutines; ≤ 0 means runtime.GOMAXPROCS(0); never changes results
	Scheme  sde.Scheme // Exact (default; GBM only), Euler or Milstein; QE or Euler for Heston
	// Steps is the number of time steps of Euler and Milstein; 0 means
	// DefaultSteps. It is rounded up to a multiple of the payoff's fixings
	// so that the fixing dates are grid dates. Exact uses one step a fixing.
	Steps  int
	Greeks []Greek // nil means AllGreeks, and CrossGamma with several assets
	// Methods to report; nil means every method valid for the payoff and
	// scheme. A method named here that is invalid for a requested Greek is
	// an error (*MethodError).
	Methods []Method
	Clip    bool       // clip the hybrid's λ to [0, 1] (the paper's variant)
	Lambda  LambdaMode // how λ is estimated; the zero value is Crossfit
	Folds   int        // crossfit folds, 2..64; 0 means DefaultFolds (pseudo only: a Sobol crossfit fits on randomization halves)
	// PilotPaths is the size of the pilot run that chooses the smoothing
	// width of Localized (and λ in Pilot mode); 0 means Paths/10 clamped to
	// [65536, 1048576]. The pilot draws independent streams.
	PilotPaths int64
	// Smoothing fixes the localization half-width ε (units of the
	// underlying) instead of choosing it by pilot; 0 means choose.
	Smoothing float64
	Weight    WeightKind // Malliavin Delta weight on a time grid; the zero value is Chain (Heston has one weight and ignores it)
	Bumps     Bumps      // fd steps
	// Tolerance, when positive, keeps adding paths until the standard error
	// of each requested Greek's hybrid (or, where there is none, of its best
	// method) is at most Tolerance, or MaxPaths is reached, as QuantLib's
	// requiredTolerance does.
	Tolerance float64
	MaxPaths  int64 // cap with Tolerance; 0 means DefaultMaxPaths
	// RNG is the source of the normals: Pseudo (the zero value) or Sobol
	// (randomized quasi-Monte Carlo, see rqmc.go). A Sobol run makes
	// Randomizations independent scramblings (R ≥ 2; 0 means
	// DefaultRandomizations) of the same Paths/R points, so Paths must be a
	// multiple of R, and Paths/R a power of two for the best nets; its
	// standard errors come from the spread of the R estimates. Scramble
	// picks the randomization. Randomizations must be 0 with Pseudo, and
	// Sobol takes no Tolerance.
	RNG            RNG
	Randomizations int
	Scramble       Scramble
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
// payoff, model, scheme and Greek.
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

// withDefaults returns c with its zero fields filled in for payoff p on d
// assets, the bumps aside (withBumps).
func (c Config) withDefaults(p payoff.Payoff, d int) Config {
	if c.Paths == 0 {
		c.Paths = DefaultPaths
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers()
	}
	m := max(p.Dates(), 1)
	if c.Scheme == sde.Exact {
		c.Steps = m
	} else {
		if c.Steps == 0 {
			c.Steps = DefaultSteps
		}
		if c.Steps > 0 && c.Steps%m != 0 {
			c.Steps += m - c.Steps%m
		}
	}
	if c.Greeks == nil {
		c.Greeks = AllGreeks
		if d > 1 {
			c.Greeks = append(slices.Clip(AllGreeks), CrossGamma)
		}
	}
	if c.Folds == 0 {
		c.Folds = DefaultFolds
	}
	if c.PilotPaths == 0 {
		c.PilotPaths = min(max(c.Paths/10, 1<<16), 1<<20)
	}
	if c.MaxPaths == 0 {
		c.MaxPaths = max(DefaultMaxPaths, c.Paths)
	}
	if c.RNG == Sobol && c.Randomizations == 0 {
		c.Randomizations = DefaultRandomizations
	}
	c.Workers = capWorkers(c)
	return c
}

// capWorkers bounds the worker count by the chunks a simulation round can
// run at once: at most roundChunks, and at most the chunks of the largest
// pass (the paths, the pilot, or with a tolerance the cap). Each worker
// holds a block's buffers, so a huge --workers would only allocate memory.
func capWorkers(c Config) int {
	n := max(c.Paths, c.PilotPaths)
	if c.Tolerance > 0 {
		n = max(n, c.MaxPaths)
	}
	chunks := (n + ChunkSize - 1) / ChunkSize
	return int(max(1, min(int64(c.Workers), roundChunks, chunks)))
}

// validate checks a defaulted config against the model.
func (c Config) validate(m sde.Model) error {
	p := m.Params()
	isGBM := gbm(m)
	assets := modelAssets(m)
	for _, a := range assets {
		if a.Vol < p.Vol {
			p.Vol = a.Vol // the vol bump must stay below every volatility
		}
	}
	if why := hestonScheme(m, c.Scheme); why != "" {
		return &ParamError{"scheme", why}
	}
	switch {
	case len(assets) > 1 && c.Scheme != sde.Exact:
		return &ParamError{"scheme", fmt.Sprintf("%s (a model of several assets runs under the exact scheme)", c.Scheme)}
	case c.Paths < 2:
		return &ParamError{"paths", c.Paths}
	case c.Scheme < sde.Exact || c.Scheme > sde.QE:
		return &ParamError{"scheme", c.Scheme}
	case c.Scheme == sde.Exact && !isGBM:
		return &ParamError{"scheme", fmt.Sprintf("exact (the %s model has no exact sampler; use euler or milstein)", m.Name())}
	case c.Steps < 1 || c.Steps > 1_000_000:
		return &ParamError{"steps", c.Steps}
	case !(c.Bumps.Spot >= MinBump && c.Bumps.Spot < 0.5):
		return &ParamError{"spot bump", fmt.Sprintf("%v (want [%g, 0.5))", c.Bumps.Spot, MinBump)}
	case !(c.Bumps.Vol >= MinBump && c.Bumps.Vol < p.Vol):
		return &ParamError{"vol bump", fmt.Sprintf("%v (want [%g, vol))", c.Bumps.Vol, MinBump)}
	case !(c.Bumps.Rate >= MinBump && c.Bumps.Rate <= 0.25):
		return &ParamError{"rate bump", fmt.Sprintf("%v (want [%g, 0.25])", c.Bumps.Rate, MinBump)}
	case !(c.Bumps.Expiry >= MinBump && c.Bumps.Expiry < 0.5):
		return &ParamError{"expiry bump", fmt.Sprintf("%v (want [%g, 0.5))", c.Bumps.Expiry, MinBump)}
	case p.Expiry < MinExpiry:
		return &ParamError{"expiry", fmt.Sprintf("%v (want at least %g years)", p.Expiry, MinExpiry)}
	case c.Lambda < Crossfit || c.Lambda > Pilot:
		return &ParamError{"lambda", c.Lambda}
	case c.Folds < 2 || c.Folds > maxFolds:
		return &ParamError{"folds", c.Folds}
	case c.PilotPaths < 2:
		return &ParamError{"pilot paths", c.PilotPaths}
	case math.IsNaN(c.Smoothing) || c.Smoothing < 0 || math.IsInf(c.Smoothing, 0):
		return &ParamError{"smoothing", c.Smoothing}
	case c.Weight < Chain || c.Weight > Continuous:
		return &ParamError{"weight", c.Weight}
	case math.IsNaN(c.Tolerance) || c.Tolerance < 0 || math.IsInf(c.Tolerance, 0):
		return &ParamError{"tolerance", c.Tolerance}
	case c.Tolerance > 0 && c.MaxPaths < c.Paths:
		// MaxPaths caps a tolerance run only; without one it is unused.
		return &ParamError{"max paths", c.MaxPaths}
	}
	_, drivers := sde.Dims(m)
	if err := c.validateRQMC(drivers); err != nil {
		return err
	}
	for _, g := range c.Greeks {
		if g < Delta || g > Volga {
			return &ParamError{"greek", g}
		}
		if g == CrossGamma && len(assets) < 2 {
			return &ParamError{"greek", "cross-gamma (needs a model of two assets or more)"}
		}
	}
	for _, x := range c.Methods {
		if x < FD || x > Hybrid {
			return &ParamError{"method", x}
		}
	}
	// The exact scheme exponentiates (r − q − σ²/2)T + σ√T z with |z| < 40;
	// keep that inside the floating-point range.
	// Name the input that is out of range: the drift (rate or div) when
	// it alone takes half the room, else vol·√expiry.
	for _, p := range assets {
		if a := math.Abs((p.Rate-p.Div-p.Vol*p.Vol/2)*p.Expiry) + 40*p.Vol*math.Sqrt(p.Expiry); isGBM && !(a <= 600) {
			if d := math.Abs((p.Rate - p.Div) * p.Expiry); !(d <= 300) {
				name, v := "rate", p.Rate
				if math.Abs(p.Div) > math.Abs(p.Rate) {
					name, v = "div", p.Div
				}
				return &ParamError{name, fmt.Sprintf("%v (|rate − div|·expiry must be at most 300)", v)}
			}
			return &ParamError{"vol·√expiry", p.Vol * math.Sqrt(p.Expiry)}
		}
	}
	return nil
}

// gbm reports whether m is geometric Brownian motion, of one asset or
// several, which the exact scheme samples.
func gbm(m sde.Model) bool {
	switch m.(type) {
	case sde.GBM, sde.Correlated:
		return true
	}
	return false
}

// modelAssets returns the market inputs of each of m's assets.
func modelAssets(m sde.Model) []sde.Params {
	c, ok := m.(sde.Assets)
	if !ok {
		return []sde.Params{m.Params()}
	}
	out := make([]sde.Params, c.Assets())
	for a := range out {
		out[a] = c.Asset(a)
	}
	return out
}

// payoffAssets returns the number of assets p reads.
func payoffAssets(p payoff.Payoff) int {
	if m, ok := p.(payoff.Multi); ok {
		return m.Assets()
	}
	return 1
}

const maxFolds = 64

// european reports whether p is a European payoff (one fixing).
func european(p payoff.Payoff) bool { return p.Dates() == 1 }

// asian reports whether p is an arithmetic or geometric Asian payoff, whose
// Delta has a weight that does not grow with the fixings under exact GBM.
func asian(p payoff.Payoff) bool {
	switch p.(type) {
	case payoff.AsianCall, payoff.AsianPut, payoff.GeometricAsianCall, payoff.GeometricAsianPut:
		return true
	}
	return false
}

// Invalid returns why method x cannot estimate Greek g of payoff p on model
// m under scheme s, or "" when it can.
func Invalid(p payoff.Payoff, m sde.Model, s sde.Scheme, g Greek, x Method) string {
	if h, ok := heston(m); ok {
		return hestonInvalid(p, h, s, g, x)
	}
	exactGBM := gbm(m) && s == sde.Exact
	grid := gridWeights(m, s) && (g == Gamma || g == Vega) // the Euler chain's weights
	// Path-dependent weights on one GBM asset, exact scheme (pathdep_weights.go, secondorder.go).
	pdw := (g == Gamma || g == Vega || g == Vanna || g == Volga) && pathDep(p, m, s)
	if g == Rho || g == Theta {
		if why := rateTimeInvalid(p, m, s, g, x); why != "" {
			return why
		}
	}
	if g == Vanna || g == Volga {
		if why := secondOrderInvalid(p, m, s, g); why != "" {
			return why
		}
	}
	if g == CrossGamma { // the same estimators as Gamma, with the pair's weights
		g = Gamma
	}
	_, smooth := p.(payoff.Smoother)
	switch x {
	case Pathwise:
		if !p.Lipschitz() {
			what := "jumps at the strike"
			if !european(p) {
				what = "jumps at the barrier"
			}
			return fmt.Sprintf("pathwise differentiation needs a Lipschitz payoff; %s %s, "+
				"so its derivative misses the jump and the pathwise estimate is biased (use localized)", p.Name(), what)
		}
		if g == Gamma && !(exactGBM && (european(p) || asian(p))) && !grid {
			return "the mixed pathwise–likelihood-ratio Gamma needs the exact GBM scheme and a European or Asian payoff, " +
				"or the Euler scheme; use fd"
		}
	case Malliavin:
		if g != Delta && g != Rho && g != Theta && !(exactGBM && european(p)) && !pdw && !grid {
			return fmt.Sprintf("the Malliavin %s weight is implemented for European payoffs under the exact GBM scheme, "+
				"for Gamma and Vega of Asian and barrier payoffs on one GBM asset under it and of any payoff under Euler; "+
				"elsewhere only the Delta weight is; use fd", g)
		}
	case Localized:
		if p.Lipschitz() {
			return fmt.Sprintf("localization is for discontinuous payoffs; %s is Lipschitz, use pathwise", p.Name())
		}
		if !smooth {
			return fmt.Sprintf("%s has no smoothed version to localize", p.Name())
		}
		if g != Delta && g != Rho && g != Theta && !(exactGBM && european(p)) && !pdw && !grid {
			return fmt.Sprintf("localized %s needs the Malliavin %s weight, implemented for European payoffs under the exact GBM scheme, "+
				"for Gamma and Vega of barriers on one GBM asset under it and under Euler; use fd", g, g)
		}
	case Hybrid:
		return hybridInvalid(p, func(y Method) string { return Invalid(p, m, s, g, y) })
	}
	return ""
}

// hybridInvalid returns why the hybrid of p is invalid given invalid, the
// reason each of its two parts (pathwise or localized, and malliavin) is,
// or "".
func hybridInvalid(p payoff.Payoff, invalid func(Method) string) string {
	partner := Pathwise
	if !p.Lipschitz() {
		partner = Localized
	}
	for _, y := range []Method{partner, Malliavin} {
		if r := invalid(y); r != "" {
			return fmt.Sprintf("the hybrid mixes %s and malliavin: %s", partner, r)
		}
	}
	return ""
}

// note returns a caveat printed beside a valid figure, or "".
func note(s sde.Scheme, w WeightKind, g Greek, x Method) string {
	if s == sde.Exact || w != Continuous || g != Delta {
		return ""
	}
	switch x {
	case Malliavin:
		return "the continuous-time Malliavin weight estimates the diffusion's Delta, which differs from the " +
			"discretized chain's (what pathwise and fd estimate) by O(Δt); --weight chain estimates the chain's"
	case Localized, Hybrid:
		return "mixes a chain-exact pathwise part with the continuous-time Malliavin weight, whose targets differ " +
			"by O(Δt); --weight chain makes every part estimate the discretized chain's Delta"
	}
	return ""
}

// DefaultWorkers is the worker count used when Config.Workers ≤ 0.
func DefaultWorkers() int { return runtime.GOMAXPROCS(0) }
