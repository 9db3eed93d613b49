package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/hybridgreeks/hybridgreeks/cmd/internal/cliflag"
	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
)

// rowsFailed reports a batch whose report was written but some of whose
// rows are errors: exit status 1.
type rowsFailed struct {
	failed, rows int
	where        string
}

func (e *rowsFailed) Error() string {
	return fmt.Sprintf("%d of %d rows failed (their errors are in the report%s)", e.failed, e.rows, e.where)
}

func batchCmd() *cli.Command {
	return &cli.Command{
		Name:      "batch",
		Usage:     "price a portfolio file: unit Greeks by every method, decimal positions and totals",
		ArgsUsage: " ",
		Description: "Reads trades (CSV with a header, or a JSON array of objects) and market data, prices each\n" +
			"trade on its own random streams (seed derived from --seed and the trade_id, so a trade's\n" +
			"numbers depend on neither its row nor --workers), and writes a report with every input row\n" +
			"once, in input order, as ok or error. Positions are quantity × unit figure in decimal,\n" +
			"rounded half-to-even to --decimals; totals per underlying and over the portfolio (\"*\"),\n" +
			"where only price, vega, cash_delta (Delta × spot) and cash_gamma (Gamma × spot²/100) add up.\n" +
			"Vega is per unit of volatility, or per vol point with --vega-unit percent. A row's expiry\n" +
			"(YYYY-MM-DD) counts from --valuation-date by Actual/365 Fixed.\n" +
			"The report file is written whole or not at all. Without --in it runs the embedded sample.\n" +
			"Exit status: 0 all rows ok, 1 some rows failed or missed --tolerance (the report is still written), 2 usage error.\n\n" +
			"Example:\n\n" +
			"   greeks batch --in greeks/batch/sample/portfolio.csv --market greeks/batch/sample/market.csv --out report.json",
		OnUsageError: onUsageError,
		Action:       runBatch,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "in", Category: catInput, Usage: "portfolio file (.csv or .json); default: the embedded sample"},
			&cli.StringFlag{Name: "in-format", Category: catInput, Usage: "csv or json, when the extension does not say"},
			&cli.StringFlag{Name: "market", Category: catInput, EnvVars: []string{"GREEKS_MARKET"},
				Usage: "market file keyed by underlying (spot, vol, rate, div); row values override it"},
			&cli.StringFlag{Name: "market-format", Category: catInput, Usage: "csv or json, when the extension does not say"},
			&cli.StringFlag{Name: "correlations", Category: catInput, EnvVars: []string{"GREEKS_CORRELATIONS"},
				Usage: "correlations file (underlying_a, underlying_b, rho) for trades on several underlyings joined by '|'; default with no --in: the sample's"},
			&cli.StringFlag{Name: "correlations-format", Category: catInput, Usage: "csv or json, when the extension does not say"},
			cliflag.ValuationDateFlag(catInput),
			cliflag.VegaUnitFlag(catOutput),
			cliflag.RhoUnitFlag(catOutput),
			&cli.StringFlag{Name: "out", Category: catOutput,
				Usage: "report file, .json or .csv, written atomically; default: a table on stdout"},
			&cli.StringFlag{Name: "format", Value: "table", Category: catOutput,
				Usage: "stdout format without --out: table, json or csv"},
			&cli.IntFlag{Name: "decimals", Value: batch.DefaultDecimals, Category: catOutput,
				Usage: "decimal places of positions and totals (half-to-even)"},
			&cli.Int64Flag{Name: "paths", Value: batch.DefaultPaths, Category: catSimulation, EnvVars: []string{"GREEKS_PATHS"},
				Usage: "paths per trade, unless the row says", Action: atLeastTwo("paths")},
			&cli.Uint64Flag{Name: "seed", Value: 1, Category: catSimulation, EnvVars: []string{"GREEKS_SEED"},
				Usage: "batch seed; each trade's seed derives from it and its trade_id, unless the row gives one"},
			&cli.IntFlag{Name: "workers", Category: catSimulation, EnvVars: []string{"GREEKS_WORKERS"},
				Usage: "goroutines across and within trades, 0 for all CPUs; never changes the numbers", Action: workers},
			&cli.Float64Flag{Name: "tolerance", Category: catSimulation,
				Usage: "per trade: add paths until each Greek's hybrid standard error is at most this", Action: nonNegative("tolerance")},
			&cli.Int64Flag{Name: "max-paths", Value: greeks.DefaultMaxPaths, Category: catSimulation,
				Usage: "the most paths a --tolerance trade may use", Action: atLeastTwo("max-paths")},
			&cli.StringFlag{Name: "greeks", Value: "delta,gamma,vega", Category: catEstimators,
				Usage: "comma-separated Greeks to estimate, of delta, gamma, vega, rho, theta, vanna, volga, cross-gamma; " +
					"rho, theta and volga positions add into the * total, vanna (in shares, like delta) does not"},
			&cli.StringFlag{Name: "methods", Category: catEstimators,
				Usage: "comma-separated methods of fd, pathwise, malliavin, localized, hybrid; default every method valid for each trade (an invalid one named here makes that trade an error)"},
			&cli.StringFlag{Name: "lambda", Value: "crossfit", Category: catEstimators,
				Usage: "how the hybrid's λ is estimated: crossfit, plugin or pilot"},
		}, rngFlags()...),
	}
}

