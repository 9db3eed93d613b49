package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHardening: the cases of issue 12 through greeks-beam: an empty name
// in --methods, an --out that is the portfolio, an --out that cannot be
// created (each refused before the pipeline, exit 2), and a row whose
// position overflows (an error row; the report is written whole).
func TestHardening(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "p.json")
	p := `[{"trade_id":"HUGE","underlying":"X","payoff":"call","quantity":1e299,"strike":1e6,"maturity":1,"spot":1e6,"vol":0.2,"rate":0.05,"div":0},
 {"trade_id":"OK","underlying":"X","payoff":"call","quantity":2,"strike":100,"maturity":1,"spot":100,"vol":0.2,"rate":0.05,"div":0}]`
	if err := os.WriteFile(in, []byte(p), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r.json")
	for _, args := range [][]string{
		{"--in", in, "--out", out, "--methods", "fd,,hybrid"},
		{"--in", in, "--out", in},
		{"--in", in, "--out", dir + "/./p.json"},
		{"--in", in, "--out", filepath.Join(dir, "missing", "r.json")},
		{"--in", in, "--out", out, "--paths", "0x1000"},
		{"--in", in, "--out", out, "--greeks", "delta,charm"},
	} {
		if code, stderr := runCLI(args...); code != 2 {
			t.Errorf("greeks-beam %s: exit %d (%s), want 2", strings.Join(args, " "), code, stderr)
		}
	}
	if b, _ := os.ReadFile(in); string(b) != p {
		t.Fatalf("the portfolio was replaced: %s", b)
	}
	code, stderr := runCLI("--in", in, "--out", out, "--paths", "4096")
	if code != 1 || !strings.Contains(stderr, "1 of 2 rows failed") {
		t.Fatalf("exit %d (%s), want 1 with one failed row", code, stderr)
	}
	var rep struct {
		Trades []struct {
			TradeID, Status string
			Error           *string
		}
	}
	if err := json.Unmarshal(mustRead(t, out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Trades) != 2 || rep.Trades[0].Status != "error" || !strings.Contains(*rep.Trades[0].Error, "position_stderr") ||
		rep.Trades[1].Status != "ok" {
		t.Errorf("report trades %+v", rep.Trades)
	}
}
