package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
	"github.com/hybridgreeks/hybridgreeks/mlbridge"
	"github.com/hybridgreeks/hybridgreeks/vae"
	"github.com/hybridgreeks/hybridgreeks/vae/dataset"
)

// vaeDataFlags are the flags that choose the images.
func vaeDataFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "data", Value: "fashion-mnist", Category: catData, Usage: "fashion-mnist (Debian package dataset-fashion-mnist) or cifar10 (binary files in --data-dir)"},
		&cli.StringFlag{Name: "data-dir", Category: catData, Usage: "directory of the data files; fashion-mnist defaults to " + dataset.FashionMNISTDir},
		&cli.IntFlag{Name: "subset", Value: 2048, Category: catData, Usage: "training images used (0: all)"},
		&cli.IntFlag{Name: "test-subset", Value: 512, Category: catData, Usage: "test images used (0: all)"},
	}
}

func vaeFlags() []cli.Flag {
	return append(vaeDataFlags(),
		&cli.IntFlag{Name: "batch", Value: 128, Category: catTraining, Usage: "batch size"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Category: catTraining, Usage: "seed of the initial weights and the draws"},
		&cli.StringFlag{Name: "lambda", Value: "crossfit", Category: catEstimators, Usage: "hybrid λ mode: crossfit, plugin or running"},
		&cli.StringFlag{Name: "granularity", Value: "coordinate", Category: catEstimators, Usage: "hybrid λ per coordinate of the encoder cotangents, or trace"},
		&cli.BoolFlag{Name: "baseline", Category: catEstimators, Usage: "running baseline for the score estimator"},
		&cli.StringFlag{Name: "dtype", Value: "float64", Category: catTraining, Usage: "the networks' float type: float64 or float32 (half the memory, faster; gradients within float32 rounding)"},
	)
}

func vaeCmd() *cli.Command {
	return &cli.Command{
		Name:        "vae",
		Usage:       "train the paper's convolutional VAE with pathwise, score, hybrid or sticking-the-landing encoder gradients",
		Description: "Example:\n\n   greeks vae train --estimator hybrid --epochs 2 --out out/vae",
		Subcommands: []*cli.Command{
			{
				Name:      "train",
				Usage:     "train and log train/test ELBO, λ, gradient norm and seconds per epoch",
				ArgsUsage: " ",
				Description: "Defaults train 2 epochs on 2,048 Fashion-MNIST images (padded to 32×32) in batches of 128;\n" +
					"about 2 minutes (1:46 measured, 93 CPU-s) on a 2-core machine. The paper's run is --subset 0 --epochs 100 (a GPU-class\n" +
					"machine: on one idle core of this one about 4 minutes (240 CPU-s) an epoch with -tags openblas --dtype float32, 6.7 hours in all).\n\n" +
					"Example:\n\n   greeks vae train --estimator hybrid --epochs 2 --out out/vae",
				OnUsageError: onUsageError,
				Action:       runVAETrain,
				Flags: append(vaeFlags(),
					&cli.StringFlag{Name: "estimator", Value: "hybrid", Category: catEstimators, Usage: "encoder gradient: pathwise, score, hybrid, stl (sticking the landing) or hybrid-stl (pathwise mixed with stl)"},
					&cli.IntFlag{Name: "epochs", Value: 2, Category: catTraining, Usage: "total epochs (with --resume: the total to reach)"},
					&cli.StringFlag{Name: "out", Value: "out/vae", Category: catOutput, Usage: "directory for train.csv and train.json, created before training"},
					&cli.StringFlag{Name: "checkpoint", Category: catOutput, Usage: "file to save the trainer to after each epoch (written atomically; its directory is created before training)"},
					&cli.BoolFlag{Name: "resume", Category: catTraining, Usage: "continue from --checkpoint exactly where it stopped"},
					&cli.IntFlag{Name: "variance-draws", Category: catOutput, Usage: "after each epoch, log the encoder gradient's variance trace over this many draws on the first batch (0: off)"},
				),
			},
			{
				Name:         "plot",
				Usage:        "draw the −ELBO and λ curves of train.json or train.csv logs into a PNG",
				ArgsUsage:    "NAME=PATH/train.json|train.csv ...",
				Description:  "Example:\n\n   greeks vae plot --out docs/vae/curves.png pathwise=out/p/train.json hybrid=out/h/train.json",
				OnUsageError: onUsageError,
				Action:       runVAEPlot,
				Flags: []cli.Flag{&cli.StringFlag{Name: "out", Value: "out/vae/curves.png", Category: catOutput,
					Usage: "PNG file to write (its directory is created)"}},
			},
			{
				Name:         "eval",
				Usage:        "the test −ELBO of a checkpoint",
				ArgsUsage:    " ",
				Description:  "Example:\n\n   greeks vae eval --checkpoint out/vae.ckpt --test-subset 0",
				OnUsageError: onUsageError,
				Action:       runVAEEval,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "checkpoint", Category: catInput, Usage: "a file written by vae train --checkpoint", Required: true},
					// --data, --data-dir, --test-subset: eval reads no training images.
					vaeDataFlags()[0], vaeDataFlags()[1], vaeDataFlags()[3],
				},
			},
			{
				Name:      "variance",
				Usage:     "a Table-2-like comparison: encoder-gradient variance of each estimator on one batch",
				ArgsUsage: " ",
				Description: "At the initial parameters, or at those of --checkpoint, draws each estimator's encoder gradient\n" +
					"--draws times on the same batch and sums the per-parameter variances over the encoder (and per layer).\n\n" +
					"Example:\n\n   greeks vae variance --batch 32 --draws 20 --format json\n" +
					"   greeks vae variance --checkpoint out/vae.ckpt --batch 32 --draws 100",
				OnUsageError: onUsageError,
				Action:       runVAEVariance,
				Flags: append(vaeFlags(),
					&cli.IntFlag{Name: "draws", Value: 20, Category: catEstimators, Usage: "independent draws per estimator"},
					&cli.StringFlag{Name: "checkpoint", Category: catInput, Usage: "measure at the weights of this file (written by vae train --checkpoint) instead of the initial ones"},
					&cli.StringFlag{Name: "format", Value: "table", Category: catOutput, Usage: "output format: table or json"},
				),
			},
		},
	}
}

