package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
	"github.com/hybridgreeks/hybridgreeks/rl"
	_ "github.com/hybridgreeks/hybridgreeks/rl/mujoco" // halfcheetah, hopper, walker2d (with -tags mujoco)
)

func rlCmd() *cli.Command {
	return &cli.Command{
		Name:  "rl",
		Usage: "policy gradients: pathwise through the dynamics, REINFORCE with a baseline, and their hybrid",
		Description: "Trains a Gaussian policy (two tanh layers of 64, learned log-std) with Adam on\n" +
			"differentiable Go environments (pendulum, cartpole) or MuJoCo tasks (halfcheetah, hopper,\n" +
			"walker2d; a binary built with -tags mujoco and libmujoco-dev).\n\n" +
			"Example:\n\n   greeks rl train --env pendulum --estimator hybrid\n   greeks rl compare --env pendulum --seeds 3",
		Subcommands: []*cli.Command{
			{
				Name:      "train",
				Usage:     "train one estimator on one environment (--seeds runs, seeds --seed, --seed+1, …)",
				ArgsUsage: " ",
				Description: "Logs per iteration the mean episode return, the gradient variance across the iteration's\n" +
					"episodes and the hybrid's λ.\n\n" +
					"Example:\n\n   greeks rl train --env pendulum --estimator pathwise --iterations 50 --format json",
				OnUsageError: onUsageError,
				Action:       runRLTrain,
				Flags: append(rlFlags(1),
					&cli.StringFlag{Name: "env", Value: "pendulum", Category: catTask, Usage: "environment: " + strings.Join(rl.Names(), ", ")},
					&cli.StringFlag{Name: "estimator", Value: "hybrid", Category: catEstimators, Usage: "policy gradient: pathwise, reinforce or hybrid"},
				),
			},
			{
				Name:      "compare",
				Usage:     "a Table-3-like comparison: every estimator on every --env, --seeds runs each",
				ArgsUsage: " ",
				Description: "Average return over the final --final iterations (mean over seeds), its standard deviation\n" +
					"(over those iterations and seeds), and the gradient variance relative to REINFORCE's at the\n" +
					"same parameters: (Var[method] − Var[REINFORCE]) / Var[REINFORCE], negative = less variance.\n\n" +
					"Example:\n\n   greeks rl compare --env pendulum,cartpole --seeds 3 --out docs/rl",
				OnUsageError: onUsageError,
				Action:       runRLCompare,
				Flags: append(rlFlags(3),
					&cli.StringFlag{Name: "env", Value: "pendulum", Category: catTask, Usage: "comma-separated environments: " + strings.Join(rl.Names(), ", ")},
					&cli.StringFlag{Name: "estimators", Value: "pathwise,reinforce,hybrid", Category: catEstimators, Usage: "comma-separated estimators of pathwise, reinforce, hybrid"},
				),
			},
			{
				Name:      "report",
				Usage:     "the compare table and learning curves again, from the per-run logs of an --out directory",
				ArgsUsage: " ",
				Description: "Reads the <env>-<estimator>-seed<N>.json logs that train and compare write with --out.\n\n" +
					"Example:\n\n   greeks rl report --in docs/rl --plot",
				OnUsageError: onUsageError,
				Action:       runRLReport,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "in", Category: catInput, Usage: "directory of run logs", Required: true},
					&cli.IntFlag{Name: "final", Value: 20, Category: catOutput, Usage: "iterations averaged into the final return"},
					&cli.BoolFlag{Name: "plot", Category: catOutput, Usage: "(re)draw <env>.png in the directory"},
					&cli.StringFlag{Name: "format", Value: "table", Category: catOutput, Usage: "output format: table or json"},
				},
			},
		},
	}
}