func runBatch(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("unexpected argument %q: batch takes flags only", c.Args().First())
	}
	cfg := greeks.Config{Paths: c.Int64("paths"), Seed: c.Uint64("seed"), Tolerance: c.Float64("tolerance"),
		MaxPaths: c.Int64("max-paths")}
	var err error
	if cfg.Greeks, err = parseList(c, "greeks", greeks.ParseGreek); err != nil {
		return err
	}
	if err := batch.CheckGreeks(cfg.Greeks); err != nil {
		return usagef("invalid --greeks: %v", err)
	}
	if c.String("methods") != "" {
		if cfg.Methods, err = parseList(c, "methods", greeks.ParseMethod); err != nil {
			return err
		}
	}
	if cfg.Lambda, err = greeks.ParseLambdaMode(c.String("lambda")); err != nil {
		return usagef("invalid --lambda %q: want crossfit, plugin or pilot", c.String("lambda"))
	}
	if cfg.Tolerance > 0 && cfg.MaxPaths < cfg.Paths {
		return usagef("invalid --max-paths %d: must be at least --paths %d", cfg.MaxPaths, cfg.Paths)
	}
	if err := parseRNG(c, &cfg); err != nil {
		return err
	}
	d := c.Int("decimals")
	if d < 0 || d > 18 {
		return usagef("invalid --decimals %d: must be between 0 and 18", d)
	}
	vegaUnit, valuation, err := deskFlags(c)
	if err != nil {
		return err
	}
	rhoUnit, err := cliflag.RhoUnit(c)
	if err != nil {
		return usagef("%v", err)
	}
	format := c.String("format")
	if format != "table" && format != "json" && format != "csv" {
		return usagef("invalid --format %q: want table, json or csv", format)
	}
	files := batch.Files{Trades: c.String("in"), TradesFormat: c.String("in-format"),
		Market: c.String("market"), MarketFormat: c.String("market-format"),
		Correlations: c.String("correlations"), CorrelationsFormat: c.String("correlations-format")}
	var outFormat batch.Format
	out := c.String("out")
	if out != "" {
		if outFormat, err = batch.FormatOf(out); err != nil {
			return usagef("invalid --out %q: %v", out, err)
		}
	}
	corr, err := files.ReadCorrelations()
	if err != nil {
		return fileUsage(err)
	}
	next, market, closer, err := batch.Open(files)
	if err != nil {
		return fileUsage(err)
	}
	defer closer.Close()

	// The report file is created (as a temporary) before any trade is
	// priced: a report that cannot be written is known at once.
	var (
		w    io.Writer = c.App.Writer
		file *batch.OutFile
		rw   batch.ReportWriter
	)
	if out != "" {
		if file, err = batch.CreateOut(out, batch.Input{Which: "in", Path: files.Trades},
			batch.Input{Which: "market", Path: files.Market}, batch.Input{Which: "correlations", Path: files.Correlations}); err != nil {
			return fileUsage(err)
		}
		defer file.Discard() // after Commit, a no-op
		w = file
	}
	switch {
	case out != "":
		rw, err = batch.NewReportWriter(w, outFormat)
	case format == "json":
		rw, err = batch.NewReportWriter(w, batch.JSON)
	case format == "csv":
		rw, err = batch.NewReportWriter(w, batch.CSV)
	default:
		rw = newTableWriter(w, vegaUnit, rhoUnit, cfg.Greeks)
	}
	if err != nil {
		return err
	}
	opt := batch.Options{Config: cfg, Workers: c.Int("workers"), Decimals: int32(d), Correlations: corr,
		VegaUnit: vegaUnit, ValuationDate: valuation, RhoUnit: rhoUnit}
	progress, stopProgress := countProgress(c.App.ErrWriter, "trades")
	var written, unmet int
	sum, err := batch.Stream(c.Context, fileUsageNext(next), market, opt, func(t batch.TradeReport) error {
		if t.Result != nil && t.Result.ToleranceMet != nil && !*t.Result.ToleranceMet {
			unmet++
		}
		if err := rw.Row(t); err != nil {
			return err
		}
		written++
		return nil
	}, progress)
	if err == nil {
		err = rw.End(sum)
	}
	if err == nil && file != nil {
		err = file.Commit()
	}
	stopProgress()
	if err != nil {
		what := "no report written"
		if out == "" {
			what = fmt.Sprintf("the report on stdout is incomplete: %d rows written, no totals", written)
		}
		if errors.Is(err, greeks.ErrCanceled) {
			return &partial{err, what}
		}
		return fmt.Errorf("%w (%s)", err, what)
	}
	where := ""
	if out != "" {
		where = " " + out
	}
	if sum.Errors > 0 {
		return &rowsFailed{sum.Errors, sum.OK + sum.Errors, where}
	}
	if unmet > 0 {
		return fmt.Errorf("%d of %d rows did not meet --tolerance %g within --max-paths (see their warnings in the report%s)",
			unmet, sum.OK, cfg.Tolerance, where)
	}
	return nil
}