// vaeSetup reads the data and the shared flags.
func vaeSetup(c *cli.Context) (train, test *dataset.Images, cfg vae.TrainConfig, err error) {
	if c.Args().Present() {
		return nil, nil, cfg, usagef("unexpected argument %q", c.Args().First())
	}
	cfg = vae.TrainConfig{Batch: c.Int("batch"), Seed: c.Uint64("seed"), Baseline: c.Bool("baseline")}
	if cfg.Batch < 4 {
		return nil, nil, cfg, usagef("invalid --batch %d: must be at least 4", cfg.Batch)
	}
	switch c.String("dtype") {
	case "float64":
	case "float32":
		cfg.Float32 = true
	default:
		return nil, nil, cfg, usagef("invalid --dtype %q: want float64 or float32", c.String("dtype"))
	}
	if cfg.Mixer.Mode, err = mlbridge.ParseMode(c.String("lambda")); err != nil {
		return nil, nil, cfg, usagef("invalid --lambda %q: want crossfit, plugin or running", c.String("lambda"))
	}
	switch c.String("granularity") {
	case "coordinate":
		cfg.Mixer.Granularity = mlbridge.Coordinate
	case "trace":
		cfg.Mixer.Granularity = mlbridge.Trace
	default:
		return nil, nil, cfg, usagef("invalid --granularity %q: want coordinate or trace", c.String("granularity"))
	}
	if train, err = vaeImages(c, "train", c.Int("subset")); err != nil {
		return nil, nil, cfg, err
	}
	if test, err = vaeImages(c, "test", c.Int("test-subset")); err != nil {
		return nil, nil, cfg, err
	}
	return train, test, cfg, nil
}

