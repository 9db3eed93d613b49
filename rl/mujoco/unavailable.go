//go:build !mujoco

package mujoco

import "github.com/hybridgreeks/hybridgreeks/rl"

// why is what rl.Make says about a MuJoCo task in a build without the tag.
const why = "MuJoCo tasks need libmujoco-dev (Debian: apt-get install libmujoco-dev) and a build with -tags mujoco"

func init() {
	for _, name := range []string{"halfcheetah", "hopper", "walker2d"} {
		rl.RegisterUnavailable(name, why)
	}
}
