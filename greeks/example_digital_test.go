package greeks_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// The price and the Delta, Gamma and Vega of a cash-or-nothing digital call
// by the hybrid estimator, each with its standard error, beside the
// Black–Scholes values.
func Example_digital() {
	model := sde.GBM{Spot: 100, Rate: 0.05, Div: 0, Vol: 0.2, Expiry: 1}
	digital, err := payoff.New(payoff.Spec{Name: "digital-call", Strike: 100, Cash: 1})
	if err != nil {
		log.Fatal(err)
	}
	cfg := greeks.Config{
		Paths:   500_000,
		Seed:    1,
		Greeks:  greeks.AllGreeks,
		Methods: []greeks.Method{greeks.Hybrid},
	}
	res, err := greeks.Run(context.Background(), model, digital, cfg)
	if err != nil {
		log.Fatal(err)
	}
	exact, err := analytic.Reference(model, digital)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("price  %.4f ± %.4f  (exact %.4f)\n", res.Price.Value, res.Price.StdErr, exact.Price)
	want := map[greeks.Greek]float64{greeks.Delta: exact.Delta, greeks.Gamma: exact.Gamma, greeks.Vega: exact.Vega}
	for _, f := range res.Figures {
		fmt.Printf("%-5s  %.5g ± %.2g  (exact %.5g, λ %.2f)\n", f.Greek, f.Value, f.StdErr, want[f.Greek], f.Lambda)
	}
	for _, s := range res.Skipped {
		fmt.Printf("skipped %s %s\n", s.Greek, s.Method)
	}
	// Output:
	// price  0.5326 ± 0.0007  (exact 0.5323)
	// delta  0.01876 ± 7.8e-06  (exact 0.018762, λ 0.83)
	// gamma  -0.00032833 ± 9.9e-07  (exact -0.00032834, λ 0.99)
	// vega   -0.65666 ± 0.002  (exact -0.65667, λ 0.99)
}
