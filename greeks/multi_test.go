package greeks

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// correlated builds a d-asset model with constant correlation rho or the
// matrix given.
func correlated(t testing.TB, spot, div, vol []float64, corr [][]float64) sde.Correlated {
	t.Helper()
	m, err := sde.NewCorrelated(spot, div, vol, 0.05, 1, corr)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func constCorr(d int, rho float64) [][]float64 { return testref.ConstCorr(d, rho) }

// TestOneAssetIsGBM: the one-asset model with a one-asset basket call (and a
// one-asset worst-of digital) gives the single-asset engine's numbers, bit
// for bit: d = 1 is the same code.
func TestOneAssetIsGBM(t *testing.T) {
	g := sde.GBM{Spot: 100, Rate: 0.05, Div: 0.02, Vol: 0.25, Expiry: 1}
	c := correlated(t, []float64{100}, []float64{0.02}, []float64{0.25}, [][]float64{{1}})
	for _, tc := range []struct{ single, multi payoff.Payoff }{
		{payoff.Call{Strike: 105}, payoff.BasketCall{Strike: 105, Weights: []float64{1}}},
		{payoff.DigitalCall{Strike: 105, Cash: 1}, payoff.WorstOfDigitalCall{Strike: 105, Cash: 1, N: 1}},
	} {
		a := run(t, g, tc.single, Config{Paths: 100_000})
		b := run(t, c, tc.multi, Config{Paths: 100_000})
		if a.Price != b.Price || len(a.Figures) != len(b.Figures) {
			t.Fatalf("%s: price %v, %d figures; %s: %v, %d", tc.single.Name(), a.Price, len(a.Figures), tc.multi.Name(), b.Price, len(b.Figures))
		}
		for i, f := range a.Figures {
			h := b.Figures[i]
			if f.Estimate != h.Estimate || !same(f.Lambda, h.Lambda) || !same(f.Smoothing, h.Smoothing) {
				t.Errorf("%s %s %s = %+v; %s: %+v", tc.single.Name(), f.Greek, f.Method, f, tc.multi.Name(), h)
			}
		}
	}
}

func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// multiCases have closed forms (greeks/analytic): correlations of both
// signs, dividends, in and out of the money.
func multiCases(t testing.TB) []struct {
	name string
	m    sde.Correlated
	p    payoff.Payoff
} {
	m2 := func(rho float64) sde.Correlated {
		return correlated(t, []float64{100, 95}, []float64{0.01, 0.03}, []float64{0.25, 0.2}, constCorr(2, rho))
	}
	m3 := correlated(t, []float64{100, 90, 110}, []float64{0, 0.02, 0.04}, []float64{0.2, 0.3, 0.25},
		[][]float64{{1, 0.5, -0.2}, {0.5, 1, 0.3}, {-0.2, 0.3, 1}})
	return []struct {
		name string
		m    sde.Correlated
		p    payoff.Payoff
	}{
		{"geo3", m3, payoff.GeometricBasketCall{Strike: 95, Weights: []float64{0.5, 0.3, 0.2}}},
		{"geo2-", m2(-0.5), payoff.GeometricBasketPut{Strike: 100, Weights: []float64{0.5, 0.5}}},
		{"exchange+", m2(0.6), payoff.SpreadCall{Strike: 0}},
		{"exchange-", m2(-0.4), payoff.SpreadPut{Strike: 0}},
		{"best+", m2(0.5), payoff.BestOfCall{Strike: 105, N: 2}},
		{"best-", m2(-0.3), payoff.BestOfPut{Strike: 110, N: 2}},
		{"worst+", m2(0.7), payoff.WorstOfCall{Strike: 90, N: 2}},
		{"worst-", m2(-0.5), payoff.WorstOfPut{Strike: 100, N: 2}},
	}
}

// TestMultiClosedForm checks every Greek of every asset (and every cross
// Gamma) by every valid method against the closed forms within 5 standard
// errors; fd against the closed form's own central difference with the same
// bumps (its expectation).
func TestMultiClosedForm(t *testing.T) {
	n := int64(1_000_000)
	if testing.Short() {
		n = 200_000
	}
	for _, c := range multiCases(t) {
		t.Run(c.name+"/"+c.p.Name(), func(t *testing.T) {
			ref, err := analytic.MultiReference(c.m, c.p)
			if err != nil {
				t.Fatal(err)
			}
			r := run(t, c.m, c.p, Config{Paths: n})
			if !within(r.Price, ref.Price) {
				t.Errorf("price = %v ± %v, want %v", r.Price.Value, r.Price.StdErr, ref.Price)
			}
			methods := map[Method]int{}
			for _, f := range r.Figures {
				methods[f.Method]++
				want := refValue(ref, f)
				if f.Method == FD {
					want = centralDifference(t, c.m, c.p, f, r.Bumps)
				}
				if !within(f.Estimate, want) {
					t.Errorf("%s(%d,%d) %s = %v ± %v, want %v", f.Greek, f.Asset, f.Asset2, f.Method, f.Value, f.StdErr, want)
				}
			}
			// 2 or 3 assets: Delta, Gamma, Vega each and the pairs, by 4 methods.
			d := c.m.Assets()
			if want := 3*d + d*(d-1)/2; methods[Hybrid] != want || methods[FD] != want || methods[Malliavin] != want || methods[Pathwise] != want {
				t.Errorf("figures by method %v, want %d each", methods, want)
			}
		})
	}
}

func refValue(ref analytic.AssetValues, f Figure) float64 {
	switch f.Greek {
	case Delta:
		return ref.Delta[f.Asset]
	case Gamma:
		return ref.Gamma[f.Asset]
	case Vega:
		return ref.Vega[f.Asset]
	}
	return ref.Cross.At(f.Asset, f.Asset2)
}

// centralDifference is the closed form's central difference with the
// engine's bumps: what fd estimates without bias.
func centralDifference(t *testing.T, m sde.Correlated, p payoff.Payoff, f Figure, b Bumps) float64 {
	t.Helper()
	at := func(i, j int, si, sj float64, vol bool) float64 {
		q := m.BumpAsset(i, m.Spot[i]*(1+si*b.Spot), m.Vol[i])
		if vol {
			q = m.BumpAsset(i, m.Spot[i], m.Vol[i]+si*b.Vol)
		}
		if j >= 0 {
			q = q.BumpAsset(j, m.Spot[j]*(1+sj*b.Spot), m.Vol[j])
		}
		v, err := analytic.MultiPrice(q, p)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	i, j := f.Asset, f.Asset2
	hi, hj := b.Spot*m.Spot[i], b.Spot*m.Spot[j]
	switch f.Greek {
	case Delta:
		return (at(i, -1, 1, 0, false) - at(i, -1, -1, 0, false)) / (2 * hi)
	case Gamma:
		return (at(i, -1, 1, 0, false) - 2*at(i, -1, 0, 0, false) + at(i, -1, -1, 0, false)) / (hi * hi)
	case Vega:
		return (at(i, -1, 1, 0, true) - at(i, -1, -1, 0, true)) / (2 * b.Vol)
	}
	return (at(i, j, 1, 1, false) - at(i, j, 1, -1, false) - at(i, j, -1, 1, false) + at(i, j, -1, -1, false)) / (4 * hi * hj)
}

// TestMultiVsFD checks the pathwise, Malliavin, localized and hybrid Greeks
// of every asset where there is no closed form against fd on the same paths
// (common random numbers), within 5 standard errors of the difference taken
// as if the two were independent (conservative: common random numbers
// correlate them positively): an arithmetic basket call of 5 assets (Delta,
// Gamma, Vega; the first cross Gammas) and a worst-of digital of 3 (Delta,
// Vega). A weight without ρ⁻¹ is off by far more.
func TestMultiVsFD(t *testing.T) {
	n := int64(1_000_000)
	if testing.Short() {
		n = 200_000
	}
	b5 := correlated(t, []float64{100, 90, 110, 105, 95}, []float64{0, 0.02, 0.01, 0.03, 0}, []float64{0.2, 0.3, 0.25, 0.15, 0.35},
		constCorr(5, 0.4))
	b3 := correlated(t, []float64{100, 95, 105}, []float64{0.01, 0, 0.02}, []float64{0.2, 0.25, 0.3},
		[][]float64{{1, 0.6, -0.3}, {0.6, 1, 0.2}, {-0.3, 0.2, 1}})
	for _, c := range []struct {
		m      sde.Correlated
		p      payoff.Payoff
		greeks []Greek
		paths  int64
	}{
		{b5, payoff.BasketCall{Strike: 100, Weights: []float64{0.3, 0.2, 0.2, 0.15, 0.15}}, []Greek{Delta, Gamma, Vega, CrossGamma}, n},
		{b3, payoff.WorstOfDigitalCall{Strike: 90, Cash: 10, N: 3}, []Greek{Delta, Vega}, 2 * n},
	} {
		t.Run(c.p.Name(), func(t *testing.T) {
			r := run(t, c.m, c.p, Config{Paths: c.paths, Greeks: c.greeks, Smoothing: 2})
			checked := 0
			for _, f := range r.Figures {
				if f.Method == FD {
					continue
				}
				fd, ok := r.AssetFigure(f.Greek, FD, f.Asset, f.Asset2)
				if !ok {
					t.Fatalf("no fd %s(%d,%d)", f.Greek, f.Asset, f.Asset2)
				}
				se := math.Hypot(f.StdErr, fd.StdErr)
				if math.Abs(f.Value-fd.Value) > 5*se {
					t.Errorf("%s(%d,%d) %s = %v ± %v, fd %v ± %v", f.Greek, f.Asset, f.Asset2, f.Method, f.Value, f.StdErr, fd.Value, fd.StdErr)
				}
				checked++
			}
			if checked == 0 {
				t.Fatal("nothing checked")
			}
		})
	}
}

// TestMultiWorkers: the same seed gives the same numbers on any number of
// workers.
func TestMultiWorkers(t *testing.T) {
	m := correlated(t, []float64{100, 90, 110}, []float64{0, 0.02, 0.04}, []float64{0.2, 0.3, 0.25}, constCorr(3, 0.3))
	p := payoff.BasketDigitalCall{Strike: 100, Cash: 1, Weights: []float64{0.4, 0.3, 0.3}}
	var first *Result
	for _, w := range []int{1, 2, 5} {
		r := run(t, m, p, Config{Paths: 50_000, Workers: w, Seed: 7})
		if first == nil {
			first = r
			continue
		}
		if r.Price != first.Price {
			t.Errorf("workers %d: price %v, want %v", w, r.Price, first.Price)
		}
		for i, f := range r.Figures {
			if g := first.Figures[i]; f.Estimate != g.Estimate || !same(f.Lambda, g.Lambda) {
				t.Errorf("workers %d: %s(%d,%d) %s = %v, want %v", w, f.Greek, f.Asset, f.Asset2, f.Method, f.Estimate, g.Estimate)
			}
		}
	}
}

// TestMultiCoverage: the 95% intervals of the hybrid and Malliavin Deltas of
// a basket digital cover the true Delta (a 16-million-path hybrid, whose
// error is a 28th of one run's) in 92–98% of 200 runs.
func TestMultiCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("coverage study skipped under -short")
	}
	const seeds = 200
	m := correlated(t, []float64{100, 95}, []float64{0.01, 0.03}, []float64{0.25, 0.2}, constCorr(2, 0.5))
	p := payoff.BasketDigitalCall{Strike: 100, Cash: 1, Weights: []float64{0.5, 0.5}}
	cfg := Config{Paths: 20_000, Greeks: []Greek{Delta}, Methods: []Method{Malliavin, Hybrid}, Smoothing: 4, Workers: 2}
	big := cfg
	big.Paths, big.Seed, big.Methods = 16<<20, 999_999, []Method{Hybrid}
	truth, _ := run(t, m, p, big).Figure(Delta, Hybrid)
	hits := map[Method]int{}
	for s := range seeds {
		cfg.Seed = 1_000_000*(*seed) + uint64(s) + 1
		r := run(t, m, p, cfg)
		for _, f := range r.Figures {
			if f.Asset != 0 {
				continue
			}
			if lo, hi := f.CI95(); lo <= truth.Value && truth.Value <= hi {
				hits[f.Method]++
			}
		}
	}
	for _, x := range []Method{Malliavin, Hybrid} {
		share := float64(hits[x]) / seeds
		t.Logf("basket-digital-call Delta(0) %s: coverage %.1f%% (truth %v ± %v)", x, 100*share, truth.Value, truth.StdErr)
		if share < 0.92 || share > 0.98 {
			t.Errorf("%s: 95%% interval covers in %.1f%% of %d runs, want 92–98%%", x, 100*share, seeds)
		}
	}
}