// vaeImages reads the first n images (0: all) of split as --data and
// --data-dir say.
func vaeImages(c *cli.Context, split string, n int) (*dataset.Images, error) {
	if err := checkReadableDir("data-dir", c.String("data-dir")); err != nil {
		return nil, err
	}
	var im *dataset.Images
	var err error
	switch c.String("data") {
	case "fashion-mnist":
		if im, err = dataset.LoadFashionMNIST(c.String("data-dir"), split); err == nil {
			im, err = im.Subset(n).Pad(32, 32)
		}
	case "cifar10":
		if c.String("data-dir") == "" {
			return nil, usagef("--data cifar10 needs --data-dir (the CIFAR-10 binary files)")
		}
		if im, err = dataset.LoadCIFAR10(c.String("data-dir"), split); err == nil {
			im = im.Subset(n)
		}
	default:
		return nil, usagef("invalid --data %q: want fashion-mnist or cifar10", c.String("data"))
	}
	return im, err
}

func runVAETrain(c *cli.Context) error {
	train, test, cfg, err := vaeSetup(c)
	if err != nil {
		return err
	}
	if cfg.Estimator, err = vae.ParseEstimator(c.String("estimator")); err != nil {
		return usagef("invalid --estimator %q: want pathwise, score, hybrid, stl or hybrid-stl", c.String("estimator"))
	}
	epochs := c.Int("epochs")
	if epochs < 1 {
		return usagef("invalid --epochs %d: must be at least 1", epochs)
	}
	if err := prepareDir("out", c.String("out")); err != nil {
		return err
	}
	if err := prepareFile("checkpoint", c.String("checkpoint")); err != nil {
		return err
	}
	ckpt := c.String("checkpoint")
	var tr *vae.Trainer
	var logs []vae.EpochLog
	start := 0
	if c.Bool("resume") {
		if ckpt == "" {
			return usagef("--resume needs --checkpoint")
		}
		cp, err := vae.LoadCheckpoint(ckpt)
		if err != nil {
			return err
		}
		if tr, err = vae.Resume(cp); err != nil {
			return err
		}
		start, logs, cfg = cp.Epoch, cp.Logs, tr.Cfg
	} else if tr, err = vae.NewTrainer(vae.PaperArch(train.Channels), cfg); err != nil {
		return err
	}
	defer tr.Net.Close()
	if train.N < cfg.Batch {
		return usagef("invalid --subset %d: fewer images than one batch of %d", train.N, cfg.Batch)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "vae %s: %d training images, %d test, batch %d, epochs %d to %d\n", cfg.Estimator, train.N, test.N, cfg.Batch, start+1, epochs)
	for e := start; e < epochs; e++ {
		progress := progressFunc(c.App.ErrWriter, train.N/cfg.Batch, "batches")
		l, err := tr.Epoch(c.Context, train, e, progress)
		if err != nil {
			return &partial{err, vaeWritten(c, ckpt, e, start)}
		}
		if test.N >= cfg.Batch {
			if l.TestLoss, err = tr.Evaluate(test); err != nil {
				return err
			}
		}
		if r := c.Int("variance-draws"); r >= 2 {
			v, err := tr.GradientVariance(train.Pixels[:cfg.Batch*train.Size()], r)
			if err != nil {
				return err
			}
			l.GradVariance = v.VarianceTrace
		}
		logs = append(logs, l)
		fmt.Fprintf(w, "epoch %d: train −ELBO %.2f  test −ELBO %.2f  λ %s  |g| %.3g  Var %s  %.1f s\n",
			l.Epoch, l.TrainLoss, l.TestLoss, numOrDash(l.Lambda), l.GradNorm, numOrDash(l.GradVariance), l.Seconds)
		if math.IsNaN(l.TrainLoss) || math.IsInf(l.TrainLoss, 0) || math.IsNaN(l.GradNorm) {
			// The weights are no longer numbers: later epochs would only
			// repeat NaN, and the checkpoint keeps the last finite epoch.
			// The log, with this epoch's row, is written so that the
			// divergence is on record.
			err := fmt.Errorf("vae train: the %s estimator diverged in epoch %d (train −ELBO %v, gradient norm %v); "+
				"the checkpoint, if any, holds epoch %d (the score estimator is thousands of times noisier than pathwise: try --baseline)",
				cfg.Estimator, l.Epoch, l.TrainLoss, l.GradNorm, e)
			if dir := c.String("out"); dir != "" {
				if werr := writeVAELogs(dir, logs); werr != nil {
					return errors.Join(err, werr)
				}
				fmt.Fprintf(w, "log: %s\n", filepath.Join(dir, "train.{csv,json}"))
			}
			return err
		}
		if ckpt != "" {
			cp, err := tr.Checkpoint(e+1, logs)
			if err != nil {
				return err
			}
			if err := cp.Save(ckpt); err != nil {
				return err
			}
		}
	}
	if dir := c.String("out"); dir != "" {
		if err := writeVAELogs(dir, logs); err != nil {
			return err
		}
		fmt.Fprintf(w, "log: %s\n", filepath.Join(dir, "train.{csv,json}"))
	}
	return nil
}

