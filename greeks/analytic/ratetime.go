package analytic

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// RateTime holds the closed-form Rho and Theta of a European payoff.
//
// Rho is ∂V/∂r with the discount and the drift moving together (the
// dividend yield q fixed). Theta is −∂V/∂T, per year, with S, K, r, q and σ
// fixed: the value's change as the contract ages by one year with the
// market unchanged, so a long call with q = 0 has a negative Theta.
type RateTime struct {
	Rho   float64 // ∂V/∂r, r absolute (not per 1%)
	Theta float64 // −∂V/∂T, per year
}

// BlackScholesRateTime returns the Black–Scholes–Merton Rho and Theta of
// the European payoffs payoff.Call, Put, DigitalCall, DigitalPut,
// AssetCall and AssetPut on m. With L = ln(S/K), μ₁ = r − q + σ²/2,
// μ₂ = r − q − σ²/2, a = e^{−qT}, b = e^{−rT} and cash c:
//
//	call           Rho = K T b N(d2)                Theta = −S a φ(d1) σ/(2√T) + q S a N(d1) − r K b N(d2)
//	put            Rho = −K T b N(−d2)              Theta = −S a φ(d1) σ/(2√T) − q S a N(−d1) + r K b N(−d2)
//	digital call   Rho = −T V + c b φ(d2) √T/σ      Theta = r V − c b φ(d2) (μ₂T − L)/(2σT^{3/2})
//	digital put    Rho = −T V − c b φ(d2) √T/σ      Theta = r V + c b φ(d2) (μ₂T − L)/(2σT^{3/2})
//	asset call     Rho = S a φ(d1) √T/σ             Theta = q V − S a φ(d1) (μ₁T − L)/(2σT^{3/2})
//	asset put      Rho = −S a φ(d1) √T/σ            Theta = q V + S a φ(d1) (μ₁T − L)/(2σT^{3/2})
//
// (∂d1/∂r = ∂d2/∂r = √T/σ, ∂d_i/∂T = (μ_iT − L)/(2σT^{3/2}); Hull, ch. "The
// Black–Scholes–Merton model"; Haug §1.1, 2.11). It returns the errors of
// BlackScholes, and ErrNoClosedForm (wrapped) for any other payoff. The
// geometric Asian call and put (payoff.GeometricAsianCall, Put) have theirs
// too, by Black's formula on the geometric average (see geoAsianRateTime:
// Theta moves every fixing date with the expiry).
func BlackScholesRateTime(m sde.GBM, p payoff.Payoff) (RateTime, error) {
	if _, _, _, ok := geoAsianOf(p); ok {
		return geoAsianRateTime(m, p)
	}
	switch p.(type) {
	case payoff.Call, payoff.Put, payoff.DigitalCall, payoff.DigitalPut, payoff.AssetCall, payoff.AssetPut:
	default:
		return RateTime{}, fmt.Errorf("%w: Rho and Theta of %T", ErrNoClosedForm, p)
	}
	v, err := BlackScholes(m, p) // validates m and p
	if err != nil {
		return RateTime{}, err
	}
	s, r, q, vol, t := m.Spot, m.Rate, m.Div, m.Vol, m.Expiry
	var strike, cash float64
	switch p := p.(type) {
	case payoff.Call:
		strike = p.Strike
	case payoff.Put:
		strike = p.Strike
	case payoff.DigitalCall:
		strike, cash = p.Strike, p.Cash
	case payoff.DigitalPut:
		strike, cash = p.Strike, p.Cash
	case payoff.AssetCall:
		strike = p.Strike
	case payoff.AssetPut:
		strike = p.Strike
	}
	sq := math.Sqrt(t)
	sd := vol * sq
	l := logRatio(s, strike)
	mu1, mu2 := r-q+vol*vol/2, r-q-vol*vol/2
	d1 := (l + mu1*t) / sd
	d2 := d1 - sd
	a, b := math.Exp(-q*t), math.Exp(-r*t)
	n := distuv.UnitNormal
	phi1, phi2 := n.Prob(d1), n.Prob(d2)
	dr := sq / vol                    // ∂d_i/∂r
	dt1 := (mu1*t - l) / (2 * sd * t) // ∂d1/∂T
	dt2 := (mu2*t - l) / (2 * sd * t) // ∂d2/∂T
	var out RateTime
	switch p.(type) {
	case payoff.Call:
		out.Rho = strike * t * b * n.CDF(d2)
		out.Theta = -dens(phi1, s*a*vol/(2*sq)) + q*s*a*n.CDF(d1) - r*strike*b*n.CDF(d2)
	case payoff.Put:
		out.Rho = -strike * t * b * n.CDF(-d2)
		out.Theta = -dens(phi1, s*a*vol/(2*sq)) - q*s*a*n.CDF(-d1) + r*strike*b*n.CDF(-d2)
	case payoff.DigitalCall:
		out.Rho = -t*v.Price + dens(phi2, cash*b*dr)
		out.Theta = r*v.Price - dens(phi2, cash*b*dt2)
	case payoff.DigitalPut:
		out.Rho = -t*v.Price - dens(phi2, cash*b*dr)
		out.Theta = r*v.Price + dens(phi2, cash*b*dt2)
	case payoff.AssetCall:
		out.Rho = dens(phi1, s*a*dr)
		out.Theta = q*v.Price - dens(phi1, s*a*dt1)
	case payoff.AssetPut:
		out.Rho = -dens(phi1, s*a*dr)
		out.Theta = q*v.Price + dens(phi1, s*a*dt1)
	}
	if math.IsNaN(out.Rho) || math.IsNaN(out.Theta) {
		return RateTime{}, fmt.Errorf("analytic: Rho and Theta of %s on %+v: value out of floating-point range", p.Name(), m)
	}
	return out, nil
}