func rlFlags(seeds int) []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "iterations", Value: 200, Category: catTraining, Usage: "policy updates per run"},
		&cli.IntFlag{Name: "episodes", Value: 5, Category: catTraining, Usage: "episodes per iteration"},
		&cli.IntFlag{Name: "seeds", Value: seeds, Category: catRuns, Usage: "how many seeds (runs) per estimator"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Category: catRuns, Usage: "the first seed"},
		&cli.Float64Flag{Name: "lr", Value: 3e-4, Category: catTraining, Usage: "Adam's learning rate"},
		&cli.Float64Flag{Name: "gamma", Value: 0.99, Category: catTraining, Usage: "discount"},
		&cli.IntFlag{Name: "horizon", Category: catTask, Usage: "steps per episode at most (0: the environment's)"},
		&cli.Float64Flag{Name: "init-std", Value: 0.6, Category: catTraining, Usage: "the policy's initial action standard deviation"},
		&cli.Float64Flag{Name: "clip", Category: catTraining, Usage: "clip the policy gradient's norm (0: off, the paper's vanilla gradient)"},
		&cli.StringFlag{Name: "lambda", Value: "window", Category: catEstimators, Usage: "hybrid λ: window (the paper: the last --window per-episode samples), plugin, crossfit or running"},
		&cli.IntFlag{Name: "window", Value: 32, Category: catEstimators, Usage: "samples in the window λ mode"},
		&cli.StringFlag{Name: "granularity", Value: "trace", Category: catEstimators, Usage: "hybrid λ: trace (one λ, the paper), block (per layer) or coordinate"},
		&cli.IntFlag{Name: "final", Value: 20, Category: catOutput, Usage: "iterations averaged into the final return"},
		&cli.IntFlag{Name: "workers", Value: runtime.GOMAXPROCS(0), Category: catRuns, Usage: "runs in parallel (results do not depend on it)"},
		&cli.StringFlag{Name: "out", Category: catOutput, Usage: "directory for the logs (CSV and JSON per run) and the learning curves (PNG), created before training"},
		&cli.StringFlag{Name: "format", Value: "table", Category: catOutput, Usage: "output format: table or json"},
	}
}

// rlConfig reads the flags shared by train and compare.
func rlConfig(c *cli.Context) (rl.Config, error) {
	if c.Args().Present() {
		return rl.Config{}, usagef("unexpected argument %q", c.Args().First())
	}
	cfg := rl.Config{Iterations: c.Int("iterations"), Episodes: c.Int("episodes"), LR: c.Float64("lr"),
		Gamma: c.Float64("gamma"), Horizon: c.Int("horizon"), InitStd: c.Float64("init-std"), Clip: c.Float64("clip")}
	switch {
	case cfg.Iterations < 1:
		return cfg, usagef("invalid --iterations %d: must be at least 1", cfg.Iterations)
	case cfg.Episodes < 2:
		return cfg, usagef("invalid --episodes %d: must be at least 2 (a variance needs two episodes)", cfg.Episodes)
	case !(cfg.LR > 0) || math.IsInf(cfg.LR, 0):
		return cfg, usagef("invalid --lr %v: must be positive", cfg.LR)
	case !(cfg.Gamma > 0 && cfg.Gamma <= 1):
		return cfg, usagef("invalid --gamma %v: must be in (0, 1]", cfg.Gamma)
	case cfg.Horizon < 0:
		return cfg, usagef("invalid --horizon %d: must be 0 (the environment's) or positive", cfg.Horizon)
	case !(cfg.InitStd > 0) || math.IsInf(cfg.InitStd, 0):
		return cfg, usagef("invalid --init-std %v: must be positive", cfg.InitStd)
	case !(cfg.Clip >= 0):
		return cfg, usagef("invalid --clip %v: must be 0 (off) or positive", cfg.Clip)
	case c.Int("seeds") < 1:
		return cfg, usagef("invalid --seeds %d: must be at least 1", c.Int("seeds"))
	case c.Int("final") < 1:
		return cfg, usagef("invalid --final %d: must be at least 1", c.Int("final"))
	case c.Int("workers") < 1:
		return cfg, usagef("invalid --workers %d: must be at least 1", c.Int("workers"))
	case c.Int("window") < 2:
		return cfg, usagef("invalid --window %d: must be at least 2", c.Int("window"))
	}
	if f := c.String("format"); f != "table" && f != "json" {
		return cfg, usagef("invalid --format %q: want table or json", f)
	}
	mode, err := mlbridge.ParseMode(c.String("lambda"))
	if err != nil {
		return cfg, usagef("invalid --lambda %q: want window, plugin, crossfit or running", c.String("lambda"))
	}
	if mode == mlbridge.Crossfit && cfg.Episodes < 4 {
		return cfg, usagef("invalid --lambda crossfit with --episodes %d: cross-fitting needs at least 4 episodes (4 folds)", cfg.Episodes)
	}
	cfg.Mixer = mlbridge.Hybrid{Mode: mode, Window: c.Int("window")}
	switch c.String("granularity") {
	case "trace":
		cfg.Mixer.Granularity = mlbridge.Trace
	case "block":
		cfg.Mixer.Granularity = mlbridge.Block
	case "coordinate":
		cfg.Mixer.Granularity = mlbridge.Coordinate
	default:
		return cfg, usagef("invalid --granularity %q: want trace, block or coordinate", c.String("granularity"))
	}
	return cfg, nil
}

