package rl

import "math"

// CartPole is the cart-pole of Barto, Sutton and Anderson (1983) with
// Gymnasium's constants and Euler integration, driven by a continuous force
// u·10 N with u clipped to [−1, 1], over a fixed 200 steps with a smooth
// reward:
//
//	r = cos θ − 0.1 x² − 0.001 u²     (at the state before the step)
//
// State and observation (x, ẋ, θ, θ̇), θ = 0 upright; Reset draws each from
// U(−0.05, 0.05) as Gymnasium does. Gymnasium's CartPole instead pays 1 a
// step and ends the episode when |θ| > 12° or |x| > 2.4: that return is a
// step function of the path, its pathwise derivative is 0 almost surely
// and the pathwise estimator would be biased (ERRATA §2.7). This task keeps
// the dynamics and replaces the termination by a smooth reward (like
// dm_control's cartpole balance), so all three estimators are valid.
type CartPole struct{}

const (
	cpGravity  = 9.8
	cpMassCart = 1.0
	cpMassPole = 0.1
	cpTotal    = cpMassCart + cpMassPole
	cpLength   = 0.5 // half the pole's length
	cpPML      = cpMassPole * cpLength
	cpForce    = 10.0
	cpTau      = 0.02
)

// Spec implements Env.
func (CartPole) Spec() Spec {
	return Spec{Name: "cartpole", StateDim: 4, ObsDim: 4, ActDim: 1, Horizon: 200,
		Low: []float64{-1}, High: []float64{1}}
}

// Reset implements Env.
func (CartPole) Reset(r Rand, s []float64) {
	for i := range 4 {
		s[i] = 0.1*r.Float64() - 0.05
	}
}

// cartAccel returns the accelerations (ẍ, θ̈) and their derivatives with
// respect to θ, θ̇ and the force F.
func cartAccel(th, w, f float64) (xa, ta, dxa, dxw, dxf, dta, dtw, dtf float64) {
	sn, cs := math.Sin(th), math.Cos(th)
	temp := (f + cpPML*w*w*sn) / cpTotal
	den := cpLength * (4.0/3.0 - cpMassPole*cs*cs/cpTotal)
	num := cpGravity*sn - cs*temp
	ta = num / den
	xa = temp - cpPML*ta*cs/cpTotal

	dTemp := [3]float64{cpPML * w * w * cs / cpTotal, 2 * cpPML * w * sn / cpTotal, 1 / cpTotal} // θ, θ̇, F
	dDen := cpLength * cpMassPole * 2 * cs * sn / cpTotal                                        // ∂den/∂θ
	dNum := [3]float64{cpGravity*cs + sn*temp - cs*dTemp[0], -cs * dTemp[1], -cs * dTemp[2]}
	dta = (dNum[0]*den - num*dDen) / (den * den)
	dtw = dNum[1] / den
	dtf = dNum[2] / den
	dxa = dTemp[0] - cpPML/cpTotal*(dta*cs-ta*sn)
	dxw = dTemp[1] - cpPML/cpTotal*cs*dtw
	dxf = dTemp[2] - cpPML/cpTotal*cs*dtf
	return
}

// Step implements Env.
func (CartPole) Step(s, a, next []float64) (float64, bool) {
	x, xd, th, w := s[0], s[1], s[2], s[3]
	u, _ := clip(a[0], -1, 1)
	r := math.Cos(th) - 0.1*x*x - 0.001*u*u
	xa, ta, _, _, _, _, _, _ := cartAccel(th, w, cpForce*u)
	next[0] = x + cpTau*xd
	next[1] = xd + cpTau*xa
	next[2] = th + cpTau*w
	next[3] = w + cpTau*ta
	return r, false
}

// Observe implements Env.
func (CartPole) Observe(s, o []float64) { copy(o, s[:4]) }

// Linearize implements Differentiable.
func (CartPole) Linearize(s, a []float64, lin *Linearization) {
	x, th, w := s[0], s[2], s[3]
	u, du := clip(a[0], -1, 1)
	_, _, dxa, dxw, dxf, dta, dtw, dtf := cartAccel(th, w, cpForce*u)
	clear(lin.Fs)
	fs := lin.Fs
	fs[0*4+0], fs[0*4+1] = 1, cpTau
	fs[1*4+1], fs[1*4+2], fs[1*4+3] = 1, cpTau*dxa, cpTau*dxw
	fs[2*4+2], fs[2*4+3] = 1, cpTau
	fs[3*4+2], fs[3*4+3] = cpTau*dta, 1+cpTau*dtw
	lin.Fa[0], lin.Fa[1], lin.Fa[2], lin.Fa[3] = 0, cpTau*dxf*cpForce*du, 0, cpTau*dtf*cpForce*du
	lin.Rs[0], lin.Rs[1], lin.Rs[2], lin.Rs[3] = -0.2*x, 0, -math.Sin(th), 0
	lin.Ra[0] = -0.002 * u * du
	clear(lin.Os)
	for i := range 4 {
		lin.Os[i*4+i] = 1
	}
}

func init() {
	Register("cartpole", func() (Env, error) { return CartPole{}, nil })
}
