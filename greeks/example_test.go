package greeks_test

import (
	"context"
	"fmt"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// The Delta of an at-the-money call by the hybrid estimator, with its
// standard error and the variance-optimal λ (about 1.085: more than all
// pathwise, which a [0, 1]-clipped mixer could not choose).
func ExampleRun() {
	m := sde.GBM{Spot: 100, Rate: 0.05, Div: 0, Vol: 0.2, Expiry: 1}
	cfg := greeks.Config{
		Paths:   1_000_000,
		Seed:    1,
		Greeks:  []greeks.Greek{greeks.Delta},
		Methods: []greeks.Method{greeks.Pathwise, greeks.Malliavin, greeks.Hybrid},
	}
	r, err := greeks.Run(context.Background(), m, payoff.Call{Strike: 100}, cfg)
	if err != nil {
		panic(err)
	}
	fmt.Printf("price %.2f ± %.2f\n", r.Price.Value, r.Price.StdErr)
	for _, f := range r.Figures {
		fmt.Printf("%s %-9s %.3f ± %.4f\n", f.Greek, f.Method, f.Value, f.StdErr)
	}
	h, _ := r.Figure(greeks.Delta, greeks.Hybrid)
	fmt.Printf("lambda %.2f\n", h.Lambda)
	// Output:
	// price 10.46 ± 0.01
	// delta pathwise  0.637 ± 0.0006
	// delta malliavin 0.638 ± 0.0015
	// delta hybrid    0.637 ± 0.0006
	// lambda 1.09
}

// Every asset's Delta and the cross Gamma of an exchange option
// max(S_1 − S_2, 0) on two correlated assets, by the hybrid, beside
// Margrabe's closed form (Delta 0.667 and −0.578, cross Gamma −0.0182).
func ExampleRun_correlated() {
	m, err := sde.NewCorrelated([]float64{100, 95}, []float64{0.01, 0.03}, []float64{0.25, 0.2}, 0.05, 1,
		[][]float64{{1, 0.6}, {0.6, 1}})
	if err != nil {
		panic(err)
	}
	cfg := greeks.Config{
		Paths:   1_000_000,
		Seed:    1,
		Greeks:  []greeks.Greek{greeks.Delta, greeks.CrossGamma},
		Methods: []greeks.Method{greeks.Hybrid},
	}
	r, err := greeks.Run(context.Background(), m, payoff.SpreadCall{Strike: 0}, cfg)
	if err != nil {
		panic(err)
	}
	for _, f := range r.Figures {
		fmt.Printf("%s(%d,%d) %.4f ± %.4f\n", f.Greek, f.Asset, f.Asset2, f.Value, f.StdErr)
	}
	// Output:
	// delta(0,0) 0.6670 ± 0.0006
	// delta(1,1) -0.5787 ± 0.0005
	// cross-gamma(0,1) -0.0182 ± 0.0000
}