// rlEnvs checks the comma-separated environment names.
func rlEnvs(list string) ([]string, error) {
	var envs []string
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if _, err := rlSpec(n); err != nil {
			return nil, usagef("invalid --env %q: %v", n, strings.TrimPrefix(err.Error(), "rl: "))
		}
		envs = append(envs, n)
	}
	return envs, nil
}

// rlSpec returns the Spec of the environment called name.
func rlSpec(name string) (rl.Spec, error) {
	e, err := rl.Make(name)
	if err != nil {
		return rl.Spec{}, err
	}
	if c, ok := e.(io.Closer); ok {
		defer c.Close()
	}
	return e.Spec(), nil
}

// markBiased sets Row.Biased where the task's Spec is known (an environment
// this build cannot make stays unmarked).
func markBiased(rows []rl.Row) {
	for i, r := range rows {
		est, _ := rl.ParseEstimator(r.Estimator)
		if sp, err := rlSpec(r.Env); err == nil {
			rows[i].Biased = rl.Biased(est, sp)
		}
	}
}

func rlEstimators(list string) ([]rl.Estimator, error) {
	var ests []rl.Estimator
	for _, n := range strings.Split(list, ",") {
		e, err := rl.ParseEstimator(strings.TrimSpace(n))
		if err != nil {
			return nil, usagef("invalid estimator %q: want pathwise, reinforce or hybrid", n)
		}
		ests = append(ests, e)
	}
	return ests, nil
}

// rlJobs lists every (env, estimator, seed) run.
func rlJobs(c *cli.Context, cfg rl.Config, envs []string, ests []rl.Estimator) []rl.Job {
	var jobs []rl.Job
	for _, env := range envs {
		for _, est := range ests {
			for s := range c.Int("seeds") {
				j := cfg
				j.Estimator, j.Seed = est, c.Uint64("seed")+uint64(s)
				jobs = append(jobs, rl.Job{Env: env, Cfg: j})
			}
		}
	}
	return jobs
}

func runJobsWithProgress(c *cli.Context, jobs []rl.Job) ([][]rl.IterLog, error) {
	total := 0
	for _, j := range jobs {
		total += j.Cfg.Iterations
	}
	bar := progressFunc(c.App.ErrWriter, total, "iterations")
	var progress func(int)
	if bar != nil {
		progress = func(done int) { bar(done, total) }
	}
	return rl.RunJobs(c.Context, jobs, c.Int("workers"), progress)
}

