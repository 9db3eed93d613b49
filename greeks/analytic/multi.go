package analytic

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// AssetValues holds a closed-form price of a payoff on several assets and
// its sensitivities to each asset.
type AssetValues struct {
	Price float64
	Delta []float64 // ∂V/∂S_a
	Gamma []float64 // ∂²V/∂S_a²
	Vega  []float64 // ∂V/∂σ_a, σ absolute
	// Cross holds the cross Gammas: Cross.At(i, j) = ∂²V/∂S_i∂S_j (its
	// diagonal is Gamma).
	Cross *mat.SymDense
}

// MultiPrice returns the closed-form price of the multi-asset payoff p on
// the correlated GBM m where there is one, and an error wrapping
// ErrNoClosedForm otherwise:
//
// Geometric basket (any d): ln G = Σ_a w_a ln S_a(T) is normal with mean
// μ = Σ_a w_a (ln S_a + (r − q_a − σ_a²/2)T) and variance
// v = T Σ_ab w_a w_b ρ_ab σ_a σ_b, so with F = E[G] = e^{μ + v/2},
// d1 = (ln(F/K) + v/2)/√v and d2 = d1 − √v (Black's formula on F),
//
//	call:  V = e^{−rT} (F N(d1) − K N(d2)),
//	put:   V = e^{−rT} (K N(−d2) − F N(−d1)).
//
// Exchange option (spread-call and spread-put with K = 0, two assets;
// Margrabe 1978): with σ² = σ_1² + σ_2² − 2ρσ_1σ_2, A_a = S_a e^{−q_a T},
// d1 = (ln(A_1/A_2) + σ²T/2)/(σ√T), d2 = d1 − σ√T,
//
//	max(S_1 − S_2, 0):  V = A_1 N(d1) − A_2 N(d2),
//	max(S_2 − S_1, 0):  V = A_2 N(−d2) − A_1 N(−d1).
//
// Best-of and worst-of calls and puts on two assets (Stulz 1982; Haug
// 2007, §5.1.2), with M(a, b; ρ) the bivariate normal distribution function,
// y_a = (ln(S_a/K) + (r − q_a + σ_a²/2)T)/(σ_a√T), d = d1 of the exchange
// option, ρ_1 = (σ_1 − ρσ_2)/σ, ρ_2 = (σ_2 − ρσ_1)/σ:
//
//	call on the max:  A_1 M(y_1, d; ρ_1) + A_2 M(y_2, −d + σ√T; ρ_2)
//	                  − K e^{−rT} (1 − M(−y_1 + σ_1√T, −y_2 + σ_2√T; ρ)),
//	call on the min:  A_1 M(y_1, −d; −ρ_1) + A_2 M(y_2, d − σ√T; −ρ_2)
//	                  − K e^{−rT} M(y_1 − σ_1√T, y_2 − σ_2√T; ρ),
//
// and the puts by parity with the calls of strike 0: put(K) = K e^{−rT} −
// call(0) + call(K), where call(0) on the max is A_1 N(d) + A_2 N(σ√T − d)
// and on the min A_1 N(−d) + A_2 N(d − σ√T).
//
// References: W. Margrabe, The value of an option to exchange one asset for
// another, J. Finance 33 (1978) 177–186; R. Stulz, Options on the minimum
// or the maximum of two risky assets, J. Financial Economics 10 (1982)
// 161–185; E. G. Haug, The Complete Guide to Option Pricing Formulas, 2nd
// ed. (2007).
func MultiPrice(m sde.Correlated, p payoff.Payoff) (float64, error) {
	d := m.Assets()
	T, r := m.Expiry, m.Rate
	nerr := fmt.Errorf("%w: %s on %d assets", ErrNoClosedForm, p.Name(), d)
	switch p := p.(type) {
	case payoff.GeometricBasketCall:
		return geometricBasket(m, p.Weights, p.Strike, 1), nil
	case payoff.GeometricBasketPut:
		return geometricBasket(m, p.Weights, p.Strike, -1), nil
	case payoff.SpreadCall:
		if p.Strike != 0 || d != 2 {
			return 0, fmt.Errorf("%w (a spread has one at strike 0 only, the exchange option; Kirk's formula is an approximation)", nerr)
		}
		a1, a2, dd, sT := exchange(m)
		return a1*norm.CDF(dd) - a2*norm.CDF(dd-sT), nil
	case payoff.SpreadPut:
		if p.Strike != 0 || d != 2 {
			return 0, fmt.Errorf("%w (a spread has one at strike 0 only, the exchange option; Kirk's formula is an approximation)", nerr)
		}
		a1, a2, dd, sT := exchange(m)
		return a2*norm.CDF(sT-dd) - a1*norm.CDF(-dd), nil
	case payoff.BestOfCall, payoff.BestOfPut, payoff.WorstOfCall, payoff.WorstOfPut:
		if d != 2 {
			return 0, nerr
		}
		var k float64
		var best, call bool
		switch p := p.(type) {
		case payoff.BestOfCall:
			k, best, call = p.Strike, true, true
		case payoff.BestOfPut:
			k, best = p.Strike, true
		case payoff.WorstOfCall:
			k, call = p.Strike, true
		case payoff.WorstOfPut:
			k = p.Strike
		}
		c := stulz(m, k, best)
		if call {
			return c, nil
		}
		a1, a2, dd, sT := exchange(m)
		c0 := a1*norm.CDF(dd) + a2*norm.CDF(sT-dd)
		if !best {
			c0 = a1*norm.CDF(-dd) + a2*norm.CDF(dd-sT)
		}
		return k*math.Exp(-r*T) - c0 + c, nil
	}
	return 0, nerr
}

