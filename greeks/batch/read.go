package batch

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// Format is a file format.
type Format int

const (
	CSV Format = iota
	JSON
)

func (f Format) String() string { return [...]string{"csv", "json"}[f] }

// ParseFormat returns the format called name ("csv" or "json").
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(name) {
	case "csv":
		return CSV, nil
	case "json":
		return JSON, nil
	}
	return 0, fmt.Errorf("unknown format %q (want csv or json)", name)
}

// FormatOf returns the format of a file by its extension.
func FormatOf(path string) (Format, error) {
	ext := strings.TrimPrefix(filepath.Ext(path), ".")
	if ext == "" {
		return 0, fmt.Errorf("%s has no extension to tell csv from json", path)
	}
	return ParseFormat(ext)
}

// ErrInput is wrapped by the readers' errors for a file that cannot be
// read as a whole: no header, not a JSON array.
var ErrInput = errors.New("unreadable input")

// ReadTrades reads trade rows. A CSV file has a header row naming the
// fields; a JSON file is an array of objects. A row that cannot be decoded
// (a CSV record with the wrong number of fields or a broken quote, a JSON
// element that is not an object of scalars) is returned with its Err set:
// it is reported, never dropped. Only a file with no rows structure at all
// is an error.
func ReadTrades(r io.Reader, f Format) ([]Row, error) {
	if f == JSON {
		return readJSON(r)
	}
	return readCSV(r)
}

func readCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per row, so that one bad row does not stop the file
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: csv header: %v", ErrInput, err)
	}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		row := Row{Index: len(rows) + 1, Fields: map[string]string{}}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("%w: %v", ErrInput, err)
			}
			row.Err = fmt.Errorf("malformed csv record at line %d: %v", pe.StartLine, pe.Err)
			rows = append(rows, row)
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line is not a row
		}
		for i, v := range rec {
			if i < len(header) {
				row.Fields[header[i]] = v
			}
		}
		if len(rec) != len(header) {
			line, _ := cr.FieldPos(0)
			row.Err = fmt.Errorf("csv record at line %d has %d fields, the header %d", line, len(rec), len(header))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func readJSON(r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInput, err)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil {
		return nil, fmt.Errorf("%w: json: want an array of objects: %v", ErrInput, err)
	}
	rows := make([]Row, 0, len(elems))
	for i, e := range elems {
		row := Row{Index: i + 1, Fields: map[string]string{}}
		row.Fields, row.Err = jsonObject(e)
		if row.Fields == nil {
			row.Fields = map[string]string{}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// jsonObject reads one JSON object of scalars into field strings: strings
// as they are, numbers in their literal form (so that a quantity keeps its
// exact decimal digits), booleans and null as text and absent.
func jsonObject(raw json.RawMessage) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, fmt.Errorf("json element %s is not an object", abbreviate(raw))
	}
	out := make(map[string]string, len(obj))
	for k, v := range obj {
		key := strings.ToLower(strings.TrimSpace(k))
		switch v := v.(type) {
		case nil:
		case string:
			out[key] = v
		case json.Number:
			out[key] = v.String()
		case bool:
			out[key] = strconv.FormatBool(v)
		default:
			return out, fmt.Errorf("field %s: want a string or a number, got %s", key, abbreviate(mustJSON(v)))
		}
	}
	return out, nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func abbreviate(b []byte) string {
	s := string(bytes.TrimSpace(b))
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// ReadMarket reads a market file: CSV with a header of MarketFields, or a
// JSON array of objects with those keys. Every row must name its
// underlying, once, and give finite numbers; a bad market file is an error
// as a whole, since the trades that use it could not be trusted.
func ReadMarket(r io.Reader, f Format) (Market, error) {
	rows, err := ReadTrades(r, f)
	if err != nil {
		return nil, err
	}
	m := Market{}
	for _, row := range rows {
		if row.Err != nil {
			return nil, fmt.Errorf("market row %d: %w", row.Index, row.Err)
		}
		fs := &fields{raw: row.Fields}
		u := fs.str("underlying")
		if u == "" {
			return nil, fmt.Errorf("market row %d: underlying: missing", row.Index)
		}
		if _, dup := m[u]; dup {
			return nil, fmt.Errorf("market row %d: underlying %q quoted twice", row.Index, u)
		}
		var q Quote
		for _, p := range []struct {
			name string
			dst  **float64
		}{{"spot", &q.Spot}, {"vol", &q.Vol}, {"rate", &q.Rate}, {"div", &q.Div}} {
			if fs.str(p.name) != "" {
				v := fs.float(p.name, true, 0)
				*p.dst = &v
			}
		}
		if fs.err != nil {
			return nil, fmt.Errorf("market row %d (%s): %w", row.Index, u, fs.err)
		}
		m[u] = q
	}
	return m, nil
}
