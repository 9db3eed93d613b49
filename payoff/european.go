package payoff

// Call is the vanilla call max(S_T − Strike, 0).
type Call struct{ Strike float64 }

// Put is the vanilla put max(Strike − S_T, 0).
type Put struct{ Strike float64 }

// DigitalCall is the cash-or-nothing call Cash·1{S_T > Strike}.
type DigitalCall struct{ Strike, Cash float64 }

// DigitalPut is the cash-or-nothing put Cash·1{S_T < Strike}.
type DigitalPut struct{ Strike, Cash float64 }

// AssetCall is the asset-or-nothing call S_T·1{S_T > Strike}.
type AssetCall struct{ Strike float64 }

// AssetPut is the asset-or-nothing put S_T·1{S_T < Strike}.
type AssetPut struct{ Strike float64 }

// Eval implements Payoff.
func (p Call) Eval(s, f, df []float64) {
	s = s[:len(f)]
	for i, x := range s {
		d := x - p.Strike
		f[i] = d * positive(d)
	}
	if df != nil {
		df = df[:len(f)]
		for i, x := range s {
			df[i] = positive(x - p.Strike)
		}
	}
}

// Eval implements Payoff.
func (p Put) Eval(s, f, df []float64) {
	s = s[:len(f)]
	for i, x := range s {
		d := p.Strike - x
		f[i] = d * positive(d)
	}
	if df != nil {
		df = df[:len(f)]
		for i, x := range s {
			df[i] = -positive(p.Strike - x)
		}
	}
}

// Eval implements Payoff. The derivative is 0 almost everywhere.
func (p DigitalCall) Eval(s, f, df []float64) {
	s = s[:len(f)]
	for i, x := range s {
		f[i] = p.Cash * positive(x-p.Strike)
	}
	zero(df, len(f))
}

// Eval implements Payoff. The derivative is 0 almost everywhere.
func (p DigitalPut) Eval(s, f, df []float64) {
	s = s[:len(f)]
	for i, x := range s {
		f[i] = p.Cash * positive(p.Strike-x)
	}
	zero(df, len(f))
}

// Eval implements Payoff. The derivative almost everywhere is 1{S_T > K}.
func (p AssetCall) Eval(s, f, df []float64) {
	s = s[:len(f)]
	for i, x := range s {
		f[i] = x * positive(x-p.Strike)
	}
	if df != nil {
		df = df[:len(f)]
		for i, x := range s {
			df[i] = positive(x - p.Strike)
		}
	}
}

// Eval implements Payoff. The derivative almost everywhere is 1{S_T < K}.
func (p AssetPut) Eval(s, f, df []float64) {
	s = s[:len(f)]
	for i, x := range s {
		f[i] = x * positive(p.Strike-x)
	}
	if df != nil {
		df = df[:len(f)]
		for i, x := range s {
			df[i] = positive(p.Strike - x)
		}
	}
}

func zero(df []float64, n int) {
	if df != nil {
		clear(df[:n])
	}
}

// Lipschitz implements Payoff.
func (Call) Lipschitz() bool { return true }

// Lipschitz implements Payoff.
func (Put) Lipschitz() bool { return true }

// Lipschitz implements Payoff: a digital jumps by Cash at the strike.
func (DigitalCall) Lipschitz() bool { return false }

// Lipschitz implements Payoff: a digital jumps by Cash at the strike.
func (DigitalPut) Lipschitz() bool { return false }

// Lipschitz implements Payoff: the payoff jumps by Strike at the strike.
func (AssetCall) Lipschitz() bool { return false }

// Lipschitz implements Payoff: the payoff jumps by Strike at the strike.
func (AssetPut) Lipschitz() bool { return false }

// Name implements Payoff.
func (Call) Name() string { return "call" }

// Name implements Payoff.
func (Put) Name() string { return "put" }

// Name implements Payoff.
func (DigitalCall) Name() string { return "digital-call" }

// Name implements Payoff.
func (DigitalPut) Name() string { return "digital-put" }

// Name implements Payoff.
func (AssetCall) Name() string { return "asset-call" }

// Name implements Payoff.
func (AssetPut) Name() string { return "asset-put" }

// Dates implements Payoff: a European payoff has one fixing, at maturity.
func (Call) Dates() int { return 1 }

// Dates implements Payoff.
func (Put) Dates() int { return 1 }

// Dates implements Payoff.
func (DigitalCall) Dates() int { return 1 }

// Dates implements Payoff.
func (DigitalPut) Dates() int { return 1 }

// Dates implements Payoff.
func (AssetCall) Dates() int { return 1 }

// Dates implements Payoff.
func (AssetPut) Dates() int { return 1 }

// EvalSmooth implements Smoother: Cash·ramp(S − K) with slope Cash/(2ε) in
// the band |S − K| < ε.
func (p DigitalCall) EvalSmooth(s []float64, eps float64, fs, grad []float64) {
	s = s[:len(fs)]
	for i, x := range s {
		r, d := ramp(x-p.Strike, eps)
		fs[i] = p.Cash * r
		grad[i] = p.Cash * d
	}
}

// EvalSmooth implements Smoother: Cash·(1 − ramp(S − K)).
func (p DigitalPut) EvalSmooth(s []float64, eps float64, fs, grad []float64) {
	s = s[:len(fs)]
	for i, x := range s {
		r, d := ramp(x-p.Strike, eps)
		fs[i] = p.Cash * (1 - r)
		grad[i] = -p.Cash * d
	}
}

// EvalSmooth implements Smoother: S·ramp(S − K).
func (p AssetCall) EvalSmooth(s []float64, eps float64, fs, grad []float64) {
	s = s[:len(fs)]
	for i, x := range s {
		r, d := ramp(x-p.Strike, eps)
		fs[i] = x * r
		grad[i] = r + x*d
	}
}

// EvalSmooth implements Smoother: S·(1 − ramp(S − K)).
func (p AssetPut) EvalSmooth(s []float64, eps float64, fs, grad []float64) {
	s = s[:len(fs)]
	for i, x := range s {
		r, d := ramp(x-p.Strike, eps)
		fs[i] = x * (1 - r)
		grad[i] = 1 - r - x*d
	}
}
