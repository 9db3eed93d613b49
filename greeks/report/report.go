// Package report turns engine results into the JSON objects other tools
// parse: the unit-trade object that `greeks option --format json` prints,
// which the batch report embeds for each trade.
package report

import (
	"encoding/json"
	"math"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Num is a number written as null when it is NaN or infinite: an analytic
// value that does not exist, or λ of a method other than hybrid.
type Num float64

// MarshalJSON implements json.Marshaler.
func (x Num) MarshalJSON() ([]byte, error) {
	if f := float64(x); !math.IsNaN(f) && !math.IsInf(f, 0) {
		return json.Marshal(f)
	}
	return []byte("null"), nil
}

// UnmarshalJSON implements json.Unmarshaler: null reads as NaN.
func (x *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = Num(math.NaN())
		return nil
	}
	var f float64
	err := json.Unmarshal(b, &f)
	*x = Num(f)
	return err
}

// Unit is one trade's unit result: the price and every Greek by every
// method, with standard errors, 95% intervals, the closed form where there
// is one, and how the run was made.
type Unit struct {
	Paths   int64   `json:"paths"`
	Seed    uint64  `json:"seed"`
	Workers int     `json:"workers"`
	Elapsed float64 `json:"elapsed_seconds"`
	Payoff  string  `json:"payoff"`
	Model   string  `json:"model"`
	Assets  int     `json:"assets,omitempty"` // several assets only
	Beta    Num     `json:"beta"`
	// Heston holds the Heston parameters of a run under that model.
	Heston   *HestonParams `json:"heston,omitempty"`
	Fixings  int           `json:"fixings"`
	Scheme   string        `json:"scheme"`
	Steps    int           `json:"steps"`
	Weight   string        `json:"weight"`
	SpotBump float64       `json:"spot_bump"`
	VolBump  float64       `json:"vol_bump"`
	// RateBump (absolute) and ExpiryBump (relative to the expiry) are the fd
	// steps of Rho and Theta, set when the run computed either.
	RateBump   float64 `json:"rate_bump,omitempty"`
	ExpiryBump float64 `json:"expiry_bump,omitempty"`
	LambdaMode string  `json:"lambda_mode"`
	Folds      int     `json:"folds,omitempty"`
	PilotPaths int64   `json:"pilot_paths,omitempty"`
	Smoothing  Num     `json:"smoothing"`
	Tolerance  float64 `json:"tolerance,omitempty"`
	// RNG is the source of the normals, pseudo or sobol; a sobol run sets
	// Randomizations (R: its standard errors come from the spread of R
	// estimates and its intervals take Student's t with R − 1 degrees of
	// freedom) and Scramble.
	RNG            string `json:"rng"`
	Randomizations int    `json:"randomizations,omitempty"`
	Scramble       string `json:"scramble,omitempty"`
	// ToleranceMet is set with a tolerance: false when the run stopped at
	// its path cap with a standard error still above the tolerance.
	ToleranceMet *bool `json:"tolerance_met,omitempty"`
	// Warnings say why figures must not be trusted: figures that are not
	// finite (reported as null), a tolerance not met, a heavy tail
	// (greeks.Warnings). Empty for an ordinary run.
	Warnings []string `json:"warnings"`
	Price    Price    `json:"price"`
	Greeks   []Figure `json:"greeks"`
	Skipped  []Skip   `json:"skipped"`
}

// Price is the price estimate.
type Price struct {
	Estimate Num `json:"estimate"`
	StdErr   Num `json:"stderr"`
	Analytic Num `json:"analytic"`
}

