package main

import (
	"bytes"
	"encoding/json"
	"math"
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
	Greek    string     `json:"greek"`
	Method   string     `json:"method"`
	Estimate float64    `json:"estimate"`
	StdErr   float64    `json:"stderr"`
	CI95     [2]float64 `json:"ci95"`
	Analytic *float64   `json:"analytic"`
	Lambda   *float64   `json:"lambda"`
	Note     string     `json:"note"`
}

type skip struct{ Greek, Method, Reason string }

type report struct {
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
func runJSON(t *testing.T, args ...string) (report, map[string]any) {
	t.Helper()
	code, out, errb := runCLI(t, append([]string{"option", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("greeks %v: exit %d, stderr %q", args, code, errb)
	}
	var r report
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
		"spot_bump", "vol_bump", "price", "greeks", "skipped"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks key %q", k)
		}
	}
	if s, ok := raw["skipped"].([]any); !ok || len(s) != 0 {
		t.Errorf("skipped = %v, want []", raw["skipped"])
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
	for _, g := range []string{"delta", "gamma", "vega"} {
		for _, m := range []string{"pathwise", "hybrid"} {
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
	r, _ := runJSON(t, "--scheme", "euler", "--steps", "20", "--paths", "20000")
	if r.Scheme != "euler" || r.Steps != 20 {
		t.Errorf("scheme %s steps %d, want euler 20", r.Scheme, r.Steps)
	}
	skipped := false
	for _, s := range r.Skipped {
		skipped = skipped || s.Greek == "gamma" && s.Method == "malliavin"
	}
	if !skipped {
		t.Errorf("malliavin gamma not skipped: %+v", r.Skipped)
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
