package batch

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/sync/semaphore"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/greeks/report"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Defaults of Options.
const (
	DefaultPaths    = 100_000
	DefaultDecimals = 6
)

// TotalUnderlying names the portfolio-wide total in Report.Totals.
const TotalUnderlying = "*"

// Options are a batch's defaults and resources. Config holds the defaults
// every trade starts from (paths, seed, Greeks, methods, tolerance, …); a
// row's own paths, seed, scheme and steps override them. Config.Seed is the
// batch seed from which each trade's seed derives (TradeSeed).
type Options struct {
	Config   greeks.Config
	Workers  int   // goroutines across and within trades; ≤ 0 means GOMAXPROCS
	Decimals int32 // decimal places of positions and totals (half-to-even)
	// VegaUnit is the unit of Vega positions and totals (desk.go).
	VegaUnit VegaUnit
	// RhoUnit is the unit of Rho positions and totals (desk.go).
	RhoUnit RhoUnit
	// ValuationDate is the date from which a row's expiry is counted;
	// zero means none, and a row with an expiry is then an error.
	ValuationDate time.Time
	// Correlations gives the correlation of each pair of underlyings that
	// a multi-asset trade names (--correlations).
	Correlations Correlations
}

// PositionOrder is the order in which a Greek's position figure is chosen:
// the first method computed for the trade. The hybrid is the most precise
// where it is valid; the fallbacks follow by typical precision.
var PositionOrder = []greeks.Method{greeks.Hybrid, greeks.Pathwise, greeks.Localized, greeks.Malliavin, greeks.FD}

// TradeReport is one input row's outcome.
type TradeReport struct {
	Row        int          `json:"row"`
	TradeID    string       `json:"trade_id"`
	Underlying string       `json:"underlying"`
	Status     string       `json:"status"` // "ok" or "error"
	Error      *string      `json:"error"`
	Quantity   string       `json:"quantity"`
	Result     *report.Unit `json:"result"`
	// Position holds quantity × unit figure per key (price, delta, gamma,
	// vega, rho, theta, vanna, volga — those asked for — cash_delta,
	// cash_gamma: desk.go) as decimal strings;
	// PositionStdErr their standard errors. VegaUnit is the unit of the
	// vega position, set with the positions.
	Position        map[string]string  `json:"position"`
	PositionStdErr  map[string]float64 `json:"position_stderr"`
	PositionMethods map[string]string  `json:"position_methods"`
	VegaUnit        string             `json:"vega_unit,omitempty"`
	// A multi-asset trade's Position holds its price only; Assets holds
	// each asset's Delta, Gamma and Vega positions (which add into the
	// totals of that asset's underlying), CrossGammas the positions of its
	// cross Gammas (reported per trade, in no total).
	Assets      []AssetPosition `json:"asset_positions,omitempty"`
	CrossGammas []CrossPosition `json:"cross_gamma_positions,omitempty"`
}

// AssetPosition is the positions of one asset of a multi-asset trade.
type AssetPosition struct {
	Asset           int                `json:"asset"` // 0-based, in the order of the trade's underlyings
	Underlying      string             `json:"underlying"`
	Position        map[string]string  `json:"position"`
	PositionStdErr  map[string]float64 `json:"position_stderr"`
	PositionMethods map[string]string  `json:"position_methods"`
}

// CrossPosition is the position of the cross Gamma ∂²V/∂S_i∂S_j of a
// multi-asset trade, i < j.
type CrossPosition struct {
	Assets         [2]int    `json:"assets"`
	Underlyings    [2]string `json:"underlyings"`
	Position       string    `json:"position"`
	PositionStdErr float64   `json:"position_stderr"`
	PositionMethod string    `json:"position_method"`
}

// Total is the sum of one figure's positions over an underlying's trades,
// or over the portfolio (Underlying "*": only the figures that add across
// underlyings, so no share Delta or Gamma; see desk.go). Trades are simulated on
// independent streams, so the variance of the sum is the sum of variances.
type Total struct {
	Underlying string  `json:"underlying"`
	Greek      string  `json:"greek"`
	Value      string  `json:"value"`
	StdErr     float64 `json:"stderr"`
	Trades     int     `json:"trades"`
}

