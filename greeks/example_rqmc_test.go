package greeks_test

import (
	"context"
	"fmt"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// An arithmetic Asian call on 16 fixings with randomized quasi-Monte Carlo:
// 16 Owen-scrambled randomizations of 2^16 Sobol' points each. The
// standard error comes from the spread of the 16 estimates and the
// interval takes Student's t with 15 degrees of freedom. With as many
// pseudo-random paths the price's standard error is 0.0082, 60 times
// larger.
func ExampleRun_sobol() {
	m := sde.GBM{Spot: 100, Rate: 0.05, Div: 0, Vol: 0.2, Expiry: 1}
	cfg := greeks.Config{
		Paths:          1 << 20,
		Seed:           1,
		RNG:            greeks.Sobol,
		Randomizations: 16,
		Greeks:         []greeks.Greek{greeks.Delta},
		Methods:        []greeks.Method{greeks.Malliavin},
	}
	r, err := greeks.Run(context.Background(), m, payoff.AsianCall{Strike: 100, Fixings: 16}, cfg)
	if err != nil {
		panic(err)
	}
	lo, hi := r.Price.CI95()
	fmt.Printf("price %.4f ± %.5f, 95%% CI [%.4f, %.4f], %d degrees of freedom\n", r.Price.Value, r.Price.StdErr, lo, hi, r.Price.DF)
	d, _ := r.Figure(greeks.Delta, greeks.Malliavin)
	fmt.Printf("delta %.4f ± %.6f\n", d.Value, d.StdErr)
	// Output:
	// price 6.0580 ± 0.00013, 95% CI [6.0577, 6.0582], 15 degrees of freedom
	// delta 0.5926 ± 0.000009
}