var norm = distuv.UnitNormal

// geometricBasket prices max(sign·(G − K), 0).
func geometricBasket(m sde.Correlated, w []float64, k, sign float64) float64 {
	T := m.Expiry
	mu, v := 0.0, 0.0
	for a, wa := range w {
		mu += wa * (math.Log(m.Spot[a]) + (m.Rate-m.Div[a]-m.Vol[a]*m.Vol[a]/2)*T)
		for b, wb := range w {
			v += wa * wb * m.Corr(a, b) * m.Vol[a] * m.Vol[b] * T
		}
	}
	sv := math.Sqrt(v)
	F := math.Exp(mu + v/2)
	d1 := (math.Log(F/k) + v/2) / sv
	d2 := d1 - sv
	return math.Exp(-m.Rate*T) * sign * (F*norm.CDF(sign*d1) - k*norm.CDF(sign*d2))
}

// exchange returns A_1, A_2, d1 and σ√T of the exchange option.
func exchange(m sde.Correlated) (a1, a2, d1, sT float64) {
	T := m.Expiry
	s1, s2, rho := m.Vol[0], m.Vol[1], m.Corr(0, 1)
	sT = math.Sqrt((s1*s1 + s2*s2 - 2*rho*s1*s2) * T)
	a1, a2 = m.Spot[0]*math.Exp(-m.Div[0]*T), m.Spot[1]*math.Exp(-m.Div[1]*T)
	d1 = (math.Log(a1/a2) + sT*sT/2) / sT
	return a1, a2, d1, sT
}

// stulz returns the call on the max (best) or min of two assets.
func stulz(m sde.Correlated, k float64, best bool) float64 {
	T := m.Expiry
	a1, a2, d, sT := exchange(m)
	s := sT / math.Sqrt(T)
	s1, s2, rho := m.Vol[0], m.Vol[1], m.Corr(0, 1)
	r1, r2 := (s1-rho*s2)/s, (s2-rho*s1)/s
	q1, q2 := s1*math.Sqrt(T), s2*math.Sqrt(T)
	y1 := (math.Log(m.Spot[0]/k) + (m.Rate-m.Div[0])*T + q1*q1/2) / q1
	y2 := (math.Log(m.Spot[1]/k) + (m.Rate-m.Div[1])*T + q2*q2/2) / q2
	b := k * math.Exp(-m.Rate*T)
	if best {
		return a1*BivariateNormal(y1, d, r1) + a2*BivariateNormal(y2, sT-d, r2) -
			b*(1-BivariateNormal(q1-y1, q2-y2, rho))
	}
	return a1*BivariateNormal(y1, -d, -r1) + a2*BivariateNormal(y2, d-sT, -r2) -
		b*BivariateNormal(y1-q1, y2-q2, rho)
}

