package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// runCLI runs the app in-process with args after "greeks" and returns the
// exit status, stdout and stderr.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"greeks"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

type figure struct {
	Greek      string     `json:"greek"`
	Method     string     `json:"method"`
	Estimate   float64    `json:"estimate"`
	StdErr     float64    `json:"stderr"`
	CI95       [2]float64 `json:"ci95"`
	Analytic   *float64   `json:"analytic"`
	Lambda     *float64   `json:"lambda"`
	Note       string     `json:"note"`
	LambdaMode string     `json:"lambda_mode"`
	Smoothing  *float64   `json:"smoothing"`
}

type skip struct{ Greek, Method, Reason string }

type unitReport struct {
	Paths   int64 `json:"paths"`
	Seed    uint64
	Workers int
	Payoff  string
	Scheme  string
	Steps   int
	Price   struct {
		Estimate, StdErr float64
		Analytic         *float64
	}
	Greeks  []figure
	Skipped []skip
}

// runJSON runs the option command with --format json, wants exit 0 and
// returns the decoded report and the raw object.
func runJSON(t *testing.T, args ...string) (unitReport, map[string]any) {
	t.Helper()
	code, out, errb := runCLI(t, append([]string{"option", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("greeks %v: exit %d, stderr %q", args, code, errb)
	}
	var r unitReport
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("greeks %v: bad JSON: %v\n%s", args, err, out)
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	return r, raw
}

func TestJSONDefaults(t *testing.T) {
	r, raw := runJSON(t, "--paths", "20000")
	for _, k := range []string{"paths", "seed", "workers", "elapsed_seconds", "payoff", "scheme", "steps",
		"spot_bump", "vol_bump", "price", "greeks", "skipped", "model", "fixings", "lambda_mode", "weight"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks key %q", k)
		}
	}
	// A call skips only localization, which is for discontinuous payoffs.
	if len(r.Skipped) != 3 {
		t.Errorf("skipped = %v, want localized for each Greek", r.Skipped)
	}
	for _, s := range r.Skipped {
		if s.Method != "localized" {
			t.Errorf("call skips %s %s", s.Greek, s.Method)
		}
	}
	if raw["lambda_mode"] != "crossfit" || raw["model"] != "gbm" {
		t.Errorf("lambda_mode %v, model %v; want crossfit, gbm", raw["lambda_mode"], raw["model"])
	}
	if r.Paths != 20000 || r.Seed != 1 || r.Workers < 1 || r.Payoff != "call" || r.Scheme != "exact" || r.Steps != 1 {
		t.Errorf("header = %+v", r)
	}
	const want = 10.4506 // Black–Scholes call, S = K = 100, r = 0.05, σ = 0.2, T = 1 (Hull)
	if p := r.Price; p.Analytic == nil || math.Abs(*p.Analytic-want) > 1e-4 ||
		math.Abs(p.Estimate-want) > 5*p.StdErr {
		t.Errorf("price = %v ± %v, analytic %v, want %v", p.Estimate, p.StdErr, p.Analytic, want)
	}
	if len(r.Greeks) != 12 {
		t.Fatalf("got %d figures, want 12", len(r.Greeks))
	}
	for _, f := range r.Greeks {
		lo, hi := f.Estimate-1.959963984540054*f.StdErr, f.Estimate+1.959963984540054*f.StdErr
		if math.Abs(f.CI95[0]-lo) > 1e-12*(1+math.Abs(lo)) || math.Abs(f.CI95[1]-hi) > 1e-12*(1+math.Abs(hi)) {
			t.Errorf("%s %s: ci95 = %v, want [%v, %v]", f.Greek, f.Method, f.CI95, lo, hi)
		}
		if (f.Lambda != nil) != (f.Method == "hybrid") {
			t.Errorf("%s %s: lambda = %v, want a number for hybrid only", f.Greek, f.Method, f.Lambda)
		}
		if f.Analytic == nil {
			t.Errorf("%s %s: analytic is null", f.Greek, f.Method)
		}
	}
}

func TestDigitalSkips(t *testing.T) {
	r, _ := runJSON(t, "--payoff", "digital-call", "--paths", "20000")
	for _, f := range r.Greeks {
		if f.Method == "hybrid" && (f.LambdaMode != "crossfit" || f.Smoothing == nil || *f.Smoothing <= 0) {
			t.Errorf("%s hybrid: lambda_mode %q smoothing %v, want crossfit and a width", f.Greek, f.LambdaMode, f.Smoothing)
		}
	}
	for _, g := range []string{"delta", "gamma", "vega"} {
		for _, m := range []string{"pathwise"} {
			found := false
			for _, s := range r.Skipped {
				if s.Greek == g && s.Method == m {
					found = true
					if s.Reason == "" {
						t.Errorf("%s %s skipped without a reason", g, m)
					}
				}
			}
			if !found {
				t.Errorf("%s %s not in skipped %+v", g, m, r.Skipped)
			}
		}
	}
}

func TestInvalidMethodExplicit(t *testing.T) {
	code, _, errb := runCLI(t, "option", "--payoff", "digital-call", "--methods", "pathwise", "--paths", "20000")
	if code != 2 || !strings.Contains(errb, "digital-call") || !strings.Contains(errb, "pathwise") {
		t.Errorf("exit %d, stderr %q; want 2 naming digital-call and pathwise", code, errb)
	}
}

func TestBadInputs(t *testing.T) {
	for _, tc := range []struct{ flag, value string }{
		{"vol", "0"}, {"vol", "-0.2"}, {"maturity", "0"}, {"paths", "1"}, {"spot", "0"},
		{"spot", "NaN"}, {"rate", "Inf"}, {"strike", "-5"}, {"payoff", "bogus"}, {"scheme", "bogus"},
		{"greeks", "delta,foo"}, {"methods", "fd,bar"}, {"format", "xml"}, {"workers", "-1"},
		{"steps", "0"}, {"paths", "abc"}, {"bogus", "bogus"}, // an unknown flag is its own bad value
		{"model", "sabr"}, {"beta", "0"}, {"beta", "1.5"}, {"fixings", "0"}, {"barrier", "-1"},
		{"rebate", "-2"}, {"lambda", "magic"}, {"weight", "fancy"}, {"tolerance", "-1"}, {"folds", "1"},
		{"smoothing", "NaN"}, {"max-paths", "1"},
	} {
		t.Run(tc.flag+"="+tc.value, func(t *testing.T) {
			code, out, errb := runCLI(t, "option", "--paths", "1000", "--"+tc.flag, tc.value)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stdout %q)", code, out)
			}
			if !strings.HasPrefix(errb, "greeks: ") || !strings.Contains(errb, tc.flag) || !strings.Contains(errb, tc.value) {
				t.Errorf("stderr %q does not name %s and %s", errb, tc.flag, tc.value)
			}
		})
	}
}

