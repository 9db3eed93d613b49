package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// refGreek returns the closed-form value of g, NaN when there is none.
func refGreek(ref analytic.Values, g greeks.Greek) float64 {
	switch g {
	case greeks.Delta:
		return ref.Delta
	case greeks.Gamma:
		return ref.Gamma
	case greeks.Vega:
		return ref.Vega
	}
	return math.NaN()
}

// jsonNum is a number that is written as null when it is NaN or infinite:
// an analytic value that does not exist, or λ of a method other than hybrid.
type jsonNum float64

func (x jsonNum) MarshalJSON() ([]byte, error) {
	if f := float64(x); !math.IsNaN(f) && !math.IsInf(f, 0) {
		return json.Marshal(f)
	}
	return []byte("null"), nil
}

type jsonReport struct {
	Paths      int64        `json:"paths"`
	Seed       uint64       `json:"seed"`
	Workers    int          `json:"workers"`
	Elapsed    float64      `json:"elapsed_seconds"`
	Payoff     string       `json:"payoff"`
	Model      string       `json:"model"`
	Beta       jsonNum      `json:"beta"`
	Fixings    int          `json:"fixings"`
	Scheme     string       `json:"scheme"`
	Steps      int          `json:"steps"`
	Weight     string       `json:"weight"`
	SpotBump   float64      `json:"spot_bump"`
	VolBump    float64      `json:"vol_bump"`
	LambdaMode string       `json:"lambda_mode"`
	Folds      int          `json:"folds,omitempty"`
	PilotPaths int64        `json:"pilot_paths,omitempty"`
	Smoothing  jsonNum      `json:"smoothing"`
	Tolerance  float64      `json:"tolerance,omitempty"`
	Price      jsonPrice    `json:"price"`
	Greeks     []jsonFigure `json:"greeks"`
	Skipped    []jsonSkip   `json:"skipped"`
}

type jsonPrice struct {
	Estimate jsonNum `json:"estimate"`
	StdErr   jsonNum `json:"stderr"`
	Analytic jsonNum `json:"analytic"`
}

type jsonFigure struct {
	Greek    string     `json:"greek"`
	Method   string     `json:"method"`
	Estimate jsonNum    `json:"estimate"`
	StdErr   jsonNum    `json:"stderr"`
	CI95     [2]jsonNum `json:"ci95"`
	Analytic jsonNum    `json:"analytic"`
	Lambda   jsonNum    `json:"lambda"`
	// LambdaMode and Smoothing are set on hybrid entries (smoothing also on
	// localized ones) and omitted elsewhere.
	LambdaMode string   `json:"lambda_mode,omitempty"`
	Smoothing  *float64 `json:"smoothing,omitempty"`
	Note       string   `json:"note,omitempty"`
}

type jsonSkip struct {
	Greek  string `json:"greek"`
	Method string `json:"method"`
	Reason string `json:"reason"`
}

// writeJSON writes the run as one JSON object on one line.
func writeJSON(w io.Writer, in *optionInput, res *greeks.Result, ref analytic.Values) error {
	r := jsonReport{
		Paths: res.Paths, Seed: res.Seed, Workers: res.Workers, Elapsed: res.Elapsed.Seconds(),
		Payoff: in.payoff.Name(), Model: res.Model, Beta: jsonNum(modelBeta(in.model)), Fixings: res.Fixings,
		Scheme: res.Scheme.String(), Steps: res.Steps, Weight: res.Weight.String(),
		SpotBump: res.Bumps.Spot, VolBump: res.Bumps.Vol, LambdaMode: res.Lambda.String(), Folds: res.Folds,
		PilotPaths: res.PilotPaths, Smoothing: jsonNum(res.Smoothing), Tolerance: res.Tolerance,
		Price:   jsonPrice{jsonNum(res.Price.Value), jsonNum(res.Price.StdErr), jsonNum(ref.Price)},
		Greeks:  []jsonFigure{},
		Skipped: []jsonSkip{},
	}
	for _, f := range res.Figures {
		lo, hi := f.CI95()
		r.Greeks = append(r.Greeks, jsonFigure{
			Greek: f.Greek.String(), Method: f.Method.String(),
			Estimate: jsonNum(f.Value), StdErr: jsonNum(f.StdErr), CI95: [2]jsonNum{jsonNum(lo), jsonNum(hi)},
			Analytic: jsonNum(refGreek(ref, f.Greek)), Lambda: jsonNum(f.Lambda), Note: f.Note,
			LambdaMode: f.LambdaMode, Smoothing: finiteOrNil(f.Smoothing),
		})
	}
	for _, s := range res.Skipped {
		r.Skipped = append(r.Skipped, jsonSkip{s.Greek.String(), s.Method.String(), s.Reason})
	}
	return json.NewEncoder(w).Encode(r)
}

// finiteOrNil returns &x, or nil for NaN so that the key is omitted.
func finiteOrNil(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// modelBeta returns the CEV elasticity, NaN for GBM.
func modelBeta(m sde.Model) float64 {
	if c, ok := m.(sde.CEV); ok {
		return c.Beta
	}
	return math.NaN()
}

// num formats a figure with six significant digits, "-" when it does not apply.
func num(x float64) string {
	if math.IsNaN(x) {
		return "-"
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
	if b := modelBeta(in.model); !math.IsNaN(b) {
		fmt.Fprintf(tw, "  beta %g", b)
	}
	fmt.Fprintf(tw, "\nsimulation\tpaths %d  seed %d  workers %d  scheme %s  steps %d  elapsed %.3fs\n",
		res.Paths, res.Seed, res.Workers, res.Scheme, res.Steps, res.Elapsed.Seconds())
	if res.Tolerance > 0 {
		fmt.Fprintf(tw, "tolerance\t%g (paths added until every Greek's hybrid standard error is below it)\n", res.Tolerance)
	}
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
	fmt.Fprintf(tw, "\nfd bumps\tspot %g (relative)  vol %g (absolute)\n", res.Bumps.Spot, res.Bumps.Vol)
	lo, hi := res.Price.CI95()
	fmt.Fprintf(tw, "price\t%s ± %s (stderr)  95%% CI [%s, %s]  analytic %s\n\n",
		num(res.Price.Value), num(res.Price.StdErr), num(lo), num(hi), num(ref.Price))

	fmt.Fprintln(tw, "GREEK\tMETHOD\tESTIMATE\tSTDERR\tCI95-LO\tCI95-HI\tANALYTIC\tLAMBDA")
	for _, f := range res.Figures {
		lo, hi := f.CI95()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Greek, f.Method,
			num(f.Value), num(f.StdErr), num(lo), num(hi), num(refGreek(ref, f.Greek)), num(f.Lambda))
	}
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
