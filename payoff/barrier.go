package payoff

// Barrier is the monitoring of a barrier option: the underlying is compared
// with Level at each of the Fixings equally spaced dates ending at maturity
// (discrete monitoring, maturity included). Rebate is paid at maturity when
// an out option has been knocked out, or an in option never knocked in.
type Barrier struct {
	Level   float64 // H > 0
	Rebate  float64 // R ≥ 0
	Fixings int     // m ≥ 1
}

// UpOutCall pays max(S_T − K, 0) if S_{t_j} < H at every fixing, else the
// rebate: (S_T − K)⁺ 1{max_j S_{t_j} < H} + R 1{max_j S_{t_j} ≥ H}.
type UpOutCall struct {
	Strike float64
	Barrier
}

// UpInCall pays max(S_T − K, 0) if S_{t_j} ≥ H at some fixing, else the
// rebate. With equal rebates, up-in + up-out = call + R on every path.
type UpInCall struct {
	Strike float64
	Barrier
}

// DownOutPut pays max(K − S_T, 0) if S_{t_j} > H at every fixing, else the
// rebate.
type DownOutPut struct {
	Strike float64
	Barrier
}

// DownInPut pays max(K − S_T, 0) if S_{t_j} ≤ H at some fixing, else the
// rebate.
type DownInPut struct {
	Strike float64
	Barrier
}

// barrierKind says how a barrier payoff is built from its parts.
type barrierKind struct {
	up   bool // monitor the maximum (up) or the minimum (down)
	in   bool // the vanilla is paid when the barrier was hit (in) or not (out)
	call bool // the vanilla is a call or a put
}

// extreme sets e[i] to the maximum (up) or minimum (down) over the m rows
// of obs on path i: the fixings of one asset, or the assets of one fixing.
func extreme(obs, e []float64, m int, up bool) {
	n := len(e)
	copy(e, obs[:n])
	for j := 1; j < m; j++ {
		row := obs[j*n : j*n+n]
		if up {
			for i, x := range row {
				e[i] = max(e[i], x)
			}
		} else {
			for i, x := range row {
				e[i] = min(e[i], x)
			}
		}
	}
}

// hit returns the knock indicator, 1 when the extreme e has reached H, as a
// hard step (eps = 0) or the ramp of half-width eps, with its derivative in e.
func (k barrierKind) hit(e, h, eps float64) (r, dr float64) {
	x := e - h // up: hit when max ≥ H
	if !k.up {
		x = h - e // down: hit when min ≤ H
	}
	if eps == 0 {
		return positive(x), 0
	}
	r, dr = ramp(x, eps)
	if !k.up {
		dr = -dr
	}
	return r, dr
}

// parts returns, for a path with last fixing xT and extreme e: the vanilla
// payoff v and its slope dv, the knock indicator r and its slope dr in e,
// the weight w of the vanilla (r for in, 1 − r for out) and the payoff f.
func (k barrierKind) parts(xT, e, strike float64, b Barrier, eps float64) (v, dv, r, dr, w, f float64) {
	d := xT - strike
	sign := 1.0
	if !k.call {
		d, sign = -d, -1
	}
	pos := positive(d)
	v, dv = d*pos, sign*pos
	r, dr = k.hit(e, b.Level, eps)
	w, rebate := 1-r, r
	if k.in {
		w, rebate = r, 1-r
	}
	return v, dv, r, dr, w, v*w + b.Rebate*rebate
}

// eval writes the payoff (eps = 0) or its smoothed version (eps > 0) and,
// when grad is not nil, the gradient: the vanilla's slope at the last
// fixing and, for eps > 0, the knock indicator's slope at the fixing that
// attains the extreme.
func (k barrierKind) eval(obs []float64, strike float64, b Barrier, eps float64, f, grad []float64) {
	n, m := len(f), b.Fixings
	extreme(obs, f, m, k.up) // f holds the extremes until the last loop
	last := obs[(m-1)*n : m*n]
	if grad != nil {
		gl := grad[(m-1)*n : m*n]
		for i, e := range f {
			// ∂f/∂e = (v − R)·dr for in, (R − v)·dr for out.
			v, _, _, dr, _, _ := k.parts(last[i], e, strike, b, eps)
			de := (b.Rebate - v) * dr
			if k.in {
				de = -de
			}
			gl[i] = de
		}
		for j := range m {
			row, g := obs[j*n:j*n+n], grad[j*n:j*n+n]
			for i, x := range row {
				at := positive(x - f[i]) // 1 at the maximum
				if !k.up {
					at = positive(f[i] - x) // 1 at the minimum
				}
				g[i] = gl[i] * at
			}
		}
		for i, e := range f {
			_, dv, _, _, w, _ := k.parts(last[i], e, strike, b, eps)
			gl[i] += dv * w
		}
	}
	for i, e := range f {
		_, _, _, _, _, f[i] = k.parts(last[i], e, strike, b, eps)
	}
}

var (
	upOutCall  = barrierKind{up: true, in: false, call: true}
	upInCall   = barrierKind{up: true, in: true, call: true}
	downOutPut = barrierKind{up: false, in: false, call: false}
	downInPut  = barrierKind{up: false, in: true, call: false}
)

// Eval implements Payoff.
func (p UpOutCall) Eval(obs, f, grad []float64) { upOutCall.eval(obs, p.Strike, p.Barrier, 0, f, grad) }

// Eval implements Payoff.
func (p UpInCall) Eval(obs, f, grad []float64) { upInCall.eval(obs, p.Strike, p.Barrier, 0, f, grad) }

// Eval implements Payoff.
func (p DownOutPut) Eval(obs, f, grad []float64) {
	downOutPut.eval(obs, p.Strike, p.Barrier, 0, f, grad)
}

// Eval implements Payoff.
func (p DownInPut) Eval(obs, f, grad []float64) { downInPut.eval(obs, p.Strike, p.Barrier, 0, f, grad) }

// EvalSmooth implements Smoother: the knock indicator becomes a ramp of
// half-width ε around the barrier.
func (p UpOutCall) EvalSmooth(obs []float64, eps float64, f, grad []float64) {
	upOutCall.eval(obs, p.Strike, p.Barrier, eps, f, grad)
}

// EvalSmooth implements Smoother.
func (p UpInCall) EvalSmooth(obs []float64, eps float64, f, grad []float64) {
	upInCall.eval(obs, p.Strike, p.Barrier, eps, f, grad)
}

// EvalSmooth implements Smoother.
func (p DownOutPut) EvalSmooth(obs []float64, eps float64, f, grad []float64) {
	downOutPut.eval(obs, p.Strike, p.Barrier, eps, f, grad)
}

// EvalSmooth implements Smoother.
func (p DownInPut) EvalSmooth(obs []float64, eps float64, f, grad []float64) {
	downInPut.eval(obs, p.Strike, p.Barrier, eps, f, grad)
}

// Dates implements Payoff.
func (b Barrier) Dates() int { return b.Fixings }

// Lipschitz implements Payoff: the knock indicator jumps at the barrier.
func (Barrier) Lipschitz() bool { return false }

// Name implements Payoff.
func (UpOutCall) Name() string { return "up-out-call" }

// Name implements Payoff.
func (UpInCall) Name() string { return "up-in-call" }

// Name implements Payoff.
func (DownOutPut) Name() string { return "down-out-put" }

// Name implements Payoff.
func (DownInPut) Name() string { return "down-in-put" }