func TestWorkersDoNotChangeNumbers(t *testing.T) {
	strip := func(raw map[string]any) map[string]any {
		delete(raw, "elapsed_seconds")
		delete(raw, "workers")
		return raw
	}
	_, one := runJSON(t, "--paths", "50000", "--workers", "1")
	_, two := runJSON(t, "--paths", "50000", "--workers", "2")
	if !reflect.DeepEqual(strip(one), strip(two)) {
		t.Errorf("--workers 1 and 2 differ:\n%v\n%v", one, two)
	}
}

func TestTable(t *testing.T) {
	code, out, errb := runCLI(t, "option", "--paths", "20000")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb)
	}
	if !strings.Contains(out, "10.4506") {
		t.Errorf("table lacks the analytic price 10.4506:\n%s", out)
	}
	lines := strings.Split(out, "\n")
	col := -1
	for _, l := range lines {
		if strings.HasPrefix(l, "GREEK") {
			col = strings.Index(l, "METHOD")
		}
	}
	if col < 0 {
		t.Fatalf("no table header:\n%s", out)
	}
	for _, g := range []string{"delta", "gamma", "vega"} {
		for _, m := range []string{"fd", "pathwise", "malliavin", "hybrid"} {
			found := false
			for _, l := range lines {
				if strings.HasPrefix(l, g+" ") && len(l) > col && strings.HasPrefix(l[col:], m+" ") {
					found = true
				}
			}
			if !found {
				t.Errorf("no aligned row %s %s (METHOD at column %d):\n%s", g, m, col, out)
			}
		}
	}
}

