package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks"
)

// TestHestonSameAsBatch prices Heston rows (parameters from the market
// file, one overriding xi, one under euler) on the pipeline, cut into one
// and into two shards, and wants greeks batch's report byte for byte, Rho
// and Theta included.
func TestHestonSameAsBatch(t *testing.T) {
	dir := t.TempDir()
	in, market, corr := filepath.Join(dir, "p.csv"), filepath.Join(dir, "m.csv"), filepath.Join(dir, "c.csv")
	for name, text := range map[string]string{
		in: "trade_id,underlying,payoff,quantity,strike,maturity,model,scheme,steps,xi\n" +
			"H1,ACME,call,10,100,1,heston,,8,\n" +
			"H2,ACME,put,-5,95,0.5,heston,euler,8,0.4\n" +
			"H3,ACME,digital-call,3,105,1,heston,,8,\n",
		market: "underlying,spot,vol,rate,div,v0,kappa,theta,xi,heston_rho\nACME,100,0.2,0.03,0.01,0.04,1,0.04,1,-0.7\n",
		corr:   "underlying_a,underlying_b,rho\n",
	} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const seed = 5
	want := filepath.Join(dir, "batch.json")
	batchReport(t, in, market, corr, want, seed, greeks.Delta, greeks.Gamma, greeks.Vega, greeks.Rho, greeks.Theta)
	wantJSON := normalized(t, want)
	for _, shards := range []int{1, 2} {
		out := filepath.Join(dir, fmt.Sprintf("beam-%d.json", shards))
		code, stderr := runCLI("--in", in, "--market", market, "--correlations", corr, "--out", out, "--paths", fmt.Sprint(paths),
			"--seed", fmt.Sprint(seed), "--greeks", "delta,gamma,vega,rho,theta", "--shards-per-trade", fmt.Sprint(shards))
		if code != 0 {
			t.Fatalf("%d shards: exit %d, stderr %q", shards, code, stderr)
		}
		if got := normalized(t, out); !bytes.Equal(got, wantJSON) {
			t.Errorf("%d shards: report differs from greeks batch's: %s", shards, firstDiff(got, wantJSON))
		}
	}
}
