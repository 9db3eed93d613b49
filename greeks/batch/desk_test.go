package batch

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/hybridgreeks/hybridgreeks/greeks/report"
)

// deskRows is a portfolio on two underlyings of different spots, so that a
// share Delta summed across them is not a cash Delta.
func deskRows(t *testing.T, extra ...string) ([]Row, Market) {
	t.Helper()
	text := "trade_id,underlying,payoff,quantity,strike,maturity,expiry,seed\n" +
		"A1,ACME,call,100,100,1,,11\nA2,ACME,put,-40,95,0.5,,12\nG1,GLOBEX,call,250,50,1,,13\nG2,GLOBEX,put,70,55,2,,14\n" +
		strings.Join(extra, "\n")
	rows, err := ReadTrades(strings.NewReader(text), CSV)
	if err != nil {
		t.Fatal(err)
	}
	m := Market{
		"ACME":   {Spot: ptr(100), Vol: ptr(0.2), Rate: ptr(0.03), Div: ptr(0)},
		"GLOBEX": {Spot: ptr(50), Vol: ptr(0.3), Rate: ptr(0.03), Div: ptr(0.01)},
	}
	return rows, m
}

func dec(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("position %q: %v", s, err)
	}
	return d
}

// positionFigure returns the unit figure of Greek g whose method the
// position used.
func positionFigure(t *testing.T, tr TradeReport, g string) report.Figure {
	t.Helper()
	for _, f := range tr.Result.Greeks {
		if f.Greek == g && f.Method == tr.PositionMethods[g] {
			return f
		}
	}
	t.Fatalf("%s: no %s figure by %s", tr.TradeID, g, tr.PositionMethods[g])
	return report.Figure{}
}

// TestVegaUnit: --vega-unit percent gives Vega positions and totals per vol
// point, the absolute ones ÷ 100, and says so; nothing else changes.
func TestVegaUnit(t *testing.T) {
	rows, m := deskRows(t)
	abs := runBatch(t, rows, m, opts(2))
	o := opts(2)
	o.VegaUnit = VegaPercent
	pct := runBatch(t, rows, m, o)
	if abs.VegaUnit != "absolute" || pct.VegaUnit != "percent" {
		t.Errorf("report vega_unit %q and %q, want absolute and percent", abs.VegaUnit, pct.VegaUnit)
	}
	half := decimal.New(1, -DefaultDecimals) // two roundings to 6 places
	for i, a := range abs.Trades {
		p := pct.Trades[i]
		if a.Status != "ok" || p.Status != "ok" {
			t.Fatalf("%s: %s / %s", a.TradeID, a.Status, p.Status)
		}
		if p.VegaUnit != "percent" || a.VegaUnit != "absolute" {
			t.Errorf("%s: row vega_unit %q, %q", a.TradeID, a.VegaUnit, p.VegaUnit)
		}
		va, vp := dec(t, a.Position["vega"]), dec(t, p.Position["vega"])
		if va.Shift(-2).Sub(vp).Abs().Cmp(half) > 0 || va.IsZero() {
			t.Errorf("%s: vega %s absolute, %s percent: want absolute ÷ 100", a.TradeID, va, vp)
		}
		if r := p.PositionStdErr["vega"] / a.PositionStdErr["vega"]; math.Abs(r-0.01) > 1e-12 {
			t.Errorf("%s: vega stderr ratio %v, want 0.01", a.TradeID, r)
		}
		for _, k := range []string{"price", "delta", "gamma", "cash_delta", "cash_gamma"} {
			if a.Position[k] != p.Position[k] {
				t.Errorf("%s: %s %s absolute, %s percent", a.TradeID, k, a.Position[k], p.Position[k])
			}
		}
		// The unit figures keep the estimators' absolute Vega.
		if fa, fp := positionFigure(t, a, "vega"), positionFigure(t, p, "vega"); fa.Estimate != fp.Estimate {
			t.Errorf("%s: unit vega %v absolute, %v percent", a.TradeID, fa.Estimate, fp.Estimate)
		}
	}
	for i, ta := range abs.Totals {
		tp := pct.Totals[i]
		if ta.Greek != "vega" {
			continue
		}
		// Each position rounds to 6 places: the totals agree within a
		// rounding per trade.
		tol := half.Mul(decimal.NewFromInt(int64(ta.Trades)))
		if dec(t, ta.Value).Shift(-2).Sub(dec(t, tp.Value)).Abs().Cmp(tol) > 0 {
			t.Errorf("total %s vega %s absolute, %s percent", ta.Underlying, ta.Value, tp.Value)
		}
	}
	// The JSON and CSV reports name the unit.
	var buf bytes.Buffer
	if err := pct.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var top struct {
		VegaUnit string `json:"vega_unit"`
	}
	if err := json.Unmarshal(buf.Bytes(), &top); err != nil || top.VegaUnit != "percent" {
		t.Errorf("JSON report vega_unit %q (%v)", top.VegaUnit, err)
	}
	buf.Reset()
	if err := pct.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := len(recs[0]) - 1
	if recs[0][col] != "vega_unit" {
		t.Fatalf("CSV header ends with %q, want vega_unit", recs[0][col])
	}
	for _, r := range recs[1:] {
		if r[col] != "percent" {
			t.Errorf("CSV row %v: vega_unit %q", r[:4], r[col])
		}
	}
}

