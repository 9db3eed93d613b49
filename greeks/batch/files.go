package batch

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Files names a portfolio file and a market file, each with its format
// ("csv" or "json"; empty: from the file's extension). An empty Trades
// means the embedded sample portfolio, with the sample's market unless
// Market names a file, and the sample's correlations unless Correlations
// names a file.
type Files struct {
	Trades, TradesFormat             string
	Market, MarketFormat             string
	Correlations, CorrelationsFormat string
}

// FileError is a portfolio or market file that cannot be opened or read.
// Its message names the file by the flag the batch commands (greeks batch,
// greeks-beam) read it from.
type FileError struct {
	Which string // "in" (the portfolio), "market" or "correlations"
	Path  string
	// Format is set when the format could not be told from the path.
	Format bool
	Err    error
}

func (e *FileError) Error() string {
	if e.Format {
		return fmt.Sprintf("invalid --%s %s: %v (set --%s-format)", e.Which, e.Path, e.Err, e.Which)
	}
	return fmt.Sprintf("invalid --%s %s: %v", e.Which, e.Path, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// ReadFiles reads the trades and the market of fs with ReadTrades and
// ReadMarket; a file that cannot be opened, whose format is unknown or whose
// content does not parse is a *FileError.
func ReadFiles(fs Files) ([]Row, Market, error) {
	var rows []Row
	market := Market{}
	if fs.Trades == "" {
		var err error
		if rows, market, err = Sample(); err != nil {
			return nil, nil, err
		}
	} else {
		err := readFile("in", fs.Trades, fs.TradesFormat, func(f *os.File, format Format) (err error) {
			rows, err = ReadTrades(f, format)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if fs.Market != "" {
		err := readFile("market", fs.Market, fs.MarketFormat, func(f *os.File, format Format) (err error) {
			market, err = ReadMarket(f, format)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return rows, market, nil
}

// ReadCorrelations reads the correlations file of fs with ReadCorrelations:
// the embedded sample's when fs names neither a portfolio nor a
// correlations file, none (an empty map) when it names only a portfolio. A
// file that cannot be opened or read is a *FileError.
func (fs Files) ReadCorrelations() (Correlations, error) {
	if fs.Correlations == "" {
		if fs.Trades == "" {
			return ReadCorrelations(bytes.NewReader(sampleCorrelations), CSV)
		}
		return Correlations{}, nil
	}
	var c Correlations
	err := readFile("correlations", fs.Correlations, fs.CorrelationsFormat, func(f *os.File, format Format) (err error) {
		c, err = ReadCorrelations(f, format)
		return err
	})
	return c, err
}

func readFile(which, path, format string, read func(*os.File, Format) error) error {
	f, err := formatOf(path, format)
	if err != nil {
		return &FileError{Which: which, Path: path, Format: true, Err: err}
	}
	file, err := os.Open(path)
	if err != nil {
		return &FileError{Which: which, Path: path, Err: err}
	}
	defer file.Close()
	if err := read(file, f); err != nil {
		return &FileError{Which: which, Path: path, Err: err}
	}
	return nil
}

// Open opens the portfolio of fs to be read a row at a time and reads its
// market file, with the errors of ReadFiles; an error reading a later row
// is a *FileError too. The caller closes the returned Closer.
func Open(fs Files) (next func() (Row, error), market Market, c io.Closer, err error) {
	market = Market{}
	if fs.Market != "" {
		err := readFile("market", fs.Market, fs.MarketFormat, func(f *os.File, format Format) (err error) {
			market, err = ReadMarket(f, format)
			return err
		})
		if err != nil {
			return nil, nil, nil, err
		}
	}
	var (
		rr   *RowReader
		file io.ReadCloser
	)
	if fs.Trades == "" {
		var sm Market
		if rr, err = NewRowReader(bytes.NewReader(samplePortfolio), CSV); err == nil {
			sm, err = ReadMarket(bytes.NewReader(sampleMarket), CSV)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if fs.Market == "" {
			market = sm
		}
		file = io.NopCloser(nil)
	} else {
		format, err := formatOf(fs.Trades, fs.TradesFormat)
		if err != nil {
			return nil, nil, nil, &FileError{Which: "in", Path: fs.Trades, Format: true, Err: err}
		}
		f, err := os.Open(fs.Trades)
		if err != nil {
			return nil, nil, nil, &FileError{Which: "in", Path: fs.Trades, Err: err}
		}
		if rr, err = NewRowReader(f, format); err != nil {
			f.Close()
			return nil, nil, nil, &FileError{Which: "in", Path: fs.Trades, Err: err}
		}
		file = f
	}
	next = func() (Row, error) {
		row, err := rr.Next()
		if err != nil && err != io.EOF {
			err = &FileError{Which: "in", Path: fs.Trades, Err: err}
		}
		return row, err
	}
	return next, market, file, nil
}

func formatOf(path, format string) (Format, error) {
	if format != "" {
		return ParseFormat(format)
	}
	return FormatOf(path)
}
