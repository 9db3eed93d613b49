package payoff

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// direct evaluates a multi-asset payoff on one path by its definition.
func direct(name string, s []float64, k, cash float64, w []float64) float64 {
	var b, g, hi, lo float64
	g, hi, lo = 1, math.Inf(-1), math.Inf(1)
	for a, x := range s {
		if w != nil {
			b += w[a] * x
			g *= math.Pow(x, w[a])
		}
		hi, lo = math.Max(hi, x), math.Min(lo, x)
	}
	pos := func(x float64) float64 { return math.Max(x, 0) }
	switch name {
	case "basket-call":
		return pos(b - k)
	case "basket-put":
		return pos(k - b)
	case "geometric-basket-call":
		return pos(g - k)
	case "geometric-basket-put":
		return pos(k - g)
	case "spread-call":
		return pos(s[0] - s[1] - k)
	case "spread-put":
		return pos(k - s[0] + s[1])
	case "best-of-call":
		return pos(hi - k)
	case "best-of-put":
		return pos(k - hi)
	case "worst-of-call":
		return pos(lo - k)
	case "worst-of-put":
		return pos(k - lo)
	case "basket-digital-call":
		if b > k {
			return cash
		}
		return 0
	case "worst-of-digital-call":
		if lo > k {
			return cash
		}
		return 0
	}
	panic(name)
}

// TestMulti checks every multi-asset payoff against its definition on
// random paths, its gradient against central differences of the
// definition (Lipschitz payoffs; 0 for the digitals), and the smoothers'
// gradients against central differences of the smoothed payoff.
func TestMulti(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, k = 64, 100.0
	for _, name := range MultiNames {
		d := 3
		if name[:6] == "spread" {
			d = 2
		}
		w := []float64{0.5, 0.3, 0.2}[:d]
		strike := k
		if d == 2 {
			strike = 5
		}
		p, err := NewMulti(MultiSpec{Name: name, Assets: d, Strike: strike, Cash: 2, Weights: w})
		if err != nil {
			t.Fatal(err)
		}
		if p.Assets() != d || p.Name() != name || p.Dates() != 1 {
			t.Errorf("%s: Assets %d Name %s Dates %d", name, p.Assets(), p.Name(), p.Dates())
		}
		if digital := name == "basket-digital-call" || name == "worst-of-digital-call"; p.Lipschitz() == digital {
			t.Errorf("%s: Lipschitz() = %v", name, p.Lipschitz())
		}
		obs := make([]float64, n*d)
		for i := range obs {
			obs[i] = 100 * math.Exp(0.3*rng.NormFloat64())
		}
		f, grad := make([]float64, n), make([]float64, n*d)
		for i := range grad {
			grad[i] = math.NaN()
		}
		p.Eval(obs, f, grad)
		path := func(i int) []float64 {
			s := make([]float64, d)
			for a := range s {
				s[a] = obs[a*n+i]
			}
			return s
		}
		for i := range n {
			s := path(i)
			if want := direct(name, s, strike, 2, w); math.Abs(f[i]-want) > 1e-9*(1+want) {
				t.Errorf("%s%v = %v, want %v", name, s, f[i], want)
			}
			for a := range d {
				h := 1e-6 * s[a]
				up, dn := append([]float64(nil), s...), append([]float64(nil), s...)
				up[a] += h
				dn[a] -= h
				want := (direct(name, up, strike, 2, w) - direct(name, dn, strike, 2, w)) / (2 * h)
				if !p.Lipschitz() {
					want = 0 // almost everywhere
				}
				if got := grad[a*n+i]; math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
					t.Errorf("%s%v: ∂f/∂S_%d = %v, want %v", name, s, a, got, want)
				}
			}
		}
		sm, ok := p.(Smoother)
		if p.Lipschitz() {
			if ok {
				t.Errorf("%s: Lipschitz with a smoother", name)
			}
			continue
		}
		if !ok {
			t.Fatalf("%s: no smoother", name)
		}
		const eps = 20.0 // wide: most paths fall in the band
		fs, gs := make([]float64, n), make([]float64, n*d)
		sm.EvalSmooth(obs, eps, fs, gs)
		one := func(s []float64) float64 {
			o, g := make([]float64, d), make([]float64, d)
			copy(o, s)
			v := make([]float64, 1)
			sm.EvalSmooth(o, eps, v, g)
			return v[0]
		}
		inBand := 0
		for i := range n {
			s := path(i)
			for a := range d {
				h := 1e-6 * s[a]
				up, dn := append([]float64(nil), s...), append([]float64(nil), s...)
				up[a] += h
				dn[a] -= h
				want := (one(up) - one(dn)) / (2 * h)
				if got := gs[a*n+i]; math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
					t.Errorf("%s%v: smoothed ∂f/∂S_%d = %v, want %v", name, s, a, got, want)
				}
				if want != 0 {
					inBand++
				}
			}
			if fs[i] < 0 || fs[i] > 2 {
				t.Errorf("%s%v: f = %v, smoothed %v", name, s, f[i], fs[i])
			}
		}
		if inBand == 0 {
			t.Errorf("%s: no path in the smoothing band: the test checks nothing", name)
		}
	}
}

func TestNewMultiErrors(t *testing.T) {
	for _, c := range []struct {
		s    MultiSpec
		want string
	}{
		{MultiSpec{Name: "spread-call", Assets: 3}, "spread-call takes exactly 2"},
		{MultiSpec{Name: "basket-call", Assets: 2, Strike: 100, Weights: []float64{1}}, "payoff: 1 weights for 2 assets"},
		{MultiSpec{Name: "basket-call", Assets: 2, Strike: 100, Weights: []float64{1, math.Inf(1)}}, "weight[1] = +Inf"},
		{MultiSpec{Name: "best-of-call", Assets: 2, Strike: 0}, "strike = 0"},
		{MultiSpec{Name: "rainbow", Assets: 2, Strike: 100}, "unknown multi-asset payoff"},
	} {
		_, err := NewMulti(c.s)
		if err == nil || !contains(err.Error(), c.want) {
			t.Errorf("NewMulti(%+v) = %v, want %q", c.s, err, c.want)
		}
	}
	p, err := NewMulti(MultiSpec{Name: "spread-call", Assets: 2, Strike: -3})
	if err != nil || p.(SpreadCall).Strike != -3 {
		t.Errorf("spread with a negative strike: %v, %v", p, err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
