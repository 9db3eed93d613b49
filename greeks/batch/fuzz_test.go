package batch

import (
	"bytes"
	"encoding/json"
	"testing"
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
