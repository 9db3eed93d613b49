package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRNGSobolJSON checks --rng sobol end to end: the JSON names the rng,
// the randomizations and the scramble, its intervals take Student's t
// (wider than ±1.96 standard errors), and the numbers do not depend on
// --workers.
func TestRNGSobolJSON(t *testing.T) {
	args := []string{"--rng", "sobol", "--paths", "16384", "--randomizations", "8", "--greeks", "delta"}
	r1, raw := runJSON(t, append(args, "--workers", "1")...)
	r2, _ := runJSON(t, append(args, "--workers", "3")...)
	if raw["rng"] != "sobol" || raw["randomizations"] != float64(8) || raw["scramble"] != "owen" {
		t.Errorf("rng %v, randomizations %v, scramble %v; want sobol, 8, owen", raw["rng"], raw["randomizations"], raw["scramble"])
	}
	if r1.Price.Estimate != r2.Price.Estimate || r1.Price.StdErr != r2.Price.StdErr || len(r1.Greeks) != len(r2.Greeks) {
		t.Fatalf("--workers changed the price: %+v, %+v", r1.Price, r2.Price)
	}
	for i, f := range r1.Greeks {
		g := r2.Greeks[i]
		if f.Estimate != g.Estimate || f.StdErr != g.StdErr {
			t.Errorf("%s %s: %v ± %v with 1 worker, %v ± %v with 3", f.Greek, f.Method, f.Estimate, f.StdErr, g.Estimate, g.StdErr)
		}
		// t₀.₉₇₅(7) = 2.3646.
		if half := (f.CI95[1] - f.CI95[0]) / 2; abs(half/f.StdErr-2.3646) > 1e-3 {
			t.Errorf("%s %s: interval half-width %v stderr, want t(7) = 2.3646", f.Greek, f.Method, half/f.StdErr)
		}
	}
	_, raw = runJSON(t, "--paths", "20000", "--greeks", "delta")
	if raw["rng"] != "pseudo" || raw["randomizations"] != nil || raw["scramble"] != nil {
		t.Errorf("pseudo run: rng %v, randomizations %v, scramble %v", raw["rng"], raw["randomizations"], raw["scramble"])
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestRNGUsageErrors checks that bad --rng, --randomizations and
// --scramble values exit 2 with a message naming the flag.
func TestRNGUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"--rng", "halton"}, "--rng"},
		{[]string{"--randomizations", "8"}, "--randomizations"},
		{[]string{"--rng", "sobol", "--randomizations", "1"}, "--randomizations"},
		{[]string{"--rng", "sobol", "--paths", "1000", "--randomizations", "16"}, "--paths"},
		{[]string{"--rng", "sobol", "--scramble", "random"}, "--scramble"},
		{[]string{"--scramble", "shift"}, "--scramble"},
		{[]string{"--rng", "sobol", "--tolerance", "0.01"}, "--tolerance"},
	} {
		code, _, errb := runCLI(t, append([]string{"option", "--paths", "4096"}, tc.args...)...)
		if code != 2 || !strings.Contains(errb, tc.flag) {
			t.Errorf("greeks option %v: exit %d, stderr %q; want 2 naming %s", tc.args, code, errb, tc.flag)
		}
	}
}

// TestRNGSobolTable checks the table's rng line.
func TestRNGSobolTable(t *testing.T) {
	code, out, errb := runCLI(t, "option", "--rng", "sobol", "--paths", "8192", "--greeks", "delta", "--scramble", "shift")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(out, "sobol  16 randomizations of 512 points (shift scramble)") {
		t.Errorf("table lacks the rng line:\n%s", out)
	}
}

// TestRNGSobolBatch checks --rng sobol on greeks batch: every trade of the
// embedded sample runs with it (exit 0) and says so in its result.
func TestRNGSobolBatch(t *testing.T) {
	code, out, errb := runCLI(t, "batch", "--rng", "sobol", "--paths", "8192", "--randomizations", "8", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var rep struct {
		Errors int
		Trades []struct {
			TradeID string `json:"trade_id"`
			Result  *struct {
				RNG            string `json:"rng"`
				Randomizations int    `json:"randomizations"`
			} `json:"result"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Errors != 0 || len(rep.Trades) == 0 {
		t.Fatalf("%d errors in %d trades", rep.Errors, len(rep.Trades))
	}
	for _, tr := range rep.Trades {
		if tr.Result == nil || tr.Result.RNG != "sobol" || tr.Result.Randomizations != 8 {
			t.Errorf("trade %s: result %+v, want rng sobol with 8 randomizations", tr.TradeID, tr.Result)
		}
	}
	if code, _, errb := runCLI(t, "batch", "--rng", "sobol", "--paths", "1000"); code != 2 || !strings.Contains(errb, "--paths") {
		t.Errorf("batch --rng sobol --paths 1000: exit %d, %q; want 2 naming --paths", code, errb)
	}
}