func TestEuler(t *testing.T) {
	r, _ := runJSON(t, "--scheme", "euler", "--steps", "20", "--paths", "20000", "--weight", "continuous")
	if r.Scheme != "euler" || r.Steps != 20 {
		t.Errorf("scheme %s steps %d, want euler 20", r.Scheme, r.Steps)
	}
	if n := countGreek(r, "gamma"); n != 4 { // fd, the mixed pathwise, the chain's malliavin weight, hybrid
		t.Errorf("%d gamma figures under euler, want 4: %+v", n, r.Greeks)
	}
	noted := false
	for _, f := range r.Greeks {
		noted = noted || f.Greek == "delta" && f.Method == "hybrid" && f.Note != ""
	}
	if !noted {
		t.Errorf("hybrid delta has no note: %+v", r.Greeks)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"option", "--help"}} {
		code, out, _ := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "option") {
			t.Errorf("greeks %v: exit %d, output %q", args, code, out)
		}
	}
	if code, _, errb := runCLI(t, "bogus"); code != 2 || !strings.Contains(errb, "bogus") {
		t.Errorf("unknown command: exit %d, stderr %q", code, errb)
	}
}

func TestEnvVars(t *testing.T) {
	t.Setenv("GREEKS_PATHS", "1")
	if code, _, errb := runCLI(t, "option"); code != 2 || !strings.Contains(errb, "--paths 1") {
		t.Errorf("GREEKS_PATHS=1: exit %d, stderr %q", code, errb)
	}
	t.Setenv("GREEKS_PATHS", "5000")
	if r, _ := runJSON(t); r.Paths != 5000 {
		t.Errorf("GREEKS_PATHS=5000: paths = %d", r.Paths)
	}
}

// TestPathDependentAndCEV runs the issue-3 payoffs and the CEV model through
// the CLI: JSON shape, a barrier without --barrier, and CEV with the exact
// scheme are usage errors.
func TestPathDependentAndCEV(t *testing.T) {
	r, raw := runJSON(t, "--payoff", "asian-call", "--fixings", "12", "--paths", "20000", "--lambda", "pilot")
	if r.Payoff != "asian-call" || raw["fixings"] != 12.0 || raw["lambda_mode"] != "pilot" {
		t.Errorf("asian: payoff %s fixings %v lambda_mode %v", r.Payoff, raw["fixings"], raw["lambda_mode"])
	}
	r, raw = runJSON(t, "--payoff", "up-out-call", "--barrier", "130", "--fixings", "50", "--paths", "20000", "--greeks", "delta")
	found := false
	for _, f := range r.Greeks {
		if f.Method == "hybrid" {
			found = f.Smoothing != nil && f.LambdaMode == "crossfit"
		}
	}
	if !found || raw["smoothing"] == nil {
		t.Errorf("barrier hybrid without smoothing or lambda_mode: %+v", r.Greeks)
	}
	code, _, errb := runCLI(t, "option", "--payoff", "up-out-call", "--paths", "1000")
	if code != 2 || !strings.Contains(errb, "--barrier") {
		t.Errorf("barrier without --barrier: exit %d, stderr %q", code, errb)
	}
	code, _, errb = runCLI(t, "option", "--model", "cev", "--scheme", "exact", "--paths", "1000")
	if code != 2 || !strings.Contains(errb, "exact") || !strings.Contains(errb, "cev") {
		t.Errorf("cev with exact: exit %d, stderr %q", code, errb)
	}
	r, raw = runJSON(t, "--model", "cev", "--beta", "0.5", "--vol", "2", "--paths", "20000", "--steps", "10")
	if r.Scheme != "euler" || raw["model"] != "cev" || raw["beta"] != 0.5 || r.Price.Analytic == nil {
		t.Errorf("cev: scheme %s model %v beta %v analytic %v", r.Scheme, raw["model"], raw["beta"], r.Price.Analytic)
	}
	r, raw = runJSON(t, "--payoff", "digital-call", "--paths", "10000", "--tolerance", "0.002", "--greeks", "delta")
	if raw["tolerance"] != 0.002 || r.Paths <= 10000 {
		t.Errorf("tolerance run: tolerance %v, paths %d", raw["tolerance"], r.Paths)
	}
}

