package main

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/report"
)

// optionCSVHeader is the header of greeks option --format csv: one row for
// the price, then one per figure (Greek, method and, on many assets, the
// asset or the pair of a cross Gamma).
var optionCSVHeader = []string{"greek", "method", "asset", "asset2", "estimate", "stderr", "ci95_lo", "ci95_hi",
	"analytic", "lambda", "lambda_mode", "payoff", "model", "paths", "seed", "note"}

// writeOptionCSV writes the unit u as CSV: the price row first (its note
// holds the run's warnings), then a row per figure in the table's order.
// Numbers are written in full precision; a cell that does not apply is
// empty, and a figure that was computed but is not finite is "failed",
// never empty.
func writeOptionCSV(w io.Writer, u report.Unit) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(optionCSVHeader); err != nil {
		return err
	}
	computed := func(x report.Num) string {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "failed"
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	optional := func(x report.Num) string {
		if math.IsNaN(float64(x)) {
			return ""
		}
		return computed(x)
	}
	run := []string{u.Payoff, u.Model, strconv.FormatInt(u.Paths, 10), strconv.FormatUint(u.Seed, 10)}
	price := u.Price
	pe := greeks.Estimate{Value: float64(price.Estimate), StdErr: float64(price.StdErr)}
	if u.Randomizations > 1 { // a sobol run: t with R − 1 degrees of freedom
		pe.DF = int64(u.Randomizations - 1)
	}
	lo, hi := pe.CI95()
	rec := append([]string{"price", "mc", "", "", computed(price.Estimate), computed(price.StdErr),
		computed(report.Num(lo)), computed(report.Num(hi)), optional(price.Analytic), "", ""}, run...)
	if err := cw.Write(append(rec, strings.Join(u.Warnings, "; "))); err != nil {
		return err
	}
	for _, f := range u.Greeks {
		a, b := "", ""
		switch {
		case len(f.Pair) == 2:
			a, b = strconv.Itoa(f.Pair[0]), strconv.Itoa(f.Pair[1])
		case f.Asset != nil:
			a = strconv.Itoa(*f.Asset)
		}
		lambda := optional(f.Lambda)
		if f.Method == "hybrid" {
			lambda = computed(f.Lambda)
		}
		rec := append([]string{f.Greek, f.Method, a, b, computed(f.Estimate), computed(f.StdErr),
			computed(f.CI95[0]), computed(f.CI95[1]), optional(f.Analytic), lambda, f.LambdaMode}, run...)
		if err := cw.Write(append(rec, f.Note)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
