package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDecimalIntegers: integer flags read decimals, as batch rows do:
// 0100000 is a hundred thousand, not octal; 0x10 is refused.
func TestDecimalIntegers(t *testing.T) {
	u, _ := runJSON(t, "--paths", "0100000", "--greeks", "delta", "--methods", "hybrid")
	if u.Paths != 100000 {
		t.Errorf("--paths 0100000 ran %d paths, want 100000", u.Paths)
	}
	t.Setenv("GREEKS_PATHS", "010000")
	if u, _ := runJSON(t, "--greeks", "delta", "--methods", "hybrid"); u.Paths != 10000 {
		t.Errorf("GREEKS_PATHS=010000 ran %d paths, want 10000", u.Paths)
	}
	for _, v := range []string{"0x10", "0b11", "1_000"} {
		if code, _, errb := runCLI(t, "option", "--paths", v); code != 2 || !strings.Contains(errb, "--paths") {
			t.Errorf("--paths %s: exit %d, stderr %q; want 2 naming --paths", v, code, errb)
		}
	}
	if code, _, errb := runCLI(t, "option", "--seed", "0x10"); code != 2 || !strings.Contains(errb, "--seed") {
		t.Errorf("--seed 0x10: exit %d, stderr %q", code, errb)
	}
}

// TestNeverNaNAsResult: inputs that overflow the simulation are refused
// with the flag and its value (a stated range), or their figures are
// reported as failed with exit 1; never "-" (not applicable) with exit 0.
func TestNeverNaNAsResult(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string // in stderr
	}{
		{[]string{"--maturity", "1e-300"}, 2, "--maturity 1e-300"},
		{[]string{"--spot-bump", "1e-300"}, 2, "--spot-bump 1e-300"},
		{[]string{"--vol-bump", "1e-300"}, 2, "--vol-bump 1e-300"},
		{[]string{"--rate", "1e300"}, 2, "rate = 1e+300"},
		{[]string{"--div", "-1e300"}, 2, "div = -1e+300"},
		{[]string{"--payoff", "digital-call", "--cash", "1e160"}, 1, "not finite"},
		{[]string{"--spot", "1e308"}, 1, "not finite"},
		{[]string{"--model", "cev", "--vol", "1e300"}, 1, "not finite"},
	} {
		code, out, errb := runCLI(t, append([]string{"option", "--paths", "8192"}, c.args...)...)
		if code != c.code || !strings.Contains(errb, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errb, c.code, c.want)
		}
		if c.code == 1 && (!strings.Contains(out, "failed") || !strings.Contains(out, "WARNINGS")) {
			t.Errorf("%v: the table does not mark the figures failed:\n%s", c.args, out)
		}
		if c.code == 1 {
			_, out, _ := runCLI(t, append([]string{"option", "--paths", "8192", "--format", "json"}, c.args...)...)
			var obj struct{ Warnings []string }
			if err := json.Unmarshal([]byte(out), &obj); err != nil || len(obj.Warnings) == 0 {
				t.Errorf("%v: json warnings %v (%v)", c.args, obj.Warnings, err)
			}
		}
	}
}

// TestHeavyTailWarning: the diagnostic fires on the heavy-tailed
// cases, in the table and the JSON, and stays silent on ordinary ones.
func TestHeavyTailWarning(t *testing.T) {
	for _, c := range []struct {
		args  []string
		fires bool
	}{
		{[]string{"--vol", "3", "--maturity", "3"}, true},
		{[]string{"--vol", "3", "--maturity", "10"}, true},
		{nil, false},
		{[]string{"--vol", "0.8", "--maturity", "5"}, false},
		{[]string{"--payoff", "digital-put", "--vol", "0.5", "--maturity", "2"}, false},
		{[]string{"--model", "cev", "--beta", "0.5", "--vol", "2"}, false},
	} {
		args := append([]string{"option", "--paths", "100000", "--format", "json"}, c.args...)
		code, out, errb := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", c.args, code, errb)
		}
		var obj struct{ Warnings []string }
		if err := json.Unmarshal([]byte(out), &obj); err != nil {
			t.Fatal(err)
		}
		got := len(obj.Warnings) == 1 && strings.Contains(obj.Warnings[0], "heavy tail")
		if got != c.fires || (!c.fires && len(obj.Warnings) != 0) {
			t.Errorf("%v: warnings %q, want heavy tail %v", c.args, obj.Warnings, c.fires)
		}
		_, table, _ := runCLI(t, append([]string{"option", "--paths", "100000"}, c.args...)...)
		if strings.Contains(table, "heavy tail") != c.fires {
			t.Errorf("%v: table heavy-tail warning %v, want %v", c.args, !c.fires, c.fires)
		}
	}
}

