package batch

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Desk conventions: the units in which a batch reports positions.
//
// Vega is ∂V/∂σ with σ absolute (0.2 = 20%) unless the batch asks for
// VegaPercent, the change for one vol point (σ + 0.01): the absolute Vega
// ÷ 100. The unit figures of a row's result keep the estimators' absolute
// Vega; the unit applies to the positions and totals. Vanna and Volga stay
// per unit of σ. Rho is per unit of rate unless the batch asks for
// RhoBasisPoint (÷ 10⁴: per basis point); Theta is per year.
//
// Cash Delta is Delta × spot (the money value of the share position, the
// change of value for a move of the spot by 100%, to first order), and
// cash Gamma is Gamma × spot² / 100 (the change of the cash Delta for a 1%
// move of the spot). Both are money amounts, so unlike Delta and Gamma in
// shares they add across underlyings: the portfolio total ("*") has the
// price, Vega, cash Delta and cash Gamma, and no share Delta or Gamma.
//
// A maturity is a year fraction (maturity) or an expiry date (expiry,
// YYYY-MM-DD) counted from the batch's valuation date by Actual/365 Fixed:
// the calendar days between the two dates ÷ 365.

// VegaUnit is the unit of Vega positions and totals.
type VegaUnit int

const (
	// VegaAbsolute is ∂V/∂σ with σ absolute (the project's convention).
	VegaAbsolute VegaUnit = iota
	// VegaPercent is the change of value for one vol point: ∂V/∂σ ÷ 100.
	VegaPercent
)

func (u VegaUnit) String() string {
	if u == VegaPercent {
		return "percent"
	}
	return "absolute"
}

// ParseVegaUnit returns the unit called name: absolute or percent.
func ParseVegaUnit(name string) (VegaUnit, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "absolute":
		return VegaAbsolute, nil
	case "percent":
		return VegaPercent, nil
	}
	return 0, fmt.Errorf("unknown vega unit %q (want absolute or percent)", name)
}

// RhoUnit is the unit of Rho positions and totals.
type RhoUnit int

const (
	// RhoAbsolute is ∂V/∂r per unit of rate (the project's convention).
	RhoAbsolute RhoUnit = iota
	// RhoBasisPoint is the change of value for one basis point of rate
	// (r + 0.0001): ∂V/∂r ÷ 10⁴.
	RhoBasisPoint
)

func (u RhoUnit) String() string {
	if u == RhoBasisPoint {
		return "bp"
	}
	return "absolute"
}

// ParseRhoUnit returns the unit called name: absolute or bp.
func ParseRhoUnit(name string) (RhoUnit, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "absolute":
		return RhoAbsolute, nil
	case "bp":
		return RhoBasisPoint, nil
	}
	return 0, fmt.Errorf("unknown rho unit %q (want absolute or bp)", name)
}

// DayCount is the day count of expiry dates.
const DayCount = "Actual/365 Fixed"

// DateLayout is the layout of expiry and valuation dates (ISO 8601).
const DateLayout = "2006-01-02"

// ParseDate reads an ISO date (YYYY-MM-DD) given as field (a row's expiry,
// the --valuation-date flag): one validation for flags and rows.
func ParseDate(field, s string) (time.Time, error) {
	d, err := time.Parse(DateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, &FieldError{field, s, "not an ISO date (YYYY-MM-DD)"}
	}
	return d, nil
}

// YearFraction returns the Actual/365 Fixed year fraction from valuation
// to expiry: the calendar days between them ÷ 365.
func YearFraction(valuation, expiry time.Time) float64 {
	days := math.Round(expiry.Sub(valuation).Hours() / 24)
	return days / 365
}

// maturityAgreement is how far a row's maturity may be from its expiry's
// year fraction: half a day, so that a maturity written to a few digits
// agrees with its date.
const maturityAgreement = 0.5 / 365

// maturity returns the row's maturity in years, from its maturity field,
// its expiry field (with the valuation date), or both when they agree.
func (f *fields) maturity(valuation time.Time) float64 {
	exp := f.str("expiry")
	if exp == "" {
		return f.float("maturity", true, 0)
	}
	d, err := ParseDate("expiry", exp)
	if err != nil {
		f.fail("expiry", exp, "not an ISO date (YYYY-MM-DD)")
		return 0
	}
	if valuation.IsZero() {
		f.fail("expiry", exp, "needs the batch's --valuation-date (a row with a date has no maturity without one)")
		return 0
	}
	if !d.After(valuation) {
		f.fail("expiry", exp, "on or before the valuation date "+valuation.Format(DateLayout))
		return 0
	}
	t := YearFraction(valuation, d)
	if f.str("maturity") != "" {
		m := f.float("maturity", true, 0)
		if f.err == nil && !(math.Abs(m-t) <= maturityAgreement) {
			f.fail("maturity", f.str("maturity"), fmt.Sprintf("disagrees with expiry %s: %.6g years from %s (%s)",
				exp, t, valuation.Format(DateLayout), DayCount))
		}
	}
	return t
}

// deskFigure is one position figure derived from a unit estimate.
type deskFigure struct {
	key string
	e   greeks.Estimate
}

// deskFigures returns the positions, by key, that a unit estimate of
// Greek g (position key key) gives in the desk's units: Delta also as cash
// Delta, Gamma also as cash Gamma (spot is the asset's), Vega in unit u,
// Rho in unit ru. A cross Gamma has no cash figure here.
func deskFigures(key string, g greeks.Greek, e greeks.Estimate, spot float64, u VegaUnit, ru RhoUnit) []deskFigure {
	scale := func(k float64) greeks.Estimate {
		return greeks.Estimate{Value: e.Value * k, StdErr: e.StdErr * k, N: e.N}
	}
	switch g {
	case greeks.Delta:
		return []deskFigure{{key, e}, {"cash_delta", scale(spot)}}
	case greeks.Gamma:
		return []deskFigure{{key, e}, {"cash_gamma", scale(spot * spot / 100)}}
	case greeks.Vega:
		if u == VegaPercent {
			return []deskFigure{{key, scale(0.01)}}
		}
	case greeks.Rho:
		if ru == RhoBasisPoint {
			return []deskFigure{{key, scale(1e-4)}}
		}
	}
	return []deskFigure{{key, e}}
}

// deskSpot returns the spot of asset i of model m.
func deskSpot(m sde.Model, i int) float64 {
	if c, ok := m.(sde.Correlated); ok {
		return c.Spot[i]
	}
	return m.Params().Spot
}

// addsAcross reports whether positions of key add across underlyings into
// the portfolio total: share Delta and Gamma do not, nor Vanna (∂Delta/∂σ,
// in shares too); price, Vega, Rho, Theta, Volga and the cash figures are
// money amounts and do.
func addsAcross(key string) bool { return key != "delta" && key != "gamma" && key != "vanna" }

// conventions returns the report's vega unit, valuation date and rho unit
// ("" for the default, absolute).
func (o Options) conventions() (vegaUnit, valuationDate, rhoUnit string) {
	if !o.ValuationDate.IsZero() {
		valuationDate = o.ValuationDate.Format(DateLayout)
	}
	if o.RhoUnit != RhoAbsolute {
		rhoUnit = o.RhoUnit.String()
	}
	return o.VegaUnit.String(), valuationDate, rhoUnit
}

// SetConventions records opt's vega unit, valuation date and rho unit in
// r, as Run and Stream do; for a report made by NewReport.
func (r *Report) SetConventions(opt Options) {
	r.VegaUnit, r.ValuationDate, r.RhoUnit = opt.conventions()
}