// Report is a batch's outcome: one entry per input row, in input order,
// and the totals.
type Report struct {
	Trades   []TradeReport `json:"trades"`
	Totals   []Total       `json:"totals"`
	Seed     uint64        `json:"seed"`
	Decimals int32         `json:"decimals"`
	OK       int           `json:"ok"`
	Errors   int           `json:"errors"`
	// VegaUnit is the unit of the Vega positions and totals;
	// ValuationDate the date expiries count from (YYYY-MM-DD), "" for none.
	VegaUnit      string `json:"vega_unit"`
	ValuationDate string `json:"valuation_date,omitempty"`
	// RhoUnit is "bp" when the Rho positions and totals are per basis
	// point; "" (absent) for the default, per unit of rate.
	RhoUnit string `json:"rho_unit,omitempty"`
}

// Keys of positions and totals, in report order.
var positionKeys = []string{"price", "delta", "gamma", "vega", "rho", "theta", "vanna", "volga", "cash_delta", "cash_gamma"}

// WithDefaults returns o with its zero fields filled in as Run fills them:
// Config.Paths DefaultPaths, Workers GOMAXPROCS.
func (o Options) WithDefaults() Options {
	if o.Config.Paths == 0 {
		o.Config.Paths = DefaultPaths
	}
	if o.Workers <= 0 {
		o.Workers = greeks.DefaultWorkers()
	}
	o.Workers = min(o.Workers, MaxWorkers())
	return o
}

// MaxWorkers bounds a batch's workers: trades are CPU-bound, and each
// worker holds a running trade and Window rows, so more workers than 4
// per CPU would only hold memory. It never changes a number.
func MaxWorkers() int { return 4 * greeks.DefaultWorkers() }

// Check validates every row as Run does, in input order: out[i] is row i's
// report entry, an error entry when the row failed to parse or repeats an
// earlier trade_id, and trades[i] is its trade, nil for a failed row. opt
// must have its defaults (WithDefaults).
func Check(rows []Row, market Market, opt Options) (out []TradeReport, trades []*Trade) {
	out = make([]TradeReport, len(rows))
	trades = make([]*Trade, len(rows))
	seen := map[string]bool{}
	for i, row := range rows {
		t, err := Parse(row, market, opt)
		if err == nil && seen[t.ID] {
			err = ErrDuplicate
		}
		out[i] = TradeReport{Row: row.Index, TradeID: row.ID(), Underlying: row.Fields["underlying"], Quantity: row.Fields["quantity"]}
		if err != nil {
			out[i].Fail(err)
			continue
		}
		seen[t.ID] = true
		trades[i] = t
	}
	return out, trades
}

// Run prices every row on the worker pool and returns the report. Rows
// that fail to parse or to run become error entries; Run itself fails only
// when ctx ends (an error wrapping greeks.ErrCanceled), and then reports
// nothing, or before any row when Options.Config.Greeks holds a value that
// is not a Greek (CheckGreeks). progress, when not nil, is called after each row with the
// number done. Run holds every row; Stream holds only those in flight.
func Run(ctx context.Context, rows []Row, market Market, opt Options, progress func(done, total int)) (*Report, error) {
	i := 0
	next := func() (Row, error) {
		if i == len(rows) {
			return Row{}, io.EOF
		}
		i++
		return rows[i-1], nil
	}
	var p func(int)
	if progress != nil {
		p = func(done int) { progress(done, len(rows)) }
	}
	trades := make([]TradeReport, 0, len(rows))
	sum, err := Stream(ctx, next, market, opt, func(t TradeReport) error {
		trades = append(trades, t)
		return nil
	}, p)
	if err != nil {
		return nil, err
	}
	return &Report{Trades: trades, Totals: sum.Totals, Seed: sum.Seed, Decimals: sum.Decimals, OK: sum.OK, Errors: sum.Errors,
		VegaUnit: sum.VegaUnit, ValuationDate: sum.ValuationDate, RhoUnit: sum.RhoUnit}, nil
}

// Summary is what a batch reports after its rows: the totals and counts.
type Summary struct {
	Totals   []Total
	Seed     uint64
	Decimals int32
	OK       int
	Errors   int
	// The report's conventions, as in Report.
	VegaUnit      string
	ValuationDate string
	RhoUnit       string
}

// Window is the most rows a stream holds per worker: rows started or done
// but not yet emitted because an earlier row is still running.
const Window = 4

