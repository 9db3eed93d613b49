package synthetic

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
)

// TestExact checks the quadrature gradients against closed forms: for the
// hinge d/dθ E[max(0, 1 − z)] = −Φ(d) + ασφ(d), d = (1 − θ)/σ; for the
// step d/dθ P(z > 1) = φ(u)(1 − α(θ − 1))/σ, u = (θ − 1)/σ.
func TestExact(t *testing.T) {
	n := distuv.UnitNormal
	for _, a := range []float64{0.5, 2, 3} {
		m := Model{0.8, a}
		s := m.Sigma()
		d := (1 - m.Theta) / s
		if got, want := m.Exact(Losses[0]), -n.CDF(d)+a*s*n.Prob(d); math.Abs(got-want) > 1e-10 {
			t.Errorf("α=%v hinge: %v, closed form %v", a, got, want)
		}
		u := (m.Theta - 1) / s
		if got, want := m.Exact(Losses[2]), n.Prob(u)*(1-a*(m.Theta-1))/s; math.Abs(got-want) > 1e-10 {
			t.Errorf("α=%v step: %v, closed form %v", a, got, want)
		}
	}
}

// TestErrataNumbers checks the per-sample standard deviations and λ* of
// ERRATA §2.8 at θ = 0.8, α = 2.
func TestErrataNumbers(t *testing.T) {
	m := Model{0.8, 2}
	for _, c := range []struct {
		loss           Loss
		sp, ss, sh, ls float64
	}{
		{Losses[0], 5.5, 21.2, 4.8, 1.14},
		{Losses[1], 1.81, 5.28, 1.55, 0.844},
	} {
		vp, vs, cv, l := m.Optimal(c.loss)
		sh := math.Sqrt(l*l*vp + (1-l)*(1-l)*vs + 2*l*(1-l)*cv)
		for _, x := range []struct{ got, want float64 }{{math.Sqrt(vp), c.sp}, {math.Sqrt(vs), c.ss}, {sh, c.sh}, {l, c.ls}} {
			if math.Abs(x.got-x.want) > 0.006*x.want {
				t.Errorf("%s: %v, ERRATA says %v", c.loss.Name, x.got, x.want)
			}
		}
	}
}

// TestEstimatorsUnbiased checks every estimator of Table 1 on the hinge and
// the clipped quadratic: the replicate mean within 5 standard errors of the
// exact gradient; the paper's normalized weight is biased by 1/√(1+α²).
func TestEstimatorsUnbiased(t *testing.T) {
	const R, n = 200, 20_000
	m := Model{0.8, 2}
	for li, l := range Losses[:2] {
		exact := m.Exact(l)
		sum, sq := make([]float64, len(Estimators)), make([]float64, len(Estimators))
		e, p, s, f, u := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for r := range R {
			draw(77, li, r, e)
			samples(m, l, e, p, s, f, u)
			for k, o := range estimate(p, s, f, u, 4, m.Alpha) {
				sum[k] += o.value
				sq[k] += o.value * o.value
			}
		}
		for k, name := range Estimators {
			mean := sum[k] / R
			se := math.Sqrt((sq[k]/R - mean*mean) / (R - 1))
			want := exact
			if k == len(Estimators)-1 {
				want = exact / math.Sqrt(1+m.Alpha*m.Alpha)
			}
			if math.Abs(mean-want) > 5*se {
				t.Errorf("%s %s: mean %v ± %v, want %v", l.Name, name, mean, se, want)
			}
		}
	}
}

