package batch

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/report"
)

// WriteJSON writes the report as one JSON object:
//
//	{"trades": [{"row", "trade_id", "underlying", "status", "error", "quantity",
//	             "result": <greeks option --format json object>,
//	             "position": {"price": "<decimal>", ...}, "position_stderr": {...},
//	             "position_methods": {"delta": "hybrid", ...}}, ...],
//	 "totals": [{"underlying", "greek", "value": "<decimal>", "stderr", "trades"}, ...],
//	 "seed", "decimals", "ok", "errors"}
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(r)
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

// WriteCSV writes the report as one CSV table: a header, one line per
// input row in input order (status ok or error), then one line per total
// with status "total". Unit figures are the trade's unit estimates; the
// position_ columns are the decimal positions and their methods.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	figCols, figKeys := csvFigures()
	header := []string{"row", "trade_id", "underlying", "status", "error", "payoff", "model", "quantity", "paths", "seed",
		"price", "price_stderr"}
	header = append(header, figCols...)
	for _, k := range positionKeys {
		header = append(header, "position_"+k, "position_"+k+"_stderr")
	}
	for _, k := range positionKeys[1:] {
		header = append(header, "position_"+k+"_method")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	num := func(x report.Num) string { return strconv.FormatFloat(float64(x), 'g', -1, 64) }
	for _, t := range r.Trades {
		rec := make([]string, 0, len(header))
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
		for _, k := range figKeys {
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
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	for _, tot := range r.Totals {
		rec := make([]string, len(header))
		rec[2], rec[3] = tot.Underlying, "total"
		for i, h := range header {
			switch h {
			case "position_" + tot.Greek:
				rec[i] = tot.Value
			case "position_" + tot.Greek + "_stderr":
				rec[i] = strconv.FormatFloat(tot.StdErr, 'g', -1, 64)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Write writes the report in format f.
func (r *Report) Write(w io.Writer, f Format) error {
	if f == JSON {
		return r.WriteJSON(w)
	}
	return r.WriteCSV(w)
}

// WriteFile writes the report to path atomically: to a temporary file in
// the same directory, synced, then renamed over path. The file is whole or
// absent; on any error the temporary file is removed.
func (r *Report) WriteFile(path string, f Format) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err = r.Write(bw, f); err != nil {
		return fmt.Errorf("batch: writing %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("batch: writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	return nil
}
