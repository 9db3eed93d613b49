package analytic_test

import (
	"fmt"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

func ExampleBlackScholes() {
	m := sde.GBM{Spot: 100, Rate: 0.05, Div: 0, Vol: 0.2, Expiry: 1}
	v, err := analytic.BlackScholes(m, payoff.Call{Strike: 100})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("price %.4f\ndelta %.4f\ngamma %.4f\nvega  %.4f\n", v.Price, v.Delta, v.Gamma, v.Vega)
	// Output:
	// price 10.4506
	// delta 0.6368
	// gamma 0.0188
	// vega  37.5240
}
