package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// TestStreamBounded: Stream holds at most its window of rows: with a
// long portfolio, the rows read but not yet emitted never exceed
// max(64, Window·workers), and every row is emitted in order.
func TestStreamBounded(t *testing.T) {
	const n = 2000
	var emitted atomic.Int64 // written by Stream's emitter, read by next
	read, most := 0, 0
	next := func() (Row, error) {
		if read == n {
			return Row{}, io.EOF
		}
		read++
		most = max(most, read-int(emitted.Load()))
		// Every other row is bad (no payoff): cheap; the rest are tiny.
		f := map[string]string{"trade_id": fmt.Sprint("T", read), "underlying": "ACME", "quantity": "1", "strike": "100", "maturity": "1"}
		if read%2 == 0 {
			f["payoff"] = "call"
			f["paths"] = "2"
		}
		return Row{Index: read, Fields: f}, nil
	}
	m := Market{"ACME": {Spot: ptr(100), Vol: ptr(0.2), Rate: ptr(0.05), Div: ptr(0)}}
	o := Options{Workers: 2, Decimals: DefaultDecimals}
	o.Config.Greeks = nil
	_, err := Stream(context.Background(), next, m, o, func(tr TradeReport) error {
		if e := emitted.Add(1); tr.Row != int(e) {
			t.Errorf("row %d emitted as the %d-th", tr.Row, e)
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := emitted.Load(); e != n || most > 64+1 {
		t.Errorf("%d rows emitted of %d; at most %d rows held, want ≤ %d", e, n, most, 64+1)
	}
}

// TestStreamMatchesRun: the streamed JSON and CSV reports are the bytes
// Report.Write gives for Run's report, and the JSON is what encoding/json
// makes of the Report.
func TestStreamMatchesRun(t *testing.T) {
	rows, m := sample(t)
	o := opts(2)
	rep := runBatch(t, rows, m, o)
	for _, f := range []Format{JSON, CSV} {
		var whole, streamed bytes.Buffer
		if err := rep.Write(&whole, f); err != nil {
			t.Fatal(err)
		}
		rr, err := NewRowReader(bytes.NewReader(samplePortfolio), CSV)
		if err != nil {
			t.Fatal(err)
		}
		w, err := NewReportWriter(&streamed, f)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := Stream(context.Background(), rr.Next, m, o, w.Row, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.End(sum); err != nil {
			t.Fatal(err)
		}
		if noElapsed(whole.String()) != noElapsed(streamed.String()) {
			t.Errorf("%s: the streamed report differs from the whole one", f)
		}
	}
	var enc, ours bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetIndent("", " ")
	e.Encode(rep)
	rep.WriteJSON(&ours)
	if enc.String() != ours.String() {
		t.Errorf("WriteJSON differs from encoding/json:\n%s\n---\n%s", firstDiff(enc.String(), ours.String()), "")
	}
}

// noElapsed drops the run times, which differ between two runs.
func noElapsed(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, "elapsed_seconds") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func firstDiff(a, b string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[max(0, i-80):min(len(a), i+80)] + "\n<<>>\n" + b[max(0, i-80):min(len(b), i+80)]
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

// TestTotalsOrderFree: the totals, summed exactly, do not depend on the
// order of the rows, even with standard errors of very different sizes.
func TestTotalsOrderFree(t *testing.T) {
	mk := func(id string, se float64) TradeReport {
		return TradeReport{TradeID: id, Underlying: "X", Status: "ok", Position: map[string]string{"price": "1.5"},
			PositionStdErr: map[string]float64{"price": se}}
	}
	a := []TradeReport{mk("a", 1e150), mk("b", 1e-3), mk("c", 3), mk("d", 1e150)}
	b := []TradeReport{a[3], a[1], a[0], a[2]}
	ta, tb := NewReport(a, 1, 6).Totals, NewReport(b, 1, 6).Totals
	if !reflect.DeepEqual(ta, tb) {
		t.Errorf("totals depend on the order: %v and %v", ta, tb)
	}
	if se := ta[0].StdErr; math.Abs(se/(math.Sqrt2*1e150)-1) > 1e-15 {
		t.Errorf("total stderr %v, want √2·1e150", se)
	}
}

// TestReadJSONBOMAndCase: a BOM before a JSON array is skipped; keys
// differing only in case make the row an error whatever their order.
func TestReadJSONBOMAndCase(t *testing.T) {
	for _, s := range []string{`{"strike":1,"STRIKE":2}`, `{"Strike":2,"strike":1}`} {
		rows, err := ReadTrades(strings.NewReader("\ufeff["+s+"]"), JSON)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Err == nil || !strings.Contains(rows[0].Err.Error(), "twice") {
			t.Errorf("%s: %+v", s, rows)
		}
	}
	if _, err := ReadMarket(strings.NewReader("\ufeff"+`[{"underlying":"X","spot":1}]`), JSON); err != nil {
		t.Errorf("market with a BOM: %v", err)
	}
	if _, err := ReadTrades(strings.NewReader("trade_id,Strike,strike\n"), CSV); err == nil {
		t.Error("a CSV header with strike twice is accepted")
	}
}

// TestOutFileAnonymous: on Linux the report being written has no name in
// its directory until Commit (O_TMPFILE), so a killed process leaves
// nothing; Discard leaves nothing either way.
func TestOutFileAnonymous(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/r.json"
	o, err := CreateOut(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(o, "{}\n")
	entries, _ := os.ReadDir(dir)
	if runtime.GOOS == "linux" && len(entries) != 0 {
		t.Errorf("while writing, the directory holds %v", entries)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "{}\n" {
		t.Errorf("committed %q, %v", b, err)
	}
	o, err = CreateOut(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(o, "partial")
	o.Discard()
	entries, _ = os.ReadDir(dir)
	if b, _ := os.ReadFile(path); len(entries) != 1 || string(b) != "{}\n" {
		t.Errorf("after Discard: %v, report %q", entries, b)
	}
}
