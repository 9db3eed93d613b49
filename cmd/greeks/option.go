package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/cmd/internal/cliflag"
	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
	"github.com/hybridgreeks/hybridgreeks/greeks/report"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Flag categories, in the order help lists them.
const (
	catContract   = "Contract"
	catModel      = "Model"
	catSimulation = "Simulation"
	catEstimators = "Estimators"
	catOutput     = "Output"
)

// optionCmd returns the "option" command. It is built afresh for each app
// rather than kept in a package variable because urfave/cli v2 writes into
// its Command and Flag values while running (environment values become flag
// defaults, help is appended), which would leak between in-process runs.
func optionCmd() *cli.Command {
	return &cli.Command{
		Name:      "option",
		Usage:     "price a European, Asian or barrier option (GBM, CEV) or a basket, spread, best-of or worst-of on correlated GBM assets, and estimate its Greeks by every method",
		ArgsUsage: " ", // flags only
		Description: "Simulates --paths paths of the model (GBM, d correlated GBM assets, or CEV on a time grid) once and reports the price\n" +
			"and each Greek by fd (central bump-and-revalue with common random numbers), pathwise,\n" +
			"malliavin (likelihood-ratio weights), localized (for payoffs that jump) and hybrid (the\n" +
			"variance-optimal mix), with standard errors, 95% intervals and the closed form beside them\n" +
			"where one exists (European payoffs and the geometric Asian under GBM, calls and puts under CEV).\n" +
			"Methods invalid for the payoff are listed as skipped unless named in --methods,\n" +
			"where they are an error. Vega is per unit of volatility (0.2 = 20%) unless --vega-unit percent (per vol point);\n" +
			"Rho per unit of rate unless --rho-unit bp (per basis point).\n" +
			"The numbers depend on the seed and the path count only, not on --workers.\n\n" +
			"Example:\n\n" +
			"   greeks option --payoff digital-call --strike 105 --vol 0.25 --paths 2000000 --format json\n\n" +
			"Several correlated GBM assets (--spots; per-asset Greeks and cross Gammas):\n\n" +
			"   greeks option --spots 100,95 --vols 0.25,0.2 --divs 0.01,0.03 --correlation 0.6 --payoff spread-call --strike 0",
		OnUsageError: onUsageError,
		Action:       runOption,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "payoff", Value: "call", Category: catContract,
				Usage: "payoff: " + strings.Join(payoff.Names, ", ") + "; with --spots: " + strings.Join(payoff.MultiNames, ", ")},
			&cli.Float64Flag{Name: "strike", Value: 100, Category: catContract,
				Usage: "strike K (spreads: any finite K)", Action: strike},
			&cli.Float64Flag{Name: "maturity", Value: 1, Category: catContract,
				Usage: "time to expiry T in years, at least 1e-6", Action: maturity},
			&cli.Float64Flag{Name: "cash", Value: 1, Category: catContract,
				Usage: "cash amount of the digital payoffs", Action: finite("cash")},
			&cli.IntFlag{Name: "fixings", Value: 12, Category: catContract,
				Usage: "Asian and barrier fixing dates, equally spaced, the last at maturity", Action: fixings},
			&cli.Float64Flag{Name: "barrier", Category: catContract,
				Usage: "barrier level H of the barrier payoffs (required for them)", Action: positive("barrier")},
			&cli.Float64Flag{Name: "rebate", Category: catContract,
				Usage: "rebate of the barrier payoffs, paid at maturity", Action: nonNegative("rebate")},

			&cli.Float64Flag{Name: "spot", Value: 100, Category: catModel,
				Usage: "spot S_0", Action: positive("spot")},
			&cli.Float64Flag{Name: "rate", Value: 0.05, Category: catModel,
				Usage: "risk-free rate, continuously compounded (0.05 = 5%)", Action: finite("rate")},
			&cli.Float64Flag{Name: "div", Value: 0, Category: catModel,
				Usage: "dividend yield, continuously compounded", Action: finite("div")},
			&cli.Float64Flag{Name: "vol", Value: 0.2, Category: catModel,
				Usage: "volatility σ, annualized, absolute (0.2 = 20%); for cev the σ of σS^β", Action: positive("vol")},
			&cli.StringFlag{Name: "model", Value: "gbm", Category: catModel,
				Usage: "model: gbm, cev (dS = (r−q)S dt + σS^β dW, absorbed at 0), or heston (dS = (r−q)S dt + √v S dW₁, " +
					"dv = κ(θ − v)dt + ξ√v dW₂, d⟨W₁,W₂⟩ = ρ dt; vega is ∂V/∂√v0)"},
			&cli.Float64Flag{Name: "v0", Value: 0.04, Category: catModel,
				Usage: "heston initial variance v0 > 0 (0.04 = 20% volatility)"},
			&cli.Float64Flag{Name: "kappa", Value: 2, Category: catModel,
				Usage: "heston mean-reversion speed κ > 0, per year"},
			&cli.Float64Flag{Name: "theta", Value: 0.04, Category: catModel,
				Usage: "heston long-run variance θ > 0"},
			&cli.Float64Flag{Name: "xi", Value: 0.3, Category: catModel,
				Usage: "heston volatility of variance ξ > 0"},
			&cli.Float64Flag{Name: "heston-rho", Value: -0.7, Category: catModel,
				Usage: "heston correlation ρ of the spot and variance noises, in (−1, 1)"},
			&cli.Float64Flag{Name: "beta", Value: 0.5, Category: catModel,
				Usage: "CEV elasticity β in (0, 1]", Action: beta},

			&cli.StringFlag{Name: "scheme", Value: "exact", Category: catSimulation,
				Usage: "path scheme: " + strings.Join(sde.Schemes, ", ") + " (exact is GBM only; cev defaults to euler, heston to qe; qe is heston only)"},
			&cli.Float64Flag{Name: "tolerance", Category: catSimulation,
				Usage:  "add paths until each Greek's hybrid standard error is at most this (0: off); --paths is then the minimum",
				Action: nonNegative("tolerance")},
			&cli.Int64Flag{Name: "max-paths", Value: greeks.DefaultMaxPaths, Category: catSimulation,
				Usage: "the most paths a --tolerance run may use", Action: atLeastTwo("max-paths")},
			&cli.IntFlag{Name: "steps", Value: greeks.DefaultSteps, Category: catSimulation,
				Usage: "time steps of euler and milstein (exact uses one)", Action: steps},
			&cli.Int64Flag{Name: "paths", Value: greeks.DefaultPaths, Category: catSimulation,
				EnvVars: []string{"GREEKS_PATHS"}, Usage: "number of paths (at least 2)", Action: atLeastTwo("paths")},
			&cli.Uint64Flag{Name: "seed", Value: 1, Category: catSimulation,
				EnvVars: []string{"GREEKS_SEED"}, Usage: "seed: the same seed gives the same numbers"},
			&cli.IntFlag{Name: "workers", Value: 0, Category: catSimulation,
				EnvVars: []string{"GREEKS_WORKERS"}, Usage: "goroutines, 0 for all CPUs; never changes the numbers",
				Action: workers},

			&cli.StringFlag{Name: "greeks", Value: "delta,gamma,vega", Category: catEstimators,
				Usage: "comma-separated Greeks to estimate of delta, gamma, vega, rho, theta, vanna, volga, cross-gamma (cross-gamma with --spots; " +
					"default with --spots: delta,gamma,vega,cross-gamma; rho (per unit rate) and theta (per year, the fixings moving with the " +
					"valuation date) by every method under the exact scheme and euler, by fd under milstein; vanna (∂²V/∂S∂σ) and " +
					"volga (∂²V/∂σ², σ absolute even with --vega-unit percent) for European, Asian and barrier payoffs on gbm (European: each asset's with --spots) under the exact scheme)"},
			&cli.StringFlag{Name: "methods", Category: catEstimators,
				Usage: "comma-separated methods of fd, pathwise, malliavin, localized, hybrid " +
					"(default: every method valid for the payoff; one named here that is invalid is an error)"},
			&cli.BoolFlag{Name: "clip-lambda", Category: catEstimators,
				Usage: "clip the hybrid's mixing weight λ to [0, 1]"},
			&cli.StringFlag{Name: "lambda", Value: "crossfit", Category: catEstimators,
				Usage: "how the hybrid's λ is estimated: crossfit (unbiased), plugin (same paths, O(1/N) bias), pilot (independent run)"},
			&cli.IntFlag{Name: "folds", Value: greeks.DefaultFolds, Category: catEstimators,
				Usage: "crossfit folds, 2 to 64"},
			&cli.Int64Flag{Name: "pilot-paths", Category: catEstimators,
				Usage: "paths of the pilot run (smoothing width, --lambda pilot); 0: --paths/10 within [65536, 1048576]"},
			&cli.Float64Flag{Name: "smoothing", Category: catEstimators,
				Usage: "localization half-width ε in units of the underlying; 0: chosen by the pilot", Action: nonNegative("smoothing")},
			&cli.StringFlag{Name: "weight", Value: "chain", Category: catEstimators,
				Usage: "Malliavin Delta weight on a time grid: chain (exact for the discretized chain) or continuous (time-averaged, O(Δt) off)"},
			&cli.Float64Flag{Name: "spot-bump", Category: catEstimators, DefaultText: "0.025·σ√T, 0.005 at σ = 0.2, T = 1",
				Usage: "fd spot bump, relative to the spot, in [1e-6, 0.5); the default scales with the distribution's width", Action: spotBump},
			&cli.Float64Flag{Name: "vol-bump", Category: catEstimators, DefaultText: "0.025·σ",
				Usage: "fd volatility bump, absolute, in [1e-6, vol)", Action: volBump},
			&cli.Float64Flag{Name: "rate-bump", Category: catEstimators, DefaultText: "0.025·σ/√T, 0.005 at σ = 0.2, T = 1",
				Usage: "fd rate bump for rho, absolute, in [1e-6, 0.25]", Action: rateBump},
			&cli.Float64Flag{Name: "expiry-bump", Category: catEstimators, DefaultText: "0.025",
				Usage: "fd expiry bump for theta, relative to the expiry (to the first fixing of a path-dependent payoff), in [1e-6, 0.5)", Action: expiryBump},

			&cli.StringFlag{Name: "format", Value: "table", Category: catOutput,
				EnvVars: []string{"GREEKS_FORMAT"}, Usage: "output format: table, json, or csv (a row for the price, then one per figure)"},
			cliflag.VegaUnitFlag(catOutput),
			cliflag.RhoUnitFlag(catOutput),
		}, append(multiFlags(), rngFlags()...)...),
	}
}

