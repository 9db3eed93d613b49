package batch

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks"
)

// checkRows asserts the readers' promises: rows numbered 1, 2, … in order,
// each with fields or an error, and Parse turning each into a trade or an
// error without panicking.
func checkRows(t *testing.T, rows []Row) {
	m := Market{"ACME": {Spot: ptr(100), Vol: ptr(0.2), Rate: ptr(0.05), Div: ptr(0)}}
	o := opts(1)
	for i, r := range rows {
		if r.Index != i+1 {
			t.Fatalf("row %d has index %d", i+1, r.Index)
		}
		if r.Fields == nil {
			t.Fatalf("row %d has no fields map", r.Index)
		}
		tr, err := Parse(r, m, o)
		if (tr == nil) == (err == nil) {
			t.Fatalf("row %d: trade %v and error %v", r.Index, tr, err)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add(samplePortfolio)
	f.Add([]byte("trade_id,underlying,payoff,quantity,strike,maturity\nA,ACME,call,1,100,1\n"))
	f.Add([]byte("trade_id,quantity\n\"unterminated,1\nB,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadTrades(bytes.NewReader(data), CSV)
		if err != nil {
			return // no header: the whole file is refused, not a row lost
		}
		checkRows(t, rows)
	})
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`[{"trade_id": "A", "underlying": "ACME", "payoff": "call", "quantity": "1.5", "strike": 100, "maturity": 1}]`))
	f.Add([]byte(`[1, "x", null, {"trade_id": {"nested": true}}, {}]`))
	f.Add([]byte(`[{"quantity": 1e400}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadTrades(bytes.NewReader(data), JSON)
		if err != nil {
			return
		}
		var elems []json.RawMessage
		if json.Unmarshal(data, &elems) == nil && len(elems) != len(rows) {
			t.Fatalf("%d array elements, %d rows", len(elems), len(rows))
		}
		checkRows(t, rows)
	})
}

// clampRow bounds what a fuzzed row may ask to simulate, so that an
// execution stays small: the row path is fuzzed, not the engine's speed.
func clampRow(r Row) Row {
	for k, limit := range map[string]int64{"paths": 4096, "steps": 8, "fixings": 8} {
		if v, err := strconv.ParseFloat(strings.TrimSpace(r.Fields[k]), 64); err == nil && v > float64(limit) {
			r.Fields[k] = strconv.FormatInt(limit, 10)
		}
	}
	return r
}

// FuzzRowPath runs bytes through the whole row path, as greeks batch does:
// the streaming reader, validation, a tiny simulation per row, and the
// JSON and CSV report writers. Every row read is in both reports once, in
// order; the JSON is valid; the CSV has a line per row and per total; no
// ok row lacks its position; nothing panics.
func FuzzRowPath(f *testing.F) {
	f.Add(samplePortfolio, false)
	f.Add([]byte("trade_id,underlying,payoff,quantity,strike,maturity,spot,vol\nA,X,call,1e160,100,1,100,0.2\nB,X,digital-call,1,100,1,1e308,0.2\n"), false)
	f.Add([]byte(`[{"trade_id":"A","underlying":"ACME","payoff":"put","quantity":1e400,"strike":100,"maturity":1},`+
		`{"trade_id":"B","underlying":"ACME","payoff":"call","quantity":"2","strike":100,"Strike":90,"maturity":1}]`), true)
	f.Add([]byte("\ufefftrade_id,underlying,payoff,quantity,strike,maturity,fixings,steps,paths\nA,ACME,call,1,100,1,12,0,0\n"), false)
	m := Market{"ACME": {Spot: ptr(100), Vol: ptr(0.2), Rate: ptr(0.05), Div: ptr(0)}}
	o := Options{Config: greeks.Config{Paths: 4096, PilotPaths: 4096, Seed: 3}, Workers: 2, Decimals: DefaultDecimals}
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		format := CSV
		if isJSON {
			format = JSON
		}
		rr, err := NewRowReader(bytes.NewReader(data), format)
		if err != nil {
			return
		}
		var rows []TradeReport
		var jbuf, cbuf bytes.Buffer
		jw, err := NewReportWriter(&jbuf, JSON)
		if err != nil {
			t.Fatal(err)
		}
		cw, err := NewReportWriter(&cbuf, CSV)
		if err != nil {
			t.Fatal(err)
		}
		next := func() (Row, error) {
			r, err := rr.Next()
			if err == nil {
				r = clampRow(r)
			}
			return r, err
		}
		sum, err := Stream(context.Background(), next, m, o, func(tr TradeReport) error {
			rows = append(rows, tr)
			if err := jw.Row(tr); err != nil {
				return err
			}
			return cw.Row(tr)
		}, nil)
		if err != nil {
			if errors.Is(err, ErrInput) {
				return // the rest of the file is unreadable: no report
			}
			t.Fatal(err)
		}
		if err := jw.End(sum); err != nil {
			t.Fatal(err)
		}
		if err := cw.End(sum); err != nil {
			t.Fatal(err)
		}
		for i, tr := range rows {
			if tr.Row != i+1 {
				t.Fatalf("entry %d is row %d", i, tr.Row)
			}
			if tr.Status == "ok" && (tr.Result == nil || tr.Position["price"] == "") {
				t.Fatalf("row %d ok without its figures", tr.Row)
			}
			if tr.Status != "ok" && (tr.Error == nil || *tr.Error == "") {
				t.Fatalf("row %d failed without an error", tr.Row)
			}
		}
		if sum.OK+sum.Errors != len(rows) {
			t.Fatalf("%d ok + %d errors, %d rows", sum.OK, sum.Errors, len(rows))
		}
		var rep Report
		if err := json.Unmarshal(jbuf.Bytes(), &rep); err != nil {
			t.Fatalf("json report: %v", err)
		}
		if len(rep.Trades) != len(rows) || len(rep.Totals) != len(sum.Totals) {
			t.Fatalf("json report has %d trades, %d totals; want %d, %d", len(rep.Trades), len(rep.Totals), len(rows), len(sum.Totals))
		}
		for _, tot := range rep.Totals {
			if math.IsInf(tot.StdErr, 0) || math.IsNaN(tot.StdErr) {
				t.Fatalf("total %s %s stderr %v", tot.Underlying, tot.Greek, tot.StdErr)
			}
		}
		recs, err := csv.NewReader(&cbuf).ReadAll()
		if err != nil {
			t.Fatalf("csv report: %v", err)
		}
		if len(recs) != 1+len(rows)+len(sum.Totals) {
			t.Fatalf("csv report has %d lines, want %d", len(recs), 1+len(rows)+len(sum.Totals))
		}
	})
}

// FuzzReadMarket: a market file is read whole, with every quote in its
// domain (spot and vol positive, all finite), or refused; never a panic.
func FuzzReadMarket(f *testing.F) {
	f.Add(sampleMarket, false)
	f.Add([]byte("underlying,spot,vol\nX,100,-0.3\n"), false)
	f.Add([]byte("\ufeff"+`[{"underlying":"X","spot":100,"vol":0.2},{"underlying":"X","Spot":1}]`), true)
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		format := CSV
		if isJSON {
			format = JSON
		}
		m, err := ReadMarket(bytes.NewReader(data), format)
		if err != nil {
			if !strings.Contains(err.Error(), "market row") && !errors.Is(err, ErrInput) {
				t.Fatalf("error %q names no market row", err)
			}
			return
		}
		for u, q := range m {
			if u == "" {
				t.Fatal("a quote without an underlying")
			}
			for _, p := range []struct {
				v        *float64
				positive bool
			}{{q.Spot, true}, {q.Vol, true}, {q.Rate, false}, {q.Div, false}} {
				if p.v != nil && (math.IsNaN(*p.v) || math.IsInf(*p.v, 0) || (p.positive && !(*p.v > 0))) {
					t.Fatalf("%s: quote %v out of its domain", u, *p.v)
				}
			}
		}
	})
}
