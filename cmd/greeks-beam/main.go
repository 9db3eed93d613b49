// Command greeks-beam runs `greeks batch` as an Apache Beam pipeline: on
// Beam's embedded prism runner locally, or on a Flink, Spark or Dataflow
// cluster through Beam's portable runners. Each trade is cut into path
// shards (ranges of its chunks of 4096 paths, each on its own random
// stream), the shards are simulated in parallel, and each trade's chunks are
// merged in index order, so the report equals `greeks batch`'s figure for
// figure whatever the runner, the worker count or --shards-per-trade.
//
//	greeks-beam --in portfolio.csv --market market.csv --out report.json
//
// It lives in its own module so that Beam's dependencies stay out of the
// main module and out of the greeks binary.
//
// Exit status: 0 all rows ok, 1 some rows failed (the report is still
// written) or the pipeline failed, 2 usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/urfave/cli/v2"

	// Runners, registered by name for beam.Run.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"

	"github.com/hybridgreeks/hybridgreeks/cmd/internal/cliflag"
	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

func main() {
	// A runner starts this binary as a Beam worker (--worker and Beam's
	// own flags): Beam's harness takes over and exits.
	if slices.ContainsFunc(os.Args[1:], func(a string) bool { return a == "--worker" || a == "-worker" || strings.HasPrefix(a, "--worker=") }) {
		flag.Parse()
		beam.Init()
		return
	}
	initBeam()
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// Runners names the runners --runner accepts.
var runners = []string{"prism", "flink", "spark", "dataflow"}

// run runs the app with args and returns the exit status: the one place
// where errors become exit codes and are printed.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newApp(stdout, stderr).RunContext(ctx, args)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "greeks-beam: %s\n", strings.TrimPrefix(err.Error(), "greeks: "))
	return exitCode(err)
}

func exitCode(err error) int {
	var (
		ue *usageError
		gp *greeks.ParamError
		sp *sde.ParamError
		pp *payoff.ParamError
	)
	switch {
	case errors.As(err, &ue), errors.As(err, &gp), errors.As(err, &sp), errors.As(err, &pp):
		return 2
	}
	return 1
}

// usageError is a command line the app cannot act on.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }

// rowsFailed reports a run whose report was written but some of whose rows
// are errors: exit status 1, as greeks batch.
type rowsFailed struct {
	failed, rows int64
	where        string
}

func (e *rowsFailed) Error() string {
	return fmt.Sprintf("%d of %d rows failed (their errors are in the report %s)", e.failed, e.rows, e.where)
}