// TestMultiErrors: inputs that do not fit.
func TestMultiErrors(t *testing.T) {
	for _, c := range []struct {
		corr [][]float64
		want string
	}{
		{[][]float64{{1, 1.2}, {1.2, 1}}, "correlation[0][1] = 1.2"},
		{[][]float64{{1, 0.3}, {0.2, 1}}, "correlation[0][1] = 0.3: the matrix must be symmetric"},
		{[][]float64{{0.9, 0.3}, {0.3, 1}}, "correlation[0][0] = 0.9: the diagonal must be 1"},
		{[][]float64{{1, 0.9, -0.9}, {0.9, 1, 0.9}, {-0.9, 0.9, 1}}, "not positive definite: its smallest eigenvalue is -0.8"},
		{[][]float64{{1, 0.3}}, "1 correlation rows for 2 assets"},
	} {
		d := len(c.corr[0])
		_, err := sde.NewCorrelated(make2(d, 100), make2(d, 0), make2(d, 0.2), 0.05, 1, c.corr)
		if err == nil || !contains(err.Error(), c.want) {
			t.Errorf("NewCorrelated(%v) = %v, want an error with %q", c.corr, err, c.want)
		}
	}
	m := correlated(t, make2(3, 100), make2(3, 0), make2(3, 0.2), constCorr(3, 0.2))
	_, err := Run(t.Context(), m, payoff.BasketCall{Strike: 100, Weights: []float64{0.5, 0.5}}, Config{Paths: 100})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Name != "assets" {
		t.Errorf("two-asset basket on three assets: %v, want a ParamError on assets", err)
	}
	if _, err := Run(t.Context(), m, payoff.Call{Strike: 100}, Config{Paths: 100}); err == nil {
		t.Error("call on three assets: no error")
	}
	if _, err := Run(t.Context(), m, payoff.BestOfCall{Strike: 100, N: 3}, Config{Paths: 100, Scheme: sde.Euler}); err == nil {
		t.Error("three assets under euler: no error")
	}
	if _, err := payoff.NewMulti(payoff.MultiSpec{Name: "spread-call", Assets: 3}); err == nil {
		t.Error("spread-call on three assets: no error")
	}
	if _, err := payoff.NewMulti(payoff.MultiSpec{Name: "basket-call", Assets: 3, Strike: 100, Weights: []float64{1, 2}}); err == nil || err.Error() != "payoff: 2 weights for 3 assets" {
		t.Errorf("2 weights for 3 assets: %v", err)
	}
	g := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	if _, err := Run(t.Context(), g, payoff.Call{Strike: 100}, Config{Paths: 100, Greeks: []Greek{CrossGamma}}); err == nil {
		t.Error("cross-gamma on one asset: no error")
	}
}