// BivariateNormal returns M(a, b; ρ) = P(X ≤ a, Y ≤ b) for standard normals
// X, Y of correlation ρ ∈ [−1, 1]. It integrates Plackett's identity
// ∂M/∂ρ = φ₂(a, b; ρ) from 0, in the variable ρ = sin θ that removes the
// singularity of φ₂ at |ρ| = 1 (as Drezner and Wesolowsky 1990 do):
//
//	M(a, b; ρ) = N(a) N(b) + (1/2π) ∫_0^{asin ρ} exp(−(a² − 2ab sin θ + b²)/(2 cos²θ)) dθ,
//
// with 64-point Gauss–Legendre quadrature; the integrand is smooth and
// bounded on the whole interval. At |ρ| = 1 it returns the limits
// N(min(a, b)) and max(N(a) − N(−b), 0).
func BivariateNormal(a, b, rho float64) float64 {
	switch {
	case rho >= 1:
		return norm.CDF(math.Min(a, b))
	case rho <= -1:
		return math.Max(norm.CDF(a)-norm.CDF(-b), 0)
	}
	f := func(t float64) float64 {
		s, c := math.Sincos(t)
		if c == 0 {
			return 0
		}
		return math.Exp(-(a*a - 2*a*b*s + b*b) / (2 * c * c))
	}
	v := norm.CDF(a) * norm.CDF(b)
	if t := math.Asin(rho); t > 0 {
		v += quad.Fixed(f, 0, t, 64, quad.Legendre{}, 0) / (2 * math.Pi)
	} else if t < 0 {
		v -= quad.Fixed(f, t, 0, 64, quad.Legendre{}, 0) / (2 * math.Pi)
	}
	return math.Min(math.Max(v, 0), 1)
}

// MultiReference returns the closed-form price of p on m (see MultiPrice)
// with its Greeks in every asset: Delta and Vega by central differences of
// the closed form, Gamma and the cross Gammas by its Hessian (gonum
// diff/fd), in relative steps of 10⁻⁴ (first derivatives) and 10⁻³
// (second): their truncation errors, of order 10⁻⁸ and 10⁻⁶ of the
// derivatives' scale, are far below any Monte Carlo standard error they
// are compared with.
func MultiReference(m sde.Correlated, p payoff.Payoff) (AssetValues, error) {
	price, err := MultiPrice(m, p)
	if err != nil {
		return AssetValues{}, err
	}
	d := m.Assets()
	out := AssetValues{Price: price, Delta: make([]float64, d), Gamma: make([]float64, d), Vega: make([]float64, d)}
	at := func(x []float64, vols bool) float64 {
		q := m
		if vols {
			q.Vol = make([]float64, d)
			for a := range x {
				q.Vol[a] = m.Vol[a] * x[a]
			}
		} else {
			q.Spot = make([]float64, d)
			for a := range x {
				q.Spot[a] = m.Spot[a] * x[a]
			}
		}
		v, _ := MultiPrice(q, p)
		return v
	}
	one := make([]float64, d)
	for a := range one {
		one[a] = 1
	}
	spot := func(x []float64) float64 { return at(x, false) }
	vol := func(x []float64) float64 { return at(x, true) }
	first := &fd.Settings{Formula: fd.Central, Step: 1e-4, OriginKnown: true, OriginValue: price}
	g := fd.Gradient(nil, spot, one, first)
	gv := fd.Gradient(nil, vol, one, first)
	var h mat.SymDense
	fd.Hessian(&h, spot, one, &fd.Settings{Formula: fd.Central, Step: 1e-3, OriginKnown: true, OriginValue: price})
	out.Cross = mat.NewSymDense(d, nil)
	for a := range d {
		out.Delta[a] = g[a] / m.Spot[a]
		out.Vega[a] = gv[a] / m.Vol[a]
		for b := a; b < d; b++ {
			out.Cross.SetSym(a, b, h.At(a, b)/(m.Spot[a]*m.Spot[b]))
		}
		out.Gamma[a] = out.Cross.At(a, a)
	}
	return out, nil
}
