//go:build !mujoco

package mujoco_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/rl"
	_ "github.com/hybridgreeks/hybridgreeks/rl/mujoco"
)

func TestUnavailable(t *testing.T) {
	for _, name := range []string{"halfcheetah", "hopper", "walker2d"} {
		env, err := rl.Make(name)
		if err == nil {
			t.Fatalf("Make(%q) = %v, nil; want an error without the mujoco tag", name, env)
		}
		if !errors.Is(err, rl.ErrUnavailable) {
			t.Errorf("Make(%q) error %v does not wrap rl.ErrUnavailable", name, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "libmujoco-dev") || !strings.Contains(msg, "-tags mujoco") {
			t.Errorf("Make(%q) error %q does not name both libmujoco-dev and -tags mujoco", name, msg)
		}
	}
}
