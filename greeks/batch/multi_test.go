package batch

import (
	"strings"
	"testing"
)

// TestMultiRows checks the rows on several underlyings: a good one, and
// each bad input an error row naming it (the pair, the rho, the matrix, the
// weights, the payoff), every row reported.
func TestMultiRows(t *testing.T) {
	text := "trade_id,underlying,payoff,quantity,strike,maturity,weights,spot,rate,model\n" +
		"G1,ACME|BETA,basket-call,100,100,1,0.6|0.4,,,\n" +
		"G2,ACME|BETA|GAMMA,best-of-call,-5,100,1,,,,\n" +
		"M1,ACME|ZETA,basket-call,100,100,1,,,,\n" + // no ACME,ZETA pair
		"M2,ACME|BAD,basket-call,100,100,1,,,,\n" + // rho 1.2
		"M3,ACME|BETA|NPD,basket-call,100,100,1,,,,\n" + // not positive definite
		"M4,ACME|BETA,basket-call,100,100,1,0.2|0.3|0.5,,,\n" + // 3 weights, 2 underlyings
		"M5,ACME|BETA|GAMMA,spread-call,100,0,1,,,,\n" + // a spread on three
		"M6,ACME|BETA,best-of-call,100,100,1,0.5|0.5,,,\n" + // weights on a best-of
		"M7,ACME|ACME,basket-call,100,100,1,,,,\n" + // named twice
		"M8,ACME|BETA,call,100,100,1,,,,\n" + // a single-asset payoff
		"M9,ACME|BETA,basket-call,100,100,1,,100,,\n" + // one spot for two
		"M10,ACME|OTHERRATE,basket-call,100,100,1,,,,\n" + // two rates, none in the row
		"M11,ACME|BETA,basket-call,100,100,1,,,,cev\n" + // cev
		"M12,ACME|BETA,basket-call,100,100,1,0.5|x,,,\n" + // a weight not a number
		"M13,ACME|BETA,basket-call,100,-5,1,,,,\n" + // a negative strike
		"G3,ACME|BETA,spread-put,100,-5,1,,,,\n" // a spread's strike may be negative
	rows, err := ReadTrades(strings.NewReader(text), CSV)
	if err != nil {
		t.Fatal(err)
	}
	q := func(s, v float64) Quote { return Quote{Spot: ptr(s), Vol: ptr(v), Rate: ptr(0.05), Div: ptr(0)} }
	m := Market{"ACME": q(100, 0.2), "BETA": q(95, 0.3), "GAMMA": q(105, 0.25), "ZETA": q(50, 0.2), "BAD": q(50, 0.2),
		"NPD": q(80, 0.2), "OTHERRATE": {Spot: ptr(50), Vol: ptr(0.2), Rate: ptr(0.03), Div: ptr(0)}}
	o := opts(2)
	o.Config.Paths = 4096
	o.Correlations = Correlations{}
	for _, p := range []struct {
		a, b string
		rho  float64
	}{{"ACME", "BETA", 0.5}, {"ACME", "GAMMA", 0.2}, {"BETA", "GAMMA", -0.1}, {"ACME", "BAD", 1.2},
		{"ACME", "NPD", 0.9}, {"BETA", "NPD", -0.9}, {"ACME", "OTHERRATE", 0}} {
		o.Correlations[pairKey(p.a, p.b)] = p.rho
	}
	rep := runBatch(t, rows, m, o)
	if len(rep.Trades) != len(rows) {
		t.Fatalf("%d rows in, %d out", len(rows), len(rep.Trades))
	}
	want := map[string][]string{
		"M1":  {"ACME|ZETA", "pair ACME,ZETA"},
		"M2":  {"ACME|BAD", "correlation of ACME and BAD = 1.2"},
		"M3":  {"ACME|BETA|NPD", "not positive definite", "eigenvalue"},
		"M4":  {"weights", "0.2|0.3|0.5", "3 weights for 2 underlyings"},
		"M5":  {"spread-call", "3 underlyings"},
		"M6":  {"weights", "best-of-call has no weights"},
		"M7":  {"ACME named twice"},
		"M8":  {"payoff", "call", "not a payoff on several underlyings"},
		"M9":  {"spot", "1 values for 2 underlyings"},
		"M10": {"rate", "ACME at 0.05", "OTHERRATE at 0.03"},
		"M11": {"model", "cev"},
		"M12": {"weights", "0.5|x"},
		"M13": {"strike = -5"},
	}
	for _, tr := range rep.Trades {
		w, bad := want[tr.TradeID]
		if !bad {
			if tr.Status != "ok" {
				t.Errorf("%s: %s", tr.TradeID, *tr.Error)
			}
			continue
		}
		if tr.Status != "error" {
			t.Errorf("%s is %s, want an error naming %q", tr.TradeID, tr.Status, w)
			continue
		}
		for _, s := range w {
			if !strings.Contains(*tr.Error, s) {
				t.Errorf("%s: error %q does not say %q", tr.TradeID, *tr.Error, s)
			}
		}
	}
	// G1: each asset's positions, in the order of its underlyings, and
	// one cross Gamma; G2: three assets, three pairs.
	g1, g2 := rep.Trades[0], rep.Trades[1]
	if len(g1.Assets) != 2 || g1.Assets[0].Underlying != "ACME" || g1.Assets[1].Underlying != "BETA" || len(g1.CrossGammas) != 1 {
		t.Fatalf("G1 assets %+v, cross gammas %+v", g1.Assets, g1.CrossGammas)
	}
	for _, a := range g1.Assets {
		for _, k := range []string{"delta", "gamma", "vega"} {
			if _, ok := a.Position[k]; !ok {
				t.Errorf("G1 %s lacks a %s position", a.Underlying, k)
			}
		}
	}
	if _, ok := g1.Position["delta"]; ok || g1.Position["price"] == "" {
		t.Errorf("G1's own position %v: want the price only", g1.Position)
	}
	if len(g2.Assets) != 3 || len(g2.CrossGammas) != 3 || g2.CrossGammas[2].Underlyings != [2]string{"BETA", "GAMMA"} {
		t.Errorf("G2 assets %d, cross gammas %+v", len(g2.Assets), g2.CrossGammas)
	}
	// The totals: ACME's delta counts the three good trades, GAMMA's one;
	// the price of a trade on several underlyings is totalled under its
	// joined name.
	count := map[[2]string]int{}
	for _, tot := range rep.Totals {
		count[[2]string{tot.Underlying, tot.Greek}] = tot.Trades
	}
	for k, n := range map[[2]string]int{{"ACME", "delta"}: 3, {"BETA", "vega"}: 3, {"GAMMA", "gamma"}: 1,
		{"ACME|BETA", "price"}: 2, {"ACME|BETA|GAMMA", "price"}: 1, {"ACME", "price"}: 0} {
		if count[k] != n {
			t.Errorf("total %v over %d trades, want %d", k, count[k], n)
		}
	}
}

