package batch

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
	"golang.org/x/sync/semaphore"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/greeks/report"
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
	// vega) as decimal strings; PositionStdErr their standard errors.
	Position        map[string]string  `json:"position"`
	PositionStdErr  map[string]float64 `json:"position_stderr"`
	PositionMethods map[string]string  `json:"position_methods"`
}

// Total is the sum of one figure's positions over an underlying's trades,
// or over the portfolio (Underlying "*"). Trades are simulated on
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
}

// Keys of positions and totals, in report order.
var positionKeys = []string{"price", "delta", "gamma", "vega"}

// WithDefaults returns o with its zero fields filled in as Run fills them:
// Config.Paths DefaultPaths, Workers GOMAXPROCS.
func (o Options) WithDefaults() Options {
	if o.Config.Paths == 0 {
		o.Config.Paths = DefaultPaths
	}
	if o.Workers <= 0 {
		o.Workers = greeks.DefaultWorkers()
	}
	return o
}

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
// nothing. progress, when not nil, is called after each row with the
// number done.
func Run(ctx context.Context, rows []Row, market Market, opt Options, progress func(done, total int)) (*Report, error) {
	opt = opt.WithDefaults()
	out, trades := Check(rows, market, opt)

	sem := semaphore.NewWeighted(int64(opt.Workers))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	tick := func() {
		mu.Lock()
		done++
		d := done
		mu.Unlock()
		if progress != nil {
			progress(d, len(rows))
		}
	}
	for i, t := range trades {
		if t == nil {
			tick()
			continue
		}
		k := tokens(t.Config, opt.Workers)
		if err := sem.Acquire(ctx, k); err != nil {
			break
		}
		wg.Go(func() {
			defer sem.Release(k)
			cfg := t.Config
			cfg.Workers = int(k)
			res, err := greeks.Run(ctx, t.Model, t.Payoff, cfg)
			if err != nil {
				out[i].Fail(err)
			} else {
				out[i].Succeed(t, res, opt.Decimals)
			}
			tick()
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", greeks.ErrCanceled, err)
	}
	return NewReport(out, opt.Config.Seed, opt.Decimals), nil
}

// NewReport returns the report of the entries trades, one per input row in
// input order, of a batch with seed and decimals: it counts the ok and
// error rows and sums the totals.
func NewReport(trades []TradeReport, seed uint64, decimals int32) *Report {
	rep := &Report{Trades: trades, Seed: seed, Decimals: decimals}
	for _, tr := range trades {
		if tr.Status == "ok" {
			rep.OK++
		} else {
			rep.Errors++
		}
	}
	rep.Totals = totals(trades)
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

// Succeed makes t the ok entry of trade tr with the run's result res:
// its unit figures (with the closed form where there is one) and its
// positions, quantity × unit figure of the first method of PositionOrder
// computed, rounded half-to-even to places.
func (t *TradeReport) Succeed(tr *Trade, res *greeks.Result, places int32) {
	ref, err := analytic.Reference(tr.Model, tr.Payoff)
	if err != nil {
		ref = report.NaNValues()
	}
	u := report.NewUnit(tr.Model, tr.Payoff, res, ref)
	t.Status, t.Result = "ok", &u
	t.Underlying, t.Quantity = tr.Underlying, tr.Quantity.String()
	t.Position, t.PositionStdErr, t.PositionMethods = map[string]string{}, map[string]float64{}, map[string]string{}
	q := tr.Quantity
	qf := q.InexactFloat64()
	put := func(key string, e greeks.Estimate, method string) {
		if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
			return
		}
		t.Position[key] = decimal.NewFromFloat(e.Value).Mul(q).RoundBank(places).String()
		t.PositionStdErr[key] = math.Abs(qf) * e.StdErr
		t.PositionMethods[key] = method
	}
	put("price", res.Price, "price")
	for _, g := range greeks.AllGreeks {
		for _, x := range PositionOrder {
			if f, ok := res.Figure(g, x); ok {
				put(g.String(), f.Estimate, x.String())
				break
			}
		}
	}
}

// totals sums the positions per underlying (in name order) and over the
// portfolio, key by key, in decimal; the variances are summed in trade_id
// order, so that no total depends on the order of the rows.
func totals(trades []TradeReport) []Total {
	trades = slices.Clone(trades)
	slices.SortStableFunc(trades, func(a, b TradeReport) int { return strings.Compare(a.TradeID, b.TradeID) })
	type acc struct {
		sum    decimal.Decimal
		v      float64
		trades int
	}
	sums := map[[2]string]*acc{}
	var names []string
	for _, tr := range trades {
		if tr.Status != "ok" {
			continue
		}
		if !slices.Contains(names, tr.Underlying) {
			names = append(names, tr.Underlying)
		}
		for _, key := range positionKeys {
			v, ok := tr.Position[key]
			if !ok {
				continue
			}
			d := decimal.RequireFromString(v)
			se := tr.PositionStdErr[key]
			for _, u := range []string{tr.Underlying, TotalUnderlying} {
				a := sums[[2]string{u, key}]
				if a == nil {
					a = &acc{}
					sums[[2]string{u, key}] = a
				}
				a.sum = a.sum.Add(d)
				a.v += se * se
				a.trades++
			}
		}
	}
	slices.Sort(names)
	names = append(names, TotalUnderlying)
	var out []Total
	for _, u := range names {
		for _, key := range positionKeys {
			if a := sums[[2]string{u, key}]; a != nil {
				out = append(out, Total{Underlying: u, Greek: key, Value: a.sum.String(), StdErr: math.Sqrt(a.v), Trades: a.trades})
			}
		}
	}
	return out
}
