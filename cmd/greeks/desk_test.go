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

// TestOptionUnits: greeks option --vega-unit percent reports every Vega
// figure and its closed form per vol point (÷ 100) and --rho-unit bp every
// Rho figure and its closed form per basis point (÷ 10⁴), on the same
// paths as the absolute ones, and says so (the JSON's unit and each
// figure's note); the other figures do not change; a bad unit is a usage
// error naming the flag.
func TestOptionUnits(t *testing.T) {
	for _, c := range []struct {
		greeks, flag, unit, key, greek, note, bad string
		k                                         float64
	}{
		{"delta,gamma,vega", "--vega-unit", "percent", "vega_unit", "vega", "per vol point", "bp", 0.01},
		{"delta,rho,theta", "--rho-unit", "bp", "rho_unit", "rho", "per basis point", "percent", 1e-4},
	} {
		args := []string{"--paths", "20000", "--seed", "5", "--greeks", c.greeks}
		abs, rawAbs := runJSON(t, args...)
		got, rawGot := runJSON(t, append(args, c.flag, c.unit)...)
		if rawAbs[c.key] != "absolute" || rawGot[c.key] != c.unit {
			t.Errorf("%s %v and %v, want absolute and %s", c.key, rawAbs[c.key], rawGot[c.key], c.unit)
		}
		if len(abs.Greeks) != len(got.Greeks) || len(abs.Greeks) == 0 {
			t.Fatalf("%s: %d and %d figures", c.flag, len(abs.Greeks), len(got.Greeks))
		}
		scaled := 0
		for i, a := range abs.Greeks {
			p := got.Greeks[i]
			k := 1.0
			if a.Greek == c.greek {
				k = c.k
				scaled++
				if !strings.Contains(p.Note, c.note) {
					t.Errorf("%s %s note %q", c.greek, p.Method, p.Note)
				}
				if a.Analytic == nil || p.Analytic == nil || math.Abs(*p.Analytic-*a.Analytic*k) > 1e-15 {
					t.Errorf("%s closed form %v, %v", c.greek, a.Analytic, p.Analytic)
				}
			}
			if math.Abs(p.Estimate-a.Estimate*k) > 1e-15*math.Abs(a.Estimate) || math.Abs(p.StdErr-a.StdErr*k) > 1e-15*a.StdErr {
				t.Errorf("%s %s: %v ± %v, absolute %v ± %v", a.Greek, a.Method, p.Estimate, p.StdErr, a.Estimate, a.StdErr)
			}
		}
		if scaled == 0 {
			t.Errorf("no %s figures", c.greek)
		}
		if code, _, errb := runCLI(t, "option", c.flag, c.bad); code != 2 || !strings.Contains(errb, c.flag[2:]) {
			t.Errorf("%s %s: exit %d, stderr %q", c.flag, c.bad, code, errb)
		}
	}
}
