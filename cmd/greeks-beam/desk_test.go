package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
)

// TestDeskConventions: --vega-unit percent and --valuation-date give the
// report greeks batch gives with the same options (Vega per vol point,
// cash Delta and Gamma, expiry dates, an expiry on the valuation date an
// error row), and the report names its conventions.
func TestDeskConventions(t *testing.T) {
	dir := t.TempDir()
	in, market := filepath.Join(dir, "p.csv"), filepath.Join(dir, "m.csv")
	os.WriteFile(in, []byte("trade_id,underlying,payoff,quantity,strike,maturity,expiry\n"+
		"A1,ACME,call,100,100,,2027-12-01\nA2,ACME,put,-50,95,0.5,\nG1,GLOBEX,call,200,55,1,2027-12-01\n"+
		"X1,GLOBEX,call,200,55,,2026-12-01\n"), 0o644)
	os.WriteFile(market, []byte("underlying,spot,vol,rate,div\nACME,100,0.2,0.05,0\nGLOBEX,54.5,0.32,0.05,0.015\n"), 0o644)

	rows, m, err := batch.ReadFiles(batch.Files{Trades: in, Market: market})
	if err != nil {
		t.Fatal(err)
	}
	o := batch.Options{Config: greeks.Config{Paths: paths, Seed: 3, Greeks: []greeks.Greek{greeks.Delta, greeks.Gamma, greeks.Vega},
		MaxPaths: greeks.DefaultMaxPaths, Lambda: greeks.Crossfit}, Workers: 2, Decimals: batch.DefaultDecimals,
		VegaUnit: batch.VegaPercent, ValuationDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	rep, err := batch.Run(context.Background(), rows, m, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "batch.json")
	if err := rep.WriteFile(want, batch.JSON); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "beam.json")
	code, stderr := runCLI("--in", in, "--market", market, "--out", out, "--paths", fmt.Sprint(paths), "--seed", "3",
		"--vega-unit", "percent", "--valuation-date", "2026-12-01", "--shards-per-trade", "2")
	if code != 1 || !strings.Contains(stderr, "1 of 4 rows failed") {
		t.Errorf("exit %d, stderr %q; want 1 with the expiry on the valuation date failed", code, stderr)
	}
	if got, w := normalized(t, out), normalized(t, want); !bytes.Equal(got, w) {
		t.Errorf("report differs from greeks batch's: %s", firstDiff(got, w))
	}
	var top struct {
		VegaUnit      string `json:"vega_unit"`
		ValuationDate string `json:"valuation_date"`
		Totals        []batch.Total
	}
	if err := json.Unmarshal(mustRead(t, out), &top); err != nil {
		t.Fatal(err)
	}
	if top.VegaUnit != "percent" || top.ValuationDate != "2026-12-01" {
		t.Errorf("report vega_unit %q, valuation_date %q", top.VegaUnit, top.ValuationDate)
	}
	for _, tot := range top.Totals {
		if tot.Underlying == batch.TotalUnderlying && (tot.Greek == "delta" || tot.Greek == "gamma") {
			t.Errorf("the * total adds share %s across underlyings", tot.Greek)
		}
	}
}
