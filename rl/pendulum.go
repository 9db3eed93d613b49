package rl

import "math"

// Pendulum is Gymnasium's Pendulum-v1: an inverted pendulum swung up and
// held by a bounded torque. State (θ, θ̇) with θ = 0 upright; observation
// (cos θ, sin θ, θ̇); action the torque u, clipped to [−2, 2]; 200 steps, no
// termination. With g = 10, m = l = 1, dt = 0.05:
//
//	r       = −(norm(θ)² + 0.1 θ̇² + 0.001 u²)      (at the state before the step)
//	θ̇'      = clip(θ̇ + (3g/(2l) sin θ + 3/(m l²) u) dt, −8, 8)
//	θ'      = θ + θ̇' dt
//
// where norm wraps an angle into [−π, π). The reward is continuous (norm(θ)²
// is, though its derivative jumps at ±π) and the clips are Lipschitz, so the
// pathwise estimator is valid. Reset draws θ ~ U(−π, π), θ̇ ~ U(−1, 1).
type Pendulum struct{}

const (
	pendG, pendM, pendL = 10.0, 1.0, 1.0
	pendDt              = 0.05
	pendMaxSpeed        = 8.0
	pendMaxTorque       = 2.0
)

// Spec implements Env.
func (Pendulum) Spec() Spec {
	return Spec{Name: "pendulum", StateDim: 2, ObsDim: 3, ActDim: 1, Horizon: 200,
		Low: []float64{-pendMaxTorque}, High: []float64{pendMaxTorque}}
}

// Reset implements Env.
func (Pendulum) Reset(r Rand, s []float64) {
	s[0] = math.Pi * (2*r.Float64() - 1)
	s[1] = 2*r.Float64() - 1
}

// angleNorm wraps x into [−π, π) as Gymnasium's angle_normalize does.
func angleNorm(x float64) float64 {
	y := math.Mod(x+math.Pi, 2*math.Pi)
	if y < 0 {
		y += 2 * math.Pi
	}
	return y - math.Pi
}

// clip returns x clipped into [lo, hi] and the derivative of the clip at x
// (1 inside, 0 outside; the kinks have measure zero).
func clip(x, lo, hi float64) (float64, float64) {
	switch {
	case x < lo:
		return lo, 0
	case x > hi:
		return hi, 0
	}
	return x, 1
}

// Step implements Env.
func (Pendulum) Step(s, a, next []float64) (float64, bool) {
	th, thdot := s[0], s[1]
	u, _ := clip(a[0], -pendMaxTorque, pendMaxTorque)
	n := angleNorm(th)
	r := -(n*n + 0.1*thdot*thdot + 0.001*u*u)
	v, _ := clip(thdot+(3*pendG/(2*pendL)*math.Sin(th)+3/(pendM*pendL*pendL)*u)*pendDt, -pendMaxSpeed, pendMaxSpeed)
	next[0] = th + v*pendDt
	next[1] = v
	return r, false
}

// Observe implements Env.
func (Pendulum) Observe(s, o []float64) {
	o[0], o[1], o[2] = math.Cos(s[0]), math.Sin(s[0]), s[1]
}

// Linearize implements Differentiable.
func (Pendulum) Linearize(s, a []float64, lin *Linearization) {
	th, thdot := s[0], s[1]
	u, du := clip(a[0], -pendMaxTorque, pendMaxTorque)
	_, dv := clip(thdot+(3*pendG/(2*pendL)*math.Sin(th)+3/(pendM*pendL*pendL)*u)*pendDt, -pendMaxSpeed, pendMaxSpeed)
	dvdth := dv * 3 * pendG / (2 * pendL) * math.Cos(th) * pendDt
	dvdthdot := dv
	dvdu := dv * 3 / (pendM * pendL * pendL) * pendDt * du
	// s' = (θ + v dt, v)
	lin.Fs[0], lin.Fs[1] = 1+pendDt*dvdth, pendDt*dvdthdot
	lin.Fs[2], lin.Fs[3] = dvdth, dvdthdot
	lin.Fa[0], lin.Fa[1] = pendDt*dvdu, dvdu
	lin.Rs[0], lin.Rs[1] = -2*angleNorm(th), -0.2*thdot
	lin.Ra[0] = -0.002 * u * du
	lin.Os[0], lin.Os[1] = -math.Sin(th), 0
	lin.Os[2], lin.Os[3] = math.Cos(th), 0
	lin.Os[4], lin.Os[5] = 0, 1
}

func init() {
	Register("pendulum", func() (Env, error) { return Pendulum{}, nil })
}