// Figure is one Greek by one method.
type Figure struct {
	Greek  string `json:"greek"`
	Method string `json:"method"`
	// Asset (0-based, in the order of the spots) is set on a Greek of one
	// asset of a multi-asset run; Pair on a cross Gamma ([i, j], i < j).
	// Single-asset runs have neither.
	Asset    *int   `json:"asset,omitempty"`
	Pair     []int  `json:"assets,omitempty"`
	Estimate Num    `json:"estimate"`
	StdErr   Num    `json:"stderr"`
	CI95     [2]Num `json:"ci95"`
	Analytic Num    `json:"analytic"`
	Lambda   Num    `json:"lambda"`
	// LambdaMode and Smoothing are set on hybrid entries (smoothing also on
	// localized ones) and omitted elsewhere.
	LambdaMode string   `json:"lambda_mode,omitempty"`
	Smoothing  *float64 `json:"smoothing,omitempty"`
	Note       string   `json:"note,omitempty"`
}

// Skip is a method left out, with the reason.
type Skip struct {
	Greek  string `json:"greek"`
	Method string `json:"method"`
	Reason string `json:"reason"`
}

// NewUnit builds the unit object of a run of payoff p on model m, with
// the closed form ref (NaN fields where there is none).
func NewUnit(m sde.Model, p payoff.Payoff, res *greeks.Result, ref analytic.Values) Unit {
	u := Unit{
		Paths: res.Paths, Seed: res.Seed, Workers: res.Workers, Elapsed: res.Elapsed.Seconds(),
		Payoff: p.Name(), Model: res.Model, Beta: Num(Beta(m)), Fixings: res.Fixings,
		Scheme: res.Scheme.String(), Steps: res.Steps, Weight: res.Weight.String(),
		SpotBump: res.Bumps.Spot, VolBump: res.Bumps.Vol, LambdaMode: res.Lambda.String(), Folds: res.Folds,
		PilotPaths: res.PilotPaths, Smoothing: Num(res.Smoothing), Tolerance: res.Tolerance,
		RNG: res.RNG.String(), Randomizations: res.Randomizations,
		Price:    Price{Num(res.Price.Value), Num(res.Price.StdErr), Num(ref.Price)},
		Greeks:   []Figure{},
		Skipped:  []Skip{},
		Warnings: greeks.Warnings(m, res),
	}
	if u.Warnings == nil {
		u.Warnings = []string{}
	}
	if h, ok := m.(sde.Heston); ok {
		u.Heston = &HestonParams{h.V0, h.Kappa, h.Theta, h.Xi, h.Rho, h.Feller(), "dV/dsqrt(v0)"}
	}
	if res.RNG == greeks.Sobol {
		u.Scramble = res.Scramble.String()
	}
	for _, f := range res.Figures {
		if f.Greek == greeks.Rho || f.Greek == greeks.Theta {
			u.RateBump, u.ExpiryBump = res.Bumps.Rate, res.Bumps.Expiry
			break
		}
	}
	if res.Tolerance > 0 {
		met := res.ToleranceMet()
		u.ToleranceMet = &met
	}
	for _, f := range res.Figures {
		lo, hi := f.CI95()
		u.Greeks = append(u.Greeks, Figure{
			Greek: f.Greek.String(), Method: f.Method.String(),
			Estimate: Num(f.Value), StdErr: Num(f.StdErr), CI95: [2]Num{Num(lo), Num(hi)},
			Analytic: Num(RefGreekOf(m, p, ref, f.Greek)), Lambda: Num(f.Lambda), Note: f.Note,
			LambdaMode: f.LambdaMode, Smoothing: finiteOrNil(f.Smoothing),
		})
	}
	for _, s := range res.Skipped {
		u.Skipped = append(u.Skipped, Skip{s.Greek.String(), s.Method.String(), s.Reason})
	}
	return u
}

// NewMultiUnit builds the unit object of a run of payoff p on the
// multi-asset model m, with the closed form ref where there is one (nil
// otherwise): each figure carries its asset, or its pair of assets; Rho
// and Theta, the model's, carry neither.
func NewMultiUnit(m sde.Correlated, p payoff.Payoff, res *greeks.Result, ref *analytic.AssetValues) Unit {
	price := math.NaN()
	if ref != nil {
		price = ref.Price
	}
	u := NewUnit(m, p, res, NaNValues())
	u.Assets = m.Assets()
	u.Price.Analytic = Num(price)
	for i, f := range res.Figures {
		g := &u.Greeks[i]
		g.Analytic = Num(RefAsset(ref, f))
		switch f.Greek {
		case greeks.CrossGamma:
			g.Pair = []int{f.Asset, f.Asset2}
		case greeks.Rho, greeks.Theta: // the model's, no asset
		default:
			a := f.Asset
			g.Asset = &a
		}
	}
	return u
}