// fileUsageNext makes the errors of next usage errors, as fileUsage does.
func fileUsageNext(next func() (batch.Row, error)) func() (batch.Row, error) {
	return func() (batch.Row, error) {
		r, err := next()
		if err != nil && err != io.EOF {
			err = fileUsage(err)
		}
		return r, err
	}
}

// fileUsage makes a *batch.FileError a usage error (exit 2).
func fileUsage(err error) error {
	if fe := (*batch.FileError)(nil); errors.As(err, &fe) {
		return &usageError{fe}
	}
	return err
}

// progressFunc returns a progress callback drawing a bar on w when w is a
// terminal, and nil (silence) otherwise.
func progressFunc(w io.Writer, total int, unit string) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || total == 0 {
		return nil
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(unit),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
	)
	return func(done, _ int) { _ = bar.Set(done) }
}

// countProgress returns a progress callback drawing a count on w (a batch
// streams, so its total is unknown) when w is a terminal, and nil (silence)
// otherwise, with a function that clears its line so that what follows
// starts on a line of its own.
func countProgress(w io.Writer, unit string) (func(done int), func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(unit),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionClearOnFinish(),
	)
	return func(done int) { _ = bar.Set(done) }, func() { _ = bar.Clear() }
}

// tableRows is how many rows the table aligns at a time: a batch streams,
// so the table is flushed (and its columns sized) block by block.
const tableRows = 256

// maxTableWarnings bounds the warnings the table lists after the rows.
const maxTableWarnings = 100

// tableWriter prints each trade's positions as it is done, then the
// totals.
type tableWriter struct {
	w        io.Writer
	vegaUnit batch.VegaUnit
	extra    []string          // the asked-for Greeks beyond delta, gamma, vega: a column each, after the methods
	units    map[string]string // the unit in each extra column's heading
	tw       *tabwriter.Writer
	rows     int
	warnings []string
	more     int
}

func newTableWriter(w io.Writer, vegaUnit batch.VegaUnit, rhoUnit batch.RhoUnit, gs []greeks.Greek) *tableWriter {
	t := &tableWriter{w: w, vegaUnit: vegaUnit, units: maps.Clone(extraUnit)}
	if rhoUnit == batch.RhoBasisPoint {
		t.units["rho"] = "per bp"
	}
	for _, g := range batch.PositionGreeks[3:] { // rho, theta, vanna, volga
		if slices.Contains(gs, g) {
			t.extra = append(t.extra, g.String())
		}
	}
	t.block()
	return t
}

