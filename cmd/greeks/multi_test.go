package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/report"
)

func multiJSON(t *testing.T, args ...string) report.Unit {
	t.Helper()
	code, out, errs := runCLI(t, append([]string{"option", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var u report.Unit
	if err := json.Unmarshal([]byte(out), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestOneAssetBasketIsCall: a one-asset basket call prints the figures of
// --payoff call, digit for digit, on the same seed.
func TestOneAssetBasketIsCall(t *testing.T) {
	common := []string{"--paths", "50000", "--seed", "5", "--strike", "105", "--vol", "0.3", "--div", "0.02"}
	a := multiJSON(t, append(common, "--payoff", "call")...)
	b := multiJSON(t, append(common, "--payoff", "basket-call", "--spots", "100")...)
	if a.Price.Estimate != b.Price.Estimate || len(a.Greeks) != len(b.Greeks) {
		t.Fatalf("call %v (%d figures), basket %v (%d)", a.Price.Estimate, len(a.Greeks), b.Price.Estimate, len(b.Greeks))
	}
	for i, f := range a.Greeks {
		g := b.Greeks[i]
		fj, _ := json.Marshal([]any{f.Greek, f.Method, f.Estimate, f.StdErr, f.Lambda})
		gj, _ := json.Marshal([]any{g.Greek, g.Method, g.Estimate, g.StdErr, g.Lambda})
		if string(fj) != string(gj) {
			t.Errorf("call %s, basket-call %s", fj, gj)
		}
		if f.Asset != nil || g.Asset == nil || *g.Asset != 0 {
			t.Errorf("asset fields: call %v, basket %v", f.Asset, g.Asset)
		}
	}
}

// TestMultiJSON: per-asset figures carry "asset", cross Gammas "assets".
func TestMultiJSON(t *testing.T) {
	code, out, errs := runCLI(t, "option", "--format", "json", "--paths", "20000", "--spots", "100,95", "--vols", "0.25,0.2",
		"--divs", "0.01,0.03", "--correlation", "0.6", "--payoff", "spread-call", "--strike", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{`"greek":"delta","method":"fd","asset":1,`, `"greek":"cross-gamma","method":"hybrid","assets":[0,1],`, `"assets":2,`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	var u report.Unit
	if err := json.Unmarshal([]byte(out), &u); err != nil {
		t.Fatal(err)
	}
	if len(u.Greeks) != 4*7 { // (3 Greeks × 2 assets + 1 pair) × 4 methods
		t.Errorf("%d figures, want 28", len(u.Greeks))
	}
}

func TestMultiTable(t *testing.T) {
	code, out, errs := runCLI(t, "option", "--paths", "20000", "--spots", "100,95,105", "--correlation", "1,0.2,0.1;0.2,1,0.3;0.1,0.3,1",
		"--payoff", "worst-of-digital-call", "--strike", "90", "--greeks", "delta,cross-gamma", "--smoothing", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"asset 0  spot 100", "asset 2  spot 105", "cross gammas", "localized", "1,2\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestMultiBadInputs: usage errors (exit 2) that name the input.
func TestMultiBadInputs(t *testing.T) {
	base := []string{"option", "--paths", "1000", "--strike", "100"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--spots", "100,95", "--payoff", "basket-call", "--correlation", "1.2"}, "correlation[0][1] = 1.2"},
		{[]string{"--spots", "100,95,90", "--payoff", "basket-call", "--correlation", "1,0.9,-0.9;0.9,1,0.9;-0.9,0.9,1"}, "not positive definite: its smallest eigenvalue is -0.8"},
		{[]string{"--spots", "100,95", "--payoff", "basket-call", "--weights", "0.2,0.3,0.5"}, "3 weights for 2 assets"},
		{[]string{"--spots", "100,95,90", "--payoff", "spread-call"}, "spread-call takes exactly 2"},
		{[]string{"--spots", "100,95", "--payoff", "basket-call", "--vols", "0.2,0.3,0.1"}, "--vols"},
		{[]string{"--spots", "100,x", "--payoff", "basket-call"}, "--spots"},
		{[]string{"--payoff", "basket-call"}, "needs --spots"},
		{[]string{"--spots", "100,95", "--payoff", "call"}, "invalid --payoff \"call\" with --spots"},
		{[]string{"--spots", "100,95", "--payoff", "basket-call", "--correlation", "1,0.5;0.4,1"}, "symmetric"},
		{[]string{"--spots", "100,95", "--payoff", "best-of-call", "--weights", "0.5,0.5"}, "weights apply to the basket payoffs"},
		{[]string{"--payoff", "call", "--vols", "0.2,0.3"}, "--vols needs --spots"},
	} {
		code, _, errs := runCLI(t, append(base, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}
