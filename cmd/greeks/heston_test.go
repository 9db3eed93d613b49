package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestHestonOption runs greeks option --model heston: the JSON carries the
// model, the five parameters, the Feller flag and what Vega means, and every
// figure with an analytic reference (from analytic.Heston) is within 5 SE
// plus QE's discretization allowance of 1% of its scale at 16 steps (the
// engine's own tests measure it).
func TestHestonOption(t *testing.T) {
	r, raw := runJSON(t, "--model", "heston", "--v0", "0.04", "--kappa", "1", "--theta", "0.04", "--xi", "1",
		"--heston-rho", "-0.7", "--rate", "0.03", "--paths", "32768", "--steps", "16", "--greeks", "delta,gamma,vega,rho,theta")
	if raw["model"] != "heston" || r.Scheme != "qe" {
		t.Fatalf("model %v scheme %v, want heston qe", raw["model"], r.Scheme)
	}
	h, _ := raw["heston"].(map[string]any)
	if h["v0"] != 0.04 || h["kappa"] != 1.0 || h["theta"] != 0.04 || h["xi"] != 1.0 || h["heston_rho"] != -0.7 ||
		h["feller"] != false || h["vega"] != "dV/dsqrt(v0)" {
		t.Errorf("heston object %v", h)
	}
	if r.Price.Analytic == nil || math.Abs(r.Price.Estimate-*r.Price.Analytic) > 5*r.Price.StdErr+0.2 {
		t.Errorf("price %v ± %v, analytic %v", r.Price.Estimate, r.Price.StdErr, r.Price.Analytic)
	}
	scale := map[string]float64{"delta": 0.01, "gamma": 0.0005, "vega": 1, "rho": 1.2, "theta": 0.2}
	n := map[string]int{}
	for _, f := range r.Greeks {
		if f.Analytic == nil {
			t.Errorf("%s(%s): no analytic value", f.Greek, f.Method)
			continue
		}
		if math.Abs(f.Estimate-*f.Analytic) > 5*f.StdErr+scale[f.Greek] {
			t.Errorf("%s(%s) = %v ± %v, analytic %v", f.Greek, f.Method, f.Estimate, f.StdErr, *f.Analytic)
		}
		n[f.Greek]++
	}
	if n["rho"] != 4 || n["theta"] != 1 {
		t.Errorf("figures %v, want rho by fd, pathwise, malliavin and hybrid and theta by fd", n)
	}
}

// TestHestonQEVega runs greeks option --model heston under QE on a set that
// violates Feller mildly (ξ = 0.32, κ = 1, θ = 0.04: ξ² < 3κθ, every QE
// step quadratic): Vega and Theta come by fd, pathwise, malliavin and
// hybrid, each within 5 SE plus the 1%-of-scale allowance of the analytic
// value, and the Feller warning says qe offers them.
func TestHestonQEVega(t *testing.T) {
	r, raw := runJSON(t, "--model", "heston", "--v0", "0.04", "--kappa", "1", "--theta", "0.04", "--xi", "0.32",
		"--heston-rho", "-0.7", "--rate", "0.03", "--paths", "32768", "--steps", "16", "--greeks", "vega,theta")
	scale := map[string]float64{"vega": 1, "theta": 0.2}
	n := map[string]int{}
	for _, f := range r.Greeks {
		if f.Analytic == nil || math.Abs(f.Estimate-*f.Analytic) > 5*f.StdErr+scale[f.Greek] {
			t.Errorf("%s(%s) = %v ± %v, analytic %v", f.Greek, f.Method, f.Estimate, f.StdErr, f.Analytic)
		}
		n[f.Greek]++
	}
	if n["vega"] != 4 || n["theta"] != 4 {
		t.Errorf("figures %v, want vega and theta by fd, pathwise, malliavin and hybrid", n)
	}
	if w := fmt.Sprint(raw["warnings"]); !strings.Contains(w, "offered under qe") {
		t.Errorf("warnings %q do not say qe offers the tangent Greeks", w)
	}
}

// TestHestonUsage checks that bad Heston inputs are usage errors (exit 2)
// naming the input.
func TestHestonUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "heston", "--v0", "-0.1"}, "--v0"},
		{[]string{"--model", "heston", "--xi", "0"}, "--xi"},
		{[]string{"--model", "heston", "--heston-rho", "1"}, "--heston-rho"},
		{[]string{"--model", "heston", "--vol", "0.3"}, "--vol"},
		{[]string{"--kappa", "2"}, "--kappa"},
		{[]string{"--model", "heston", "--scheme", "milstein", "--paths", "100"}, "milstein"},
		{[]string{"--scheme", "qe", "--paths", "100"}, "qe"},
	} {
		code, _, errb := runCLI(t, append([]string{"option"}, c.args...)...)
		if code != 2 || !strings.Contains(errb, c.want) {
			t.Errorf("greeks option %v: exit %d, stderr %q; want 2 naming %s", c.args, code, errb, c.want)
		}
	}
}
