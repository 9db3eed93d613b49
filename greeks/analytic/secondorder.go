package analytic

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// SecondOrder holds the closed-form Vanna and Volga of a European payoff.
type SecondOrder struct {
	Vanna float64 // ∂²V/∂S∂σ, σ absolute
	Volga float64 // ∂²V/∂σ², σ absolute
}

// BlackScholesSecondOrder returns the Black–Scholes–Merton Vanna and Volga
// of the European payoffs payoff.Call, Put, DigitalCall, DigitalPut,
// AssetCall and AssetPut on m. With a = e^{−qT}, b = e^{−rT} and cash c:
//
//	call, put      Vanna = −a φ(d1) d2/σ               Volga = S a φ(d1) √T d1 d2/σ
//	digital call   Vanna = −c b φ(d2) (1 − d1d2)/(Sσ²√T)  Volga = −c b φ(d2) (d1²d2 − d1 − d2)/σ²
//	asset call     Vanna = −a φ(d1) d2/σ − a φ(d1)(1 − d1d2)/(σ²√T)
//	               Volga = −S a φ(d1) (d1d2² − d1 − d2)/σ²
//
// and the digital and asset puts are the calls with the sign changed (their
// sum with the call does not depend on σ). They follow from the Vegas of
// BlackScholes with ∂d_i/∂S = 1/(Sσ√T), ∂d1/∂σ = −d2/σ, ∂d2/∂σ = −d1/σ and
// φ'(d) = −dφ(d) (Haug §2.3: DvegaDspot and DvegaDvol). It returns the
// errors of BlackScholes, and ErrNoClosedForm (wrapped) for any other
// payoff. The geometric Asian call and put have theirs too, by Black's
// formula on the geometric average (see geoAsianSecondOrder).
func BlackScholesSecondOrder(m sde.GBM, p payoff.Payoff) (SecondOrder, error) {
	if _, _, _, ok := geoAsianOf(p); ok {
		return geoAsianSecondOrder(m, p)
	}
	switch p.(type) {
	case payoff.Call, payoff.Put, payoff.DigitalCall, payoff.DigitalPut, payoff.AssetCall, payoff.AssetPut:
	default:
		return SecondOrder{}, fmt.Errorf("%w: Vanna and Volga of %T", ErrNoClosedForm, p)
	}
	if _, err := BlackScholes(m, p); err != nil { // validates m and p
		return SecondOrder{}, err
	}
	s, vol, t := m.Spot, m.Vol, m.Expiry
	var strike, sign, cash float64
	switch p := p.(type) {
	case payoff.Call:
		strike, sign = p.Strike, 1
	case payoff.Put:
		strike, sign = p.Strike, 1
	case payoff.DigitalCall:
		strike, sign, cash = p.Strike, 1, p.Cash
	case payoff.DigitalPut:
		strike, sign, cash = p.Strike, -1, p.Cash
	case payoff.AssetCall:
		strike, sign = p.Strike, 1
	case payoff.AssetPut:
		strike, sign = p.Strike, -1
	}
	sq := math.Sqrt(t)
	sd := vol * sq
	d1 := (logRatio(s, strike) + (m.Rate-m.Div+vol*vol/2)*t) / sd
	d2 := d1 - sd
	a, b := math.Exp(-m.Div*t), math.Exp(-m.Rate*t)
	n := distuv.UnitNormal
	phi1, phi2 := n.Prob(d1), n.Prob(d2)
	var out SecondOrder
	switch p.(type) {
	case payoff.Call, payoff.Put:
		out.Vanna = -dens(phi1, a*d2/vol)
		out.Volga = dens(phi1, s*a*sq*d1*d2/vol)
	case payoff.DigitalCall, payoff.DigitalPut:
		out.Vanna = -dens(phi2, cash*b*(1-d1*d2)/(s*vol*vol*sq))
		out.Volga = -dens(phi2, cash*b*(d1*d1*d2-d1-d2)/(vol*vol))
	case payoff.AssetCall, payoff.AssetPut:
		out.Vanna = -dens(phi1, a*d2/vol+a*(1-d1*d2)/(vol*vol*sq))
		out.Volga = -dens(phi1, s*a*(d1*d2*d2-d1-d2)/(vol*vol))
	}
	out.Vanna *= sign
	out.Volga *= sign
	if math.IsNaN(out.Vanna) || math.IsNaN(out.Volga) {
		return SecondOrder{}, fmt.Errorf("analytic: Vanna and Volga of %s on %+v: value out of floating-point range", p.Name(), m)
	}
	return out, nil
}
