package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBatchDeskFlags: --vega-unit and --valuation-date are checked as
// flags (exit 2 naming the flag and value), and the table names the Vega
// unit, the cash conventions and the valuation date.
func TestBatchDeskFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--vega-unit", "bp"},
		{"--valuation-date", "2026-02-30"},
		{"--valuation-date", "01/12/2026"},
	} {
		code, _, errb := runCLI(t, append([]string{"batch", "--paths", "2000"}, args...)...)
		if code != 2 || !strings.Contains(errb, args[0]) || !strings.Contains(errb, args[1]) {
			t.Errorf("batch %v: exit %d, stderr %q; want 2 naming the flag and value", args, code, errb)
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "p.csv")
	os.WriteFile(in, []byte("trade_id,underlying,payoff,quantity,strike,expiry,spot,vol,rate,div\n"+
		"T1,ACME,call,10,100,2027-06-01,100,0.2,0.03,0\n"), 0o644)
	code, out, errb := runCLI(t, "batch", "--in", in, "--paths", "2000", "--vega-unit", "percent", "--valuation-date", "2026-12-01")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb)
	}
	for _, want := range []string{"VEGA (per 1 vol pt)", "Vega per vol point", "cash_delta", "expiries from 2026-12-01, Actual/365 Fixed"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Without --valuation-date the expiry row is an error naming the flag:
	// the same file never gives numbers that depend on the day it runs.
	code, out, _ = runCLI(t, "batch", "--in", in, "--paths", "2000")
	if code != 1 || !strings.Contains(out, "valuation-date") {
		t.Errorf("expiry without --valuation-date: exit %d, want 1 with an error row naming the flag:\n%s", code, out)
	}
}

// TestOptionVegaUnit: greeks option --vega-unit percent reports every Vega
// figure and its closed form per vol point, the absolute ones ÷ 100 on the
// same paths, and says so; the other figures do not change.
func TestOptionVegaUnit(t *testing.T) {
	args := []string{"--paths", "20000", "--seed", "5"}
	abs, rawAbs := runJSON(t, args...)
	pct, rawPct := runJSON(t, append(args, "--vega-unit", "percent")...)
	if rawAbs["vega_unit"] != "absolute" || rawPct["vega_unit"] != "percent" {
		t.Errorf("vega_unit %v and %v, want absolute and percent", rawAbs["vega_unit"], rawPct["vega_unit"])
	}
	if len(abs.Greeks) != len(pct.Greeks) || len(abs.Greeks) == 0 {
		t.Fatalf("%d and %d figures", len(abs.Greeks), len(pct.Greeks))
	}
	vegas := 0
	for i, a := range abs.Greeks {
		p := pct.Greeks[i]
		k := 1.0
		if a.Greek == "vega" {
			k = 0.01
			vegas++
			if !strings.Contains(p.Note, "per vol point") {
				t.Errorf("vega %s note %q", p.Method, p.Note)
			}
			if a.Analytic == nil || p.Analytic == nil || math.Abs(*p.Analytic-*a.Analytic*k) > 1e-15 {
				t.Errorf("vega closed form %v, %v", a.Analytic, p.Analytic)
			}
		}
		if math.Abs(p.Estimate-a.Estimate*k) > 1e-15*math.Abs(a.Estimate) || math.Abs(p.StdErr-a.StdErr*k) > 1e-15*a.StdErr {
			t.Errorf("%s %s: %v ± %v, absolute %v ± %v", a.Greek, a.Method, p.Estimate, p.StdErr, a.Estimate, a.StdErr)
		}
	}
	if vegas == 0 {
		t.Error("no vega figures")
	}
	if code, _, errb := runCLI(t, "option", "--vega-unit", "bp"); code != 2 || !strings.Contains(errb, "vega-unit") {
		t.Errorf("--vega-unit bp: exit %d, stderr %q", code, errb)
	}
}

// TestOptionRhoUnit: greeks option --rho-unit bp reports every Rho figure
// and its closed form per basis point, the absolute ones ÷ 10⁴ on the same
// paths, and says so; the other figures do not change; a bad unit is a
// usage error naming the flag.
func TestOptionRhoUnit(t *testing.T) {
	args := []string{"--paths", "20000", "--seed", "5", "--greeks", "delta,rho,theta"}
	abs, rawAbs := runJSON(t, args...)
	bp, rawBP := runJSON(t, append(args, "--rho-unit", "bp")...)
	if rawAbs["rho_unit"] != "absolute" || rawBP["rho_unit"] != "bp" {
		t.Errorf("rho_unit %v and %v, want absolute and bp", rawAbs["rho_unit"], rawBP["rho_unit"])
	}
	if len(abs.Greeks) != len(bp.Greeks) || len(abs.Greeks) == 0 {
		t.Fatalf("%d and %d figures", len(abs.Greeks), len(bp.Greeks))
	}
	rhos := 0
	for i, a := range abs.Greeks {
		p := bp.Greeks[i]
		k := 1.0
		if a.Greek == "rho" {
			k = 1e-4
			rhos++
			if !strings.Contains(p.Note, "per basis point") {
				t.Errorf("rho %s note %q", p.Method, p.Note)
			}
			if a.Analytic == nil || p.Analytic == nil || math.Abs(*p.Analytic-*a.Analytic*k) > 1e-15 {
				t.Errorf("rho closed form %v, %v", a.Analytic, p.Analytic)
			}
		}
		if math.Abs(p.Estimate-a.Estimate*k) > 1e-15*math.Abs(a.Estimate) || math.Abs(p.StdErr-a.StdErr*k) > 1e-15*a.StdErr {
			t.Errorf("%s %s: %v ± %v, absolute %v ± %v", a.Greek, a.Method, p.Estimate, p.StdErr, a.Estimate, a.StdErr)
		}
	}
	if rhos == 0 {
		t.Error("no rho figures")
	}
	if code, _, errb := runCLI(t, "option", "--rho-unit", "percent"); code != 2 || !strings.Contains(errb, "rho-unit") {
		t.Errorf("--rho-unit percent: exit %d, stderr %q", code, errb)
	}
}
