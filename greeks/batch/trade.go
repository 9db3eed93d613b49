// Package batch runs a pricing desk's portfolio: trades read from CSV or
// JSON, market data from the rows or a market file, each trade priced with
// its Greeks by every method on its own reproducible random streams, and a
// report of unit figures, decimal positions and portfolio totals. Every
// input row appears once in the report, as a result or as an error.
package batch

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Fields lists the columns (CSV) and keys (JSON) of a trade row. trade_id,
// underlying, payoff, quantity, strike and maturity (a year fraction) or
// expiry (a date, with Options.ValuationDate; both when they agree) are
// required; spot, vol,
// rate and div may come from the market file instead; the rest are
// optional. Unknown columns are ignored.
//
// A multi-asset trade names its underlyings joined by '|' ("ACME|BETA"),
// and a multi-asset payoff (payoff.MultiNames). Each underlying's spot, vol
// and div come from the market file, or from the row as '|'-joined lists in
// the same order; its rate from the row, or from the market file where every
// underlying quotes the same rate. The correlation of each pair comes from
// Options.Correlations (--correlations). weights gives a basket's weights,
// '|'-joined in the order of the underlyings (default equal).
var Fields = []string{
	"trade_id", "underlying", "payoff", "quantity", "strike", "maturity",
	"barrier", "rebate", "fixings", "cash", "model", "beta", "scheme", "steps", "paths", "seed",
	"spot", "vol", "rate", "div", "weights", "expiry", "v0", "kappa", "theta", "xi", "heston_rho",
}

// MarketFields lists the columns (CSV) and keys (JSON) of a market file.
// The Heston columns (v0, kappa, theta, xi, heston_rho) are read by the
// rows whose model is heston; vol is then not needed.
var MarketFields = []string{"underlying", "spot", "vol", "rate", "div", "v0", "kappa", "theta", "xi", "heston_rho"}

// Quote is the market data of one underlying; nil fields are not quoted.
// V0, Kappa, Theta, Xi and HestonRho are its Heston parameters (sde.Heston).
type Quote struct {
	Spot, Vol, Rate, Div            *float64
	V0, Kappa, Theta, Xi, HestonRho *float64
}

// Market maps an underlying to its quote.
type Market map[string]Quote

// Row is one input row: its raw fields, and the trade parsed from them or
// the error that stopped it.
type Row struct {
	Index  int               // 1-based position among the rows, in input order
	Fields map[string]string // the raw values by field name ("" when absent)
	Err    error             // a malformed row (decoding, not validation)
}

// ID returns the row's trade_id, or "row N" when it has none.
func (r Row) ID() string {
	if id := strings.TrimSpace(r.Fields["trade_id"]); id != "" {
		return id
	}
	return fmt.Sprintf("row %d", r.Index)
}

// Trade is a validated row, ready to run.
type Trade struct {
	ID         string
	Underlying string
	// Underlyings names the assets of a multi-asset trade, in the order of
	// its model's assets (nil for a single-asset trade, whose Underlying is
	// its one underlying).
	Underlyings []string
	Quantity    decimal.Decimal
	Payoff      payoff.Payoff
	Model       sde.Model
	Config      greeks.Config // the trade's run: defaults from Options, overrides from the row
	VegaUnit    VegaUnit      // the unit of its Vega positions, from Options
	RhoUnit     RhoUnit       // the unit of its Rho positions, from Options
}

// FieldError reports a field of a row whose value is missing or invalid.
type FieldError struct {
	Field string
	Value string
	Why   string
}

func (e *FieldError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Why)
	}
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Why)
}

// ErrDuplicate is returned for a row whose trade_id an earlier row has.
var ErrDuplicate = errors.New("duplicate trade_id (an earlier row has it)")

// fields reads a row's values with validation, keeping the first error.
type fields struct {
	raw map[string]string
	err error
}

func (f *fields) fail(name, value, why string) {
	if f.err == nil {
		f.err = &FieldError{name, value, why}
	}
}

func (f *fields) str(name string) string { return strings.TrimSpace(f.raw[name]) }

