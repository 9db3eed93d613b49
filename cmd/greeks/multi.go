package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
	"github.com/hybridgreeks/hybridgreeks/greeks/report"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// multiFlags are the option command's flags of a multi-asset run.
func multiFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "spots", Category: catModel,
			Usage: "comma-separated spots of several correlated GBM assets (a multi-asset run; --spot is then unused)"},
		&cli.StringFlag{Name: "vols", Category: catModel,
			Usage: "comma-separated volatilities of the assets, one number for all (default: --vol)"},
		&cli.StringFlag{Name: "divs", Category: catModel,
			Usage: "comma-separated dividend yields of the assets, one number for all (default: --div)"},
		&cli.StringFlag{Name: "correlation", Value: "0", Category: catModel,
			Usage: "the assets' correlation: one number for every pair, or the full matrix with rows separated by ';' (\"1,0.6;0.6,1\")"},
		&cli.StringFlag{Name: "weights", Category: catContract,
			Usage: "comma-separated basket weights, one per asset (default: equal weights)"},
	}
}

// isMulti reports whether the command line asks for a multi-asset run.
func isMulti(c *cli.Context) bool {
	return c.IsSet("spots") || slices.Contains(payoff.MultiNames, c.String("payoff"))
}

// parseFloats parses the comma-separated numbers of flag; one number is
// repeated d times when d > 0.
func parseFloats(c *cli.Context, flag string, d int) ([]float64, error) {
	s := c.String(flag)
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, usagef("invalid --%s %q: %q is not a number", flag, s, strings.TrimSpace(f))
		}
		out = append(out, v)
	}
	if d > 0 && len(out) == 1 {
		for len(out) < d {
			out = append(out, out[0])
		}
	}
	if d > 0 && len(out) != d {
		return nil, usagef("invalid --%s %q: %d numbers for %d assets (--spots)", flag, s, len(out), d)
	}
	return out, nil
}

// parseCorrelation parses --correlation for d assets.
func parseCorrelation(c *cli.Context, d int) ([][]float64, error) {
	s := c.String("correlation")
	rows := strings.Split(s, ";")
	out := make([][]float64, d)
	if len(rows) == 1 && !strings.Contains(s, ",") {
		rho, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, usagef("invalid --correlation %q: not a number", s)
		}
		for i := range out {
			out[i] = make([]float64, d)
			for j := range out[i] {
				out[i][j] = rho
			}
			out[i][i] = 1
		}
		return out, nil
	}
	if len(rows) != d {
		return nil, usagef("invalid --correlation %q: %d rows for %d assets", s, len(rows), d)
	}
	for i, r := range rows {
		for _, f := range strings.Split(r, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, usagef("invalid --correlation %q: row %d: %q is not a number", s, i, strings.TrimSpace(f))
			}
			out[i] = append(out[i], v)
		}
	}
	return out, nil
}

// noMultiFlags rejects the multi-asset flags on a single-asset run.
func noMultiFlags(c *cli.Context) error {
	for _, f := range []string{"vols", "divs", "correlation", "weights"} {
		if c.IsSet(f) {
			return usagef("--%s needs --spots (a multi-asset run)", f)
		}
	}
	return nil
}