// TestToleranceNotMet: a tolerance stopped by --max-paths says so in the
// table, in the JSON (tolerance_met) and by exit 1.
func TestToleranceNotMet(t *testing.T) {
	args := []string{"option", "--tolerance", "1e-9", "--max-paths", "16384", "--paths", "4096", "--greeks", "delta"}
	code, out, errb := runCLI(t, args...)
	if code != 1 || !strings.Contains(out, "NOT MET") || !strings.Contains(errb, "not met") {
		t.Errorf("exit %d, stderr %q, table:\n%s", code, errb, out)
	}
	code, out, _ = runCLI(t, append(args, "--format", "json")...)
	var obj struct {
		ToleranceMet *bool `json:"tolerance_met"`
	}
	if err := json.Unmarshal([]byte(out), &obj); err != nil || code != 1 || obj.ToleranceMet == nil || *obj.ToleranceMet {
		t.Errorf("json: exit %d, tolerance_met %v (%v)", code, obj.ToleranceMet, err)
	}
	code, out, _ = runCLI(t, "option", "--tolerance", "0.01", "--paths", "4096", "--greeks", "delta", "--format", "json")
	if err := json.Unmarshal([]byte(out), &obj); err != nil || code != 0 || obj.ToleranceMet == nil || !*obj.ToleranceMet {
		t.Errorf("a met tolerance: exit %d, tolerance_met %v (%v)", code, obj.ToleranceMet, err)
	}
}

// TestMaxPathsOnlyWithTolerance: --paths above --max-paths' default is no
// error without --tolerance (benchmarks/README.md runs 10⁹ paths).
func TestMaxPathsOnlyWithTolerance(t *testing.T) {
	// benchmarks/README.md's command, stopped after the flags are read
	// (by the bad --greeks that follows): nothing about --max-paths.
	if _, _, errb := runCLI(t, "option", "--paths", "1000000000", "--greeks", "bogus"); strings.Contains(errb, "max-paths") || !strings.Contains(errb, "--greeks") {
		t.Errorf("--paths 1000000000: %q", errb)
	}
	code, _, errb := runCLI(t, "option", "--paths", "100000", "--max-paths", "4096", "--greeks", "delta", "--methods", "hybrid")
	if code != 0 {
		t.Errorf("--paths 100000 --max-paths 4096 without --tolerance: exit %d, %s", code, errb)
	}
	code, _, errb = runCLI(t, "option", "--paths", "100000", "--max-paths", "4096", "--tolerance", "0.1")
	if code != 2 || !strings.Contains(errb, "--max-paths") {
		t.Errorf("with --tolerance: exit %d, %s; want 2 naming --max-paths", code, errb)
	}
}

// TestWorkersCapped: a huge --workers runs (the pool is capped at the
// chunks of the run) and reports the workers it used.
func TestWorkersCapped(t *testing.T) {
	u, _ := runJSON(t, "--workers", "1000000", "--paths", "8192", "--greeks", "delta", "--methods", "fd")
	if u.Workers < 1 || u.Workers > 32 {
		t.Errorf("--workers 1000000 ran %d workers, want at most 32 (a round's chunks)", u.Workers)
	}
}
