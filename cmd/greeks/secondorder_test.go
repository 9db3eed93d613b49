package main

import (
	"math"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestOptionVannaVolga: --greeks with vanna and volga reports them by
// every valid method with the closed form of
// analytic.BlackScholesSecondOrder in the analytic column, each estimate
// within 5 standard errors of it (fd's bump bias is far below one standard
// error here); the table names them.
func TestOptionVannaVolga(t *testing.T) {
	args := []string{"--paths", "200000", "--payoff", "digital-call", "--strike", "105", "--cash", "1", "--div", "0.01", "--vol", "0.2"}
	r, _ := runJSON(t, append(args, "--greeks", "delta,vanna,volga")...)
	cf, err := analytic.BlackScholesSecondOrder(sde.GBM{Spot: 100, Rate: 0.05, Div: 0.01, Vol: 0.2, Expiry: 1}, payoff.DigitalCall{Strike: 105, Cash: 1})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range r.Greeks {
		want := cf.Vanna
		switch f.Greek {
		case "volga":
			want = cf.Volga
		case "vanna":
		default:
			continue
		}
		n++
		if f.Analytic == nil || math.Abs(*f.Analytic-want) > 1e-12*math.Abs(want) {
			t.Errorf("%s %s: analytic %v, want %v", f.Greek, f.Method, f.Analytic, want)
		}
		if !(math.Abs(f.Estimate-want) <= 5*f.StdErr) {
			t.Errorf("%s %s = %v ± %v, closed form %v", f.Greek, f.Method, f.Estimate, f.StdErr, want)
		}
	}
	if n != 8 { // fd, malliavin, localized, hybrid for each
		t.Errorf("%d vanna/volga figures, want 8: %+v", n, r.Greeks)
	}
	code, out, errb := runCLI(t, append([]string{"option"}, append(args, "--paths", "20000", "--greeks", "vanna,volga")...)...)
	if code != 0 {
		t.Fatalf("table: exit %d: %s", code, errb)
	}
	for _, want := range []string{"vanna  localized", "volga  hybrid"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
