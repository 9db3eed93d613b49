package batch

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hybridgreeks/hybridgreeks/sde"
)

// CorrelationFields lists the columns (CSV) and keys (JSON) of a
// correlations file: one row per pair of underlyings.
var CorrelationFields = []string{"underlying_a", "underlying_b", "rho"}

// Correlations maps a pair of underlyings to the correlation of their
// Brownian motions. Its keys are "a|b" with a < b (pairKey), so that it
// travels as JSON; use Rho to look a pair up.
type Correlations map[string]float64

// pairKey is the key of the pair {a, b}, in either order.
func pairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}

// Rho returns the correlation of a and b, and whether the file gives it.
func (c Correlations) Rho(a, b string) (float64, bool) {
	v, ok := c[pairKey(a, b)]
	return v, ok
}

// ReadCorrelations reads a correlations file: CSV with a header of
// CorrelationFields, or a JSON array of objects with those keys, with the
// conventions of ReadTrades (a byte-order mark skipped, case-insensitive
// names, decimal numbers only). A pair given twice (in either order), an
// underlying paired with itself at a correlation other than 1, or a row
// without both underlyings and a finite rho is an error for the whole file,
// naming the row and the pair, as for a market file. A rho outside [−1, 1]
// is kept: the rows that use it fail, naming the pair, when their matrix is
// built (the same check as greeks option's --correlation).
func ReadCorrelations(r io.Reader, f Format) (Correlations, error) {
	rows, err := ReadTrades(r, f)
	if err != nil {
		return nil, err
	}
	c := Correlations{}
	first := map[string]int{}
	for _, row := range rows {
		if row.Err != nil {
			return nil, fmt.Errorf("correlations row %d: %w", row.Index, row.Err)
		}
		fs := &fields{raw: row.Fields}
		a, b := fs.str("underlying_a"), fs.str("underlying_b")
		for _, u := range []struct{ name, v string }{{"underlying_a", a}, {"underlying_b", b}} {
			if u.v == "" {
				return nil, fmt.Errorf("correlations row %d: %s: missing", row.Index, u.name)
			}
			if strings.Contains(u.v, "|") {
				return nil, fmt.Errorf("correlations row %d: %s %q: one underlying per column ('|' joins the underlyings of a trade)", row.Index, u.name, u.v)
			}
		}
		rho := fs.float("rho", true, 0)
		if fs.err != nil {
			return nil, fmt.Errorf("correlations row %d (%s,%s): %w", row.Index, a, b, fs.err)
		}
		if a == b {
			if rho != 1 {
				return nil, fmt.Errorf("correlations row %d (%s,%s): rho %s: an underlying's correlation with itself is 1", row.Index, a, b, fs.str("rho"))
			}
			continue
		}
		k := pairKey(a, b)
		if n, dup := first[k]; dup {
			return nil, fmt.Errorf("correlations row %d (%s,%s): pair given twice (row %d has it too)", row.Index, a, b, n)
		}
		first[k], c[k] = row.Index, rho
	}
	return c, nil
}

// correlationMatrix builds the matrix of the underlyings names from c; a
// missing pair is a *FieldError naming it.
func correlationMatrix(names []string, c Correlations) ([][]float64, error) {
	m := make([][]float64, len(names))
	for i := range m {
		m[i] = make([]float64, len(names))
		m[i][i] = 1
	}
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			rho, ok := c.Rho(names[i], names[j])
			if !ok {
				return nil, &FieldError{"underlying", strings.Join(names, "|"),
					fmt.Sprintf("no correlation for the pair %s,%s (--correlations)", names[i], names[j])}
			}
			m[i][j], m[j][i] = rho, rho
		}
	}
	return m, nil
}

// correlatedError restates an error of sde.NewCorrelated for the
// underlyings names: an entry of the matrix by its pair of underlyings.
func correlatedError(names []string, err error) error {
	var ce *sde.CorrelationError
	if errors.As(err, &ce) {
		if ce.Row < 0 {
			return &FieldError{"underlying", strings.Join(names, "|"),
				fmt.Sprintf("their correlation matrix (--correlations) is not positive definite: its smallest eigenvalue is %.6g", ce.Value)}
		}
		if ce.Row < len(names) && ce.Col < len(names) {
			return &FieldError{"underlying", strings.Join(names, "|"),
				fmt.Sprintf("correlation of %s and %s = %v (--correlations): %s", names[ce.Row], names[ce.Col], ce.Value, ce.Reason)}
		}
	}
	return err
}