// TestCashGreeks: cash Delta is quantity × Delta × spot and cash Gamma
// quantity × Gamma × spot²/100, each within 5 standard errors of the
// closed form; the "*" total adds the cash figures of every underlying and
// no share Delta or Gamma.
func TestCashGreeks(t *testing.T) {
	rows, m := deskRows(t)
	rep := runBatch(t, rows, m, opts(2))
	spot := map[string]float64{"ACME": 100, "GLOBEX": 50}
	for _, tr := range rep.Trades {
		if tr.Status != "ok" {
			t.Fatalf("%s: %s", tr.TradeID, *tr.Error)
		}
		q := dec(t, tr.Quantity).InexactFloat64()
		s := spot[tr.Underlying]
		for _, c := range []struct {
			key, greek string
			scale      float64
		}{{"cash_delta", "delta", s}, {"cash_gamma", "gamma", s * s / 100}} {
			f := positionFigure(t, tr, c.greek)
			got := dec(t, tr.Position[c.key]).InexactFloat64()
			want := q * float64(f.Analytic) * c.scale
			se := tr.PositionStdErr[c.key]
			if math.IsNaN(want) || !(math.Abs(got-want) <= 5*se+1e-6) {
				t.Errorf("%s: %s %v, closed form %v (stderr %v)", tr.TradeID, c.key, got, want, se)
			}
			if r := se / tr.PositionStdErr[c.greek]; math.Abs(r/c.scale-1) > 1e-12 {
				t.Errorf("%s: %s stderr %v is not %g × the %s stderr %v", tr.TradeID, c.key, se, c.scale, c.greek, tr.PositionStdErr[c.greek])
			}
			if tr.PositionMethods[c.key] != tr.PositionMethods[c.greek] {
				t.Errorf("%s: %s method %q, %s method %q", tr.TradeID, c.key, tr.PositionMethods[c.key], c.greek, tr.PositionMethods[c.greek])
			}
		}
	}
	totals := map[[2]string]Total{}
	for _, tot := range rep.Totals {
		totals[[2]string{tot.Underlying, tot.Greek}] = tot
	}
	for _, g := range []string{"delta", "gamma"} {
		if tot, ok := totals[[2]string{TotalUnderlying, g}]; ok {
			t.Errorf("the * total adds share %s across underlyings: %+v", g, tot)
		}
		for _, u := range []string{"ACME", "GLOBEX"} {
			if _, ok := totals[[2]string{u, g}]; !ok {
				t.Errorf("no %s total of %s in shares", u, g)
			}
		}
	}
	for _, g := range []string{"price", "vega", "cash_delta", "cash_gamma"} {
		all, ok := totals[[2]string{TotalUnderlying, g}]
		if !ok {
			t.Errorf("no * total of %s", g)
			continue
		}
		sum := dec(t, totals[[2]string{"ACME", g}].Value).Add(dec(t, totals[[2]string{"GLOBEX", g}].Value))
		if !sum.Equal(dec(t, all.Value)) || all.Trades != 4 {
			t.Errorf("* %s = %s over %d trades, the underlyings add to %s", g, all.Value, all.Trades, sum)
		}
	}
}