// optionInput is a validated "option" command line.
type optionInput struct {
	model  sde.Model
	payoff payoff.Payoff
	strike float64
	cash   float64
	cfg    greeks.Config
	format string
	vega   batch.VegaUnit // the unit of the reported Vega figures
	rho    batch.RhoUnit  // the unit of the reported Rho figures
}

func runOption(c *cli.Context) error {
	in, err := parseOption(c)
	if err != nil {
		return err
	}
	if isMulti(c) {
		return runMulti(c, in)
	}
	res, err := greeks.Run(c.Context, in.model, in.payoff, in.cfg)
	if err != nil {
		return err
	}
	ref, err := analytic.Reference(in.model, in.payoff)
	if err != nil {
		ref = report.NaNValues()
	}
	shown := res
	if in.vega == batch.VegaPercent {
		shown, ref = perVolPoint(res, ref)
	}
	if in.rho == batch.RhoBasisPoint {
		shown = perBasisPoint(shown)
	}
	unit := func() report.Unit {
		u := report.NewUnit(in.model, in.payoff, shown, ref)
		scaleRhoAnalytic(&u, in.rho)
		return u
	}
	switch in.format {
	case "json":
		err = json.NewEncoder(c.App.Writer).Encode(optionJSON{unit(), in.vega.String(), in.rho.String()})
	case "csv":
		err = writeOptionCSV(c.App.Writer, unit())
	default:
		err = writeTable(c.App.Writer, in, shown, ref)
	}
	if err != nil {
		return err
	}
	return runFailed(res)
}

