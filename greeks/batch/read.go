package batch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
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
// element that is not an object of scalars, or one with a field twice) is
// returned with its Err set: it is reported, never dropped. Only a file with
// no rows structure at all is an error. A byte-order mark at the start is
// skipped in either format. ReadTrades holds every row; NewRowReader reads
// one at a time.
func ReadTrades(r io.Reader, f Format) ([]Row, error) {
	rr, err := NewRowReader(r, f)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for {
		row, err := rr.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
}

// RowReader reads trade rows one at a time, in input order, so that a
// batch holds only the rows in flight, never the file.
type RowReader struct {
	next func() (Row, error)
	n    int
}

// Next returns the next row, numbered from 1, or io.EOF after the last. An
// error other than io.EOF (wrapping ErrInput) means the rest of the file
// cannot be read.
func (rr *RowReader) Next() (Row, error) { return rr.next() }

// bom is the UTF-8 byte-order mark.
const bom = "\ufeff"

// skipBOM returns r without a leading byte-order mark.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		br.Discard(len(bom))
	}
	return br
}

// NewRowReader returns a reader of the rows of r in format f. It reads the
// CSV header, or the JSON array's opening bracket, at once.
func NewRowReader(r io.Reader, f Format) (*RowReader, error) {
	r = skipBOM(r)
	if f == JSON {
		return newJSONReader(r)
	}
	return newCSVReader(r)
}

func newCSVReader(r io.Reader) (*RowReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per row, so that one bad row does not stop the file
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: csv header: %v", ErrInput, err)
	}
	header = slices.Clone(header)
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
		if j := slices.Index(header[:i], header[i]); j >= 0 {
			return nil, fmt.Errorf("%w: csv header: columns %d and %d are both %q (names are case-insensitive)", ErrInput, j+1, i+1, header[i])
		}
	}
	rr := &RowReader{}
	rr.next = func() (Row, error) {
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return Row{}, io.EOF
			}
			row := Row{Index: rr.n + 1, Fields: map[string]string{}}
			if err != nil {
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					return Row{}, fmt.Errorf("%w: %v", ErrInput, err)
				}
				row.Err = fmt.Errorf("malformed csv record at line %d: %v", pe.StartLine, pe.Err)
				rr.n++
				return row, nil
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
			rr.n++
			return row, nil
		}
	}
	return rr, nil
}

func newJSONReader(r io.Reader) (*RowReader, error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("%w: json: want an array of objects", ErrInput)
	}
	rr := &RowReader{}
	end := false
	rr.next = func() (Row, error) {
		if end {
			return Row{}, io.EOF
		}
		if !dec.More() {
			if _, err := dec.Token(); err != nil {
				return Row{}, fmt.Errorf("%w: json: after row %d: %v", ErrInput, rr.n, err)
			}
			if _, err := dec.Token(); err != io.EOF {
				return Row{}, fmt.Errorf("%w: json: data after the array", ErrInput)
			}
			end = true
			return Row{}, io.EOF
		}
		var e json.RawMessage
		if err := dec.Decode(&e); err != nil {
			return Row{}, fmt.Errorf("%w: json: want an array of objects: row %d: %v", ErrInput, rr.n+1, err)
		}
		rr.n++
		row := Row{Index: rr.n}
		row.Fields, row.Err = jsonObject(e)
		if row.Fields == nil {
			row.Fields = map[string]string{}
		}
		return row, nil
	}
	return rr, nil
}

// jsonObject reads one JSON object of scalars into field strings: strings
// as they are, numbers in their literal form (so that a quantity keeps its
// exact decimal digits), booleans as text, null as absent. Keys are
// case-insensitive; an object that has a key twice (in any case) is an
// error, since one of the values would be chosen at random.
func jsonObject(raw json.RawMessage) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("json element %s is not an object", abbreviate(raw))
	}
	out := map[string]string{}
	var fail error
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("json element %s is not an object", abbreviate(raw))
		}
		k, _ := tok.(string)
		key := strings.ToLower(strings.TrimSpace(k))
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("json element %s is not an object", abbreviate(raw))
		}
		if _, dup := out[key]; dup && fail == nil {
			fail = fmt.Errorf("field %s: given twice (keys are case-insensitive)", key)
		}
		switch v := v.(type) {
		case nil:
			out[key] = ""
		case string:
			out[key] = v
		case json.Number:
			out[key] = v.String()
		case bool:
			out[key] = strconv.FormatBool(v)
		default:
			if fail == nil {
				fail = fmt.Errorf("field %s: want a string or a number, got %s", key, abbreviate(mustJSON(v)))
			}
		}
	}
	return out, fail
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
			return nil, fmt.Errorf("market row %d (%s): underlying quoted twice", row.Index, u)
		}
		var q Quote
		for _, p := range []struct {
			name     string
			dst      **float64
			positive bool
		}{{"spot", &q.Spot, true}, {"vol", &q.Vol, true}, {"rate", &q.Rate, false}, {"div", &q.Div, false},
			{"v0", &q.V0, true}, {"kappa", &q.Kappa, true}, {"theta", &q.Theta, true}, {"xi", &q.Xi, true},
			{"heston_rho", &q.HestonRho, false}} {
			if fs.str(p.name) != "" {
				v := fs.float(p.name, true, 0)
				if p.positive && fs.err == nil && !(v > 0) {
					fs.fail(p.name, fs.str(p.name), "must be positive")
				}
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