// Stream reads rows with next until io.EOF, prices them on the worker
// pool, and calls emit with each row's entry in input order as soon as it
// and every row before it are done; then it returns the totals. It holds at
// most Window·workers rows (at least 64) at a time, whatever the length of
// the input, plus each distinct trade_id (to refuse duplicates) and the
// totals of each underlying. progress, when not nil, is called after each
// emitted row with the number emitted.
//
// Stream fails before reading a row when opt.Config.Greeks names a Greek a
// batch does not carry (CheckGreeks); it fails when next fails with an
// error other than io.EOF, when emit fails, or when ctx ends (an error wrapping greeks.ErrCanceled); it then
// stops reading and starting rows, and the caller discards what was
// emitted.
func Stream(ctx context.Context, next func() (Row, error), market Market, opt Options,
	emit func(TradeReport) error, progress func(done int)) (*Summary, error) {
	opt = opt.WithDefaults()
	if err := CheckGreeks(opt.Config.Greeks); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	window := int64(max(64, Window*opt.Workers))
	slots := semaphore.NewWeighted(window)
	sem := semaphore.NewWeighted(int64(opt.Workers))
	type done struct {
		i int
		t TradeReport
	}
	finished := make(chan done, window)
	acc := newTotals()
	sum := &Summary{Seed: opt.Config.Seed, Decimals: opt.Decimals}
	sum.VegaUnit, sum.ValuationDate, sum.RhoUnit = opt.conventions()
	var emitErr error
	emitted := make(chan struct{})
	go func() {
		// The emitter: entries in input order, each as soon as it and
		// every one before it are done.
		defer close(emitted)
		pending := map[int]TradeReport{}
		n := 0
		for d := range finished {
			pending[d.i] = d.t
			for {
				t, ok := pending[n]
				if !ok {
					break
				}
				delete(pending, n)
				n++
				// The row holds its slot until it is emitted, so that the
				// rows read and not yet emitted never pass the window
				// (plus the one the reader holds while it waits for a slot).
				if emitErr == nil {
					if err := emit(t); err != nil {
						emitErr = err
						cancel(err)
					} else {
						acc.add(t)
						if t.Status == "ok" {
							sum.OK++
						} else {
							sum.Errors++
						}
						if progress != nil {
							progress(n)
						}
					}
				}
				slots.Release(1)
			}
		}
	}()

	var (
		wg      sync.WaitGroup
		readErr error
	)
	seen := map[string]struct{}{}
	for i := 0; ; i++ {
		row, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = err
			cancel(err)
			break
		}
		if slots.Acquire(ctx, 1) != nil {
			break
		}
		t, err := Parse(row, market, opt)
		if err == nil {
			if _, dup := seen[t.ID]; dup {
				err = ErrDuplicate
			}
		}
		entry := TradeReport{Row: row.Index, TradeID: row.ID(), Underlying: row.Fields["underlying"], Quantity: row.Fields["quantity"]}
		if err != nil {
			entry.Fail(err)
			finished <- done{i, entry}
			continue
		}
		seen[t.ID] = struct{}{}
		k := tokens(t.Config, opt.Workers)
		if sem.Acquire(ctx, k) != nil {
			slots.Release(1)
			break
		}
		wg.Go(func() {
			defer sem.Release(k)
			cfg := t.Config
			cfg.Workers = int(k)
			res, err := greeks.Run(ctx, t.Model, t.Payoff, cfg)
			if err != nil {
				entry.Fail(err)
			} else {
				entry.Succeed(t, res, opt.Decimals)
			}
			finished <- done{i, entry}
		})
	}
	wg.Wait()
	close(finished)
	<-emitted
	switch {
	case readErr != nil:
		return nil, readErr
	case emitErr != nil:
		return nil, emitErr
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%w: %w", greeks.ErrCanceled, context.Cause(ctx))
	}
	sum.Totals = acc.totals()
	return sum, nil
}

// NewReport returns the report of the entries trades, one per input row in
// input order, of a batch with seed and decimals: it counts the ok and
// error rows and sums the totals. Its vega unit is absolute and it has no
// valuation date; SetConventions sets them from the batch's options.
func NewReport(trades []TradeReport, seed uint64, decimals int32) *Report {
	rep := &Report{Trades: trades, Seed: seed, Decimals: decimals, VegaUnit: VegaAbsolute.String()}
	acc := newTotals()
	for _, tr := range trades {
		if tr.Status == "ok" {
			rep.OK++
		} else {
			rep.Errors++
		}
		acc.add(tr)
	}
	rep.Totals = acc.totals()
	return rep
}