// vaeWritten says what a vae train stopped during epoch e (0-based) has
// written: the checkpoint of the epoch before, if it wrote one; never the
// logs, which are written at the end.
func vaeWritten(c *cli.Context, ckpt string, e, start int) string {
	switch {
	case ckpt != "" && e > start:
		return fmt.Sprintf("epoch %d not finished; %s holds epoch %d (resume with --resume); no log written", e+1, ckpt, e)
	case ckpt != "" && c.Bool("resume"):
		return fmt.Sprintf("epoch %d not finished; %s unchanged; no log written", e+1, ckpt)
	}
	return fmt.Sprintf("epoch %d not finished; no checkpoint or log written", e+1)
}

func numOrDash(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// writeVAELogs writes train.csv and train.json into dir, each whole or not
// at all (batch.OutFile); non-finite numbers are NaN/±Inf in the CSV and
// null in the JSON.
func writeVAELogs(dir string, logs []vae.EpochLog) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, fill func(io.Writer) error) error {
		o, err := batch.CreateOut(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := fill(o); err != nil {
			o.Discard()
			return err
		}
		return o.Commit()
	}
	err := write("train.csv", func(out io.Writer) error {
		cw := csv.NewWriter(out)
		cw.Write([]string{"epoch", "train_loss", "test_loss", "lambda", "grad_norm", "grad_variance", "seconds"})
		g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
		for _, l := range logs {
			cw.Write([]string{strconv.Itoa(l.Epoch), g(l.TrainLoss), g(l.TestLoss), g(l.Lambda), g(l.GradNorm), g(l.GradVariance), g(l.Seconds)})
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	type row struct {
		vae.EpochLog
		TrainLoss    *float64 `json:"train_loss"`
		TestLoss     *float64 `json:"test_loss"`
		Lambda       *float64 `json:"lambda"`
		GradVariance *float64 `json:"grad_variance"`
		GradNorm     *float64 `json:"grad_norm"`
	}
	rows := make([]row, len(logs))
	for i, l := range logs {
		rows[i].EpochLog = l
		rows[i].TrainLoss, rows[i].TestLoss = finitePtr(l.TrainLoss), finitePtr(l.TestLoss)
		rows[i].Lambda, rows[i].GradVariance, rows[i].GradNorm = finitePtr(l.Lambda), finitePtr(l.GradVariance), finitePtr(l.GradNorm)
	}
	b, err := json.MarshalIndent(rows, "", " ")
	if err != nil {
		return err
	}
	return write("train.json", func(out io.Writer) error { _, err := out.Write(b); return err })
}

func finitePtr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func runVAEVariance(c *cli.Context) error {
	train, _, cfg, err := vaeSetup(c)
	if err != nil {
		return err
	}
	draws := c.Int("draws")
	if draws < 2 {
		return usagef("invalid --draws %d: must be at least 2", draws)
	}
	format := c.String("format")
	if format != "table" && format != "json" {
		return usagef("invalid --format %q: want table or json", format)
	}
	if train.N < cfg.Batch {
		return usagef("invalid --subset %d: fewer images than one --batch %d", train.N, cfg.Batch)
	}
	x := train.Pixels[:cfg.Batch*train.Size()]
	type out struct {
		Estimator      string             `json:"estimator"`
		VarianceTrace  float64            `json:"variance_trace"`
		PerLayer       map[string]float64 `json:"per_layer"`
		Lambda         *float64           `json:"lambda"`
		SecondsPerStep float64            `json:"seconds_per_step"`
	}
	snapshot := "initial (seeded) parameters"
	var cp *vae.Checkpoint
	if path := c.String("checkpoint"); path != "" {
		if cp, err = vae.LoadCheckpoint(path); err != nil {
			return err
		}
		snapshot = fmt.Sprintf("checkpoint %s after %d epochs of %s", path, cp.Epoch, cp.Config.Estimator)
	}
	var rows []out
	for _, e := range vae.Estimators() {
		cfg := cfg
		cfg.Estimator = e
		tr, err := vae.NewTrainer(vae.PaperArch(train.Channels), cfg)
		if err != nil {
			return err
		}
		if cp != nil {
			if err := tr.SetParams(cp); err != nil {
				tr.Net.Close()
				return usagef("invalid --checkpoint: %v", err)
			}
		}
		v, err := tr.GradientVariance(x, draws)
		tr.Net.Close()
		if err != nil {
			return err
		}
		rows = append(rows, out{v.Estimator, v.VarianceTrace, v.PerLayer, finitePtr(v.Lambda), v.SecondsPerStep})
	}
	if format == "json" {
		return json.NewEncoder(c.App.Writer).Encode(map[string]any{
			"estimators": rows, "snapshot": snapshot, "draws": draws, "batch": cfg.Batch})
	}
	fmt.Fprintf(c.App.Writer, "snapshot: %s; %d draws on one batch of %d\n", snapshot, draws, cfg.Batch)
	return writeVarianceTable(c.App.Writer, func(yield func(string, float64, map[string]float64, *float64, float64)) {
		for _, r := range rows {
			yield(r.Estimator, r.VarianceTrace, r.PerLayer, r.Lambda, r.SecondsPerStep)
		}
	})
}

func writeVarianceTable(w io.Writer, rows func(func(string, float64, map[string]float64, *float64, float64))) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ESTIMATOR\tVARIANCE TRACE (encoder)\tλ\tSECONDS/STEP\tLARGEST LAYER")
	rows(func(name string, trace float64, per map[string]float64, lam *float64, sec float64) {
		best, bestV := "", -1.0
		for k, v := range per {
			if v > bestV {
				best, bestV = k, v
			}
		}
		l := "-"
		if lam != nil {
			l = fmt.Sprintf("%.3f", *lam)
		}
		fmt.Fprintf(tw, "%s\t%.4g\t%s\t%.3f\t%s (%.3g)\n", name, trace, l, sec, best, bestV)
	})
	return tw.Flush()
}

func runVAEEval(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("unexpected argument %q", c.Args().First())
	}
	test, err := vaeImages(c, "test", c.Int("test-subset"))
	if err != nil {
		return err
	}
	cp, err := vae.LoadCheckpoint(c.String("checkpoint"))
	if err != nil {
		return err
	}
	tr, err := vae.Resume(cp)
	if err != nil {
		return err
	}
	defer tr.Net.Close()
	if test.N < tr.Net.Batch {
		return usagef("invalid --test-subset: %d test images, fewer than the checkpoint's batch %d", test.N, tr.Net.Batch)
	}
	loss, err := tr.Evaluate(test)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "checkpoint after %d epochs (%s): test −ELBO %.3f on %d images\n", cp.Epoch, cp.Config.Estimator, loss, test.N/tr.Net.Batch*tr.Net.Batch)
	return nil
}

func runVAEPlot(c *cli.Context) error {
	if !c.Args().Present() {
		return usagef("vae plot needs NAME=PATH arguments (train.json logs)")
	}
	if err := prepareFile("out", c.String("out")); err != nil {
		return err
	}
	runs := map[string][]vae.EpochLog{}
	for _, a := range c.Args().Slice() {
		name, path, ok := strings.Cut(a, "=")
		if !ok {
			return usagef("invalid argument %q: want NAME=PATH", a)
		}
		logs, err := readVAELog(path)
		if err != nil {
			return usagef("invalid argument %q: %v", a, err)
		}
		runs[name] = append(runs[name], logs...)
	}
	if err := vae.PlotLogs(c.String("out"), runs); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "wrote %s\n", c.String("out"))
	return nil
}
