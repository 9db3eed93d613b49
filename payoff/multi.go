package payoff

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Multi is implemented by payoffs on several assets. Eval and EvalSmooth
// read the fixings asset by asset: obs[(j*d+a)*n+i] is asset a at fixing j
// on path i (d = Assets()), and write the gradient in the same layout,
// grad[(j*d+a)*n+i] = ∂f/∂S_a(t_{j+1}). The payoffs below are European
// (one fixing), so obs[a*n+i] is asset a at maturity. A payoff knows nothing
// of the assets' correlation: the model does.
type Multi interface {
	Payoff
	// Assets is the number d of assets the payoff reads.
	Assets() int
}

// MultiNames lists the multi-asset payoffs that NewMulti accepts.
var MultiNames = []string{
	"basket-call", "basket-put", "geometric-basket-call", "geometric-basket-put",
	"spread-call", "spread-put", "best-of-call", "best-of-put", "worst-of-call", "worst-of-put",
	"basket-digital-call", "worst-of-digital-call",
}

// MultiSpec describes a multi-asset contract by name.
type MultiSpec struct {
	Name   string  // one of MultiNames
	Assets int     // the number of assets d ≥ 1 (exactly 2 for the spreads)
	Strike float64 // K > 0; the spreads take any finite K (K = 0: the exchange option)
	Cash   float64 // the digitals' cash amount (finite)
	// Weights of the basket payoffs (d finite numbers); nil means equal
	// weights 1/d. Ignored by the others.
	Weights []float64
}

// WeightsError reports basket weights that do not match the assets.
type WeightsError struct {
	Len, Assets int
}

func (e *WeightsError) Error() string {
	return fmt.Sprintf("payoff: %d weights for %d assets", e.Len, e.Assets)
}

// NewMulti returns the multi-asset payoff that s describes, after checking
// its parameters.
func NewMulti(s MultiSpec) (Multi, error) {
	if !slices.Contains(MultiNames, s.Name) {
		return nil, fmt.Errorf("%q: unknown multi-asset payoff (want one of %s)", s.Name, strings.Join(MultiNames, ", "))
	}
	spread := strings.HasPrefix(s.Name, "spread-")
	d := s.Assets
	switch {
	case spread && d != 2:
		return nil, &ParamError{"assets (" + s.Name + " takes exactly 2)", float64(d)}
	case d < 1:
		return nil, &ParamError{"assets", float64(d)}
	case math.IsNaN(s.Strike) || math.IsInf(s.Strike, 0) || (!spread && !(s.Strike > 0)):
		return nil, &ParamError{"strike", s.Strike}
	case math.IsNaN(s.Cash) || math.IsInf(s.Cash, 0):
		return nil, &ParamError{"cash", s.Cash}
	}
	w := s.Weights
	if strings.Contains(s.Name, "basket") {
		if w == nil {
			w = make([]float64, d)
			for a := range w {
				w[a] = 1 / float64(d)
			}
		}
		if len(w) != d {
			return nil, &WeightsError{len(w), d}
		}
		for a, v := range w {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, &ParamError{fmt.Sprintf("weight[%d]", a), v}
			}
		}
		w = slices.Clone(w)
	}
	k := s.Strike
	switch s.Name {
	case "basket-call":
		return BasketCall{k, w}, nil
	case "basket-put":
		return BasketPut{k, w}, nil
	case "geometric-basket-call":
		return GeometricBasketCall{k, w}, nil
	case "geometric-basket-put":
		return GeometricBasketPut{k, w}, nil
	case "spread-call":
		return SpreadCall{k}, nil
	case "spread-put":
		return SpreadPut{k}, nil
	case "best-of-call":
		return BestOfCall{k, d}, nil
	case "best-of-put":
		return BestOfPut{k, d}, nil
	case "worst-of-call":
		return WorstOfCall{k, d}, nil
	case "worst-of-put":
		return WorstOfPut{k, d}, nil
	case "basket-digital-call":
		return BasketDigitalCall{k, s.Cash, w}, nil
	case "worst-of-digital-call":
		return WorstOfDigitalCall{k, s.Cash, d}, nil
	}
	panic("payoff: unreachable")
}

// BasketCall is max(B − Strike, 0) on the weighted arithmetic basket
// B = Σ_a w_a S_a(T). Lipschitz: pathwise differentiation is valid, with
// ∂f/∂S_a = w_a 1{B > K}.
type BasketCall struct {
	Strike  float64
	Weights []float64
}