// float returns the field as a finite float, or def when absent; required
// fields fail when absent.
func (f *fields) float(name string, required bool, def float64) float64 {
	s := f.str(name)
	if s == "" {
		if required {
			f.fail(name, "", "missing")
		}
		return def
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || !decimalText(s) {
		f.fail(name, s, "not a finite decimal number")
		return def
	}
	return v
}

// Bounds of a quantity, whose digits the report writes in full.
var maxQuantity = decimal.New(1, 300)

const maxQuantityPlaces = 300

// decimalText reports whether s has no base prefix or digit separator,
// which strconv accepts (0x1p4, 0x_10) but a decimal reader must not.
func decimalText(s string) bool { return !strings.ContainsAny(s, "xX_") }

// MaxSteps is the most time steps a row (or --steps) may ask for.
const MaxSteps = 1_000_000

// Takes reports whether the payoff called name reads the contract field
// (fixings: Asian and barrier payoffs; barrier and rebate: barrier
// payoffs; cash: digitals; weights: baskets). A row or flag that gives a
// field its payoff does not read is an error rather than silently ignored.
func Takes(name, field string) bool {
	switch field {
	case "weights":
		return strings.Contains(name, "basket")
	case "fixings":
		return strings.Contains(name, "asian") || barrierName(name)
	case "barrier", "rebate":
		return barrierName(name)
	case "cash":
		return strings.Contains(name, "digital")
	}
	return true
}

// marketFloat returns the field from the row, else from the quote, else
// fails naming the underlying.
func (f *fields) marketFloat(name, underlying string, q *float64) float64 {
	if f.str(name) != "" {
		return f.float(name, true, 0)
	}
	if q == nil {
		f.fail(name, "", fmt.Sprintf("missing in the row and no %s quote for underlying %q in the market file", name, underlying))
		return 0
	}
	return *q
}

func (f *fields) integer(name string, def int64) int64 {
	s := f.str(name)
	if s == "" {
		return def
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if fv, ferr := strconv.ParseFloat(s, 64); ferr == nil && decimalText(s) && fv == math.Trunc(fv) && math.Abs(fv) < 1<<53 {
			return int64(fv) // JSON numbers such as 1e5
		}
		f.fail(name, s, "not an integer")
		return def
	}
	return v
}

// Parse validates row r against the market and the defaults, and returns
// the trade or an error naming the field and its value.
func Parse(r Row, market Market, opt Options) (*Trade, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	f := &fields{raw: r.Fields}
	t := &Trade{ID: f.str("trade_id"), Underlying: f.str("underlying"), VegaUnit: opt.VegaUnit, RhoUnit: opt.RhoUnit}
	if t.ID == "" {
		f.fail("trade_id", "", "missing")
	}
	if t.Underlying == "" {
		f.fail("underlying", "", "missing")
	} else if t.Underlying == TotalUnderlying {
		f.fail("underlying", t.Underlying, "is reserved for the portfolio total")
	}
	if q := f.str("quantity"); q == "" {
		f.fail("quantity", "", "missing")
	} else if d, err := decimal.NewFromString(q); err != nil || !decimalText(q) {
		f.fail("quantity", q, "not a decimal number")
	} else if d.Abs().Cmp(maxQuantity) >= 0 || d.Exponent() < -maxQuantityPlaces {
		// A report writes quantities and positions in full: 1e100000000
		// would be a hundred million digits.
		f.fail("quantity", abbreviate([]byte(q)), fmt.Sprintf("must be below 1e300 in magnitude with at most %d decimal places", maxQuantityPlaces))
	} else {
		t.Quantity = d
	}
	name := f.str("payoff")
	if name == "" {
		f.fail("payoff", "", "missing")
	}
	spec := payoff.Spec{
		Name: name, Strike: f.float("strike", true, 0), Cash: f.float("cash", false, 1),
		Fixings: int(f.integer("fixings", 12)), Barrier: f.float("barrier", false, 0), Rebate: f.float("rebate", false, 0),
	}
	for _, field := range []string{"fixings", "barrier", "rebate", "cash", "weights"} {
		if v := f.str(field); v != "" && name != "" && !Takes(name, field) {
			f.fail(field, v, name+" has no "+field+" (a field that does not apply is an error, not ignored)")
		}
	}
	maturity := f.maturity(opt.ValuationDate)
	names := strings.Split(t.Underlying, "|")
	multi := len(names) > 1 || slices.Contains(payoff.MultiNames, name)
	var mkt sde.GBM
	var ma multiAssets
	if multi {
		ma = f.multiAssets(names, market)
		t.Underlying = strings.Join(names, "|")
	} else {
		q := market[t.Underlying]
		mkt = sde.GBM{
			Spot: f.marketFloat("spot", t.Underlying, q.Spot),
			Rate: f.marketFloat("rate", t.Underlying, q.Rate), Div: f.marketFloat("div", t.Underlying, q.Div),
			Expiry: maturity,
		}
		if strings.ToLower(f.str("model")) != "heston" { // Heston's volatility is √v0
			mkt.Vol = f.marketFloat("vol", t.Underlying, q.Vol)
		}
	}
	cfg := opt.Config
	cfg.Paths = f.integer("paths", opt.Config.Paths)
	if s := f.str("paths"); s != "" {
		if limit := max(opt.Config.MaxPaths, greeks.DefaultMaxPaths, opt.Config.Paths); cfg.Paths > limit {
			f.fail("paths", s, fmt.Sprintf("more than the batch's limit of %d (--max-paths)", limit))
		} else if cfg.Paths < 2 {
			f.fail("paths", s, "must be at least 2")
		}
	}
	cfg.Steps = int(f.integer("steps", int64(opt.Config.Steps)))
	if s := f.str("steps"); s != "" && (cfg.Steps < 1 || cfg.Steps > MaxSteps) {
		f.fail("steps", s, fmt.Sprintf("must be between 1 and %d", MaxSteps))
	}
	if s := f.str("seed"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			f.fail("seed", s, "not an unsigned decimal integer")
		}
		cfg.Seed = v
	} else {
		cfg.Seed = TradeSeed(opt.Config.Seed, t.ID)
	}
	model := strings.ToLower(f.str("model"))
	switch model {
	case "", "gbm":
		t.Model = mkt
		if b := f.str("beta"); b != "" {
			f.fail("beta", b, "only the cev model has a beta")
		}
	case "cev":
		if multi {
			f.fail("model", model, "a trade on several underlyings is correlated gbm")
			break
		}
		t.Model = sde.CEV{Spot: mkt.Spot, Rate: mkt.Rate, Div: mkt.Div, Vol: mkt.Vol, Beta: f.float("beta", true, 0), Expiry: maturity}
		if f.str("scheme") == "" {
			cfg.Scheme = sde.Euler
		}
	case "heston":
		if multi {
			f.fail("model", model, "a trade on several underlyings is correlated gbm")
			break
		}
		t.Model = f.heston(mkt, market[t.Underlying])
		if f.str("scheme") == "" {
			cfg.Scheme = sde.QE
		}
	default:
		f.fail("model", model, "want gbm, cev or heston")
	}
	if model != "heston" {
		for _, c := range hestonFields {
			if v := f.str(c); v != "" {
				f.fail(c, v, "only the heston model has a "+c)
			}
		}
	}
	if s := f.str("scheme"); s != "" {
		sc, err := sde.ParseScheme(strings.ToLower(s))
		if err != nil {
			f.fail("scheme", s, "want exact, euler, milstein or qe")
		}
		cfg.Scheme = sc
	}
	cfg.Greeks = tradeGreeks(cfg.Greeks, multi)
	if f.err != nil {
		return nil, f.err
	}
	if multi {
		return t.parseMulti(f, names, ma, spec, maturity, cfg, opt.Correlations)
	}
	if barrierName(name) && spec.Barrier == 0 {
		return nil, &FieldError{"barrier", "", "missing (required by " + name + ")"}
	}
	p, err := payoff.New(spec)
	if err != nil {
		return nil, err
	}
	if err := t.Model.Validate(); err != nil {
		return nil, err
	}
	t.Payoff, t.Config = p, cfg
	return t, nil
}

