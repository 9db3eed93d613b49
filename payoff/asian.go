package payoff

import "math"

// AsianCall is the arithmetic-average call max(A − Strike, 0) with
// A = (1/m) Σ_j S_{t_j} over m = Fixings equally spaced dates ending at
// maturity. It is Lipschitz: ∂f/∂S_{t_j} = 1{A > K}/m.
type AsianCall struct {
	Strike  float64
	Fixings int
}

// AsianPut is the arithmetic-average put max(Strike − A, 0).
type AsianPut struct {
	Strike  float64
	Fixings int
}

// GeometricAsianCall is max(G − Strike, 0) with the geometric average
// G = (Π_j S_{t_j})^{1/m}; ∂f/∂S_{t_j} = 1{G > K} G/(m S_{t_j}). Under GBM
// ln G is normal, which gives a closed form (package analytic).
type GeometricAsianCall struct {
	Strike  float64
	Fixings int
}

// GeometricAsianPut is max(Strike − G, 0).
type GeometricAsianPut struct {
	Strike  float64
	Fixings int
}

// average sets a[i] to the arithmetic mean over the m fixings of path i.
func average(obs, a []float64, m int) {
	n := len(a)
	clear(a)
	for j := range m {
		row := obs[j*n : j*n+n]
		for i, x := range row {
			a[i] += x
		}
	}
	inv := 1 / float64(m)
	for i := range a {
		a[i] *= inv
	}
}

// geometric sets g[i] to the geometric mean over the m fixings of path i.
func geometric(obs, g []float64, m int) {
	n := len(g)
	clear(g)
	for j := range m {
		row := obs[j*n : j*n+n]
		for i, x := range row {
			g[i] += math.Log(x)
		}
	}
	inv := 1 / float64(m)
	for i := range g {
		g[i] = math.Exp(g[i] * inv)
	}
}

// vanilla turns averages a (in f) into the call (sign +1) or put (−1)
// payoff, and writes grad[j*n+i] = scale(i, j)·(±1{in the money}) where
// scale is 1/m for the arithmetic average and G/(m S_j) for the geometric.
func vanilla(obs, f, grad []float64, m int, k, sign float64, geo bool) {
	n := len(f)
	if grad != nil {
		inv := 1 / float64(m)
		for j := range m {
			row, g := obs[j*n:j*n+n], grad[j*n:j*n+n]
			for i, a := range f {
				d := sign * positive(sign*(a-k)) * inv
				if geo {
					d *= a / row[i]
				}
				g[i] = d
			}
		}
	}
	for i, a := range f {
		d := sign * (a - k)
		f[i] = d * positive(d)
	}
}

// Eval implements Payoff.
func (p AsianCall) Eval(obs, f, grad []float64) {
	average(obs, f, p.Fixings)
	vanilla(obs, f, grad, p.Fixings, p.Strike, 1, false)
}

// Eval implements Payoff.
func (p AsianPut) Eval(obs, f, grad []float64) {
	average(obs, f, p.Fixings)
	vanilla(obs, f, grad, p.Fixings, p.Strike, -1, false)
}

// Eval implements Payoff.
func (p GeometricAsianCall) Eval(obs, f, grad []float64) {
	geometric(obs, f, p.Fixings)
	vanilla(obs, f, grad, p.Fixings, p.Strike, 1, true)
}

// Eval implements Payoff.
func (p GeometricAsianPut) Eval(obs, f, grad []float64) {
	geometric(obs, f, p.Fixings)
	vanilla(obs, f, grad, p.Fixings, p.Strike, -1, true)
}

// Dates implements Payoff.
func (p AsianCall) Dates() int { return p.Fixings }

// Dates implements Payoff.
func (p AsianPut) Dates() int { return p.Fixings }

// Dates implements Payoff.
func (p GeometricAsianCall) Dates() int { return p.Fixings }

// Dates implements Payoff.
func (p GeometricAsianPut) Dates() int { return p.Fixings }

// Lipschitz implements Payoff.
func (AsianCall) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (AsianPut) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (GeometricAsianCall) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (GeometricAsianPut) Lipschitz() bool { return true }

// Name implements Payoff.
func (AsianCall) Name() string { return "asian-call" }

// Name implements Payoff.
func (AsianPut) Name() string { return "asian-put" }

// Name implements Payoff.
func (GeometricAsianCall) Name() string { return "geometric-asian-call" }

// Name implements Payoff.
func (GeometricAsianPut) Name() string { return "geometric-asian-put" }