// BasketPut is max(Strike − B, 0) on the basket of BasketCall. Lipschitz.
type BasketPut struct {
	Strike  float64
	Weights []float64
}

// GeometricBasketCall is max(G − Strike, 0) on the weighted geometric basket
// G = Π_a S_a(T)^{w_a}, lognormal under correlated GBM (closed form in
// greeks/analytic). Lipschitz: ∂f/∂S_a = 1{G > K} w_a G/S_a.
type GeometricBasketCall struct {
	Strike  float64
	Weights []float64
}

// GeometricBasketPut is max(Strike − G, 0). Lipschitz.
type GeometricBasketPut struct {
	Strike  float64
	Weights []float64
}

// SpreadCall is max(S_1 − S_2 − Strike, 0) on two assets; with Strike = 0
// it is Margrabe's exchange option. Lipschitz.
type SpreadCall struct{ Strike float64 }

// SpreadPut is max(Strike − S_1 + S_2, 0) on two assets. Lipschitz.
type SpreadPut struct{ Strike float64 }

// BestOfCall is max(max_a S_a − Strike, 0) on N assets. Lipschitz: the
// gradient is 1{M > K} on the best asset, 0 on the others.
type BestOfCall struct {
	Strike float64
	N      int
}

// BestOfPut is max(Strike − max_a S_a, 0) on N assets. Lipschitz.
type BestOfPut struct {
	Strike float64
	N      int
}

// WorstOfCall is max(min_a S_a − Strike, 0) on N assets. Lipschitz.
type WorstOfCall struct {
	Strike float64
	N      int
}

// WorstOfPut is max(Strike − min_a S_a, 0) on N assets. Lipschitz.
type WorstOfPut struct {
	Strike float64
	N      int
}

// BasketDigitalCall is Cash·1{B > Strike} on the arithmetic basket. It
// jumps at the strike: not Lipschitz, pathwise differentiation is biased
// (its gradient is 0 almost surely); localize it.
type BasketDigitalCall struct {
	Strike, Cash float64
	Weights      []float64
}

// WorstOfDigitalCall is Cash·1{min_a S_a > Strike} on N assets: it pays when
// every asset ends above the strike. Not Lipschitz; localize it.
type WorstOfDigitalCall struct {
	Strike, Cash float64
	N            int
}

// basket sets b[i] = Σ_a w_a S_a on path i.
func basket(obs, b, w []float64) {
	n := len(b)
	c := w[0]
	for i, x := range obs[:n] {
		b[i] = c * x
	}
	for a := 1; a < len(w); a++ {
		c := w[a]
		for i, x := range obs[a*n : a*n+n] {
			b[i] += c * x
		}
	}
}

// onExtreme reports 1 when x is the extreme m (the maximum when hi, the
// minimum otherwise) and 0 elsewhere, without a branch: positive(x − m) is
// 1 at the maximum only (x − x = +0), positive(m − x) at the minimum only.
func onExtreme(x, m float64, hi bool) float64 {
	if hi {
		return positive(x - m)
	}
	return positive(m - x)
}

// Eval implements Payoff.
func (p BasketCall) Eval(obs, f, grad []float64) {
	basket(obs, f, p.Weights)
	if grad != nil {
		n := len(f)
		for a, w := range p.Weights {
			g := grad[a*n : a*n+n]
			for i, b := range f {
				g[i] = w * positive(b-p.Strike)
			}
		}
	}
	for i, b := range f {
		d := b - p.Strike
		f[i] = d * positive(d)
	}
}

// Eval implements Payoff.
func (p BasketPut) Eval(obs, f, grad []float64) {
	basket(obs, f, p.Weights)
	if grad != nil {
		n := len(f)
		for a, w := range p.Weights {
			g := grad[a*n : a*n+n]
			for i, b := range f {
				g[i] = -w * positive(p.Strike-b)
			}
		}
	}
	for i, b := range f {
		d := p.Strike - b
		f[i] = d * positive(d)
	}
}

// geometricBasket sets g[i] = Π_a S_a^{w_a} on path i.
func geometricBasket(obs, g, w []float64) {
	n := len(g)
	clear(g)
	for a, c := range w {
		for i, x := range obs[a*n : a*n+n] {
			g[i] += c * math.Log(x)
		}
	}
	for i, v := range g {
		g[i] = math.Exp(v)
	}
}