const (
	catIO       = "Input and output:"
	catSim      = "Simulation:"
	catEstimate = "Estimators:"
	catBeam     = "Beam:"
)

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "greeks-beam",
		Usage:     "price a portfolio file as an Apache Beam pipeline: greeks batch's report, from many machines",
		ArgsUsage: " ",
		Description: "Reads and checks the portfolio as greeks batch does, then prices it on a Beam runner: each\n" +
			"trade's paths are cut into --shards-per-trade shards of whole 4096-path chunks (chunk i on\n" +
			"the stream (seed, i)), simulated in parallel, and merged in chunk order, so every figure\n" +
			"equals greeks batch's whatever the runner, workers or shards. The pilot that chooses a\n" +
			"localization width (or λ with --lambda pilot) runs once per trade, before its shards.\n" +
			"--tolerance is refused: where such a run stops depends on every path merged before it.\n" +
			"The report (.json or .csv by --out's extension) is written whole or not at all, by one\n" +
			"worker: on a cluster --out must be a gs:// object or a path on a file system every worker shares.\n" +
			"Exit status: 0 all rows ok, 1 some rows failed (the report is still written), 2 usage error.\n\n" +
			"Examples:\n\n" +
			"   greeks-beam --in portfolio.csv --market market.csv --out report.json\n" +
			"   greeks-beam --in portfolio.csv --out report.json --runner flink --endpoint localhost:8099 \\\n" +
			"       --beam-option environment_type=LOOPBACK",
		Writer:         stdout,
		ErrWriter:      stderr,
		HideVersion:    true,
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usagef("%v (see greeks-beam --help)", err)
		},
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "in", Category: catIO, Usage: "portfolio file (.csv or .json); default: the embedded sample"},
			&cli.StringFlag{Name: "in-format", Category: catIO, Usage: "csv or json, when the extension does not say"},
			&cli.StringFlag{Name: "market", Category: catIO, EnvVars: []string{"GREEKS_MARKET"},
				Usage: "market file keyed by underlying (spot, vol, rate, div); row values override it"},
			&cli.StringFlag{Name: "market-format", Category: catIO, Usage: "csv or json, when the extension does not say"},
			&cli.StringFlag{Name: "correlations", Category: catIO, EnvVars: []string{"GREEKS_CORRELATIONS"},
				Usage: "correlations file (underlying_a, underlying_b, rho) for trades on several underlyings joined by '|'; default with no --in: the sample's"},
			&cli.StringFlag{Name: "correlations-format", Category: catIO, Usage: "csv or json, when the extension does not say"},
			cliflag.ValuationDateFlag(catIO),
			&cli.StringFlag{Name: "out", Category: catIO, Usage: "report file, .json or .csv, written atomically (a local path, or gs://bucket/…)"},
			cliflag.VegaUnitFlag(catIO),
			cliflag.RhoUnitFlag(catIO),
			&cli.IntFlag{Name: "decimals", Value: batch.DefaultDecimals, Category: catIO,
				Usage: "decimal places of positions and totals (half-to-even)"},
			&cli.Int64Flag{Name: "paths", Value: batch.DefaultPaths, Category: catSim, EnvVars: []string{"GREEKS_PATHS"},
				Usage: "paths per trade, unless the row says"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Category: catSim, EnvVars: []string{"GREEKS_SEED"},
				Usage: "batch seed; each trade's seed derives from it and its trade_id, unless the row gives one"},
			&cli.IntFlag{Name: "workers", Category: catSim, EnvVars: []string{"GREEKS_WORKERS"},
				Usage: "goroutines per shard on a Beam worker, 0 for all its CPUs; never changes the numbers"},
			&cli.Float64Flag{Name: "tolerance", Category: catSim,
				Usage: "refused: a run stopped by a tolerance cannot be split exactly (use greeks batch)"},
			&cli.Int64Flag{Name: "max-paths", Value: greeks.DefaultMaxPaths, Category: catSim,
				Usage: "the most paths a row may ask for"},
			&cli.StringFlag{Name: "greeks", Value: "delta,gamma,vega", Category: catEstimate,
				Usage: "comma-separated Greeks to estimate, of delta, gamma, vega, rho, theta, vanna, volga, cross-gamma; " +
					"rho, theta and volga positions add into the * total, vanna (in shares, like delta) does not"},
			&cli.StringFlag{Name: "methods", Category: catEstimate,
				Usage: "comma-separated methods; default every method valid for each trade (an invalid one named here makes that trade an error)"},
			&cli.StringFlag{Name: "lambda", Value: "crossfit", Category: catEstimate,
				Usage: "how the hybrid's λ is estimated: crossfit, plugin or pilot"},
			&cli.StringFlag{Name: "runner", Value: "prism", Category: catBeam,
				Usage: "Beam runner: " + strings.Join(runners, ", ") + " (prism is embedded and needs nothing installed)"},
			&cli.StringFlag{Name: "endpoint", Category: catBeam,
				Usage: "job service host:port of a flink or spark job server (prism: an external prism; default: embedded)"},
			&cli.IntFlag{Name: "shards-per-trade", Value: 4, Category: catBeam,
				Usage: "path shards per trade (at most its chunks); never changes the numbers"},
			&cli.StringSliceFlag{Name: "beam-option", Category: catBeam,
				Usage: "a Beam pipeline option name=value, repeatable (environment_type=LOOPBACK, project=…, region=…, staging_location=gs://…)"},
		}, cliflag.RNGFlags(catSim)...),
		Action: runPipeline,
	}
	cliflag.Flags(app.Flags) // decimals, as greeks batch and the rows read them
	return app
}

