package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

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
			"rounded half-to-even to --decimals; totals per underlying and over the portfolio (\"*\").\n" +
			"The report file is written whole or not at all. Without --in it runs the embedded sample.\n" +
			"Exit status: 0 all rows ok, 1 some rows failed (the report is still written), 2 usage error.\n\n" +
			"Example:\n\n" +
			"   greeks batch --in greeks/batch/sample/portfolio.csv --market greeks/batch/sample/market.csv --out report.json",
		OnUsageError: onUsageError,
		Action:       runBatch,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "in", Category: catInput, Usage: "portfolio file (.csv or .json); default: the embedded sample"},
			&cli.StringFlag{Name: "in-format", Category: catInput, Usage: "csv or json, when the extension does not say"},
			&cli.StringFlag{Name: "market", Category: catInput, EnvVars: []string{"GREEKS_MARKET"},
				Usage: "market file keyed by underlying (spot, vol, rate, div); row values override it"},
			&cli.StringFlag{Name: "market-format", Category: catInput, Usage: "csv or json, when the extension does not say"},
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
				Usage: "comma-separated Greeks to estimate"},
			&cli.StringFlag{Name: "methods", Category: catEstimators,
				Usage: "comma-separated methods of fd, pathwise, malliavin, localized, hybrid; default every method valid for each trade (an invalid one named here makes that trade an error)"},
			&cli.StringFlag{Name: "lambda", Value: "crossfit", Category: catEstimators,
				Usage: "how the hybrid's λ is estimated: crossfit, plugin or pilot"},
		},
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
	if c.String("methods") != "" {
		if cfg.Methods, err = parseList(c, "methods", greeks.ParseMethod); err != nil {
			return err
		}
	}
	if cfg.Lambda, err = greeks.ParseLambdaMode(c.String("lambda")); err != nil {
		return usagef("invalid --lambda %q: want crossfit, plugin or pilot", c.String("lambda"))
	}
	if cfg.MaxPaths < cfg.Paths {
		return usagef("invalid --max-paths %d: must be at least --paths %d", cfg.MaxPaths, cfg.Paths)
	}
	d := c.Int("decimals")
	if d < 0 || d > 18 {
		return usagef("invalid --decimals %d: must be between 0 and 18", d)
	}
	format := c.String("format")
	if format != "table" && format != "json" && format != "csv" {
		return usagef("invalid --format %q: want table, json or csv", format)
	}
	var outFormat batch.Format
	out := c.String("out")
	if out != "" {
		if outFormat, err = batch.FormatOf(out); err != nil {
			return usagef("invalid --out %q: %v", out, err)
		}
	}

	rows, market, err := readInputs(c)
	if err != nil {
		return err
	}
	opt := batch.Options{Config: cfg, Workers: c.Int("workers"), Decimals: int32(d)}
	progress := progressFunc(c.App.ErrWriter, len(rows), "trades")
	rep, err := batch.Run(c.Context, rows, market, opt, progress)
	if err != nil {
		if errors.Is(err, greeks.ErrCanceled) {
			return fmt.Errorf("interrupted: no report written")
		}
		return err
	}
	where := ""
	switch {
	case out != "":
		if err := rep.WriteFile(out, outFormat); err != nil {
			return err
		}
		where = " " + out
	case format == "json":
		err = rep.WriteJSON(c.App.Writer)
	case format == "csv":
		err = rep.WriteCSV(c.App.Writer)
	default:
		err = writeBatchTable(c.App.Writer, rep)
	}
	if err != nil {
		return err
	}
	if rep.Errors > 0 {
		return &rowsFailed{rep.Errors, len(rep.Trades), where}
	}
	return nil
}

// readInputs reads the portfolio and the market file named by the flags,
// or the embedded sample; a file that cannot be read is a usage error.
func readInputs(c *cli.Context) ([]batch.Row, batch.Market, error) {
	rows, market, err := batch.ReadFiles(batch.Files{Trades: c.String("in"), TradesFormat: c.String("in-format"),
		Market: c.String("market"), MarketFormat: c.String("market-format")})
	return rows, market, fileUsage(err)
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

// writeBatchTable prints each trade's positions and the totals.
func writeBatchTable(w io.Writer, rep *batch.Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROW\tTRADE\tUNDERLYING\tPAYOFF\tQUANTITY\tSTATUS\tPRICE\tDELTA\tGAMMA\tVEGA\tMETHODS (delta/gamma/vega)")
	for _, t := range rep.Trades {
		if t.Status != "ok" {
			fmt.Fprintf(tw, "%d\t%s\t%s\t\t%s\terror\t%s\n", t.Row, t.TradeID, t.Underlying, t.Quantity, *t.Error)
			continue
		}
		p, m := t.Position, t.PositionMethods
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\tok\t%s\t%s\t%s\t%s\t%s/%s/%s\n", t.Row, t.TradeID, t.Underlying, t.Result.Payoff,
			t.Quantity, dash(p["price"]), dash(p["delta"]), dash(p["gamma"]), dash(p["vega"]), dash(m["delta"]), dash(m["gamma"]), dash(m["vega"]))
	}
	fmt.Fprintln(tw, "\nTOTAL\tGREEK\tVALUE\tSTDERR\tTRADES")
	for _, t := range rep.Totals {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.4g\t%d\n", t.Underlying, t.Greek, t.Value, t.StdErr, t.Trades)
	}
	fmt.Fprintf(tw, "\n%d rows: %d ok, %d errors; batch seed %d; positions rounded half-to-even to %d decimals\n",
		len(rep.Trades), rep.OK, rep.Errors, rep.Seed, rep.Decimals)
	return tw.Flush()
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