// TestUnbiasedModes shows the plug-in hybrid's O(1/B) bias at small
// batches and checks that the cross-fitted and running-mean hybrids have
// none, within 5 standard errors over many batches.
func TestUnbiasedModes(t *testing.T) {
	const R, b = 20_000, 16
	m := Model{0.8, 2}
	l := Losses[1]
	exact := m.Exact(l)
	var sum, sq [3]float64
	run := mlbridge.Hybrid{Mode: mlbridge.Running}
	e, p, s, f, u := make([]float64, b), make([]float64, b), make([]float64, b), make([]float64, b), make([]float64, b)
	var d [1]float64
	for r := range R {
		draw(31, 0, r, e)
		samples(m, l, e, p, s, f, u)
		plug := mlbridge.Hybrid{}
		plug.Batch(p, s, b, d[:])
		sum[0], sq[0] = sum[0]+d[0], sq[0]+d[0]*d[0]
		cf := mlbridge.Hybrid{Mode: mlbridge.Crossfit}
		cf.Batch(p, s, b, d[:])
		sum[1], sq[1] = sum[1]+d[0], sq[1]+d[0]*d[0]
		run.Batch(p, s, b, d[:])
		sum[2], sq[2] = sum[2]+d[0], sq[2]+d[0]*d[0]
	}
	for k, name := range []string{"plugin", "crossfit", "running"} {
		mean := sum[k] / R
		se := math.Sqrt((sq[k]/R - mean*mean) / (R - 1))
		z := (mean - exact) / se
		if k == 0 && math.Abs(z) < 5 {
			t.Errorf("plug-in bias at B=%d not visible: %v ± %v against %v", b, mean, se, exact)
		}
		if k > 0 && math.Abs(z) > 5 {
			t.Errorf("%s at B=%d: %v ± %v, want %v", name, b, mean, se, exact)
		}
		t.Logf("%s B=%d: bias %.4f ± %.4f", name, b, mean-exact, se)
	}
}

// TestGuard: the guard fires on the step loss (pathwise is 0 almost surely)
// and stays quiet on the hinge and the clipped quadratic, at 10⁵ samples.
func TestGuard(t *testing.T) {
	const n = 100_000
	m := Model{0.8, 2}
	e, p, s, f, u := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for li, l := range Losses {
		for r := range 5 {
			draw(55, li, r, e)
			samples(m, l, e, p, s, f, u)
			var h mlbridge.Hybrid
			var d [1]float64
			st := h.Batch(p, s, n, d[:])
			if st.Guard.Biased == l.Lipschitz {
				t.Errorf("%s replicate %d: guard biased=%v (z = %.1f, threshold %.2f)", l.Name, r, st.Guard.Biased, st.Guard.Z, st.Guard.Threshold)
			}
			if st.Guard.Biased && (st.Mixed || d[0] != stMean(s)) {
				t.Errorf("%s: guard fired but the pathwise estimator was mixed", l.Name)
			}
		}
	}
}

func stMean(x []float64) float64 {
	a := mlbridge.NewAcc(1)
	a.AddBatch(x, x, len(x))
	var p, s [1]float64
	a.Means(p[:], s[:])
	return s[0]
}

// TestRunSmall runs a shrunken study end to end and draws its figures.
func TestRunSmall(t *testing.T) {
	cfg := Config{Replicates: 4, Samples: 4000, SmallBatch: 40, Alphas: []float64{1, 2}, BatchSizes: []int{8, 32, 128}, Trials: 40, Seed: 3}
	r, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Table1) != len(Losses)*2*len(Estimators) || len(r.Figure1) != 4 || len(r.Figure3) != 3 || len(r.Figure4) != 4 {
		t.Errorf("sizes: table1 %d, figure1 %d, figure3 %d, figure4 %d", len(r.Table1), len(r.Figure1), len(r.Figure3), len(r.Figure4))
	}
	if s := r.Figure3[0].Slope; !(s < -0.5 && s > -1.6) {
		t.Errorf("figure 3 slope %v, want about −1", s)
	}
	dir := t.TempDir()
	if err := r.Plot(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"table1.png", "figure1.png", "figure3.png", "figure4.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// Same seed, other worker count: the same numbers.
	cfg.Workers = 1
	r1, _ := Run(context.Background(), cfg)
	cfg.Workers = 3
	r3, _ := Run(context.Background(), cfg)
	for i := range r1.Table1 {
		if r1.Table1[i].Mean != r3.Table1[i].Mean {
			t.Fatalf("workers change table 1 row %d: %v vs %v", i, r1.Table1[i].Mean, r3.Table1[i].Mean)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{{Replicates: 1}, {Samples: 3}, {Alphas: []float64{-1}}, {BatchSizes: []int{2}}, {Trials: 1}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