// TestManyAssets: 50 assets run, with a Delta for each.
func TestManyAssets(t *testing.T) {
	const d = 50
	m := correlated(t, make2(d, 100), make2(d, 0.01), make2(d, 0.25), constCorr(d, 0.3))
	r := run(t, m, payoff.BasketCall{Strike: 100, Weights: make2(d, 1.0/d)}, Config{Paths: 8192, Greeks: []Greek{Delta}, Methods: []Method{Pathwise, Malliavin, Hybrid}})
	if len(r.Figures) != 3*d {
		t.Errorf("%d figures, want %d", len(r.Figures), 3*d)
	}
	for _, f := range r.Figures {
		if math.IsNaN(f.Value) || f.Asset < 0 || f.Asset >= d {
			t.Errorf("%s(%d) %s = %v", f.Greek, f.Asset, f.Method, f.Value)
		}
	}
}

func make2(d int, v float64) []float64 {
	s := make([]float64, d)
	for i := range s {
		s[i] = v
	}
	return s
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestMultiLambdaModes: the hybrid of every asset's Greeks in every λ mode,
// and a run stopped by a tolerance, against the closed form of an exchange
// option.
func TestMultiLambdaModes(t *testing.T) {
	c := multiCases(t)[2] // exchange, ρ = 0.6
	ref, err := analytic.MultiReference(c.m, c.p)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []Config{
		{Paths: 200_000, Lambda: Plugin},
		{Paths: 200_000, Lambda: Pilot},
		{Paths: 65_536, Tolerance: 0.002, Greeks: []Greek{Delta}},
	} {
		cfg.Methods = []Method{Hybrid}
		r := run(t, c.m, c.p, cfg)
		t.Logf("%s tolerance %v: %d paths, %d figures", cfg.Lambda, cfg.Tolerance, r.Paths, len(r.Figures))
		if cfg.Tolerance > 0 {
			if r.Paths <= cfg.Paths {
				t.Errorf("tolerance: stopped at %d paths", r.Paths)
			}
		}
		for _, f := range r.Figures {
			if cfg.Tolerance > 0 && f.StdErr > cfg.Tolerance {
				t.Errorf("tolerance %v: %s(%d) stderr %v", cfg.Tolerance, f.Greek, f.Asset, f.StdErr)
			}
			if want := refValue(ref, f); !within(f.Estimate, want) {
				t.Errorf("%s: %s(%d,%d) = %v ± %v, want %v", cfg.Lambda, f.Greek, f.Asset, f.Asset2, f.Value, f.StdErr, want)
			}
		}
	}
}

// TestMultiPairedFD compares the pathwise, Malliavin and hybrid Delta and
// Vega of every asset of a basket of 5 with fd on the same paths through
// the paired difference over independent runs, whose standard error common
// random numbers make far smaller than either estimate's (for pathwise,
// about a tenth).
func TestMultiPairedFD(t *testing.T) {
	if testing.Short() {
		t.Skip("paired runs skipped under -short")
	}
	m := correlated(t, []float64{100, 90, 110, 105, 95}, []float64{0, 0.02, 0.01, 0.03, 0}, []float64{0.2, 0.3, 0.25, 0.15, 0.35},
		constCorr(5, 0.4))
	p := payoff.BasketCall{Strike: 100, Weights: []float64{0.3, 0.2, 0.2, 0.15, 0.15}}
	const runs = 12
	type key struct {
		g Greek
		x Method
		a int
	}
	var sum, sum2 = map[key]float64{}, map[key]float64{}
	for i := range runs {
		r := run(t, m, p, Config{Paths: 100_000, Seed: *seed*100 + uint64(i), Greeks: []Greek{Delta, Vega}})
		for _, f := range r.Figures {
			if f.Method == FD {
				continue
			}
			fd, _ := r.AssetFigure(f.Greek, FD, f.Asset, f.Asset)
			k := key{f.Greek, f.Method, f.Asset}
			d := f.Value - fd.Value
			sum[k] += d
			sum2[k] += d * d
		}
	}
	for k, s := range sum {
		mean := s / runs
		se := math.Sqrt((sum2[k]/runs - mean*mean) / (runs - 1))
		if k.a == 2 && k.g == Delta {
			t.Logf("%s(%d) %s − fd = %.2g ± %.2g", k.g, k.a, k.x, mean, se)
		}
		if math.Abs(mean) > 5*se {
			t.Errorf("%s(%d) %s − fd = %v ± %v over %d paired runs", k.g, k.a, k.x, mean, se, runs)
		}
	}
}
