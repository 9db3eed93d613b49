package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestBatchMultiEqualsOption prices a basket call and a basket digital on
// two underlyings as batch rows (market and correlations from files, the
// trade's own seed) and with greeks option --spots on the same inputs and
// seed: the same unit object, every figure of every asset and the cross
// Gamma, but for how the run was made (workers, elapsed).
func TestBatchMultiEqualsOption(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"p.csv": "trade_id,underlying,payoff,quantity,strike,maturity,weights,cash,seed\n" +
			"B1,ACME|BETA,basket-call,10,100,1,0.6|0.4,,42\n" +
			"D1,ACME|BETA,basket-digital-call,10,100,1,,2,43\n",
		"m.csv":  "underlying,spot,vol,rate,div\nACME,100,0.2,0.05,0\nBETA,95,0.3,0.05,0.02\n",
		"c.json": `[{"underlying_a": "BETA", "underlying_b": "ACME", "rho": -0.4}]`,
	})
	code, out, errb := runCLI(t, "batch", "--in", filepath.Join(dir, "p.csv"), "--market", filepath.Join(dir, "m.csv"),
		"--correlations", filepath.Join(dir, "c.json"), "--paths", "20000", "--format", "json", "--workers", "2")
	if code != 0 {
		t.Fatalf("batch: exit %d: %s", code, errb)
	}
	var rep struct {
		Trades []struct {
			TradeID string         `json:"trade_id"`
			Status  string         `json:"status"`
			Error   *string        `json:"error"`
			Result  map[string]any `json:"result"`
		} `json:"trades"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for i, args := range [][]string{
		{"--payoff", "basket-call", "--weights", "0.6,0.4", "--seed", "42"},
		{"--payoff", "basket-digital-call", "--cash", "2", "--seed", "43"},
	} {
		tr := rep.Trades[i]
		if tr.Status != "ok" {
			t.Fatalf("%s: %s", tr.TradeID, *tr.Error)
		}
		args = append([]string{"option", "--spots", "100,95", "--vols", "0.2,0.3", "--divs", "0,0.02", "--rate", "0.05",
			"--maturity", "1", "--correlation", "-0.4", "--strike", "100", "--paths", "20000", "--format", "json", "--workers", "1"}, args...)
		code, opt, errb := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("greeks %s: exit %d: %s", strings.Join(args, " "), code, errb)
		}
		var want map[string]any
		if err := json.Unmarshal([]byte(opt), &want); err != nil {
			t.Fatal(err)
		}
		for _, m := range []map[string]any{want, tr.Result} {
			delete(m, "workers")
			delete(m, "elapsed_seconds")
		}
		// greeks option names the unit of its Vega figures; a batch
		// result's unit figures are absolute (the row's vega_unit is that
		// of its positions).
		if want["vega_unit"] != "absolute" {
			t.Errorf("greeks option vega_unit %v, want absolute", want["vega_unit"])
		}
		if want["rho_unit"] != "absolute" {
			t.Errorf("greeks option rho_unit %v, want absolute", want["rho_unit"])
		}
		delete(want, "vega_unit")
		delete(want, "rho_unit")
		got, _ := json.Marshal(tr.Result)
		w, _ := json.Marshal(want)
		if string(got) != string(w) {
			t.Errorf("%s: batch's unit result differs from greeks option's:\nbatch  %s\noption %s", tr.TradeID, got, w)
		}
		if !strings.Contains(string(got), `"assets":[0,1]`) || !strings.Contains(string(got), `"asset":1`) {
			t.Errorf("%s: no per-asset or cross-gamma figure: %s", tr.TradeID, got)
		}
	}
}

// TestBatchCorrelationsFile: a correlations file that cannot be read, or
// gives a pair twice, is a usage error naming --correlations and the pair;
// so is an --out that is the correlations file.
func TestBatchCorrelationsFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"twice.csv": "underlying_a,underlying_b,rho\nACME,GLOBEX,0.6\nGLOBEX,ACME,0.5\n",
		"good.csv":  "underlying_a,underlying_b,rho\nACME,GLOBEX,0.6\nACME,INITECH,0.3\nGLOBEX,INITECH,-0.2\n",
	})
	// A report must not replace the correlations file it reads.
	good := filepath.Join(dir, "good.csv")
	if code, _, errb := runCLI(t, "batch", "--correlations", good, "--out", good, "--paths", "2000"); code != 2 || !strings.Contains(errb, "correlations") {
		t.Errorf("--out the --correlations file: exit %d (%s), want 2 naming it", code, errb)
	}
	for file, want := range map[string][]string{
		"twice.csv":   {"invalid --correlations", "GLOBEX,ACME", "given twice"},
		"missing.csv": {"invalid --correlations", "missing.csv"},
	} {
		code, _, errb := runCLI(t, "batch", "--correlations", filepath.Join(dir, file), "--paths", "2000")
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", file, code)
		}
		for _, w := range want {
			if !strings.Contains(errb, w) {
				t.Errorf("%s: stderr %q does not say %q", file, errb, w)
			}
		}
	}
}
