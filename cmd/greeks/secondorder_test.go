package main

import (
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
	if n := checkAnalytic(t, r, map[string]float64{"vanna": cf.Vanna, "volga": cf.Volga}); n != 8 { // fd, malliavin, localized, hybrid for each
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
