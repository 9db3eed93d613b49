package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/greeks/report"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// num formats a figure with six significant digits, "-" when it does not apply.
func num(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.6g", x)
}

// fig formats a computed figure: "failed" when it is not finite, never
// the not-applicable mark.
func fig(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "failed"
	}
	return fmt.Sprintf("%.6g", x)
}

// writeTable writes the run as an aligned human-readable report.
func writeTable(w io.Writer, in *optionInput, res *greeks.Result, ref analytic.Values) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	m := in.model.Params()
	fmt.Fprintf(tw, "contract\t%s  strike %g  maturity %gy", in.payoff.Name(), in.strike, m.Expiry)
	switch p := in.payoff.(type) {
	case payoff.DigitalCall, payoff.DigitalPut:
		fmt.Fprintf(tw, "  cash %g", in.cash)
	case payoff.UpOutCall:
		fmt.Fprintf(tw, "  barrier %g  rebate %g", p.Level, p.Rebate)
	case payoff.UpInCall:
		fmt.Fprintf(tw, "  barrier %g  rebate %g", p.Level, p.Rebate)
	case payoff.DownOutPut:
		fmt.Fprintf(tw, "  barrier %g  rebate %g", p.Level, p.Rebate)
	case payoff.DownInPut:
		fmt.Fprintf(tw, "  barrier %g  rebate %g", p.Level, p.Rebate)
	}
	if res.Fixings > 1 {
		fmt.Fprintf(tw, "  fixings %d", res.Fixings)
	}
	fmt.Fprintf(tw, "\nmodel\t%s  spot %g  rate %g  div %g  vol %g", strings.ToUpper(res.Model), m.Spot, m.Rate, m.Div, m.Vol)
	if b := report.Beta(in.model); !math.IsNaN(b) {
		fmt.Fprintf(tw, "  beta %g", b)
	}
	if h, ok := in.model.(sde.Heston); ok {
		fmt.Fprintf(tw, "\nheston\tv0 %g  kappa %g  theta %g  xi %g  rho %g  feller %t  (vol = √v0; vega = ∂V/∂√v0)",
			h.V0, h.Kappa, h.Theta, h.Xi, h.Rho, h.Feller())
	}
	fmt.Fprintf(tw, "\nsimulation\tpaths %d  seed %d  workers %d  scheme %s  steps %d  elapsed %.3fs\n",
		res.Paths, res.Seed, res.Workers, res.Scheme, res.Steps, res.Elapsed.Seconds())
	writeTolerance(tw, res)
	writeRNG(tw, res)
	fmt.Fprintf(tw, "estimators\tlambda %s", res.Lambda)
	if res.Folds > 0 {
		fmt.Fprintf(tw, " (%d folds)", res.Folds)
	}
	if res.Scheme != sde.Exact {
		fmt.Fprintf(tw, "  grid weight %s", res.Weight)
	}
	if !math.IsNaN(res.Smoothing) {
		fmt.Fprintf(tw, "  smoothing ε %.4g", res.Smoothing)
	}
	if res.PilotPaths > 0 {
		fmt.Fprintf(tw, "  pilot %d paths", res.PilotPaths)
	}
	fmt.Fprintf(tw, "\nfd bumps\tspot %g (relative)  vol %g (absolute)", res.Bumps.Spot, res.Bumps.Vol)
	if hasRateTime(res) {
		fmt.Fprintf(tw, "  rate %g (absolute)  expiry %g (relative)", res.Bumps.Rate, res.Bumps.Expiry)
	}
	fmt.Fprintln(tw)
	lo, hi := res.Price.CI95()
	fmt.Fprintf(tw, "price\t%s ± %s (stderr)  95%% CI [%s, %s]  analytic %s\n\n",
		fig(res.Price.Value), fig(res.Price.StdErr), fig(lo), fig(hi), num(ref.Price))

	fmt.Fprintln(tw, "GREEK\tMETHOD\tESTIMATE\tSTDERR\tCI95-LO\tCI95-HI\tANALYTIC\tLAMBDA")
	for _, f := range res.Figures {
		lo, hi := f.CI95()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Greek, f.Method,
			fig(f.Value), fig(f.StdErr), fig(lo), fig(hi), num(refGreek(in, ref, f.Greek)), lambdaCell(f))
	}
	writeWarnings(tw, in.model, res)
	var notes bool
	for _, f := range res.Figures {
		if f.Note != "" {
			if !notes {
				fmt.Fprintln(tw, "\nnotes:")
				notes = true
			}
			fmt.Fprintf(tw, "  %s %s: %s\n", f.Greek, f.Method, f.Note)
		}
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintln(tw, "\nskipped:")
		for _, s := range res.Skipped {
			fmt.Fprintf(tw, "  %s %s: %s\n", s.Greek, s.Method, s.Reason)
		}
	}
	return tw.Flush()
}

// lambdaCell formats a figure's λ: computed (fig) for the hybrid, the
// not-applicable mark for the other methods.
func lambdaCell(f greeks.Figure) string {
	if f.Method == greeks.Hybrid {
		return fig(f.Lambda)
	}
	return num(f.Lambda)
}

// writeTolerance writes whether a tolerance run met its tolerance.
func writeTolerance(w io.Writer, res *greeks.Result) {
	if res.Tolerance <= 0 {
		return
	}
	if res.ToleranceMet() {
		fmt.Fprintf(w, "tolerance\t%g met (paths added until every Greek's hybrid standard error was below it)\n", res.Tolerance)
	} else {
		fmt.Fprintf(w, "tolerance\t%g NOT MET: the worst standard error is %.4g at the cap of %d paths\n",
			res.Tolerance, res.WorstStdErr(), res.Paths)
	}
}

// writeWarnings lists greeks.Warnings after a table's figures.
func writeWarnings(w io.Writer, m sde.Model, res *greeks.Result) {
	if ws := greeks.Warnings(m, res); len(ws) > 0 {
		fmt.Fprintln(w, "\nWARNINGS:")
		for _, s := range ws {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
}

// hasRateTime reports whether res has a Rho or Theta figure or skip.
func hasRateTime(res *greeks.Result) bool {
	for _, f := range res.Figures {
		if f.Greek == greeks.Rho || f.Greek == greeks.Theta {
			return true
		}
	}
	for _, s := range res.Skipped {
		if s.Greek == greeks.Rho || s.Greek == greeks.Theta {
			return true
		}
	}
	return false
}

// refGreek is the table's closed form of g, Rho in the option's unit.
func refGreek(in *optionInput, ref analytic.Values, g greeks.Greek) float64 {
	v := report.RefGreekOf(in.model, in.payoff, ref, g)
	if g == greeks.Rho {
		v *= rhoScale(in.rho)
	}
	return v
}