// TestExpiry: an expiry date counts from the valuation date by Actual/365
// Fixed, gives the numbers of the same maturity in years, and a bad,
// past, or disagreeing date is an error row naming the field and value.
func TestExpiry(t *testing.T) {
	rows, m := deskRows(t,
		"E1,ACME,call,100,100,,2027-12-01,11",  // A1 by date: 365 days
		"E2,ACME,call,100,100,1,2027-12-01,11", // both, agreeing
		"B1,ACME,call,100,100,0.5,2027-12-01,11",
		"B2,ACME,call,100,100,,2026-12-01,11",
		"B3,ACME,call,100,100,,2026-11-30,11",
		"B4,ACME,call,100,100,,2027-13-01,11",
		"B5,ACME,call,100,100,,12/01/2027,11",
		"B6,ACME,call,100,100,,,11",
	)
	o := opts(2)
	o.ValuationDate = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	rep := runBatch(t, rows, m, o)
	if len(rep.Trades) != len(rows) || rep.ValuationDate != "2026-12-01" {
		t.Fatalf("%d rows in, %d out; valuation_date %q", len(rows), len(rep.Trades), rep.ValuationDate)
	}
	byID := map[string]TradeReport{}
	for _, tr := range rep.Trades {
		byID[tr.TradeID] = tr
	}
	for _, id := range []string{"E1", "E2"} {
		tr := byID[id]
		if tr.Status != "ok" {
			t.Errorf("%s: %s", id, *tr.Error)
			continue
		}
		if a := byID["A1"]; tr.Position["price"] != a.Position["price"] || tr.Position["vega"] != a.Position["vega"] {
			t.Errorf("%s (expiry 2027-12-01) price %s vega %s, A1 (maturity 1) %s %s", id,
				tr.Position["price"], tr.Position["vega"], a.Position["price"], a.Position["vega"])
		}
	}
	want := map[string][]string{
		"B1": {"maturity", `"0.5"`, "disagrees", "2027-12-01"},
		"B2": {"expiry", `"2026-12-01"`, "on or before"},
		"B3": {"expiry", `"2026-11-30"`, "on or before"},
		"B4": {"expiry", `"2027-13-01"`, "YYYY-MM-DD"},
		"B5": {"expiry", `"12/01/2027"`, "YYYY-MM-DD"},
		"B6": {"maturity", "missing"},
	}
	for id, words := range want {
		tr := byID[id]
		if tr.Status != "error" {
			t.Errorf("%s is %s, want an error", id, tr.Status)
			continue
		}
		for _, w := range words {
			if !strings.Contains(*tr.Error, w) {
				t.Errorf("%s: error %q does not say %q", id, *tr.Error, w)
			}
		}
	}

	// A leap year has 366 days: 366/365 years.
	o.ValuationDate = time.Date(2027, 12, 1, 0, 0, 0, 0, time.UTC)
	r := Row{Index: 1, Fields: map[string]string{"trade_id": "L", "underlying": "ACME", "payoff": "call", "quantity": "1",
		"strike": "100", "expiry": "2028-12-01"}}
	tr, err := Parse(r, m, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Model.Params().Expiry; got != 366.0/365 {
		t.Errorf("2027-12-01 to 2028-12-01: %v years, want 366/365", got)
	}
	// Without a valuation date an expiry is an error, never today's date.
	o.ValuationDate = time.Time{}
	if _, err := Parse(r, m, o); err == nil || !strings.Contains(err.Error(), "valuation-date") || !strings.Contains(err.Error(), "2028-12-01") {
		t.Errorf("expiry without a valuation date: %v", err)
	}
}

func TestParseDateAndVegaUnit(t *testing.T) {
	if d, err := ParseDate("valuation-date", " 2026-02-28 "); err != nil || d.Format(DateLayout) != "2026-02-28" {
		t.Errorf("ParseDate: %v, %v", d, err)
	}
	for _, s := range []string{"2026-02-29", "2026-2-28", "20260228", "", "2026-02-28T00:00:00Z"} {
		if _, err := ParseDate("valuation-date", s); err == nil || !strings.Contains(err.Error(), "valuation-date") {
			t.Errorf("ParseDate(%q): %v, want an error naming the field", s, err)
		}
	}
	for s, want := range map[string]VegaUnit{"absolute": VegaAbsolute, "Percent": VegaPercent} {
		if u, err := ParseVegaUnit(s); err != nil || u != want {
			t.Errorf("ParseVegaUnit(%q) = %v, %v", s, u, err)
		}
	}
	if _, err := ParseVegaUnit("bp"); err == nil {
		t.Error("ParseVegaUnit(bp): no error")
	}
}

// TestCashGreeksMultiAsset: a basket's cash Delta and Gamma are each
// asset's Delta and Gamma position at that asset's own spot, and add into
// that asset's underlying.
func TestCashGreeksMultiAsset(t *testing.T) {
	rows, m := deskRows(t, "B1,ACME|GLOBEX,basket-call,100,75,1,,21")
	o := opts(2)
	o.Correlations = Correlations{pairKey("ACME", "GLOBEX"): 0.4}
	rep := runBatch(t, rows, m, o)
	b := rep.Trades[len(rep.Trades)-1]
	if b.Status != "ok" || len(b.Assets) != 2 {
		t.Fatalf("basket: %s, %d assets (%v)", b.Status, len(b.Assets), b.Error)
	}
	spot := map[string]float64{"ACME": 100, "GLOBEX": 50}
	for _, a := range b.Assets {
		s := spot[a.Underlying]
		for _, c := range []struct {
			key, greek string
			scale      float64
		}{{"cash_delta", "delta", s}, {"cash_gamma", "gamma", s * s / 100}} {
			got, shares := dec(t, a.Position[c.key]), dec(t, a.Position[c.greek])
			// Both are rounded to 6 places from the same unit figure.
			tol := decimal.New(1, -DefaultDecimals).Mul(decimal.NewFromFloat(c.scale + 1))
			if shares.Mul(decimal.NewFromFloat(c.scale)).Sub(got).Abs().Cmp(tol) > 0 || got.IsZero() {
				t.Errorf("basket asset %s: %s %s, %s × %g", a.Underlying, c.key, got, shares, c.scale)
			}
		}
	}
	for _, tot := range rep.Totals {
		if tot.Underlying == "GLOBEX" && tot.Greek == "cash_delta" && tot.Trades != 3 {
			t.Errorf("GLOBEX cash_delta total over %d trades, want 3 (two rows and the basket's asset)", tot.Trades)
		}
	}
}