type rlIterJSON struct {
	Seed              uint64   `json:"seed"`
	Iteration         int      `json:"iteration"`
	Return            float64  `json:"return"`
	Discounted        float64  `json:"discounted_return"`
	GradVariance      *float64 `json:"grad_variance"`
	ReinforceVariance *float64 `json:"reinforce_variance"`
	Lambda            *float64 `json:"lambda"`
	GradNorm          *float64 `json:"grad_norm"`
	Steps             int      `json:"steps"`
	Seconds           float64  `json:"seconds"`
}

func rlIterRows(seed uint64, logs []rl.IterLog) []rlIterJSON {
	rows := make([]rlIterJSON, len(logs))
	for i, l := range logs {
		rows[i] = rlIterJSON{Seed: seed, Iteration: l.Iteration, Return: l.Return, Discounted: l.Discounted,
			GradVariance: finitePtr(l.GradVariance), ReinforceVariance: finitePtr(l.ReinforceVariance),
			Lambda: finitePtr(l.Lambda), GradNorm: finitePtr(l.GradNorm), Steps: l.Steps, Seconds: l.Seconds}
	}
	return rows
}

// writeRLRun writes one run's log as <dir>/<name>.csv and .json.
func writeRLRun(dir, name string, seed uint64, logs []rl.IterLog) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.Write([]string{"seed", "iteration", "return", "discounted_return", "grad_variance", "reinforce_variance", "lambda", "grad_norm", "steps", "seconds"})
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, l := range logs {
		cw.Write([]string{strconv.FormatUint(seed, 10), strconv.Itoa(l.Iteration), g(l.Return), g(l.Discounted), g(l.GradVariance),
			g(l.ReinforceVariance), g(l.Lambda), g(l.GradNorm), strconv.Itoa(l.Steps), g(l.Seconds)})
	}
	cw.Flush()
	if err := os.WriteFile(filepath.Join(dir, name+".csv"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	j, err := json.MarshalIndent(rlIterRows(seed, logs), "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".json"), j, 0o644)
}

func runRLTrain(c *cli.Context) error {
	cfg, err := rlConfig(c)
	if err != nil {
		return err
	}
	envs, err := rlEnvs(c.String("env"))
	if err != nil {
		return err
	}
	if len(envs) != 1 {
		return usagef("invalid --env %q: train takes one environment (compare takes several)", c.String("env"))
	}
	ests, err := rlEstimators(c.String("estimator"))
	if err != nil {
		return err
	}
	if len(ests) != 1 {
		return usagef("invalid --estimator %q: train takes one (compare runs several)", c.String("estimator"))
	}
	if err := prepareDir("out", c.String("out")); err != nil {
		return err
	}
	jobs := rlJobs(c, cfg, envs, ests)
	runs, err := runJobsWithProgress(c, jobs)
	if err != nil {
		return err
	}
	row := rl.Summarize(envs[0], ests[0], runs, c.Int("final"))
	if sp, err := rlSpec(envs[0]); err == nil {
		row.Biased = rl.Biased(ests[0], sp)
	}
	if dir := c.String("out"); dir != "" {
		for i, r := range runs {
			if err := writeRLRun(dir, fmt.Sprintf("%s-%s-seed%d", envs[0], ests[0], jobs[i].Cfg.Seed), jobs[i].Cfg.Seed, r); err != nil {
				return err
			}
		}
		if err := rl.PlotCurves(filepath.Join(dir, envs[0]+"-"+ests[0].String()+".png"), envs[0],
			[]rl.Curve{{Name: ests[0].String(), Runs: runs}}, 10); err != nil {
			return err
		}
	}
	w := c.App.Writer
	if c.String("format") == "json" {
		var its []rlIterJSON
		for i, r := range runs {
			its = append(its, rlIterRows(jobs[i].Cfg.Seed, r)...)
		}
		return json.NewEncoder(w).Encode(map[string]any{"env": envs[0], "estimator": ests[0].String(),
			"iterations": its, "final_return": row.AvgReturn, "biased": row.Biased})
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "SEED\tITERATION\tRETURN\tGRAD VARIANCE\tREINFORCE VARIANCE\tλ\tSECONDS\t")
	for i, r := range runs {
		for _, l := range r {
			if l.Iteration%10 == 0 || l.Iteration == len(r)-1 {
				fmt.Fprintf(tw, "%d\t%d\t%.2f\t%.4g\t%.4g\t%s\t%.3f\t\n", jobs[i].Cfg.Seed, l.Iteration, l.Return,
					l.GradVariance, l.ReinforceVariance, numOrDash(l.Lambda), l.Seconds)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s on %s: final return %.2f ± %.2f (mean of the last %d iterations over %d seed(s) ± their std)\n",
		ests[0], envs[0], row.AvgReturn, row.Std, c.Int("final"), row.Seeds)
	if row.Biased {
		fmt.Fprintf(w, "note: %s's episodes terminate; the pathwise samples ignore how θ moves the end, so this gradient is biased\n", envs[0])
	}
	return nil
}

func runRLCompare(c *cli.Context) error {
	cfg, err := rlConfig(c)
	if err != nil {
		return err
	}
	envs, err := rlEnvs(c.String("env"))
	if err != nil {
		return err
	}
	ests, err := rlEstimators(c.String("estimators"))
	if err != nil {
		return err
	}
	if err := prepareDir("out", c.String("out")); err != nil {
		return err
	}
	jobs := rlJobs(c, cfg, envs, ests)
	runs, err := runJobsWithProgress(c, jobs)
	if err != nil {
		return err
	}
	seeds := c.Int("seeds")
	var rows []rl.Row
	dir := c.String("out")
	for ie, env := range envs {
		var curves []rl.Curve
		for ix, est := range ests {
			k := (ie*len(ests) + ix) * seeds
			group := runs[k : k+seeds]
			rows = append(rows, rl.Summarize(env, est, group, c.Int("final")))
			curves = append(curves, rl.Curve{Name: est.String(), Runs: group})
			if dir != "" {
				for s, r := range group {
					seed := jobs[k+s].Cfg.Seed
					if err := writeRLRun(dir, fmt.Sprintf("%s-%s-seed%d", env, est, seed), seed, r); err != nil {
						return err
					}
				}
			}
		}
		if dir != "" {
			if err := rl.PlotCurves(filepath.Join(dir, env+".png"), env, curves, 10); err != nil {
				return err
			}
		}
	}
	return writeRLRows(c, rows, dir)
}

// rlRowJSON is one compare row in JSON.
type rlRowJSON struct {
	Env              string   `json:"env"`
	Estimator        string   `json:"estimator"`
	AvgReturn        float64  `json:"avg_return"`
	Std              float64  `json:"std"`
	RelativeVariance *float64 `json:"relative_variance"`
	MedianRatio      *float64 `json:"median_variance_ratio"`
	Lambda           *float64 `json:"lambda"`
	Seeds            int      `json:"seeds"`
	// Biased: pathwise or hybrid on a task whose episodes terminate.
	Biased bool `json:"biased"`
}

// writeRLRows prints the rows (and saves compare.json in dir, if any).
func writeRLRows(c *cli.Context, rows []rl.Row, dir string) error {
	markBiased(rows)
	out := make([]rlRowJSON, len(rows))
	for i, r := range rows {
		out[i] = rlRowJSON{r.Env, r.Estimator, r.AvgReturn, r.Std, finitePtr(r.RelativeVariance), finitePtr(r.MedianRatio), finitePtr(r.Lambda), r.Seeds, r.Biased}
	}
	if dir != "" {
		b, err := json.MarshalIndent(map[string]any{"rows": out}, "", " ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "compare.json"), b, 0o644); err != nil {
			return err
		}
	}
	if c.String("format") == "json" {
		return json.NewEncoder(c.App.Writer).Encode(map[string]any{"rows": out})
	}
	return writeRLTable(c.App.Writer, rows, c.Int("final"))
}

func writeRLTable(w io.Writer, rows []rl.Row, final int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "ENV\tESTIMATOR\tAVG RETURN (last %d)\tSTD\tRELATIVE VARIANCE\tMEDIAN VAR RATIO\tλ\tSEEDS\n", final)
	for _, r := range rows {
		rv := "—"
		if r.Estimator != rl.Reinforce.String() {
			rv = fmt.Sprintf("%+.1f%%", 100*r.RelativeVariance)
			if math.Abs(r.RelativeVariance) >= 100 {
				rv = fmt.Sprintf("%+.3g%%", 100*r.RelativeVariance)
			}
		}
		name := r.Estimator
		if r.Biased {
			name += " (biased)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%.2f\t%s\t%.3g\t%s\t%d\n", r.Env, name, r.AvgReturn, r.Std, rv, r.MedianRatio, numOrDash(r.Lambda), r.Seeds)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "relative variance: (mean Var[method] − mean Var[REINFORCE]) / mean Var[REINFORCE] at the same parameters; negative = less variance than REINFORCE;\n"+
		"median var ratio: the median over iterations of Var[method]/Var[REINFORCE] (robust to heavy-tailed iterations);\n"+
		"(biased): episodes terminate, and the pathwise samples ignore how θ moves the end")
	return err
}

// runLog matches the per-run log files written under --out.
var runLog = regexp.MustCompile(`^(.+)-(pathwise|reinforce|hybrid)-seed([0-9]+)\.json$`)

func runRLReport(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("unexpected argument %q", c.Args().First())
	}
	if f := c.String("format"); f != "table" && f != "json" {
		return usagef("invalid --format %q: want table or json", f)
	}
	if c.Int("final") < 1 {
		return usagef("invalid --final %d: must be at least 1", c.Int("final"))
	}
	dir := c.String("in")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return usagef("invalid --in %q: %v", dir, err)
	}
	type key struct {
		env string
		est rl.Estimator
	}
	groups := map[key][][]rl.IterLog{}
	var envs []string
	for _, e := range entries {
		m := runLog.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		var rows []rlIterJSON
		if err := json.Unmarshal(b, &rows); err != nil {
			return fmt.Errorf("%s: %w", e.Name(), err)
		}
		logs := make([]rl.IterLog, len(rows))
		nan := func(p *float64) float64 {
			if p == nil {
				return math.NaN()
			}
			return *p
		}
		for i, r := range rows {
			logs[i] = rl.IterLog{Iteration: r.Iteration, Return: r.Return, Discounted: r.Discounted,
				GradVariance: nan(r.GradVariance), ReinforceVariance: nan(r.ReinforceVariance), Lambda: nan(r.Lambda),
				GradNorm: nan(r.GradNorm), Steps: r.Steps, Seconds: r.Seconds}
		}
		est, _ := rl.ParseEstimator(m[2])
		k := key{m[1], est}
		if !slices.Contains(envs, m[1]) {
			envs = append(envs, m[1])
		}
		groups[k] = append(groups[k], logs)
	}
	if len(groups) == 0 {
		return usagef("invalid --in %q: no <env>-<estimator>-seed<N>.json logs there", dir)
	}
	var rows []rl.Row
	for _, env := range envs {
		var curves []rl.Curve
		for _, est := range []rl.Estimator{rl.Pathwise, rl.Reinforce, rl.Hybrid} {
			runs, ok := groups[key{env, est}]
			if !ok {
				continue
			}
			rows = append(rows, rl.Summarize(env, est, runs, c.Int("final")))
			curves = append(curves, rl.Curve{Name: est.String(), Runs: runs})
		}
		if c.Bool("plot") {
			if err := rl.PlotCurves(filepath.Join(dir, env+".png"), env, curves, 10); err != nil {
				return err
			}
		}
	}
	return writeRLRows(c, rows, "")
}
