package main

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestOptionRhoTheta: --greeks with rho and theta reports them by every
// valid method with the closed form of analytic.BlackScholesRateTime in the
// analytic column, each estimate within 5 standard errors of it (fd within
// 5 of the closed form plus its O(h²) bump bias, far below one standard
// error here), and the Delta, Gamma and Vega figures bit-identical to a run
// without them.
func TestOptionRhoTheta(t *testing.T) {
	args := []string{"--paths", "200000", "--payoff", "put", "--strike", "95", "--div", "0.02", "--rate", "0.03", "--vol", "0.25"}
	r, raw := runJSON(t, append(args, "--greeks", "delta,gamma,vega,rho,theta")...)
	plain, rawPlain := runJSON(t, args...)
	// The fd steps of Rho and Theta are in the JSON when they were used:
	// 0.025·σ/√T = 0.00625 absolute, kept to two significant digits, and
	// 2.5% of T.
	if raw["rate_bump"] != 0.0063 || raw["expiry_bump"] != 0.025 {
		t.Errorf("rate_bump %v, expiry_bump %v; want 0.0063, 0.025", raw["rate_bump"], raw["expiry_bump"])
	}
	if _, ok := rawPlain["rate_bump"]; ok {
		t.Errorf("rate_bump %v in a run without rho or theta", rawPlain["rate_bump"])
	}
	cf, err := analytic.BlackScholesRateTime(sde.GBM{Spot: 100, Rate: 0.03, Div: 0.02, Vol: 0.25, Expiry: 1}, payoff.Put{Strike: 95})
	if err != nil {
		t.Fatal(err)
	}
	if n := checkAnalytic(t, r, map[string]float64{"rho": cf.Rho, "theta": cf.Theta}); n != 8 { // fd, pathwise, malliavin, hybrid for each
		t.Errorf("%d rho/theta figures, want 8: %+v", n, r.Greeks)
	}
	if len(plain.Greeks) != 12 {
		t.Fatalf("%d figures without rho/theta, want 12", len(plain.Greeks))
	}
	for i, f := range plain.Greeks {
		g := r.Greeks[i]
		if g.Greek != f.Greek || g.Method != f.Method || g.Estimate != f.Estimate || g.StdErr != f.StdErr {
			t.Errorf("%s %s: %v ± %v with rho/theta, %v ± %v without", f.Greek, f.Method, g.Estimate, g.StdErr, f.Estimate, f.StdErr)
		}
	}

	code, out, errb := runCLI(t, append([]string{"option"}, append(args, "--greeks", "rho,theta", "--rate-bump", "0.001", "--expiry-bump", "0.01")...)...)
	if code != 0 {
		t.Fatalf("table: exit %d: %s", code, errb)
	}
	for _, want := range []string{"rate 0.001 (absolute)  expiry 0.01 (relative)", "rho    pathwise", "theta  hybrid"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestMultiRhoThetaCLI: with --spots, Rho and Theta are one figure each,
// in the table's "all assets" block and without an asset in the JSON.
func TestMultiRhoThetaCLI(t *testing.T) {
	args := []string{"--spots", "100,95", "--vols", "0.25,0.2", "--correlation", "0.5", "--payoff", "spread-call", "--strike", "0",
		"--paths", "8192", "--greeks", "delta,rho,theta"}
	_, raw := runJSON(t, args...)
	n := 0
	for _, x := range raw["greeks"].([]any) {
		f := x.(map[string]any)
		if f["greek"] == "rho" || f["greek"] == "theta" {
			n++
			if a, ok := f["asset"]; ok {
				t.Errorf("%s %s: asset %v, want none", f["greek"], f["method"], a)
			}
		}
	}
	if n != 8 {
		t.Errorf("%d rho/theta figures, want 8", n)
	}
	code, out, errb := runCLI(t, append([]string{"option"}, args...)...)
	if code != 0 || !strings.Contains(out, "all assets") || strings.Index(out, "theta ") < strings.Index(out, "all assets") {
		t.Errorf("table: exit %d (%s), want theta under the all-assets block:\n%s", code, errb, out)
	}
}

// checkAnalytic checks each figure of r whose Greek is in want: its
// analytic column is want's value, its estimate within 5 standard errors
// of it. It returns the number of figures checked.
func checkAnalytic(t *testing.T, r unitReport, want map[string]float64) int {
	t.Helper()
	n := 0
	for _, f := range r.Greeks {
		w, ok := want[f.Greek]
		if !ok {
			continue
		}
		n++
		if f.Analytic == nil || math.Abs(*f.Analytic-w) > 1e-12*math.Abs(w) {
			t.Errorf("%s %s: analytic %v, want %v", f.Greek, f.Method, f.Analytic, w)
		}
		if !(math.Abs(f.Estimate-w) <= 5*f.StdErr) {
			t.Errorf("%s %s = %v ± %v, closed form %v", f.Greek, f.Method, f.Estimate, f.StdErr, w)
		}
	}
	return n
}

// TestRhoThetaRefusals: rho and theta of an Asian are reported by every
// valid method under euler, and a method other than fd for rho under
// milstein exits 2; bad bumps
// and batch --greeks rho exit 2 naming the flag; the batch library refuses
// them before reading a row.
func TestRhoThetaRefusals(t *testing.T) {
	r, _ := runJSON(t, "--paths", "8192", "--payoff", "asian-call", "--scheme", "euler", "--steps", "24", "--greeks", "delta,rho,theta")
	for _, g := range []string{"rho", "theta"} {
		if n := countGreek(r, g); n != 4 { // fd, pathwise, malliavin, hybrid
			t.Errorf("asian on euler: %d %s figures, want 4; skipped %+v", n, g, r.Skipped)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"option", "--paths", "8192", "--scheme", "milstein", "--greeks", "rho", "--methods", "pathwise"}, "rho"},
		{[]string{"option", "--rate-bump", "0.3", "--greeks", "rho"}, "--rate-bump"},
		{[]string{"option", "--expiry-bump", "0.5", "--greeks", "theta"}, "--expiry-bump"},
		{[]string{"batch", "--greeks", "rho", "--rho-unit", "bps"}, "--rho-unit"},
	} {
		code, _, errb := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errb, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", c.args, code, errb, c.want)
		}
	}
	// The batch library accepts them: a row with rho and theta is ok.
	rows, err := batch.ReadTrades(strings.NewReader("trade_id,underlying,payoff,quantity,strike,maturity,spot,vol,rate,div\nT1,X,call,1,100,1,100,0.2,0.03,0\n"), batch.CSV)
	if err != nil {
		t.Fatal(err)
	}
	opt := batch.Options{Config: greeks.Config{Paths: 4096, Greeks: []greeks.Greek{greeks.Delta, greeks.Theta, greeks.Rho}}}
	rep, err := batch.Run(context.Background(), rows, batch.Market{}, opt, nil)
	if err != nil || rep.OK != 1 || rep.Trades[0].Position["theta"] == "" || rep.Trades[0].Position["rho"] == "" {
		t.Errorf("batch with rho and theta: err %v, report %+v", err, rep)
		if rep != nil && rep.Trades[0].Error != nil {
			t.Log(*rep.Trades[0].Error)
		}
	}
}

// countGreek returns the number of r's figures of Greek g.
func countGreek(r unitReport, g string) int {
	n := 0
	for _, f := range r.Greeks {
		if f.Greek == g {
			n++
		}
	}
	return n
}