// tokens is the number of workers a trade gets: one per 256k paths, at
// least one, at most all, so that small trades run side by side and a big
// one is split across the pool.
func tokens(cfg greeks.Config, workers int) int64 {
	n := cfg.Paths
	if cfg.Tolerance > 0 {
		n = max(n, cfg.MaxPaths/4)
	}
	return min(int64(workers), max(1, n/(1<<18)))
}

// Fail makes t an error entry with err's message.
func (t *TradeReport) Fail(err error) {
	msg := err.Error()
	t.Status, t.Error = "error", &msg
}

// MaxStdErr bounds a position's standard error: the totals sum the
// squares of up to billions of them and must stay finite.
const MaxStdErr = 1e300

// Succeed makes t the ok entry of trade tr with the run's result res:
// its unit figures (with the closed form where there is one) and its
// positions, quantity × unit figure of the first method of PositionOrder
// computed, rounded half-to-even to places. A result with a figure that is
// not finite (greeks.Result.NotFinite), or a position whose standard error
// is not finite or beyond MaxStdErr, makes t an error entry naming the
// figure instead: a row is never ok without its figures.
func (t *TradeReport) Succeed(tr *Trade, res *greeks.Result, places int32) {
	t.Underlying, t.Quantity = tr.Underlying, tr.Quantity.String()
	if bad := res.NotFinite(); len(bad) > 0 {
		t.Fail(fmt.Errorf("not finite: %s (the inputs overflow the simulation)", strings.Join(bad, ", ")))
		return
	}
	var u report.Unit
	if m, ok := tr.Model.(sde.Correlated); ok {
		var ref *analytic.AssetValues
		if v, err := analytic.MultiReference(m, tr.Payoff); err == nil {
			ref = &v
		}
		u = report.NewMultiUnit(m, tr.Payoff, res, ref)
	} else {
		ref, err := analytic.Reference(tr.Model, tr.Payoff)
		if err != nil {
			ref = report.NaNValues()
		}
		u = report.NewUnit(tr.Model, tr.Payoff, res, ref)
	}
	pos, se, methods := map[string]string{}, map[string]float64{}, map[string]string{}
	q := tr.Quantity
	qf := q.InexactFloat64()
	// position returns quantity × e, rounded, and its standard error.
	position := func(key string, e greeks.Estimate) (string, float64, error) {
		s := math.Abs(qf) * e.StdErr
		if !(s <= MaxStdErr) {
			return "", 0, fmt.Errorf("position_stderr %s: quantity %s × stderr %g = %g is not finite or beyond %g", key, shortDecimal(q), e.StdErr, s, MaxStdErr)
		}
		return decimal.NewFromFloat(e.Value).Mul(q).RoundBank(places).String(), s, nil
	}
	// put sets the position of Greek g of asset i (of the pair i < j for
	// a cross Gamma) from the first method of PositionOrder computed.
	put := func(key string, g greeks.Greek, i, j int, pos map[string]string, se map[string]float64, methods map[string]string) error {
		for _, x := range PositionOrder {
			if f, ok := res.AssetFigure(g, x, i, j); ok {
				for _, d := range deskFigures(key, g, f.Estimate, deskSpot(tr.Model, i), tr.VegaUnit, tr.RhoUnit) {
					v, s, err := position(d.key, d.e)
					if err != nil {
						return err
					}
					pos[d.key], se[d.key], methods[d.key] = v, s, x.String()
				}
				return nil
			}
		}
		return nil
	}
	v, s, err := position("price", res.Price)
	if err != nil {
		t.Fail(err)
		return
	}
	pos["price"], se["price"], methods["price"] = v, s, "price"
	trade := PositionGreeks // one asset: every Greek in the trade's position
	if tr.Underlyings != nil {
		trade = []greeks.Greek{greeks.Rho, greeks.Theta} // several: the model's one Rho and Theta
	}
	for _, g := range trade {
		if err := put(g.String(), g, 0, 0, pos, se, methods); err != nil {
			t.Fail(err)
			return
		}
	}
	var assets []AssetPosition
	var cross []CrossPosition
	for i, ui := range tr.Underlyings {
		a := AssetPosition{Asset: i, Underlying: ui, Position: map[string]string{}, PositionStdErr: map[string]float64{}, PositionMethods: map[string]string{}}
		for _, g := range assetGreeks {
			if err := put(g.String(), g, i, i, a.Position, a.PositionStdErr, a.PositionMethods); err != nil {
				t.Fail(fmt.Errorf("%s: %w", ui, err))
				return
			}
		}
		assets = append(assets, a)
		for j := i + 1; j < len(tr.Underlyings); j++ {
			p, ps, pm := map[string]string{}, map[string]float64{}, map[string]string{}
			key := greeks.CrossGamma.String()
			if err := put(key, greeks.CrossGamma, i, j, p, ps, pm); err != nil {
				t.Fail(fmt.Errorf("%s,%s: %w", ui, tr.Underlyings[j], err))
				return
			}
			if _, ok := p[key]; ok {
				cross = append(cross, CrossPosition{Assets: [2]int{i, j}, Underlyings: [2]string{ui, tr.Underlyings[j]},
					Position: p[key], PositionStdErr: ps[key], PositionMethod: pm[key]})
			}
		}
	}
	t.Status, t.Result, t.Error = "ok", &u, nil
	t.Position, t.PositionStdErr, t.PositionMethods = pos, se, methods
	t.Assets, t.CrossGammas = assets, cross
	t.VegaUnit = tr.VegaUnit.String()
}

