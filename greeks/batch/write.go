package batch

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/report"
)

// WriteJSON writes the report as one JSON object:
//
//	{"trades": [{"row", "trade_id", "underlying", "status", "error", "quantity",
//	             "result": <greeks option --format json object>,
//	             "position": {"price": "<decimal>", ...}, "position_stderr": {...},
//	             "position_methods": {"delta": "hybrid", ...}, "vega_unit"}, ...],
//	 "totals": [{"underlying", "greek", "value": "<decimal>", "stderr", "trades"}, ...],
//	 "seed", "decimals", "ok", "errors", "vega_unit", "valuation_date"}
//
// (valuation_date only when the batch has one).
func (r *Report) WriteJSON(w io.Writer) error { return r.Write(w, JSON) }

// WriteCSV writes the report as one CSV table: a header, one line per
// input row in input order (status ok or error), then one line per total
// with status "total". Unit figures are the trade's unit estimates; the
// position_ columns are the decimal positions and their methods; warnings
// are the unit result's warnings, joined by "; "; vega_unit, last, is the
// unit of position_vega (absolute or percent) on every ok and total line.
func (r *Report) WriteCSV(w io.Writer) error { return r.Write(w, CSV) }

// Write writes the report in format f.
func (r *Report) Write(w io.Writer, f Format) error {
	rw, err := NewReportWriter(w, f)
	if err != nil {
		return err
	}
	for _, t := range r.Trades {
		if err := rw.Row(t); err != nil {
			return err
		}
	}
	return rw.End(&Summary{Totals: r.Totals, Seed: r.Seed, Decimals: r.Decimals, OK: r.OK, Errors: r.Errors,
		VegaUnit: r.VegaUnit, ValuationDate: r.ValuationDate})
}

// ReportWriter writes a report row by row, as Stream emits the rows: Row
// for each entry in input order, then End with the totals.
type ReportWriter interface {
	Row(TradeReport) error
	End(*Summary) error
}

// NewReportWriter returns a writer of a report in format f to w. It writes
// the opening of the report (the JSON object, the CSV header) at once.
func NewReportWriter(w io.Writer, f Format) (ReportWriter, error) {
	if f == JSON {
		_, err := io.WriteString(w, "{\n \"trades\": [")
		return &jsonWriter{w: w}, err
	}
	cw := &csvWriter{w: csv.NewWriter(w)}
	cw.figCols, cw.figKeys = csvFigures()
	cw.header = []string{"row", "trade_id", "underlying", "status", "error", "payoff", "model", "quantity", "paths", "seed",
		"price", "price_stderr"}
	cw.header = append(cw.header, cw.figCols...)
	for _, k := range positionKeys {
		cw.header = append(cw.header, "position_"+k, "position_"+k+"_stderr")
	}
	for _, k := range positionKeys[1:] {
		cw.header = append(cw.header, "position_"+k+"_method")
	}
	cw.header = append(cw.header, "warnings", "vega_unit")
	return cw, cw.w.Write(cw.header)
}

// jsonWriter writes the report JSON as json.Encoder with a one-space
// indent would write the whole Report, a row at a time.
type jsonWriter struct {
	w    io.Writer
	rows int
}

func (j *jsonWriter) Row(t TradeReport) error {
	b, err := json.MarshalIndent(t, "  ", " ")
	if err != nil {
		// Never lose the report for one row: report the row as failed.
		e := TradeReport{Row: t.Row, TradeID: t.TradeID, Underlying: t.Underlying, Quantity: t.Quantity}
		e.Fail(fmt.Errorf("the row's figures cannot be written as JSON: %v", err))
		if b, err = json.MarshalIndent(e, "  ", " "); err != nil {
			return err
		}
	}
	sep := ",\n  "
	if j.rows == 0 {
		sep = "\n  "
	}
	j.rows++
	if _, err := io.WriteString(j.w, sep); err != nil {
		return err
	}
	_, err = j.w.Write(b)
	return err
}

