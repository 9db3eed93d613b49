package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/cmd/internal/cliflag"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
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
		"the \"*\" total adds only price, vega and the cash figures", v)
	if s.ValuationDate != "" {
		note += fmt.Sprintf("; expiries from %s, %s", s.ValuationDate, batch.DayCount)
	}
	return note
}
