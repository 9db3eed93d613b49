package cliflag

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
)

// The desk-convention flags of greeks batch and greeks-beam: one
// definition and one validation (batch.ParseVegaUnit, batch.ParseDate,
// which the rows' expiry dates use too).

// VegaUnitFlag is --vega-unit in category cat.
func VegaUnitFlag(cat string) cli.Flag {
	return &cli.StringFlag{Name: "vega-unit", Value: "absolute", Category: cat,
		Usage: "unit of Vega positions and totals: absolute (∂V/∂σ, σ = 0.2 for 20%) or percent (per vol point, ÷ 100)"}
}

// RhoUnitFlag is --rho-unit in category cat.
func RhoUnitFlag(cat string) cli.Flag {
	return &cli.StringFlag{Name: "rho-unit", Value: "absolute", Category: cat,
		Usage: "unit of Rho positions and totals: absolute (∂V/∂r, per unit of rate) or bp (per basis point, ÷ 10⁴)"}
}

// RhoUnit reads --rho-unit; its error names the flag and the value.
func RhoUnit(c *cli.Context) (batch.RhoUnit, error) {
	u, err := batch.ParseRhoUnit(c.String("rho-unit"))
	if err != nil {
		return 0, fmt.Errorf("invalid --rho-unit %q: want absolute or bp", c.String("rho-unit"))
	}
	return u, nil
}

// ValuationDateFlag is --valuation-date in category cat.
func ValuationDateFlag(cat string) cli.Flag {
	return &cli.StringFlag{Name: "valuation-date", Category: cat,
		Usage: "date (YYYY-MM-DD) from which rows' expiry dates count, Actual/365 Fixed; required when a row has an expiry"}
}

// Desk reads --vega-unit and --valuation-date (zero when not given); its
// error names the flag and the value, for the command to make a usage
// error.
func Desk(c *cli.Context) (batch.VegaUnit, time.Time, error) {
	u, err := batch.ParseVegaUnit(c.String("vega-unit"))
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("invalid --vega-unit %q: want absolute or percent", c.String("vega-unit"))
	}
	var d time.Time
	if s := c.String("valuation-date"); s != "" {
		if d, err = batch.ParseDate("valuation-date", s); err != nil {
			return 0, time.Time{}, fmt.Errorf("invalid --valuation-date %q: not an ISO date (YYYY-MM-DD)", s)
		}
	}
	return u, d, nil
}