func (p GeometricBasketCall) eval(obs, f, grad []float64, sign float64) {
	geometricBasket(obs, f, p.Weights)
	n := len(f)
	if grad != nil {
		for a, w := range p.Weights {
			g, row := grad[a*n:a*n+n], obs[a*n:a*n+n]
			for i, G := range f {
				g[i] = sign * positive(sign*(G-p.Strike)) * w * G / row[i]
			}
		}
	}
	for i, G := range f {
		d := sign * (G - p.Strike)
		f[i] = d * positive(d)
	}
}

// Eval implements Payoff.
func (p GeometricBasketCall) Eval(obs, f, grad []float64) { p.eval(obs, f, grad, 1) }

// Eval implements Payoff.
func (p GeometricBasketPut) Eval(obs, f, grad []float64) {
	GeometricBasketCall(p).eval(obs, f, grad, -1)
}

// Eval implements Payoff.
func (p SpreadCall) Eval(obs, f, grad []float64) {
	n := len(f)
	s1, s2 := obs[:n], obs[n:2*n]
	for i := range f {
		d := s1[i] - s2[i] - p.Strike
		f[i] = d * positive(d)
		if grad != nil {
			grad[i], grad[n+i] = positive(d), -positive(d)
		}
	}
}

// Eval implements Payoff.
func (p SpreadPut) Eval(obs, f, grad []float64) {
	n := len(f)
	s1, s2 := obs[:n], obs[n:2*n]
	for i := range f {
		d := p.Strike - s1[i] + s2[i]
		f[i] = d * positive(d)
		if grad != nil {
			grad[i], grad[n+i] = -positive(d), positive(d)
		}
	}
}

// evalExtreme evaluates max(sign·(E − K), 0) on the extreme E (the largest
// asset when hi, the smallest otherwise).
func evalExtreme(obs, f, grad []float64, d int, hi bool, k, sign float64) {
	extreme(obs, f, d, hi)
	n := len(f)
	if grad != nil {
		for a := range d {
			row, g := obs[a*n:a*n+n], grad[a*n:a*n+n]
			for i, x := range row {
				g[i] = sign * positive(sign*(f[i]-k)) * onExtreme(x, f[i], hi)
			}
		}
	}
	for i, e := range f {
		v := sign * (e - k)
		f[i] = v * positive(v)
	}
}

// Eval implements Payoff.
func (p BestOfCall) Eval(obs, f, grad []float64) { evalExtreme(obs, f, grad, p.N, true, p.Strike, 1) }

// Eval implements Payoff.
func (p BestOfPut) Eval(obs, f, grad []float64) { evalExtreme(obs, f, grad, p.N, true, p.Strike, -1) }

// Eval implements Payoff.
func (p WorstOfCall) Eval(obs, f, grad []float64) {
	evalExtreme(obs, f, grad, p.N, false, p.Strike, 1)
}

// Eval implements Payoff.
func (p WorstOfPut) Eval(obs, f, grad []float64) {
	evalExtreme(obs, f, grad, p.N, false, p.Strike, -1)
}

// Eval implements Payoff. The gradient is 0 almost everywhere.
func (p BasketDigitalCall) Eval(obs, f, grad []float64) {
	basket(obs, f, p.Weights)
	for i, b := range f {
		f[i] = p.Cash * positive(b-p.Strike)
	}
	zero(grad, len(f)*len(p.Weights))
}

// EvalSmooth implements Smoother: Cash·ramp(B − K), whose gradient is
// Cash·w_a/(2ε) in the band |B − K| < ε.
func (p BasketDigitalCall) EvalSmooth(obs []float64, eps float64, fs, grad []float64) {
	basket(obs, fs, p.Weights)
	n := len(fs)
	for i, b := range fs {
		r, s := ramp(b-p.Strike, eps)
		fs[i] = p.Cash * r
		for a, w := range p.Weights {
			grad[a*n+i] = p.Cash * s * w
		}
	}
}

// Eval implements Payoff. The gradient is 0 almost everywhere.
func (p WorstOfDigitalCall) Eval(obs, f, grad []float64) {
	extreme(obs, f, p.N, false)
	for i, m := range f {
		f[i] = p.Cash * positive(m-p.Strike)
	}
	zero(grad, len(f)*p.N)
}