// runFailed returns the error (exit status 1) of a run whose report was
// written but cannot be used as it is: figures that are not finite, or a
// tolerance not met (QuantLib throws there).
func runFailed(res *greeks.Result) error {
	if bad := res.NotFinite(); len(bad) > 0 {
		return fmt.Errorf("%d figures are not finite (%s): the inputs overflow the simulation", len(bad), strings.Join(bad, ", "))
	}
	if !res.ToleranceMet() {
		return fmt.Errorf("tolerance %g not met: the worst standard error is %.4g at the cap of %d paths (raise --max-paths)",
			res.Tolerance, res.WorstStdErr(), res.Paths)
	}
	return nil
}

// parseOption checks what the flag actions cannot check alone (names, lists
// and bounds that involve two flags) and builds the run's inputs.
func parseOption(c *cli.Context) (*optionInput, error) {
	if c.Args().Present() {
		return nil, usagef("unexpected argument %q: option takes flags only", c.Args().First())
	}
	gbm := sde.GBM{Spot: c.Float64("spot"), Rate: c.Float64("rate"), Div: c.Float64("div"),
		Vol: c.Float64("vol"), Expiry: c.Float64("maturity")}
	in := &optionInput{
		model:  gbm,
		strike: c.Float64("strike"),
		cash:   c.Float64("cash"),
		format: c.String("format"),
	}
	schemeName := c.String("scheme")
	switch c.String("model") {
	case "gbm":
	case "cev":
		in.model = sde.CEV{Spot: gbm.Spot, Rate: gbm.Rate, Div: gbm.Div, Vol: gbm.Vol, Beta: c.Float64("beta"), Expiry: gbm.Expiry}
		if !c.IsSet("scheme") {
			schemeName = "euler"
		}
	case "heston":
		in.model = sde.Heston{Spot: gbm.Spot, Rate: gbm.Rate, Div: gbm.Div, V0: c.Float64("v0"), Kappa: c.Float64("kappa"),
			Theta: c.Float64("theta"), Xi: c.Float64("xi"), Rho: c.Float64("heston-rho"), Expiry: gbm.Expiry}
		if !c.IsSet("scheme") {
			schemeName = "qe"
		}
		if c.IsSet("vol") {
			return nil, usagef("invalid --vol %v: --model heston takes its volatility from --v0 (√v0)", c.Float64("vol"))
		}
		if err := in.model.Validate(); err != nil {
			var pe *sde.ParamError
			if errors.As(err, &pe) {
				return nil, usagef("invalid --%s %v: out of range for --model heston (v0, kappa, theta, xi > 0; heston-rho in (-1, 1))", pe.Name, pe.Value)
			}
			return nil, err
		}
	default:
		return nil, usagef("invalid --model %q: want gbm, cev or heston", c.String("model"))
	}
	if c.String("model") != "heston" {
		for _, f := range []string{"v0", "kappa", "theta", "xi", "heston-rho"} {
			if c.IsSet(f) {
				return nil, usagef("invalid --%s %v: only --model heston has a %s", f, c.Value(f), f)
			}
		}
	}
	if in.format != "table" && in.format != "json" && in.format != "csv" {
		return nil, usagef("invalid --format %q: want table, json or csv", in.format)
	}
	var err error
	if in.vega, err = batch.ParseVegaUnit(c.String("vega-unit")); err != nil {
		return nil, usagef("invalid --vega-unit %q: want absolute or percent", c.String("vega-unit"))
	}
	if in.rho, err = cliflag.RhoUnit(c); err != nil {
		return nil, usagef("%v", err)
	}
	name := c.String("payoff")
	if isMulti(c) {
		if err := parseMulti(c, in); err != nil {
			return nil, err
		}
	} else if err := noMultiFlags(c); err != nil {
		return nil, err
	} else if !slices.Contains(payoff.Names, name) {
		return nil, usagef("invalid --payoff %q: want one of %s", name, strings.Join(payoff.Names, ", "))
	}
	spec := payoff.Spec{Name: name, Strike: in.strike, Cash: in.cash, Fixings: c.Int("fixings"),
		Barrier: c.Float64("barrier"), Rebate: c.Float64("rebate")}
	if strings.Contains(name, "-out-") || strings.Contains(name, "-in-") {
		if !c.IsSet("barrier") {
			return nil, usagef("--payoff %s needs --barrier", name)
		}
	}
	for _, flag := range []string{"fixings", "barrier", "rebate", "cash"} {
		if c.IsSet(flag) && !batch.Takes(name, flag) {
			return nil, usagef("invalid --%s %v: --payoff %s has no %s (a flag that does not apply is an error, not ignored)",
				flag, c.Value(flag), name, flag)
		}
	}
	if c.IsSet("beta") && c.String("model") != "cev" {
		return nil, usagef("invalid --beta %v: only --model cev has a beta", c.Float64("beta"))
	}
	if in.payoff == nil {
		p, err := payoff.New(spec)
		if err != nil {
			return nil, err
		}
		in.payoff = p
	}
	scheme, err := sde.ParseScheme(schemeName)
	if err != nil {
		return nil, usagef("invalid --scheme %q: want one of %s", schemeName, strings.Join(sde.Schemes, ", "))
	}
	if scheme == sde.Exact && c.String("model") != "gbm" {
		return nil, usagef("invalid --scheme exact for --model %s: the exact scheme is GBM only; use euler or milstein", c.String("model"))
	}
	lambda, err := greeks.ParseLambdaMode(c.String("lambda"))
	if err != nil {
		return nil, usagef("invalid --lambda %q: want crossfit, plugin or pilot", c.String("lambda"))
	}
	weight, err := greeks.ParseWeightKind(c.String("weight"))
	if err != nil {
		return nil, usagef("invalid --weight %q: want chain or continuous", c.String("weight"))
	}
	if f := c.Int("folds"); f < 2 || f > 64 {
		return nil, usagef("invalid --folds %d: must be between 2 and 64", f)
	}
	if pp := c.Int64("pilot-paths"); pp != 0 && pp < 2 {
		return nil, usagef("invalid --pilot-paths %d: must be 0 (default) or at least 2", pp)
	}
	if mp, n := c.Int64("max-paths"), c.Int64("paths"); c.Float64("tolerance") > 0 && mp < n {
		return nil, usagef("invalid --max-paths %d: must be at least --paths %d", mp, n)
	}
	gs, err := parseList(c, "greeks", greeks.ParseGreek)
	if err != nil {
		return nil, err
	}
	var ms []greeks.Method
	if c.String("methods") != "" {
		if ms, err = parseList(c, "methods", greeks.ParseMethod); err != nil {
			return nil, err
		}
	}
	if vb, vol := c.Float64("vol-bump"), in.model.Params().Vol; !(vb < vol) && !isMulti(c) {
		return nil, usagef("invalid --vol-bump %v: must be less than --vol %v", vb, vol)
	}
	if m, ok := in.model.(sde.Correlated); ok {
		for a, v := range m.Vol {
			if vb := c.Float64("vol-bump"); !(vb < v) {
				return nil, usagef("invalid --vol-bump %v: must be less than asset %d's volatility %v", vb, a, v)
			}
		}
	}
	in.cfg = greeks.Config{
		Paths: c.Int64("paths"), Seed: c.Uint64("seed"), Workers: c.Int("workers"),
		Scheme: scheme, Steps: c.Int("steps"), Greeks: gs, Methods: ms, Clip: c.Bool("clip-lambda"),
		Bumps: greeks.Bumps{Spot: c.Float64("spot-bump"), Vol: c.Float64("vol-bump"),
			Rate: c.Float64("rate-bump"), Expiry: c.Float64("expiry-bump")},
		Lambda: lambda, Folds: c.Int("folds"), PilotPaths: c.Int64("pilot-paths"), Smoothing: c.Float64("smoothing"),
		Weight: weight, Tolerance: c.Float64("tolerance"), MaxPaths: c.Int64("max-paths"),
	}
	if err := parseRNG(c, &in.cfg); err != nil {
		return nil, err
	}
	return in, nil
}