// parseMulti sets the model and payoff of a multi-asset run.
func parseMulti(c *cli.Context, in *optionInput) error {
	if !c.IsSet("spots") {
		return usagef("--payoff %s needs --spots (one spot per asset)", c.String("payoff"))
	}
	if c.String("model") != "gbm" {
		return usagef("invalid --model %s with --spots: several assets are correlated GBM", c.String("model"))
	}
	spots, err := parseFloats(c, "spots", 0)
	if err != nil {
		return err
	}
	d := len(spots)
	vols, divs := []float64{c.Float64("vol")}, []float64{c.Float64("div")}
	if c.IsSet("vols") {
		if vols, err = parseFloats(c, "vols", d); err != nil {
			return err
		}
	}
	if c.IsSet("divs") {
		if divs, err = parseFloats(c, "divs", d); err != nil {
			return err
		}
	}
	for len(vols) < d {
		vols = append(vols, vols[0])
	}
	for len(divs) < d {
		divs = append(divs, divs[0])
	}
	corr, err := parseCorrelation(c, d)
	if err != nil {
		return err
	}
	m, err := sde.NewCorrelated(spots, divs, vols, c.Float64("rate"), c.Float64("maturity"), corr)
	if err != nil {
		return usagef("invalid --spots/--vols/--divs/--correlation: %v", err)
	}
	in.model = m
	name := c.String("payoff")
	if !slices.Contains(payoff.MultiNames, name) {
		return usagef("invalid --payoff %q with --spots: want one of %s", name, strings.Join(payoff.MultiNames, ", "))
	}
	var w []float64
	if c.IsSet("weights") && !batch.Takes(name, "weights") {
		return usagef("invalid --weights with --payoff %s: weights apply to the basket payoffs", name)
	}
	if c.IsSet("weights") {
		if w, err = parseFloats(c, "weights", 0); err != nil {
			return err
		}
	}
	p, err := payoff.NewMulti(payoff.MultiSpec{Name: name, Assets: d, Strike: c.Float64("strike"), Cash: c.Float64("cash"), Weights: w})
	if err != nil {
		return usagef("invalid --payoff %s: %v", name, err)
	}
	in.payoff = p
	return nil
}

// runMulti runs a multi-asset option and writes its report.
func runMulti(c *cli.Context, in *optionInput) error {
	if !c.IsSet("greeks") {
		in.cfg.Greeks = nil // every Greek of every asset and the cross Gammas
	}
	res, err := greeks.Run(c.Context, in.model, in.payoff, in.cfg)
	if err != nil {
		return err
	}
	m := in.model.(sde.Correlated)
	var ref *analytic.AssetValues
	if v, err := analytic.MultiReference(m, in.payoff); err == nil {
		ref = &v
	}
	shown := res
	if in.vega == batch.VegaPercent {
		shown, _ = perVolPoint(res, analytic.Values{})
		ref = perVolPointAssets(ref)
	}
	if in.rho == batch.RhoBasisPoint { // no closed-form Rho of several assets to scale
		shown = perBasisPoint(shown)
	}
	switch in.format {
	case "json":
		err = json.NewEncoder(c.App.Writer).Encode(optionJSON{report.NewMultiUnit(m, in.payoff, shown, ref), in.vega.String(), in.rho.String()})
	case "csv":
		err = writeOptionCSV(c.App.Writer, report.NewMultiUnit(m, in.payoff, shown, ref))
	default:
		err = writeMultiTable(c.App.Writer, in, m, shown, ref)
	}
	if err != nil {
		return err
	}
	return runFailed(res)
}