// hestonFields are the Heston parameters' columns.
var hestonFields = []string{"v0", "kappa", "theta", "xi", "heston_rho"}

// heston returns the Heston model of a row on the market inputs mkt, each
// parameter from the row or else the underlying's quote q. The model's
// Validate names a parameter out of range (v0, kappa, theta, xi, heston-rho).
func (f *fields) heston(mkt sde.GBM, q Quote) sde.Heston {
	u := f.str("underlying")
	if v := f.str("vol"); v != "" {
		f.fail("vol", v, "the heston model's volatility is √v0")
	}
	return sde.Heston{Spot: mkt.Spot, Rate: mkt.Rate, Div: mkt.Div, Expiry: mkt.Expiry,
		V0: f.marketFloat("v0", u, q.V0), Kappa: f.marketFloat("kappa", u, q.Kappa), Theta: f.marketFloat("theta", u, q.Theta),
		Xi: f.marketFloat("xi", u, q.Xi), Rho: f.marketFloat("heston_rho", u, q.HestonRho)}
}

func barrierName(name string) bool {
	return strings.Contains(name, "-out-") || strings.Contains(name, "-in-")
}

// TradeSeed derives a trade's seed from the batch seed and its trade_id,
// so that a trade's numbers depend on neither its row position nor the
// worker count: SplitMix64's finalizer of seed ⊕ FNV-1a(trade_id).
func TradeSeed(seed uint64, id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	z := seed ^ h.Sum64()
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// multiAssets is the market data of a multi-asset row, asset by asset.
type multiAssets struct {
	spot, vol, div []float64
	rate           float64
}

// multiAssets reads the market data of the underlyings names (trimmed in
// place): each from the row's '|'-joined list, else from the market file;
// the rate from the row, else from the market file where the underlyings
// quote one rate.
func (f *fields) multiAssets(names []string, market Market) multiAssets {
	for i, u := range names {
		names[i] = strings.TrimSpace(u)
		switch {
		case names[i] == "":
			f.fail("underlying", f.str("underlying"), "an empty name between '|'")
		case names[i] == TotalUnderlying:
			f.fail("underlying", f.str("underlying"), TotalUnderlying+" is reserved for the portfolio total")
		case slices.Contains(names[:i], names[i]):
			f.fail("underlying", f.str("underlying"), names[i]+" named twice")
		}
	}
	list := func(name string, quote func(Quote) *float64) []float64 {
		out := make([]float64, len(names))
		if s := f.str(name); s != "" {
			parts := strings.Split(s, "|")
			if len(parts) != len(names) {
				f.fail(name, s, fmt.Sprintf("%d values for %d underlyings (one per underlying, '|'-joined)", len(parts), len(names)))
				return out
			}
			for i, p := range parts {
				sub := &fields{raw: map[string]string{name: p}}
				out[i] = sub.float(name, true, 0)
				if sub.err != nil {
					f.fail(name, s, fmt.Sprintf("the value of %s: %v", names[i], sub.err))
				}
			}
			return out
		}
		for i, u := range names {
			q := quote(market[u])
			if q == nil {
				f.fail(name, "", fmt.Sprintf("missing in the row and no %s quote for underlying %q in the market file", name, u))
				continue
			}
			out[i] = *q
		}
		return out
	}
	ma := multiAssets{
		spot: list("spot", func(q Quote) *float64 { return q.Spot }),
		vol:  list("vol", func(q Quote) *float64 { return q.Vol }),
		div:  list("div", func(q Quote) *float64 { return q.Div }),
	}
	if f.str("rate") != "" {
		ma.rate = f.float("rate", true, 0)
		return ma
	}
	for i, u := range names {
		q := market[u].Rate
		switch {
		case q == nil:
			f.fail("rate", "", fmt.Sprintf("missing in the row and no rate quote for underlying %q in the market file", u))
			return ma
		case i == 0:
			ma.rate = *q
		case *q != ma.rate:
			f.fail("rate", "", fmt.Sprintf("missing in the row, and the market file quotes %s at %v and %s at %v (the assets share one rate)", names[0], ma.rate, u, *q))
			return ma
		}
	}
	return ma
}

// CheckGreeks returns an error naming the first Greek of gs that a batch
// does not carry. Positions and totals are built for every Greek
// (PositionGreeks, and the cross Gammas), so only a value that is not a
// Greek is refused.
func CheckGreeks(gs []greeks.Greek) error {
	for _, g := range gs {
		if g < greeks.Delta || g > greeks.Volga {
			return fmt.Errorf("%s: not a greek a batch carries", g)
		}
	}
	return nil
}

// PositionGreeks are the Greeks of one asset that have positions, in
// report order. A multi-asset trade has Delta, Gamma, Vega, Vanna and Volga
// positions per asset (assetGreeks) and its one Rho and one Theta in the
// trade's position.
var PositionGreeks = []greeks.Greek{greeks.Delta, greeks.Gamma, greeks.Vega, greeks.Rho, greeks.Theta, greeks.Vanna, greeks.Volga}

// assetGreeks are the Greeks with a position per asset of a multi-asset
// trade.
var assetGreeks = []greeks.Greek{greeks.Delta, greeks.Gamma, greeks.Vega, greeks.Vanna, greeks.Volga}

// tradeGreeks returns the Greeks a trade computes of the batch's list gs:
// a single-asset trade leaves out the cross Gamma; a multi-asset trade adds
// it wherever Gamma is asked for, as greeks option does with --spots.
func tradeGreeks(gs []greeks.Greek, multi bool) []greeks.Greek {
	if gs == nil {
		return nil
	}
	out := make([]greeks.Greek, 0, len(gs)+1)
	for _, g := range gs {
		if g != greeks.CrossGamma || multi {
			out = append(out, g)
		}
	}
	if multi && slices.Contains(out, greeks.Gamma) && !slices.Contains(out, greeks.CrossGamma) {
		out = append(out, greeks.CrossGamma)
	}
	return out
}

// parseMulti finishes the parse of a multi-asset row: the correlation
// matrix of its underlyings, its model and its payoff, checked by the same
// constructors (sde.NewCorrelated, payoff.NewMulti) as greeks option's
// --spots run.
func (t *Trade) parseMulti(f *fields, names []string, ma multiAssets, spec payoff.Spec, maturity float64, cfg greeks.Config, c Correlations) (*Trade, error) {
	if !slices.Contains(payoff.MultiNames, spec.Name) {
		return nil, &FieldError{"payoff", spec.Name, fmt.Sprintf("not a payoff on several underlyings (%s): want one of %s", t.Underlying, strings.Join(payoff.MultiNames, ", "))}
	}
	corr, err := correlationMatrix(names, c)
	if err != nil {
		return nil, err
	}
	m, err := sde.NewCorrelated(ma.spot, ma.div, ma.vol, ma.rate, maturity, corr)
	if err != nil {
		return nil, correlatedError(names, err)
	}
	var w []float64
	if s := f.str("weights"); s != "" {
		for _, p := range strings.Split(s, "|") {
			sub := &fields{raw: map[string]string{"weights": p}}
			w = append(w, sub.float("weights", true, 0))
			if sub.err != nil {
				return nil, &FieldError{"weights", s, "want numbers joined by '|', one per underlying"}
			}
		}
	}
	p, err := payoff.NewMulti(payoff.MultiSpec{Name: spec.Name, Assets: len(names), Strike: spec.Strike, Cash: spec.Cash, Weights: w})
	if err != nil {
		var we *payoff.WeightsError
		if errors.As(err, &we) {
			return nil, &FieldError{"weights", f.str("weights"), fmt.Sprintf("%d weights for %d underlyings (%s)", we.Len, we.Assets, t.Underlying)}
		}
		if pe := (*payoff.ParamError)(nil); errors.As(err, &pe) && (pe.Name == "strike" || pe.Name == "cash") {
			return nil, err // names the field, as for a single-asset payoff
		}
		return nil, &FieldError{"payoff", spec.Name, fmt.Sprintf("on %d underlyings (%s): %v", len(names), t.Underlying, err)}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	t.Underlyings, t.Model, t.Payoff, t.Config = names, m, p, cfg
	return t, nil
}