// parseList parses the comma-separated names of flag with parse.
func parseList[T any](c *cli.Context, flag string, parse func(string) (T, error)) ([]T, error) {
	s := c.String(flag)
	var out []T
	for _, f := range strings.Split(s, ",") {
		v, err := parse(strings.ToLower(strings.TrimSpace(f)))
		if err != nil {
			return nil, usagef("invalid --%s %q: %v", flag, s, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// The flag actions below run for flags given on the command line or in the
// environment; the defaults are valid.

func positive(flag string) func(*cli.Context, float64) error {
	return func(_ *cli.Context, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return usagef("invalid --%s %v: must be positive and finite", flag, v)
		}
		return nil
	}
}

func finite(flag string) func(*cli.Context, float64) error {
	return func(_ *cli.Context, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return usagef("invalid --%s %v: must be finite", flag, v)
		}
		return nil
	}
}

func spotBump(_ *cli.Context, v float64) error {
	if !(v >= greeks.MinBump && v < 0.5) {
		return usagef("invalid --spot-bump %v: must be in [%g, 0.5)", v, greeks.MinBump)
	}
	return nil
}

func rateBump(_ *cli.Context, v float64) error {
	if !(v >= greeks.MinBump && v <= 0.25) {
		return usagef("invalid --rate-bump %v: must be in [%g, 0.25]", v, greeks.MinBump)
	}
	return nil
}

func expiryBump(_ *cli.Context, v float64) error {
	if !(v >= greeks.MinBump && v < 0.5) {
		return usagef("invalid --expiry-bump %v: must be in [%g, 0.5)", v, greeks.MinBump)
	}
	return nil
}

func volBump(_ *cli.Context, v float64) error {
	if !(v >= greeks.MinBump) || math.IsInf(v, 0) {
		return usagef("invalid --vol-bump %v: must be at least %g and less than --vol", v, greeks.MinBump)
	}
	return nil
}

func maturity(_ *cli.Context, v float64) error {
	if !(v >= greeks.MinExpiry) || math.IsInf(v, 0) {
		return usagef("invalid --maturity %v: must be at least %g years and finite", v, greeks.MinExpiry)
	}
	return nil
}

func atLeastTwo(flag string) func(*cli.Context, int64) error {
	return func(_ *cli.Context, n int64) error {
		if n < 2 {
			return usagef("invalid --%s %d: must be at least 2", flag, n)
		}
		return nil
	}
}

func steps(_ *cli.Context, n int) error {
	if n < 1 || n > batch.MaxSteps {
		return usagef("invalid --steps %d: must be between 1 and %d", n, batch.MaxSteps)
	}
	return nil
}

func workers(_ *cli.Context, n int) error {
	if n < 0 {
		return usagef("invalid --workers %d: must be 0 (all CPUs) or more", n)
	}
	return nil
}

func nonNegative(flag string) func(*cli.Context, float64) error {
	return func(_ *cli.Context, v float64) error {
		if !(v >= 0) || math.IsInf(v, 0) {
			return usagef("invalid --%s %v: must be non-negative and finite", flag, v)
		}
		return nil
	}
}

func beta(_ *cli.Context, v float64) error {
	if !(v > 0 && v <= 1) {
		return usagef("invalid --beta %v: must be in (0, 1]", v)
	}
	return nil
}

func fixings(_ *cli.Context, n int) error {
	if n < 1 || n > payoff.MaxFixings {
		return usagef("invalid --fixings %d: must be between 1 and %d", n, payoff.MaxFixings)
	}
	return nil
}