func (j *jsonWriter) End(s *Summary) error {
	end := "\n ]"
	if j.rows == 0 {
		end = "]"
	}
	totals := s.Totals
	if totals == nil {
		totals = []Total{}
	}
	b, err := json.MarshalIndent(totals, " ", " ")
	if err != nil {
		return err
	}
	vd := ""
	if s.ValuationDate != "" {
		vd = fmt.Sprintf(",\n \"valuation_date\": %q", s.ValuationDate)
	}
	_, err = fmt.Fprintf(j.w, "%s,\n \"totals\": %s,\n \"seed\": %d,\n \"decimals\": %d,\n \"ok\": %d,\n \"errors\": %d,\n \"vega_unit\": %q%s\n}\n",
		end, b, s.Seed, s.Decimals, s.OK, s.Errors, s.VegaUnit, vd)
	return err
}

// csvFigures are the (Greek, method) columns of the CSV report.
func csvFigures() (cols []string, keys [][2]int) {
	for _, g := range greeks.AllGreeks {
		for _, m := range greeks.AllMethods {
			base := g.String() + "_" + m.String()
			cols = append(cols, base, base+"_stderr")
			keys = append(keys, [2]int{int(g), int(m)})
		}
		cols = append(cols, g.String()+"_lambda")
		keys = append(keys, [2]int{int(g), -1})
	}
	return cols, keys
}

type csvWriter struct {
	w       *csv.Writer
	header  []string
	figCols []string
	figKeys [][2]int
}

func (c *csvWriter) Row(t TradeReport) error {
	num := func(x report.Num) string { return strconv.FormatFloat(float64(x), 'g', -1, 64) }
	rec := make([]string, 0, len(c.header))
	e := ""
	if t.Error != nil {
		e = *t.Error
	}
	rec = append(rec, strconv.Itoa(t.Row), t.TradeID, t.Underlying, t.Status, e)
	figs := map[[2]int]report.Figure{}
	lambdas := map[int]report.Num{}
	if u := t.Result; u != nil {
		rec = append(rec, u.Payoff, u.Model, t.Quantity, strconv.FormatInt(u.Paths, 10), strconv.FormatUint(u.Seed, 10),
			num(u.Price.Estimate), num(u.Price.StdErr))
		for _, f := range u.Greeks {
			g, _ := greeks.ParseGreek(f.Greek)
			m, _ := greeks.ParseMethod(f.Method)
			figs[[2]int{int(g), int(m)}] = f
			if m == greeks.Hybrid {
				lambdas[int(g)] = f.Lambda
			}
		}
	} else {
		rec = append(rec, "", "", t.Quantity, "", "", "", "")
	}
	for _, k := range c.figKeys {
		if k[1] < 0 {
			if l, ok := lambdas[k[0]]; ok {
				rec = append(rec, num(l))
			} else {
				rec = append(rec, "")
			}
			continue
		}
		if f, ok := figs[k]; ok {
			rec = append(rec, num(f.Estimate), num(f.StdErr))
		} else {
			rec = append(rec, "", "")
		}
	}
	for _, k := range positionKeys {
		if v, ok := t.Position[k]; ok {
			rec = append(rec, v, strconv.FormatFloat(t.PositionStdErr[k], 'g', -1, 64))
		} else {
			rec = append(rec, "", "")
		}
	}
	for _, k := range positionKeys[1:] {
		rec = append(rec, t.PositionMethods[k])
	}
	w := ""
	if t.Result != nil {
		w = strings.Join(t.Result.Warnings, "; ")
	}
	rec = append(rec, w, t.VegaUnit)
	return c.w.Write(rec)
}

func (c *csvWriter) End(s *Summary) error {
	for _, tot := range s.Totals {
		rec := make([]string, len(c.header))
		rec[2], rec[3] = tot.Underlying, "total"
		rec[len(rec)-1] = s.VegaUnit
		for i, h := range c.header {
			switch h {
			case "position_" + tot.Greek:
				rec[i] = tot.Value
			case "position_" + tot.Greek + "_stderr":
				rec[i] = strconv.FormatFloat(tot.StdErr, 'g', -1, 64)
			}
		}
		if err := c.w.Write(rec); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}

// WriteFile writes the report to path whole or not at all, as CreateOut
// and OutFile.Commit do (no input file is checked against path).
func (r *Report) WriteFile(path string, f Format) error {
	o, err := CreateOut(path)
	if err != nil {
		return err
	}
	if err := r.Write(o, f); err != nil {
		o.Discard()
		return fmt.Errorf("batch: writing %s: %w", path, err)
	}
	return o.Commit()
}
