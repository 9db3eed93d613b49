package analytic

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestNcx2Central checks that λ = 0 gives the central chi-square: the
// mixture has the one term j = 0 with weight 1, so the distribution and
// survival functions are gonum's to the bit. The density is computed by
// poissonTerm, not by distuv.ChiSquared.Prob; both have a relative error of
// a few ε·(1 + (k/2) ln(k/2)) at most (the direct formula's, for k up to
// 1000), well below 1e-12.
func TestNcx2Central(t *testing.T) {
	for _, k := range []float64{0.5, 1, 2, 2.5, 5, 7, 30, 1000} {
		chi := distuv.ChiSquared{K: k}
		d := ncx2{k: k}
		for _, p := range []float64{1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-6} {
			z := chi.Quantile(p)
			name := fmt.Sprintf("k=%v,z=%v", k, z)
			if got, want := d.cdf(z), chi.CDF(z); got != want {
				t.Errorf("cdf(%s) = %v, want %v", name, got, want)
			}
			if got, want := d.survival(z), chi.Survival(z); got != want {
				t.Errorf("survival(%s) = %v, want %v", name, got, want)
			}
			if got, want := d.prob(z), chi.Prob(z); math.Abs(got-want) > 1e-12*want {
				t.Errorf("prob(%s) = %v, want %v", name, got, want)
			}
		}
	}
}

// TestNcx2OneDegree checks against the closed form for k = 1, where
// X = (Z + √λ)² with Z standard normal:
//
//	P(X ≤ z) = N(√z − √λ) − N(−√z − √λ),
//	P(X > z) = N(√λ − √z) + N(−√z − √λ),
//	f(z)     = (φ(√z − √λ) + φ(√z + √λ)) / (2√z).
//
// This is independent of the series. The series leaves out Poisson mass
// below 2e-15, which bounds its truncation error absolutely, not relative to
// a small tail; each term carries the error of gonum's regularized incomplete
// gamma function, near 1e-15 relative, summed over O(√λ) terms of positive
// weight. The tolerance is 1e-13 relative plus 4e-15 absolute; z runs from
// 30 standard deviations below the mean, where the truncation is all of
// the error, to 30 above.
func TestNcx2OneDegree(t *testing.T) {
	const rel, abs = 1e-13, 4e-15
	n := distuv.UnitNormal
	for _, lambda := range []float64{0.1, 1, 10, 100, 1e4, 1e6} {
		d := ncx2{k: 1, lambda: lambda}
		sl := math.Sqrt(lambda)
		for _, x := range []float64{-30, -5, -1, 0, 0.5, 1, 5, 30} {
			sz := sl + x
			if sz <= 0 {
				continue
			}
			z := sz * sz
			cdf := n.CDF(sz-sl) - n.CDF(-sz-sl)
			sf := n.CDF(sl-sz) + n.CDF(-sz-sl)
			pdf := (n.Prob(sz-sl) + n.Prob(sz+sl)) / (2 * sz)
			name := fmt.Sprintf("λ=%v,z=%v", lambda, z)
			if got := d.cdf(z); math.Abs(got-cdf) > rel*cdf+abs {
				t.Errorf("cdf(%s) = %v, want %v", name, got, cdf)
			}
			if got := d.survival(z); math.Abs(got-sf) > rel*sf+abs {
				t.Errorf("survival(%s) = %v, want %v", name, got, sf)
			}
			if got := d.prob(z); math.Abs(got-pdf) > rel*pdf+abs {
				t.Errorf("prob(%s) = %v, want %v", name, got, pdf)
			}
		}
	}
}

// besselPDF is the noncentral chi-square density in its Bessel-function form
// (Johnson, Kotz and Balakrishnan, eq. 29.4),
//
//	f(z; k, λ) = ½ e^{−(z+λ)/2} (z/λ)^{ν/2} I_ν(√(λz)),   ν = k/2 − 1,
//
// with I_ν summed from its power series Σ_m (x/2)^{2m+ν} / (m! Γ(m+ν+1)),
// each term in logarithms with math.Lgamma. It is the straightforward
// evaluation the series of ncx2 is checked against: no recurrences, no
// Poisson weights, no incomplete gamma function. Its relative error is about
// ε times the largest exponent, |λ + z| at most, below 1e-12 here.
func besselPDF(z, k, lambda float64) float64 {
	nu := k/2 - 1
	x := math.Sqrt(lambda * z)
	base := -(z+lambda)/2 + nu/2*math.Log(z/lambda) - math.Ln2
	var terms []float64
	hi := math.Inf(-1)
	for m := 0.0; ; m++ {
		lg1, _ := math.Lgamma(m + 1)
		lg2, _ := math.Lgamma(m + nu + 1)
		lt := base + (2*m+nu)*math.Log(x/2) - lg1 - lg2
		terms = append(terms, lt)
		hi = math.Max(hi, lt)
		if m > x && lt < hi-40 {
			break
		}
	}
	var sum float64
	for _, lt := range terms {
		sum += math.Exp(lt - hi)
	}
	return math.Exp(hi) * sum
}