// EvalSmooth implements Smoother: Cash·ramp(min_a S_a − K), whose gradient
// is Cash/(2ε) on the worst asset in the band |min − K| < ε.
func (p WorstOfDigitalCall) EvalSmooth(obs []float64, eps float64, fs, grad []float64) {
	extreme(obs, fs, p.N, false)
	n := len(fs)
	for a := range p.N {
		row, g := obs[a*n:a*n+n], grad[a*n:a*n+n]
		for i, x := range row {
			_, s := ramp(fs[i]-p.Strike, eps)
			g[i] = p.Cash * s * onExtreme(x, fs[i], false)
		}
	}
	for i, m := range fs {
		r, _ := ramp(m-p.Strike, eps)
		fs[i] = p.Cash * r
	}
}

// Assets implements Multi.
func (p BasketCall) Assets() int { return len(p.Weights) }

// Assets implements Multi.
func (p BasketPut) Assets() int { return len(p.Weights) }

// Assets implements Multi.
func (p GeometricBasketCall) Assets() int { return len(p.Weights) }

// Assets implements Multi.
func (p GeometricBasketPut) Assets() int { return len(p.Weights) }

// Assets implements Multi.
func (SpreadCall) Assets() int { return 2 }

// Assets implements Multi.
func (SpreadPut) Assets() int { return 2 }

// Assets implements Multi.
func (p BestOfCall) Assets() int { return p.N }

// Assets implements Multi.
func (p BestOfPut) Assets() int { return p.N }

// Assets implements Multi.
func (p WorstOfCall) Assets() int { return p.N }

// Assets implements Multi.
func (p WorstOfPut) Assets() int { return p.N }

// Assets implements Multi.
func (p BasketDigitalCall) Assets() int { return len(p.Weights) }

// Assets implements Multi.
func (p WorstOfDigitalCall) Assets() int { return p.N }

// Lipschitz implements Payoff.
func (BasketCall) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (BasketPut) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (GeometricBasketCall) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (GeometricBasketPut) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (SpreadCall) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (SpreadPut) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (BestOfCall) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (BestOfPut) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (WorstOfCall) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (WorstOfPut) Lipschitz() bool { return true }

// Lipschitz implements Payoff: the digital jumps by Cash at the strike.
func (BasketDigitalCall) Lipschitz() bool { return false }

// Lipschitz implements Payoff: the digital jumps by Cash at the strike.
func (WorstOfDigitalCall) Lipschitz() bool { return false }

// Name implements Payoff.
func (BasketCall) Name() string { return "basket-call" }

// Name implements Payoff.
func (BasketPut) Name() string { return "basket-put" }

// Name implements Payoff.
func (GeometricBasketCall) Name() string { return "geometric-basket-call" }

// Name implements Payoff.
func (GeometricBasketPut) Name() string { return "geometric-basket-put" }

// Name implements Payoff.
func (SpreadCall) Name() string { return "spread-call" }

// Name implements Payoff.
func (SpreadPut) Name() string { return "spread-put" }

// Name implements Payoff.
func (BestOfCall) Name() string { return "best-of-call" }

// Name implements Payoff.
func (BestOfPut) Name() string { return "best-of-put" }

// Name implements Payoff.
func (WorstOfCall) Name() string { return "worst-of-call" }

// Name implements Payoff.
func (WorstOfPut) Name() string { return "worst-of-put" }

// Name implements Payoff.
func (BasketDigitalCall) Name() string { return "basket-digital-call" }

// Name implements Payoff.
func (WorstOfDigitalCall) Name() string { return "worst-of-digital-call" }

// Dates implements Payoff: these payoffs are European.
func (BasketCall) Dates() int { return 1 }

// Dates implements Payoff.
func (BasketPut) Dates() int { return 1 }

// Dates implements Payoff.
func (GeometricBasketCall) Dates() int { return 1 }

// Dates implements Payoff.
func (GeometricBasketPut) Dates() int { return 1 }

// Dates implements Payoff.
func (SpreadCall) Dates() int { return 1 }

// Dates implements Payoff.
func (SpreadPut) Dates() int { return 1 }

// Dates implements Payoff.
func (BestOfCall) Dates() int { return 1 }

// Dates implements Payoff.
func (BestOfPut) Dates() int { return 1 }

// Dates implements Payoff.
func (WorstOfCall) Dates() int { return 1 }

// Dates implements Payoff.
func (WorstOfPut) Dates() int { return 1 }

// Dates implements Payoff.
func (BasketDigitalCall) Dates() int { return 1 }

// Dates implements Payoff.
func (WorstOfDigitalCall) Dates() int { return 1 }
