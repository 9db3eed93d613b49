package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/mlbridge/synthetic"
)

func experimentCmd() *cli.Command {
	return &cli.Command{
		Name:        "experiment",
		Usage:       "reproduce the paper's experiments with correct estimators",
		Description: "Example:\n\n   greeks experiment synthetic --replicates 20 --samples 20000 --out out/synthetic",
		Subcommands: []*cli.Command{{
			Name:      "synthetic",
			Usage:     "the synthetic study: Table 1 and Figures 1, 3, 4 (z ~ N(θ, exp(αθ)²), non-smooth losses)",
			ArgsUsage: " ",
			Description: "Estimates d/dθ E[f(z)] for the hinge, the clipped quadratic and a step by pathwise, score,\n" +
				"score with the optimal baseline, the hybrid (cross-fitted λ, unclipped and clipped), a joint\n" +
				"control variate, and the paper's normalized weight (biased), against exact gradients; writes\n" +
				"the tables to stdout and, with --out, the PNG figures there.\n\n" +
				"Example:\n\n   greeks experiment synthetic --replicates 20 --samples 20000 --format json --out out/synthetic",
			OnUsageError: onUsageError,
			Action:       runSynthetic,
			Flags: []cli.Flag{
				&cli.IntFlag{Name: "replicates", Value: 50, Category: catStudy, Usage: "R: replicates per configuration"},
				&cli.IntFlag{Name: "samples", Value: 100_000, Category: catStudy, Usage: "N: samples per estimate"},
				&cli.IntFlag{Name: "small-batch", Value: 100, Category: catStudy, Usage: "the second Table 1 sample size"},
				&cli.StringFlag{Name: "alphas", Value: "0.5,0.75,1,1.25,1.5,1.75,2,2.25,2.5,2.75,3", Category: catStudy,
					Usage: "comma-separated α values of Figures 1 and 4"},
				&cli.StringFlag{Name: "batch-sizes", Value: "8,16,32,64,128,256,512", Category: catStudy,
					Usage: "comma-separated batch sizes B of Figure 3"},
				&cli.IntFlag{Name: "trials", Value: 500, Category: catStudy, Usage: "trials per batch size in Figure 3"},
				&cli.Uint64Flag{Name: "seed", Value: 1, Category: catSimulation, Usage: "seed: the same seed gives the same numbers"},
				&cli.IntFlag{Name: "workers", Category: catSimulation, Usage: "goroutines, 0 for all CPUs; never changes the numbers", Action: workers},
				&cli.StringFlag{Name: "out", Category: catOutput,
					Usage: "directory for the PNG figures, created if missing (default: no figures)"},
				&cli.StringFlag{Name: "format", Value: "table", Category: catOutput, Usage: "output format on stdout: table or json"},
			},
		}},
	}
}

func runSynthetic(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("unexpected argument %q", c.Args().First())
	}
	cfg := synthetic.Config{Replicates: c.Int("replicates"), Samples: c.Int("samples"), SmallBatch: c.Int("small-batch"),
		Trials: c.Int("trials"), Seed: c.Uint64("seed"), Workers: c.Int("workers")}
	var err error
	if cfg.Alphas, err = floatList(c.String("alphas"), "alphas"); err != nil {
		return err
	}
	sizes, err := floatList(c.String("batch-sizes"), "batch-sizes")
	if err != nil {
		return err
	}
	for _, b := range sizes {
		if b != math.Trunc(b) {
			return usagef("invalid --batch-sizes %q: %v is not an integer", c.String("batch-sizes"), b)
		}
		cfg.BatchSizes = append(cfg.BatchSizes, int(b))
	}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	format := c.String("format")
	if format != "table" && format != "json" {
		return usagef("invalid --format %q: want table or json", format)
	}
	if err := prepareDir("out", c.String("out")); err != nil {
		return err
	}
	res, err := synthetic.Run(c.Context, cfg)
	if err != nil {
		return err
	}
	if dir := c.String("out"); dir != "" {
		if err := res.Plot(dir); err != nil {
			return err
		}
	}
	if format == "json" {
		return json.NewEncoder(c.App.Writer).Encode(jsonResults(res))
	}
	return writeSynthetic(c.App.Writer, res)
}

func floatList(s, flag string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, usagef("invalid --%s %q: %q is not a number", flag, s, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// jsonResults replaces NaN λ (estimators without one) by null.
func jsonResults(r *synthetic.Results) any {
	type row struct {
		synthetic.Row
		Lambda *float64 `json:"lambda"`
	}
	rows := make([]row, len(r.Table1))
	for i, x := range r.Table1 {
		rows[i].Row = x
		if !math.IsNaN(x.Lambda) {
			l := x.Lambda
			rows[i].Lambda = &l
		}
	}
	return map[string]any{"table1": rows, "figure1": r.Figure1, "figure3": r.Figure3, "figure4": r.Figure4}
}

func writeSynthetic(w io.Writer, r *synthetic.Results) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Table 1: gradient estimators at θ = 0.8, α = 2 (RMSE over replicates ± standard error)")
	fmt.Fprintln(tw, "LOSS\tESTIMATOR\tN\tMEAN\tEXACT\tRMSE\t± SE\tλ\tNOTE")
	for _, x := range r.Table1 {
		l := "-"
		if !math.IsNaN(x.Lambda) {
			l = fmt.Sprintf("%.3f", x.Lambda)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t%s\n", x.Loss, x.Estimator, x.N, x.Mean, x.Exact, x.RMSE, x.RMSESE, l, x.Note)
	}
	fmt.Fprintln(tw, "\nFigure 1: λ* against α (plug-in λ̂, replicate mean ± SE; exact by quadrature)")
	fmt.Fprintln(tw, "LOSS\tα\tλ̂\t± SE\tλ* EXACT")
	for _, x := range r.Figure1 {
		fmt.Fprintf(tw, "%s\t%.2f\t%.4f\t%.4f\t%.4f\n", x.Loss, x.Alpha, x.Lambda, x.SE, x.Exact)
	}
	fmt.Fprintln(tw, "\nFigure 3: MSE of the plug-in λ̂ against B")
	fmt.Fprintln(tw, "LOSS\tα\tB\tMSE\t± SE\tSLOPE")
	for _, x := range r.Figure3 {
		fmt.Fprintf(tw, "%s\t%.2f\t%d\t%.3g\t%.2g\t%.3f\n", x.Loss, x.Alpha, x.B, x.MSE, x.SE, x.Slope)
	}
	fmt.Fprintln(tw, "\nFigure 4: variance reduction of the hybrid against α (% of min(Var P, Var S))")
	fmt.Fprintln(tw, "LOSS\tα\tREDUCTION %\t± SE\tEXACT %")
	for _, x := range r.Figure4 {
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2f\n", x.Loss, x.Alpha, x.Reduction, x.SE, x.Exact)
	}
	return tw.Flush()
}