// totalsAcc sums positions per underlying and over the portfolio as rows
// arrive. The sums are exact decimals (the positions, and the squares of
// their standard errors), so no total depends on the order of the rows.
type totalsAcc struct {
	sums map[[2]string]*acc
}

type acc struct {
	sum    decimal.Decimal
	v      decimal.Decimal // Σ stderr², exactly
	trades int
}

func newTotals() *totalsAcc { return &totalsAcc{sums: map[[2]string]*acc{}} }

// add adds the positions of an ok entry: a multi-asset trade's price to
// the total of its underlyings' joined name ("ACME|BETA"), each asset's
// Greeks to that asset's underlying; every position to the portfolio's.
func (ta *totalsAcc) add(tr TradeReport) {
	if tr.Status != "ok" {
		return
	}
	ta.addPositions(tr.Underlying, tr.Position, tr.PositionStdErr)
	for _, a := range tr.Assets {
		ta.addPositions(a.Underlying, a.Position, a.PositionStdErr)
	}
}

func (ta *totalsAcc) addPositions(underlying string, position map[string]string, stderr map[string]float64) {
	for _, key := range positionKeys {
		v, ok := position[key]
		if !ok {
			continue
		}
		d := decimal.RequireFromString(v)
		se := decimal.NewFromFloat(stderr[key])
		se2 := se.Mul(se)
		for _, u := range []string{underlying, TotalUnderlying} {
			if u == TotalUnderlying && !addsAcross(key) {
				continue
			}
			a := ta.sums[[2]string{u, key}]
			if a == nil {
				a = &acc{}
				ta.sums[[2]string{u, key}] = a
			}
			a.sum = a.sum.Add(d)
			a.v = a.v.Add(se2)
			a.trades++
		}
	}
}

// totals returns the totals per underlying (in name order), then over the
// portfolio ("*"), key by key.
func (ta *totalsAcc) totals() []Total {
	var names []string
	for k := range ta.sums {
		if k[0] != TotalUnderlying && !slices.Contains(names, k[0]) {
			names = append(names, k[0])
		}
	}
	slices.Sort(names)
	names = append(names, TotalUnderlying)
	var out []Total
	for _, u := range names {
		for _, key := range positionKeys {
			if a := ta.sums[[2]string{u, key}]; a != nil {
				out = append(out, Total{Underlying: u, Greek: key, Value: a.sum.String(), StdErr: sqrtDecimal(a.v), Trades: a.trades})
			}
		}
	}
	return out
}

// sqrtDecimal returns √d rounded to a float64.
func sqrtDecimal(d decimal.Decimal) float64 {
	x, _, err := big.ParseFloat(d.String(), 10, 256, big.ToNearestEven)
	if err != nil {
		return math.NaN()
	}
	f, _ := x.Sqrt(x).Float64()
	return f
}

// shortDecimal returns d, in six significant digits when it is long.
func shortDecimal(d decimal.Decimal) string {
	s := d.String()
	if len(s) <= 24 {
		return s
	}
	f, _, err := big.ParseFloat(s, 10, 64, big.ToNearestEven)
	if err != nil {
		return s[:21] + "..."
	}
	return f.Text('g', 6)
}