func runPipeline(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("unexpected argument %q: greeks-beam takes flags only", c.Args().First())
	}
	j, err := jobOf(c)
	if err != nil {
		return err
	}
	runner := c.String("runner")
	if !slices.Contains(runners, runner) {
		return usagef("invalid --runner %q: want %s", runner, strings.Join(runners, ", "))
	}
	if runner != "prism" && runner != "dataflow" && c.String("endpoint") == "" {
		return usagef("--runner %s needs --endpoint host:port of its job server", runner)
	}
	opts := map[string]string{}
	if e := c.String("endpoint"); e != "" {
		opts["endpoint"] = e
	}
	for _, kv := range c.StringSlice("beam-option") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usagef("invalid --beam-option %q: want name=value", kv)
		}
		opts[strings.TrimLeft(k, "-")] = v
	}
	if _, set := opts["worker_binary"]; !set && runner != "prism" {
		// This binary is its own Beam worker (main's --worker): ship it
		// rather than let Beam cross-compile the source it was built from.
		if exe, err := os.Executable(); err == nil {
			opts["worker_binary"] = exe
		}
	}
	for k, v := range opts {
		if flag.Lookup(k) == nil {
			return usagef("invalid --beam-option %s: Beam has no such option", k)
		}
		if err := flag.Set(k, v); err != nil {
			return usagef("invalid --beam-option %s=%s: %v", k, v, err)
		}
	}
	rows, market, err := readInputs(c)
	if err != nil {
		return err
	}
	j.Market = market
	files := batch.Files{Trades: c.String("in"), Correlations: c.String("correlations"), CorrelationsFormat: c.String("correlations-format")}
	if j.Options.Correlations, err = files.ReadCorrelations(); err != nil {
		var fe *batch.FileError
		if errors.As(err, &fe) {
			return &usageError{fe}
		}
		return err
	}
	if !strings.Contains(j.Out, "://") {
		// Before any work, as greeks batch: the report must not replace an
		// input, and its directory must take it. The writer creates it
		// afresh at the end.
		o, err := batch.CreateOut(j.Out, batch.Input{Which: "in", Path: c.String("in")},
			batch.Input{Which: "market", Path: c.String("market")}, batch.Input{Which: "correlations", Path: c.String("correlations")})
		if err != nil {
			return &usageError{err}
		}
		o.Discard()
	}
	if e := opts["endpoint"]; e != "" {
		// Beam waits minutes for a job server that is not there; say so now.
		conn, err := net.DialTimeout("tcp", e, 10*time.Second)
		if err != nil {
			return fmt.Errorf("job server at --endpoint %s: %w (no report written)", e, err)
		}
		conn.Close()
	}
	ok, failed, err := execute(c.Context, runner, rows, j)
	if err != nil {
		return err
	}
	if failed > 0 {
		return &rowsFailed{failed, ok + failed, j.Out}
	}
	return nil
}