func TestExperimentSynthetic(t *testing.T) {
	dir := t.TempDir()
	code, out, errb := runCLI(t, "experiment", "synthetic", "--replicates", "3", "--samples", "2000", "--small-batch", "40",
		"--alphas", "1,2", "--batch-sizes", "8,64", "--trials", "20", "--format", "json", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var r map[string][]map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"table1", "figure1", "figure3", "figure4"} {
		if len(r[k]) == 0 {
			t.Errorf("no %s", k)
		}
	}
	row := r["table1"][0]
	for _, k := range []string{"loss", "estimator", "mean", "exact", "rmse", "rmse_se", "lambda", "n"} {
		if _, ok := row[k]; !ok {
			t.Errorf("table1 row lacks %q: %v", k, row)
		}
	}
	if code, _, errb := runCLI(t, "experiment", "synthetic", "--replicates", "1"); code != 2 || !strings.Contains(errb, "replicates") {
		t.Errorf("--replicates 1: exit %d, %q", code, errb)
	}
	if code, _, errb := runCLI(t, "experiment", "synthetic", "--alphas", "1,x"); code != 2 || !strings.Contains(errb, "alphas") {
		t.Errorf("--alphas 1,x: exit %d, %q", code, errb)
	}
}

func TestVAE(t *testing.T) {
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"); err != nil && os.Getenv("GREEKS_REQUIRE_DATA") == "" {
		t.Skip("Fashion-MNIST absent: install the Debian package dataset-fashion-mnist")
	}
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "vae.ckpt")
	code, out, errb := runCLI(t, "vae", "train", "--estimator", "hybrid", "--subset", "16", "--test-subset", "8",
		"--batch", "8", "--epochs", "1", "--out", dir, "--checkpoint", ckpt, "--variance-draws", "3")
	if code != 0 || !strings.Contains(out, "epoch 1") {
		t.Fatalf("train: exit %d, %q, %q", code, out, errb)
	}
	b, err := os.ReadFile(filepath.Join(dir, "train.json"))
	if err != nil || !strings.Contains(string(b), `"train_loss"`) || strings.Contains(string(b), `"grad_variance": null`) {
		t.Errorf("train.json: %v %s", err, b)
	}
	code, out, errb = runCLI(t, "vae", "train", "--subset", "16", "--test-subset", "8", "--epochs", "2",
		"--out", dir, "--checkpoint", ckpt, "--resume")
	if code != 0 || !strings.Contains(out, "epoch 2") || strings.Contains(out, "epoch 1:") {
		t.Fatalf("resume: exit %d, %q, %q", code, out, errb)
	}
	code, out, errb = runCLI(t, "vae", "eval", "--checkpoint", ckpt, "--test-subset", "8")
	if code != 0 || !strings.Contains(out, "after 2 epochs") {
		t.Fatalf("eval: exit %d, %q, %q", code, out, errb)
	}
	code, out, errb = runCLI(t, "vae", "variance", "--subset", "8", "--batch", "8", "--draws", "3", "--format", "json")
	if code != 0 {
		t.Fatalf("variance: exit %d, %q", code, errb)
	}
	var v struct {
		Estimators []struct {
			Estimator     string             `json:"estimator"`
			VarianceTrace float64            `json:"variance_trace"`
			PerLayer      map[string]float64 `json:"per_layer"`
		} `json:"estimators"`
		Draws int `json:"draws"`
		Batch int `json:"batch"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Estimators) != 5 || v.Draws != 3 || v.Batch != 8 {
		t.Errorf("variance JSON %v: %s", err, out)
	}
	if code, _, errb := runCLI(t, "vae", "train", "--estimator", "magic"); code != 2 || !strings.Contains(errb, "estimator") {
		t.Errorf("bad estimator: exit %d, %q", code, errb)
	}
}
