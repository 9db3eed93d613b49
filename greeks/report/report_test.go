package report

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestUnit checks the unit object: keys, nulls for what does not apply,
// and the intervals.
func TestUnit(t *testing.T) {
	m := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	p := payoff.UpOutCall{Strike: 100, Barrier: payoff.Barrier{Level: 130, Fixings: 12}}
	res, err := greeks.Run(context.Background(), m, p, greeks.Config{Paths: 20_000, Seed: 1, Greeks: []greeks.Greek{greeks.Delta}})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := analytic.Reference(m, p)
	if err == nil {
		t.Fatal("a closed form for a barrier")
	}
	b, err := json.Marshal(NewUnit(m, p, res, NaNValues()))
	if err != nil {
		t.Fatal(err)
	}
	_ = ref
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"paths", "seed", "payoff", "model", "beta", "fixings", "lambda_mode", "smoothing", "price", "greeks", "skipped"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("no key %q in %s", k, b)
		}
	}
	if raw["beta"] != nil || raw["price"].(map[string]any)["analytic"] != nil {
		t.Errorf("beta %v and analytic %v, want null", raw["beta"], raw["price"].(map[string]any)["analytic"])
	}
	for _, f := range raw["greeks"].([]any) {
		g := f.(map[string]any)
		if (g["method"] == "hybrid") != (g["lambda"] != nil) {
			t.Errorf("%v: lambda %v", g["method"], g["lambda"])
		}
		if g["method"] == "hybrid" && (g["lambda_mode"] != "crossfit" || g["smoothing"] == nil) {
			t.Errorf("hybrid entry %v lacks lambda_mode or smoothing", g)
		}
	}
	if !strings.Contains(string(b), `"skipped":[{`) {
		t.Errorf("skipped list empty for a barrier: %s", b)
	}
	var n Num
	if err := json.Unmarshal([]byte("null"), &n); err != nil || !math.IsNaN(float64(n)) {
		t.Errorf("null read as %v, %v", n, err)
	}
}
