package greeks

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

func TestHeavyTail(t *testing.T) {
	gbm := func(vol, expiry float64) sde.Model {
		return sde.GBM{Spot: 100, Rate: 0.05, Vol: vol, Expiry: expiry}
	}
	for _, c := range []struct {
		m     sde.Model
		paths int64
		fires bool
	}{
		{gbm(3, 3), 1_000_000, true},
		{gbm(3, 10), 1_000_000, true},
		{gbm(0.2, 1), 1_000, false},
		{gbm(1, 5), 1_000_000, false},
		{gbm(1, 5), 1_000, true}, // e^5 − 1 ≈ 147: ρ ≈ 0.38 at 10³ paths
		{sde.CEV{Spot: 100, Rate: 0.05, Vol: 2, Beta: 0.5, Expiry: 3}, 10_000, false},
	} {
		if got := HeavyTail(c.m, c.paths) != ""; got != c.fires {
			t.Errorf("HeavyTail(%+v, %d) fires %v, want %v", c.m, c.paths, got, c.fires)
		}
	}
}

// TestToleranceMetAndCap: a run stopped by MaxPaths reports the tolerance
// as not met; a huge worker count is capped at a round's chunks.
func TestToleranceMetAndCap(t *testing.T) {
	m := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	res, err := Run(context.Background(), m, payoff.Call{Strike: 100}, Config{Paths: 4096, MaxPaths: 16384, Tolerance: 1e-9,
		Greeks: []Greek{Delta}, Workers: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.ToleranceMet() || res.Paths != 16384 {
		t.Errorf("tolerance 1e-9 met %v at %d paths", res.ToleranceMet(), res.Paths)
	}
	if w := Warnings(m, res); len(w) != 1 || !strings.Contains(w[0], "not met") {
		t.Errorf("warnings %q", w)
	}
	if res.Workers > roundChunks {
		t.Errorf("%d workers, want at most %d", res.Workers, roundChunks)
	}
	res.Price.StdErr = math.Inf(1)
	if bad := res.NotFinite(); len(bad) != 1 || bad[0] != "price" {
		t.Errorf("NotFinite = %v, want [price]", bad)
	}
}

// TestFellerWarning: a Heston run whose parameters violate 2κθ ≥ ξ² says
// so among the warnings; one that satisfies it does not.
func TestFellerWarning(t *testing.T) {
	for _, c := range []struct {
		xi    float64
		fires bool
	}{{0.25, false}, {1, true}} {
		m := sde.Heston{Spot: 100, Rate: 0.05, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: c.xi, Rho: -0.7, Expiry: 1}
		res, err := Run(context.Background(), m, payoff.Call{Strike: 100}, Config{Paths: 4096, Scheme: sde.QE, Steps: 4,
			Greeks: []Greek{Delta}, Methods: []Method{Pathwise}})
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, w := range Warnings(m, res) {
			got = got || strings.Contains(w, "feller condition fails")
		}
		if got != c.fires {
			t.Errorf("xi %v: Feller warning %v, want %v (warnings %q)", c.xi, got, c.fires, Warnings(m, res))
		}
	}
}
