// Package mujoco provides the MuJoCo locomotion tasks HalfCheetah, Hopper
// and Walker2d as environments of package rl, through cgo against
// MuJoCo 2.2.2 (Debian's libmujoco-dev).
//
// The tasks follow the Gymnasium v4 definitions: the state is (qpos, qvel);
// the observation is qpos without the forward position x, then qvel (clipped
// to ±10 for Hopper and Walker2d); the reward is
//
//	r = (x' − x)/dt − w·|u|² + h,   dt = timestep × frame skip,
//
// with u the action clipped into the actuators' ctrlrange, control weights
// w = 0.1, 1e-3, 1e-3, frame skips 5, 4, 4 and a healthy reward h = 1 for
// Hopper and Walker2d, whose episodes end when the next state is unhealthy
// (torso too low or too tilted, or any of qpos[2:], qvel beyond ±100 for
// Hopper). Episodes last at most 1000 steps. The models are MJCF written by
// the project (models/*.xml), with the standard structure.
//
// The MuJoCo code is built only with the build tag mujoco:
//
//	apt-get install libmujoco-dev
//	go test -tags mujoco ./rl/mujoco
//
// Without the tag the package still compiles and registers the three names
// as unavailable, so that rl.Make explains what to install. Either way a
// program makes the environments available by importing the package for its
// side effect:
//
//	import _ "github.com/hybridgreeks/hybridgreeks/rl/mujoco"
//
// With the tag, the environments are rl.Differentiable: Linearize chains
// one-step Jacobians (A_j = ∂x_{j+1}/∂x_j, B_j = ∂x_{j+1}/∂u) over the k
// sub-steps of the frame skip, the control held,
//
//	A = A_k ⋯ A_1,   B = Σ_j A_k ⋯ A_{j+1} B_j,
//
// and derives the reward's and the observation's derivatives from them. The
// one-step Jacobians are MuJoCo's mjd_transitionFD (centered) for
// HalfCheetah, whose integrator is Euler, and centered differences of
// mj_step for Hopper and Walker2d: MuJoCo 2.2.2's mjd_transitionFD
// linearizes an Euler step whatever the model's integrator, 1e-4 relative
// off for these RK4 models.
//
// A step is a pure function of (state, action): the models disable the
// constraint solver's warm start, which would carry accelerations over from
// whatever was stepped before. An Env is safe for concurrent use.
package mujoco
