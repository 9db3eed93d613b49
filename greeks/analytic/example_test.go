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

func ExampleBlackScholes_geometricAsian() {
	m := sde.GBM{Spot: 100, Rate: 0.05, Div: 0, Vol: 0.2, Expiry: 1}
	for _, fixings := range []int{1, 12, 252} {
		v, err := analytic.BlackScholes(m, payoff.GeometricAsianCall{Strike: 100, Fixings: fixings})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("m=%-3d price %.4f delta %.4f gamma %.4f vega %.4f\n", fixings, v.Price, v.Delta, v.Gamma, v.Vega)
	}
	// Output:
	// m=1   price 10.4506 delta 0.6368 gamma 0.0188 vega 37.5240
	// m=12  price 5.9402 delta 0.5851 gamma 0.0307 vega 21.1342
	// m=252 price 5.5655 delta 0.5805 gamma 0.0325 vega 19.8549
}

func ExampleCEV() {
	// β = 0.5 with Vol = 0.2·√100: a local volatility of 20% at the spot.
	m := sde.CEV{Spot: 100, Rate: 0.05, Div: 0, Vol: 2, Beta: 0.5, Expiry: 1}
	for _, k := range []float64{90, 110} {
		v, err := analytic.CEV(m, payoff.Call{Strike: k})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("K=%v price %.4f delta %.4f gamma %.4f vega %.4f\n", k, v.Price, v.Delta, v.Gamma, v.Vega)
	}
	// Output:
	// K=90 price 16.8469 delta 0.7905 gamma 0.0145 vega 2.8350
	// K=110 price 5.8571 delta 0.4274 gamma 0.0198 vega 3.8652
}