// TestNcx2Quadrature checks the distribution function against the integral
// of the Bessel-form density by Gauss–Legendre quadrature, and the density
// against the Bessel form pointwise, for the degrees of freedom and
// noncentralities of the CEV formula at β = 0.5 (k = 2, 4) and β = 0.8
// (k = 5, 7), and k = 3. With z = u² the integrand 2u f(u²) behaves as
// u^{k−1} at 0 and is smooth for integer k; 40 panels of 20 nodes integrate
// it to near rounding, so the tolerance is 1e-12, set by the accuracy of
// the Bessel-form density.
func TestNcx2Quadrature(t *testing.T) {
	for _, test := range []struct{ k, lambda float64 }{
		{2, 0.5}, {3, 5}, {4, 100}, {2, 100}, {5, 630}, {7, 630}, {7, 2},
	} {
		d := ncx2{k: test.k, lambda: test.lambda}
		mean, sd := test.k+test.lambda, math.Sqrt(2*(test.k+2*test.lambda))
		for _, zs := range []float64{-3, -1, 0, 1, 3} {
			z := mean + zs*sd
			if z <= 0 {
				continue
			}
			name := fmt.Sprintf("k=%v,λ=%v,z=%v", test.k, test.lambda, z)
			if got, want := d.prob(z), besselPDF(z, test.k, test.lambda); math.Abs(got-want) > 1e-12*want {
				t.Errorf("prob(%s) = %v, want %v (Bessel form)", name, got, want)
			}
			const panels, nodes = 40, 20
			f := func(u float64) float64 {
				if u == 0 {
					return 0
				}
				return 2 * u * besselPDF(u*u, test.k, test.lambda)
			}
			var want float64
			h := math.Sqrt(z) / panels
			for i := range panels {
				want += quad.Fixed(f, float64(i)*h, float64(i+1)*h, nodes, quad.Legendre{}, 0)
			}
			if got := d.cdf(z); math.Abs(got-want) > 1e-12 {
				t.Errorf("cdf(%s) = %v, want %v (quadrature of the density)", name, got, want)
			}
			if got := d.survival(z); math.Abs(got-(1-want)) > 1e-12 {
				t.Errorf("survival(%s) = %v, want %v (1 − quadrature)", name, got, 1-want)
			}
		}
	}
}

// TestNcx2Limits checks the edges of the domain and the refusal of a
// Poisson mean too large to sum.
func TestNcx2Limits(t *testing.T) {
	d := ncx2{k: 3, lambda: 7}
	for _, test := range []struct {
		name      string
		got, want float64
	}{
		{"cdf(0)", d.cdf(0), 0},
		{"cdf(-1)", d.cdf(-1), 0},
		{"cdf(+Inf)", d.cdf(math.Inf(1)), 1},
		{"survival(0)", d.survival(0), 1},
		{"survival(+Inf)", d.survival(math.Inf(1)), 0},
		{"prob(-1)", d.prob(-1), 0},
		{"prob(0), k=3", d.prob(0), 0},
		{"prob(0), k=2", ncx2{k: 2, lambda: 7}.prob(0), math.Exp(-3.5) / 2},
		{"prob(0), k=1", ncx2{k: 1, lambda: 7}.prob(0), math.Inf(1)},
	} {
		if test.got != test.want {
			t.Errorf("%s = %v, want %v", test.name, test.got, test.want)
		}
	}
	for _, lambda := range []float64{2.1 * ncx2MaxMean, math.Inf(1), math.NaN()} {
		if got := (ncx2{k: 3, lambda: lambda}).cdf(5); !math.IsNaN(got) {
			t.Errorf("cdf with λ = %v = %v, want NaN", lambda, got)
		}
	}
	if got := d.cdf(math.NaN()); !math.IsNaN(got) {
		t.Errorf("cdf(NaN) = %v, want NaN", got)
	}
}

// TestPoissonTerm checks g(a, x) = x^a e^{−x}/Γ(a+1) on both sides of the
// switch at a = 10 against the Poisson probabilities (integer a, exact
// products for small a) and continuity across the switch.
func TestPoissonTerm(t *testing.T) {
	// e^{−x} x^a / a! by the product, exact to a few ε for these sizes.
	direct := func(a int, x float64) float64 {
		p := math.Exp(-x)
		for i := 1; i <= a; i++ {
			p *= x / float64(i)
		}
		return p
	}
	for _, a := range []int{0, 1, 5, 9, 10, 11, 30, 100} {
		for _, x := range []float64{0.5, 9.5, 10, 12, 30, 90, 100, 110} {
			want := direct(a, x)
			if got := poissonTerm(float64(a), x); math.Abs(got-want) > 1e-13*want {
				t.Errorf("poissonTerm(%d, %v) = %v, want %v", a, x, got, want)
			}
		}
	}
	below, above := poissonTerm(math.Nextafter(10, 0), 10), poissonTerm(10, 10)
	if math.Abs(below-above) > 1e-14*above {
		t.Errorf("poissonTerm across a = 10: %v, %v", below, above)
	}
}
