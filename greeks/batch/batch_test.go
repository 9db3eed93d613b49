package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/hybridgreeks/hybridgreeks/greeks"
)

// opts returns the test batch's options, with the sample's correlations.
func opts(workers int) Options {
	c, err := Files{}.ReadCorrelations()
	if err != nil {
		panic(err)
	}
	return Options{Config: greeks.Config{Paths: 20_000, Seed: 7}, Workers: workers, Decimals: DefaultDecimals, Correlations: c}
}

func sample(t *testing.T) ([]Row, Market) {
	t.Helper()
	rows, m, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	return rows, m
}

func runBatch(t *testing.T, rows []Row, m Market, o Options) *Report {
	t.Helper()
	rep, err := Run(context.Background(), rows, m, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestSample runs the embedded portfolio: every row ok, in input order.
func TestSample(t *testing.T) {
	rows, m := sample(t)
	if len(rows) < 20 {
		t.Fatalf("sample has %d rows, want about 20", len(rows))
	}
	rep := runBatch(t, rows, m, opts(2))
	if rep.OK != len(rows) || rep.Errors != 0 {
		for _, tr := range rep.Trades {
			if tr.Error != nil {
				t.Errorf("%s: %s", tr.TradeID, *tr.Error)
			}
		}
	}
	for i, tr := range rep.Trades {
		if tr.Row != i+1 || tr.TradeID != rows[i].ID() {
			t.Errorf("report row %d is %d/%s, want %d/%s", i, tr.Row, tr.TradeID, i+1, rows[i].ID())
		}
	}
}

// TestMatchesRun checks a batch trade's figures against greeks.Run on the
// same trade with its derived seed: the batch adds nothing to the numbers.
func TestMatchesRun(t *testing.T) {
	rows, m := sample(t)
	o := opts(2)
	rep := runBatch(t, rows[:3], m, o)
	for i, row := range rows[:3] {
		tr, err := Parse(row, m, o)
		if err != nil {
			t.Fatal(err)
		}
		res, err := greeks.Run(context.Background(), tr.Model, tr.Payoff, tr.Config)
		if err != nil {
			t.Fatal(err)
		}
		u := rep.Trades[i].Result
		if float64(u.Price.Estimate) != res.Price.Value || u.Seed != TradeSeed(o.Config.Seed, tr.ID) {
			t.Errorf("%s: batch price %v seed %d, greeks.Run %v seed %d", tr.ID, u.Price.Estimate, u.Seed, res.Price.Value, res.Seed)
		}
		want := decimal.NewFromFloat(res.Price.Value).Mul(tr.Quantity).RoundBank(o.Decimals).String()
		if got := rep.Trades[i].Position["price"]; got != want {
			t.Errorf("%s: position price %s, want %s", tr.ID, got, want)
		}
	}
}

// TestBadRows feeds a portfolio with bad rows of every kind: each is
// reported as an error naming what is wrong, in its place; the good rows
// are priced as if alone.
func TestBadRows(t *testing.T) {
	csvText := strings.Join([]string{
		"trade_id,underlying,payoff,quantity,strike,maturity,barrier,fixings,model,beta,spot,vol",
		"G1,ACME,call,100,100,1,,,,,,",
		"B1,ACME,call,100,100,1,,,,",            // too few fields
		"B2,ACME,straddle,100,100,1,,,,,,",      // unknown payoff
		"B3,ACME,call,100,NaN,1,,,,,,",          // NaN strike
		"B4,NOQUOTE,call,100,100,1,,,,,,",       // missing market quote
		"B5,ACME,call,1e,100,1,,,,,,",           // bad quantity
		"B6,ACME,up-out-call,100,100,1,,12,,,,", // barrier missing
		"G1,ACME,put,100,100,1,,,,,,",           // duplicate id
		"B8,ACME,call,100,100,1,,,,,,-0.2",      // negative vol
		"B9,ACME,call,100,100,1,,,cev,,,",       // cev without beta
		"B10,ACME,call,100,100,1,,,sabr,,,",     // unknown model
		"\"B11,ACME,call,100,100,1,,,,,,",       // broken quote (eats the rest)
	}, "\n") + "\n"
	rows, err := ReadTrades(strings.NewReader(csvText), CSV)
	if err != nil {
		t.Fatal(err)
	}
	m := Market{"ACME": {Spot: ptr(100), Vol: ptr(0.2), Rate: ptr(0.05), Div: ptr(0)}}
	rep := runBatch(t, rows, m, opts(2))
	if len(rep.Trades) != len(rows) {
		t.Fatalf("%d rows in, %d out", len(rows), len(rep.Trades))
	}
	want := map[string]string{
		"B1": "fields", "B2": "unknown payoff", "B3": "strike", "B4": "spot", "B5": "quantity",
		"B6": "barrier", "G1#2": "duplicate", "B8": "vol", "B9": "beta", "B10": "model",
	}
	seen := map[string]int{}
	for _, tr := range rep.Trades {
		key := tr.TradeID
		seen[key]++
		if seen[key] > 1 {
			key += "#2"
		}
		if key == "G1" {
			if tr.Status != "ok" {
				t.Errorf("good row G1: %s", *tr.Error)
			}
			continue
		}
		if tr.Status != "error" {
			t.Errorf("row %d (%s) is %s, want error", tr.Row, tr.TradeID, tr.Status)
			continue
		}
		if w, ok := want[key]; ok && !strings.Contains(*tr.Error, w) {
			t.Errorf("row %d (%s): error %q does not mention %q", tr.Row, tr.TradeID, *tr.Error, w)
		}
	}
	// The good row alone gives the same numbers.
	alone := runBatch(t, rows[:1], m, opts(1))
	if !reflect.DeepEqual(alone.Trades[0].Position, rep.Trades[0].Position) {
		t.Errorf("G1 alone %v, in the bad portfolio %v", alone.Trades[0].Position, rep.Trades[0].Position)
	}
}

func ptr(x float64) *float64 { return &x }

// TestTotals checks that each total is the exact decimal sum of the
// positions of its trades, and its stderr the root sum of squares.
func TestTotals(t *testing.T) {
	rows, m := sample(t)
	rep := runBatch(t, rows, m, opts(2))
	for _, tot := range rep.Totals {
		sum := decimal.Zero
		v := 0.0
		add := func(u string, pos map[string]string, se map[string]float64) {
			if p, ok := pos[tot.Greek]; ok && (tot.Underlying == TotalUnderlying || u == tot.Underlying) {
				sum = sum.Add(decimal.RequireFromString(p))
				v += se[tot.Greek] * se[tot.Greek]
			}
		}
		for _, tr := range rep.Trades {
			add(tr.Underlying, tr.Position, tr.PositionStdErr)
			for _, a := range tr.Assets {
				add(a.Underlying, a.Position, a.PositionStdErr)
			}
		}
		if sum.String() != tot.Value {
			t.Errorf("total %s %s = %s, sum of positions %s", tot.Underlying, tot.Greek, tot.Value, sum)
		}
		if d := tot.StdErr*tot.StdErr - v; d > 1e-9*v || d < -1e-9*v {
			t.Errorf("total %s %s stderr² %v, sum of squares %v", tot.Underlying, tot.Greek, tot.StdErr*tot.StdErr, v)
		}
	}
}

// TestDeterminism: the same numbers for 1 and 2 workers, and whatever the
// order of the rows.
func TestDeterminism(t *testing.T) {
	rows, m := sample(t)
	one := runBatch(t, rows, m, opts(1))
	two := runBatch(t, rows, m, opts(2))
	shuffled := append([]Row(nil), rows...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	sh := runBatch(t, shuffled, m, opts(2))
	byID := func(r *Report) map[string]any {
		out := map[string]any{}
		for _, tr := range r.Trades {
			out[tr.TradeID] = []any{tr.Position, tr.Assets, tr.CrossGammas}
		}
		return out
	}
	if !reflect.DeepEqual(byID(one), byID(two)) {
		t.Error("positions differ between 1 and 2 workers")
	}
	if !reflect.DeepEqual(byID(one), byID(sh)) {
		t.Error("positions differ when the rows are shuffled")
	}
	if !reflect.DeepEqual(one.Totals, sh.Totals) {
		t.Errorf("totals differ when the rows are shuffled:\n%v\n%v", one.Totals, sh.Totals)
	}
}

// TestRoundTrip reads the sample as CSV, writes it as JSON, reads it back:
// the same rows and, run, the same report; the JSON and CSV reports parse
// back with every row.
func TestRoundTrip(t *testing.T) {
	rows, m := sample(t)
	var objs []map[string]string
	for _, r := range rows {
		o := map[string]string{}
		for k, v := range r.Fields {
			if v != "" {
				o[k] = v
			}
		}
		objs = append(objs, o)
	}
	js, _ := json.Marshal(objs)
	back, err := ReadTrades(bytes.NewReader(js), JSON)
	if err != nil {
		t.Fatal(err)
	}
	a, b := runBatch(t, rows, m, opts(2)), runBatch(t, back, m, opts(2))
	for i := range a.Trades {
		if !reflect.DeepEqual(a.Trades[i].Position, b.Trades[i].Position) {
			t.Errorf("row %d: csv %v, json %v", i+1, a.Trades[i].Position, b.Trades[i].Position)
		}
	}
	var buf bytes.Buffer
	if err := a.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Trades []map[string]any `json:"trades"`
		Totals []map[string]any `json:"totals"`
	}
	if err := json.Unmarshal(buf.Bytes(), &parsed); err != nil {
		t.Fatal(err)
	}
	if len(parsed.Trades) != len(rows) || len(parsed.Totals) != len(a.Totals) {
		t.Errorf("JSON report: %d trades, %d totals; want %d, %d", len(parsed.Trades), len(parsed.Totals), len(rows), len(a.Totals))
	}
	for _, k := range []string{"trade_id", "status", "error", "result", "position", "position_methods"} {
		if _, ok := parsed.Trades[0][k]; !ok {
			t.Errorf("JSON trade lacks %q", k)
		}
	}
	if _, ok := parsed.Trades[0]["position"].(map[string]any)["delta"].(string); !ok {
		t.Errorf("position delta is not a decimal string: %v", parsed.Trades[0]["position"])
	}
	buf.Reset()
	if err := a.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadTrades(bytes.NewReader(buf.Bytes()), CSV)
	if err != nil {
		t.Fatal(err)
	}
	// A multi-asset trade adds a line per asset and per cross Gamma.
	extra := 0
	for _, tr := range a.Trades {
		extra += len(tr.Assets) + len(tr.CrossGammas)
	}
	if extra == 0 {
		t.Error("the sample has no multi-asset trade")
	}
	if len(recs) != len(rows)+extra+len(a.Totals) {
		t.Errorf("CSV report: %d lines after the header, want %d rows + %d asset and cross-gamma lines + %d totals", len(recs), len(rows), extra, len(a.Totals))
	}
	for _, r := range recs {
		if r.Err != nil {
			t.Errorf("CSV report line %d: %v", r.Index, r.Err)
		}
	}
}

// TestMarketOverride: row values override the market file.
func TestMarketOverride(t *testing.T) {
	rows, err := ReadTrades(strings.NewReader("trade_id,underlying,payoff,quantity,strike,maturity,spot\nA,X,call,1,100,1,\nB,X,call,1,100,1,120\n"), CSV)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadMarket(strings.NewReader(`[{"underlying": "X", "spot": 100, "vol": 0.2, "rate": 0.05, "div": 0}]`), JSON)
	if err != nil {
		t.Fatal(err)
	}
	o := opts(1)
	ta, _ := Parse(rows[0], m, o)
	tb, _ := Parse(rows[1], m, o)
	if ta.Model.Params().Spot != 100 || tb.Model.Params().Spot != 120 {
		t.Errorf("spots %v, %v; want 100 from the market, 120 from the row", ta.Model.Params().Spot, tb.Model.Params().Spot)
	}
}

func TestReadErrors(t *testing.T) {
	if _, err := ReadTrades(strings.NewReader(`{"not": "an array"}`), JSON); err == nil {
		t.Error("a JSON object read as a portfolio")
	}
	if _, err := ReadTrades(strings.NewReader(""), CSV); err == nil {
		t.Error("an empty CSV (no header) read as a portfolio")
	}
	if _, err := ReadMarket(strings.NewReader("underlying,spot\nX,abc\n"), CSV); err == nil || !strings.Contains(err.Error(), "spot") {
		t.Errorf("bad market spot: %v", err)
	}
	if _, err := ReadMarket(strings.NewReader("underlying,spot\nX,1\nX,2\n"), CSV); err == nil {
		t.Error("an underlying quoted twice was accepted")
	}
}