// TestReadCorrelations checks the correlations file: CSV (with a BOM and
// names in any case) and JSON; a pair given twice in either order, an
// underlying paired with itself at rho ≠ 1, a rho not a decimal number,
// a missing underlying are errors naming the row.
func TestReadCorrelations(t *testing.T) {
	c, err := ReadCorrelations(strings.NewReader("\ufeffUnderlying_A,UNDERLYING_B,Rho\nACME,BETA,0.5\nGAMMA,ACME,-0.25\nACME,ACME,1\n"), CSV)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := c.Rho("BETA", "ACME"); !ok || r != 0.5 {
		t.Errorf("rho(BETA, ACME) = %v, %v", r, ok)
	}
	if r, ok := c.Rho("ACME", "GAMMA"); !ok || r != -0.25 {
		t.Errorf("rho(ACME, GAMMA) = %v, %v", r, ok)
	}
	if _, ok := c.Rho("BETA", "GAMMA"); ok {
		t.Error("rho(BETA, GAMMA) given")
	}
	j, err := ReadCorrelations(strings.NewReader(`[{"underlying_a": "ACME", "underlying_b": "BETA", "rho": 0.5}, {"underlying_a": "GAMMA", "underlying_b": "ACME", "rho": "-0.25"}]`), JSON)
	if err != nil || len(j) != 2 || j[pairKey("ACME", "BETA")] != 0.5 || j[pairKey("ACME", "GAMMA")] != -0.25 {
		t.Errorf("JSON: %v, %v", j, err)
	}
	for text, want := range map[string][]string{
		"underlying_a,underlying_b,rho\nACME,BETA,0.5\nBETA,ACME,0.5\n": {"row 2", "BETA,ACME", "given twice", "row 1"},
		"underlying_a,underlying_b,rho\nACME,ACME,0.5\n":                {"row 1", "ACME,ACME", "itself is 1"},
		"underlying_a,underlying_b,rho\nACME,BETA,0x1p-1\n":             {"row 1", "rho", "0x1p-1"},
		"underlying_a,underlying_b,rho\nACME,,0.5\n":                    {"row 1", "underlying_b: missing"},
		"underlying_a,underlying_b,rho\nACME,BETA,\n":                   {"row 1", "rho: missing"},
		"underlying_a,underlying_b,rho\nACME|X,BETA,0.5\n":              {"row 1", "ACME|X"},
	} {
		_, err := ReadCorrelations(strings.NewReader(text), CSV)
		for _, w := range want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %v, want one saying %q", text, err, w)
			}
		}
	}
}
