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
//	             "position_methods": {"delta": "hybrid", ...},
//	             "asset_positions": [{"asset", "underlying", "position", "position_stderr",
//	                                  "position_methods"}, ...],        (multi-asset trades)
//	             "cross_gamma_positions": [{"assets": [i, j], "underlyings", "position",
//	                                        "position_stderr", "position_method"}, ...]}, ...],
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
//
// A multi-asset trade takes several lines, all with its row and trade_id:
// its own (status ok: the price and its position; underlying the joined
// names), then one per asset (status "asset", underlying that asset's, the
// asset's 0-based index in the asset column, its Delta, Gamma and Vega
// figures and positions), then one per cross Gamma (status "cross-gamma",
// underlying "A|B" the pair, asset "i|j", the figures and position in the
// gamma columns).
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
		VegaUnit: r.VegaUnit, ValuationDate: r.ValuationDate, RhoUnit: r.RhoUnit})
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
	cw.header = append(cw.header, "warnings", "asset", "vega_unit")
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
	if s.RhoUnit != "" {
		vd += fmt.Sprintf(",\n \"rho_unit\": %q", s.RhoUnit)
	}
	_, err = fmt.Fprintf(j.w, "%s,\n \"totals\": %s,\n \"seed\": %d,\n \"decimals\": %d,\n \"ok\": %d,\n \"errors\": %d,\n \"vega_unit\": %q%s\n}\n",
		end, b, s.Seed, s.Decimals, s.OK, s.Errors, s.VegaUnit, vd)
	return err
}

// csvFigures are the (Greek, method) columns of the CSV report.
func csvFigures() (cols []string, keys [][2]int) {
	for _, g := range PositionGreeks {
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
	if t.Result == nil || t.Result.Assets == 0 {
		return c.line(t, t.Underlying, t.Status, "", func(report.Figure) bool { return true }, t.Position, t.PositionStdErr, t.PositionMethods)
	}
	// A multi-asset trade: its line (the price, and the model's Rho and
	// Theta: the figures of no asset), then a line per asset and per cross
	// Gamma.
	model := func(f report.Figure) bool { return f.Asset == nil && len(f.Pair) == 0 }
	if err := c.line(t, t.Underlying, t.Status, "", model, t.Position, t.PositionStdErr, t.PositionMethods); err != nil {
		return err
	}
	for _, a := range t.Assets {
		of := func(f report.Figure) bool { return f.Asset != nil && *f.Asset == a.Asset }
		if err := c.line(t, a.Underlying, "asset", strconv.Itoa(a.Asset), of, a.Position, a.PositionStdErr, a.PositionMethods); err != nil {
			return err
		}
	}
	names := strings.Split(t.Underlying, "|")
	seen := map[[2]int]bool{}
	for _, f := range t.Result.Greeks {
		if len(f.Pair) != 2 || seen[[2]int{f.Pair[0], f.Pair[1]}] {
			continue
		}
		i, j := f.Pair[0], f.Pair[1]
		seen[[2]int{i, j}] = true
		of := func(g report.Figure) bool { return len(g.Pair) == 2 && g.Pair[0] == i && g.Pair[1] == j }
		pos, se, methods := map[string]string{}, map[string]float64{}, map[string]string{}
		for _, x := range t.CrossGammas {
			if x.Assets == [2]int{i, j} {
				pos["gamma"], se["gamma"], methods["gamma"] = x.Position, x.PositionStdErr, x.PositionMethod
			}
		}
		u := fmt.Sprintf("%d|%d", i, j)
		if i < len(names) && j < len(names) {
			u = names[i] + "|" + names[j]
		}
		if err := c.line(t, u, "cross-gamma", fmt.Sprintf("%d|%d", i, j), of, pos, se, methods); err != nil {
			return err
		}
	}
	return nil
}

// line writes one line of trade t: its figures that keep accepts (a cross
// Gamma's in the gamma columns), and the positions given.
func (c *csvWriter) line(t TradeReport, underlying, status, asset string, keep func(report.Figure) bool,
	position map[string]string, stderr map[string]float64, methods map[string]string) error {
	num := func(x report.Num) string { return strconv.FormatFloat(float64(x), 'g', -1, 64) }
	rec := make([]string, 0, len(c.header))
	e := ""
	if t.Error != nil {
		e = *t.Error
	}
	rec = append(rec, strconv.Itoa(t.Row), t.TradeID, underlying, status, e)
	figs := map[[2]int]report.Figure{}
	lambdas := map[int]report.Num{}
	if u := t.Result; u != nil {
		rec = append(rec, u.Payoff, u.Model, t.Quantity, strconv.FormatInt(u.Paths, 10), strconv.FormatUint(u.Seed, 10),
			num(u.Price.Estimate), num(u.Price.StdErr))
		for _, f := range u.Greeks {
			if !keep(f) {
				continue
			}
			g, _ := greeks.ParseGreek(f.Greek)
			if g == greeks.CrossGamma {
				g = greeks.Gamma
			}
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
		if v, ok := position[k]; ok {
			rec = append(rec, v, strconv.FormatFloat(stderr[k], 'g', -1, 64))
		} else {
			rec = append(rec, "", "")
		}
	}
	for _, k := range positionKeys[1:] {
		rec = append(rec, methods[k])
	}
	w := ""
	if t.Result != nil && status != "asset" && status != "cross-gamma" {
		w = strings.Join(t.Result.Warnings, "; ")
	}
	rec = append(rec, w, asset, t.VegaUnit)
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