// writeMultiTable writes a multi-asset run with its figures grouped by
// asset, then the cross Gammas.
func writeMultiTable(w io.Writer, in *optionInput, m sde.Correlated, res *greeks.Result, ref *analytic.AssetValues) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "contract\t%s  strike %g  maturity %gy", in.payoff.Name(), in.strike, m.Expiry)
	switch p := in.payoff.(type) {
	case payoff.BasketCall:
		fmt.Fprintf(tw, "  weights %v", p.Weights)
	case payoff.BasketPut:
		fmt.Fprintf(tw, "  weights %v", p.Weights)
	case payoff.GeometricBasketCall:
		fmt.Fprintf(tw, "  weights %v", p.Weights)
	case payoff.GeometricBasketPut:
		fmt.Fprintf(tw, "  weights %v", p.Weights)
	case payoff.BasketDigitalCall:
		fmt.Fprintf(tw, "  cash %g  weights %v", in.cash, p.Weights)
	case payoff.WorstOfDigitalCall:
		fmt.Fprintf(tw, "  cash %g", in.cash)
	}
	fmt.Fprintf(tw, "\nmodel\t%d correlated GBM assets  rate %g\n", m.Assets(), m.Rate)
	fmt.Fprintf(tw, "simulation\tpaths %d  seed %d  workers %d  scheme %s  elapsed %.3fs\n",
		res.Paths, res.Seed, res.Workers, res.Scheme, res.Elapsed.Seconds())
	writeTolerance(tw, res)
	writeRNG(tw, res)
	fmt.Fprintf(tw, "estimators\tlambda %s", res.Lambda)
	if res.Folds > 0 {
		fmt.Fprintf(tw, " (%d folds)", res.Folds)
	}
	if !math.IsNaN(res.Smoothing) {
		fmt.Fprintf(tw, "  smoothing ε %.4g", res.Smoothing)
	}
	fmt.Fprintf(tw, "\nfd bumps\tspot %g (relative)  vol %g (absolute)\n", res.Bumps.Spot, res.Bumps.Vol)
	lo, hi := res.Price.CI95()
	refPrice := report.RefAsset(nil, greeks.Figure{})
	if ref != nil {
		refPrice = ref.Price
	}
	fmt.Fprintf(tw, "price\t%s ± %s (stderr)  95%% CI [%s, %s]  analytic %s\n",
		fig(res.Price.Value), fig(res.Price.StdErr), fig(lo), fig(hi), num(refPrice))
	row := func(f greeks.Figure) {
		lo, hi := f.CI95()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Greek, f.Method,
			fig(f.Value), fig(f.StdErr), fig(lo), fig(hi), num(report.RefAsset(ref, f)), lambdaCell(f))
	}
	header := "GREEK\tMETHOD\tESTIMATE\tSTDERR\tCI95-LO\tCI95-HI\tANALYTIC\tLAMBDA"
	// Rho and Theta are the model's, one figure each: in their own block.
	shared := func(g greeks.Greek) bool { return g == greeks.Rho || g == greeks.Theta }
	for a := range m.Assets() {
		fmt.Fprintf(tw, "\nasset %d\tspot %g  vol %g  div %g\n", a, m.Spot[a], m.Vol[a], m.Div[a])
		fmt.Fprintln(tw, header)
		for _, f := range res.Figures {
			if f.Greek != greeks.CrossGamma && !shared(f.Greek) && f.Asset == a {
				row(f)
			}
		}
	}
	first := true
	for _, f := range res.Figures {
		if !shared(f.Greek) {
			continue
		}
		if first {
			fmt.Fprintf(tw, "\nall assets\trate %g  expiry %g (one Rho, one Theta)\n%s\n", m.Rate, m.Expiry, header)
			first = false
		}
		row(f)
	}
	first = true
	for _, f := range res.Figures {
		if f.Greek != greeks.CrossGamma {
			continue
		}
		if first {
			fmt.Fprintf(tw, "\ncross gammas\t∂²V/∂S_i∂S_j\n%s\tASSETS\n", header)
			first = false
		}
		lo, hi := f.CI95()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d,%d\n", f.Greek, f.Method,
			fig(f.Value), fig(f.StdErr), fig(lo), fig(hi), num(report.RefAsset(ref, f)), lambdaCell(f), f.Asset, f.Asset2)
	}
	writeWarnings(tw, in.model, res)
	if len(res.Skipped) > 0 {
		fmt.Fprintln(tw, "\nskipped:")
		for _, s := range res.Skipped {
			fmt.Fprintf(tw, "  %s %s: %s\n", s.Greek, s.Method, s.Reason)
		}
	}
	return tw.Flush()
}

// strike checks --strike: positive, but any finite number for the spreads.
func strike(c *cli.Context, v float64) error {
	if strings.HasPrefix(c.String("payoff"), "spread-") {
		return finite("strike")(c, v)
	}
	return positive("strike")(c, v)
}