// RefAsset returns the closed-form value of figure f of a multi-asset run,
// NaN when there is none.
func RefAsset(ref *analytic.AssetValues, f greeks.Figure) float64 {
	if ref == nil {
		return math.NaN()
	}
	switch f.Greek {
	case greeks.Delta:
		return ref.Delta[f.Asset]
	case greeks.Gamma:
		return ref.Gamma[f.Asset]
	case greeks.Vega:
		return ref.Vega[f.Asset]
	case greeks.CrossGamma:
		return ref.Cross.At(f.Asset, f.Asset2)
	}
	return math.NaN()
}

// NaNValues is the closed form of a contract that has none.
func NaNValues() analytic.Values {
	nan := math.NaN()
	return analytic.Values{Price: nan, Delta: nan, Gamma: nan, Vega: nan}
}

// RefGreek returns the closed-form value of g, NaN when there is none.
func RefGreek(ref analytic.Values, g greeks.Greek) float64 {
	switch g {
	case greeks.Delta:
		return ref.Delta
	case greeks.Gamma:
		return ref.Gamma
	case greeks.Vega:
		return ref.Vega
	}
	return math.NaN()
}

// RefGreekOf returns the closed-form value of g for payoff p on model m
// whose reference values are ref: Rho and Theta from
// analytic.BlackScholesRateTime (analytic.HestonRateTime under Heston),
// Vanna and Volga from
// analytic.BlackScholesSecondOrder on a GBM (NaN for a payoff they do not
// cover), the other Greeks as RefGreek; NaN when there is none.
func RefGreekOf(m sde.Model, p payoff.Payoff, ref analytic.Values, g greeks.Greek) float64 {
	if g != greeks.Rho && g != greeks.Theta && g != greeks.Vanna && g != greeks.Volga {
		return RefGreek(ref, g)
	}
	if h, ok := m.(sde.Heston); ok {
		rt, err := analytic.HestonRateTime(h, p)
		switch {
		case err != nil || (g != greeks.Rho && g != greeks.Theta):
			return math.NaN()
		case g == greeks.Rho:
			return rt.Rho
		}
		return rt.Theta
	}
	gbm, ok := m.(sde.GBM)
	if !ok {
		return math.NaN()
	}
	if g == greeks.Vanna || g == greeks.Volga {
		so, err := analytic.BlackScholesSecondOrder(gbm, p)
		switch {
		case err != nil:
			return math.NaN()
		case g == greeks.Vanna:
			return so.Vanna
		}
		return so.Volga
	}
	rt, err := analytic.BlackScholesRateTime(gbm, p)
	switch {
	case err != nil:
		return math.NaN()
	case g == greeks.Rho:
		return rt.Rho
	}
	return rt.Theta
}

// HestonParams are the Heston inputs of a report: the five parameters,
// whether the Feller condition 2κθ ≥ ξ² holds, and what Vega means under
// Heston (∂V/∂√v₀, the sensitivity to the initial volatility).
type HestonParams struct {
	V0     float64 `json:"v0"`
	Kappa  float64 `json:"kappa"`
	Theta  float64 `json:"theta"`
	Xi     float64 `json:"xi"`
	Rho    float64 `json:"heston_rho"`
	Feller bool    `json:"feller"`
	Vega   string  `json:"vega"`
}

// Beta returns the CEV elasticity of m, NaN for other models.
func Beta(m sde.Model) float64 {
	if c, ok := m.(sde.CEV); ok {
		return c.Beta
	}
	return math.NaN()
}

// finiteOrNil returns &x, or nil for NaN so that the key is omitted.
func finiteOrNil(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}