// block starts a block of aligned rows with the column header.
func (t *tableWriter) block() {
	t.tw = tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(t.tw, "ROW\tTRADE\tUNDERLYING\tPAYOFF\tQUANTITY\tSTATUS\tPRICE\tDELTA\tGAMMA\t%s\tMETHODS (delta/gamma/vega)", vegaHeader(t.vegaUnit))
	for _, g := range t.extra {
		fmt.Fprintf(t.tw, "\t%s (%s)", strings.ToUpper(g), t.units[g])
	}
	fmt.Fprintln(t.tw)
}

func (t *tableWriter) Row(tr batch.TradeReport) error {
	if t.rows > 0 && t.rows%tableRows == 0 {
		if err := t.tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(t.w)
		t.block()
	}
	t.rows++
	if tr.Status != "ok" {
		// Every column filled, the error last: an error row must not
		// break the alignment of the rows below it.
		fmt.Fprintf(t.tw, "%d\t%s\t%s\t-\t%s\terror\t-\t-\t-\t-\t%s\n", tr.Row, cell(tr.TradeID), cell(tr.Underlying),
			dash(cell(tr.Quantity)), cell(*tr.Error))
		return nil
	}
	p, m := tr.Position, tr.PositionMethods
	fmt.Fprintf(t.tw, "%d\t%s\t%s\t%s\t%s\tok\t%s\t%s\t%s\t%s\t%s/%s/%s", tr.Row, cell(tr.TradeID), cell(tr.Underlying), tr.Result.Payoff,
		tr.Quantity, dash(p["price"]), dash(p["delta"]), dash(p["gamma"]), dash(p["vega"]), dash(m["delta"]), dash(m["gamma"]), dash(m["vega"]))
	for _, g := range t.extra {
		if v := p[g]; v != "" {
			fmt.Fprintf(t.tw, "\t%s (%s)", v, m[g])
		} else {
			fmt.Fprint(t.tw, "\t-")
		}
	}
	fmt.Fprintln(t.tw)
	// A multi-asset trade: a line per asset (its Greeks' positions, which
	// add into that underlying's totals), then per cross Gamma (in GAMMA).
	for _, a := range tr.Assets {
		p, m := a.Position, a.PositionMethods
		fmt.Fprintf(t.tw, "\t\t%s\tasset %d\t\t\t\t%s\t%s\t%s\t%s/%s/%s\n", cell(a.Underlying), a.Asset,
			dash(p["delta"]), dash(p["gamma"]), dash(p["vega"]), dash(m["delta"]), dash(m["gamma"]), dash(m["vega"]))
	}
	for _, x := range tr.CrossGammas {
		fmt.Fprintf(t.tw, "\t\t%s\tcross-gamma %d,%d\t\t\t\t\t%s\t\t-/%s/-\n", cell(x.Underlyings[0]+"|"+x.Underlyings[1]),
			x.Assets[0], x.Assets[1], dash(x.Position), dash(x.PositionMethod))
	}
	for _, w := range tr.Result.Warnings {
		if len(t.warnings) == maxTableWarnings {
			t.more++
			continue
		}
		t.warnings = append(t.warnings, fmt.Sprintf("row %d (%s): %s", tr.Row, tr.TradeID, w))
	}
	return nil
}

func (t *tableWriter) End(s *batch.Summary) error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nTOTAL\tGREEK\tVALUE\tSTDERR\tTRADES")
	for _, tot := range s.Totals {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.4g\t%d\n", tot.Underlying, tot.Greek, tot.Value, tot.StdErr, tot.Trades)
	}
	if len(t.warnings) > 0 {
		fmt.Fprintln(tw, "\nWARNINGS:")
		for _, w := range t.warnings {
			fmt.Fprintf(tw, "  %s\n", w)
		}
		if t.more > 0 {
			fmt.Fprintf(tw, "  … and %d more (every one is in the JSON and CSV reports)\n", t.more)
		}
	}
	fmt.Fprintf(tw, "\n%d rows: %d ok, %d errors; batch seed %d; positions rounded half-to-even to %d decimals\n",
		s.OK+s.Errors, s.OK, s.Errors, s.Seed, s.Decimals)
	fmt.Fprintln(tw, deskNote(s))
	return tw.Flush()
}

// extraUnit names the unit of the table's columns beyond Vega.
var extraUnit = map[string]string{"rho": "per unit rate", "theta": "per year", "vanna": "∂²V/∂S∂σ", "volga": "∂²V/∂σ²"}

// cell makes input text one table cell: a tab or a line break in a
// trade_id or an error would shift or split the row.
var cell = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ", "\v", " ", "\f", " ").Replace

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
