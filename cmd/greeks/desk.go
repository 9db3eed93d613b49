package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/cmd/internal/cliflag"
	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
	"github.com/hybridgreeks/hybridgreeks/greeks/report"
)

// deskFlags reads batch's --vega-unit and --valuation-date, with the
// validation rows get (cliflag.Desk); a bad one is a usage error.
func deskFlags(c *cli.Context) (batch.VegaUnit, time.Time, error) {
	u, d, err := cliflag.Desk(c)
	if err != nil {
		return 0, time.Time{}, usagef("%v", err)
	}
	return u, d, nil
}

// vegaHeader is the table's Vega column heading, naming its unit.
func vegaHeader(u batch.VegaUnit) string {
	if u == batch.VegaPercent {
		return "VEGA (per 1 vol pt)"
	}
	return "VEGA (per unit vol)"
}

// deskNote is the table's closing note on the report's conventions.
func deskNote(s *batch.Summary) string {
	v := "Vega per unit of volatility (∂V/∂σ, σ = 0.2 for 20%)"
	if s.VegaUnit == batch.VegaPercent.String() {
		v = "Vega per vol point (∂V/∂σ ÷ 100)"
	}
	note := fmt.Sprintf("%s; cash_delta = Delta × spot, cash_gamma = Gamma × spot²/100 (per 1%% move); "+
		"the \"*\" total adds only price, vega, rho, theta, volga and the cash figures", v)
	if s.RhoUnit == batch.RhoBasisPoint.String() {
		note += "; Rho per basis point (∂V/∂r ÷ 10⁴)"
	}
	if s.ValuationDate != "" {
		note += fmt.Sprintf("; expiries from %s, %s", s.ValuationDate, batch.DayCount)
	}
	return note
}

// volPointNote marks a Vega figure reported per vol point.
const volPointNote = "per vol point (∂V/∂σ ÷ 100, σ + 0.01)"

// perVolPoint returns res and ref with every Vega figure (estimate,
// standard error, closed form) per vol point, noted so: the output of
// greeks option --vega-unit percent. res itself is left as it is, for the
// tolerance checks, which are in the estimators' absolute units.
func perVolPoint(res *greeks.Result, ref analytic.Values) (*greeks.Result, analytic.Values) {
	ref.Vega /= 100
	return scaleGreek(res, greeks.Vega, 0.01, volPointNote), ref
}

// scaleGreek returns res with every figure of g (estimate and standard
// error) times k and noted, leaving res as it is.
func scaleGreek(res *greeks.Result, g greeks.Greek, k float64, note string) *greeks.Result {
	out := *res
	out.Figures = slices.Clone(res.Figures)
	for i, f := range out.Figures {
		if f.Greek == g {
			f.Value, f.StdErr = f.Value*k, f.StdErr*k
			f.Note = strings.TrimSuffix(note+"; "+f.Note, "; ")
			out.Figures[i] = f
		}
	}
	return &out
}

// perVolPointAssets is perVolPoint's closed forms of a multi-asset run.
func perVolPointAssets(ref *analytic.AssetValues) *analytic.AssetValues {
	if ref == nil {
		return nil
	}
	out := *ref
	out.Vega = slices.Clone(ref.Vega)
	for i := range out.Vega {
		out.Vega[i] /= 100
	}
	return &out
}

// optionJSON is greeks option's JSON report: the unit's figures and the
// units of its Vega and Rho figures.
type optionJSON struct {
	report.Unit
	VegaUnit string `json:"vega_unit"`
	RhoUnit  string `json:"rho_unit"`
}

// bpNote marks a Rho figure reported per basis point.
const bpNote = "per basis point (∂V/∂r ÷ 10⁴, r + 0.0001)"

// perBasisPoint returns res with every Rho figure (estimate and standard
// error) per basis point, noted so: the output of greeks option
// --rho-unit bp. res itself is left as it is, for the tolerance checks.
func perBasisPoint(res *greeks.Result) *greeks.Result {
	return scaleGreek(res, greeks.Rho, 1e-4, bpNote)
}

// rhoScale is the factor from ∂V/∂r to the reported Rho unit.
func rhoScale(u batch.RhoUnit) float64 {
	if u == batch.RhoBasisPoint {
		return 1e-4
	}
	return 1
}

// scaleRhoAnalytic puts the closed-form Rho of a unit's figures in unit u
// (NewUnit computes them per unit of rate).
func scaleRhoAnalytic(un *report.Unit, u batch.RhoUnit) {
	for i := range un.Greeks {
		if g := &un.Greeks[i]; g.Greek == greeks.Rho.String() {
			g.Analytic *= report.Num(rhoScale(u))
		}
	}
}