// jobOf builds the job from the flags, validating them as greeks batch does.
func jobOf(c *cli.Context) (job, error) {
	var j job
	cfg := greeks.Config{Paths: c.Int64("paths"), Seed: c.Uint64("seed"), MaxPaths: c.Int64("max-paths")}
	if t := c.Float64("tolerance"); t != 0 {
		return j, usagef("invalid --tolerance %v: %s; run greeks batch for tolerance stopping",
			t, strings.TrimPrefix(greeks.ErrSplitTolerance.Error(), "greeks: "))
	}
	if cfg.Paths < 2 {
		return j, usagef("invalid --paths %d: must be at least 2", cfg.Paths)
	}
	if cfg.MaxPaths < cfg.Paths {
		return j, usagef("invalid --max-paths %d: must be at least --paths %d", cfg.MaxPaths, cfg.Paths)
	}
	var err error
	if cfg.Greeks, err = parseList(c, "greeks", greeks.ParseGreek); err != nil {
		return j, err
	}
	if err := batch.CheckGreeks(cfg.Greeks); err != nil {
		return j, usagef("invalid --greeks: %v", err)
	}
	if c.String("methods") != "" {
		if cfg.Methods, err = parseList(c, "methods", greeks.ParseMethod); err != nil {
			return j, err
		}
	}
	if cfg.Lambda, err = greeks.ParseLambdaMode(c.String("lambda")); err != nil {
		return j, usagef("invalid --lambda %q: want crossfit, plugin or pilot", c.String("lambda"))
	}
	d := c.Int("decimals")
	if d < 0 || d > 18 {
		return j, usagef("invalid --decimals %d: must be between 0 and 18", d)
	}
	if w := c.Int("workers"); w < 0 {
		return j, usagef("invalid --workers %d: must be 0 (all CPUs) or more", w)
	}
	if n := c.Int("shards-per-trade"); n < 1 {
		return j, usagef("invalid --shards-per-trade %d: must be at least 1", n)
	}
	j.Out = c.String("out")
	if j.Out == "" {
		return j, usagef("--out is required: the report file, .json or .csv")
	}
	if j.Format, err = batch.FormatOf(j.Out); err != nil {
		return j, usagef("invalid --out %q: %v", j.Out, err)
	}
	vegaUnit, valuation, err := cliflag.Desk(c)
	if err != nil {
		return j, usagef("%v", err)
	}
	rhoUnit, err := cliflag.RhoUnit(c)
	if err != nil {
		return j, usagef("%v", err)
	}
	if err := cliflag.RNG(c, &cfg); err != nil {
		return j, usagef("%v", err)
	}
	j.Options = batch.Options{Config: cfg, Decimals: int32(d), VegaUnit: vegaUnit, ValuationDate: valuation,
		RhoUnit: rhoUnit}.WithDefaults()
	// Workers is per shard on a Beam worker machine, whose CPU count the
	// launcher does not know: 0 there means all of them.
	j.Options.Workers = c.Int("workers")
	j.Shards = c.Int("shards-per-trade")
	return j, nil
}

// parseList parses a comma-separated flag value.
func parseList[T any](c *cli.Context, name string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for s := range strings.SplitSeq(c.String(name), ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			// As greeks batch: an empty name is a typo, not a default.
			return nil, usagef("invalid --%s %q: an empty name", name, c.String(name))
		}
		v, err := parse(s)
		if err != nil {
			return nil, usagef("invalid --%s: %v", name, err)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, usagef("invalid --%s %q: empty", name, c.String(name))
	}
	return out, nil
}

// readInputs reads the portfolio and the market file named by the flags
// (or the embedded sample) with batch's readers, as greeks batch does; a file
// that cannot be read is a usage error.
func readInputs(c *cli.Context) ([]batch.Row, batch.Market, error) {
	rows, market, err := batch.ReadFiles(batch.Files{Trades: c.String("in"), TradesFormat: c.String("in-format"),
		Market: c.String("market"), MarketFormat: c.String("market-format")})
	if fe := (*batch.FileError)(nil); errors.As(err, &fe) {
		return nil, nil, &usageError{fe}
	}
	return rows, market, err
}

// execute builds the pipeline and runs it on runner, and returns the
// number of ok and failed rows that the writer counted (both 0 when the
// runner reports no metrics).
func execute(ctx context.Context, runner string, rows []batch.Row, j job) (ok, failed int64, err error) {
	p, s := beam.NewPipelineWithRoot()
	if err := build(s, rows, j); err != nil {
		return 0, 0, err
	}
	res, err := beam.Run(ctx, runner, p)
	if err != nil {
		return 0, 0, fmt.Errorf("pipeline on %s: %w (no report written)", runner, err)
	}
	if res == nil {
		return 0, 0, nil
	}
	for _, r := range res.Metrics().AllMetrics().Counters() {
		switch r.Key.Name {
		case "rows_ok":
			ok += r.Result()
		case "rows_error":
			failed += r.Result()
		}
	}
	return ok, failed, nil
}

// initBeam prepares Beam in the launching process: warnings only from
// its logs, then beam.Init.
func initBeam() {
	beamlog.LogLevel = "warn"
	beam.Init()
}
