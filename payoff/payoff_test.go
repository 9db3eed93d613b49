package payoff

import (
	"errors"
	"math"
	"testing"
)

func TestEval(t *testing.T) {
	s := []float64{50, 99.999, 100.001, 150}
	for _, c := range []struct {
		p         Payoff
		f, df     []float64
		lipschitz bool
	}{
		{Call{100}, []float64{0, 0, 0.001, 50}, []float64{0, 0, 1, 1}, true},
		{Put{100}, []float64{50, 0.001, 0, 0}, []float64{-1, -1, 0, 0}, true},
		{DigitalCall{100, 2.5}, []float64{0, 0, 2.5, 2.5}, []float64{0, 0, 0, 0}, false},
		{DigitalPut{100, 2.5}, []float64{2.5, 2.5, 0, 0}, []float64{0, 0, 0, 0}, false},
		{AssetCall{100}, []float64{0, 0, 100.001, 150}, []float64{0, 0, 1, 1}, false},
		{AssetPut{100}, []float64{50, 99.999, 0, 0}, []float64{1, 1, 0, 0}, false},
	} {
		f, df := make([]float64, len(s)), make([]float64, len(s))
		for i := range df {
			df[i] = math.NaN() // must be overwritten
		}
		c.p.Eval(s, f, df)
		for i := range s {
			if math.Abs(f[i]-c.f[i]) > 1e-9 || df[i] != c.df[i] {
				t.Errorf("%s(%v) = %v, f' = %v; want %v, %v", c.p.Name(), s[i], f[i], df[i], c.f[i], c.df[i])
			}
		}
		f2 := make([]float64, len(s))
		c.p.Eval(s, f2, nil) // df may be nil
		for i := range f {
			if f2[i] != f[i] {
				t.Errorf("%s: Eval without df gives %v, with df %v", c.p.Name(), f2[i], f[i])
			}
		}
		if c.p.Lipschitz() != c.lipschitz {
			t.Errorf("%s: Lipschitz() = %v, want %v", c.p.Name(), c.p.Lipschitz(), c.lipschitz)
		}
		q, err := New(Spec{Name: c.p.Name(), Strike: 100, Cash: 2.5})
		if err != nil || q.Name() != c.p.Name() {
			t.Errorf("New(%q) = %v, %v", c.p.Name(), q, err)
		}
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(Spec{Name: "straddle", Strike: 100, Cash: 1}); !errors.Is(err, ErrUnknown) {
		t.Errorf("New(straddle) error = %v, want ErrUnknown", err)
	}
	var pe *ParamError
	for _, c := range []struct {
		name         string
		strike, cash float64
	}{{"strike", 0, 1}, {"strike", -1, 1}, {"strike", math.NaN(), 1}, {"strike", math.Inf(1), 1}, {"cash", 100, math.NaN()}} {
		if _, err := New(Spec{Name: "call", Strike: c.strike, Cash: c.cash}); !errors.As(err, &pe) || pe.Name != c.name {
			t.Errorf("New(call, %v, %v) error = %v, want a ParamError for %s", c.strike, c.cash, err, c.name)
		}
	}
}

// TestDigitalZeroCash: a digital's Spec without Cash is refused (naming
// cash), never priced as a contract that pays 0; other payoffs ignore Cash.
func TestDigitalZeroCash(t *testing.T) {
	for _, name := range []string{"digital-call", "digital-put"} {
		var pe *ParamError
		if _, err := New(Spec{Name: name, Strike: 100}); !errors.As(err, &pe) || pe.Name != "cash" {
			t.Errorf("New(%s without Cash) error = %v, want a ParamError for cash", name, err)
		}
		if p, err := New(Spec{Name: name, Strike: 100, Cash: -2}); err != nil {
			t.Errorf("New(%s, Cash -2) error = %v", name, err)
		} else {
			f := make([]float64, 2)
			p.Eval([]float64{50, 150}, f, nil)
			if f[0]+f[1] != -2 {
				t.Errorf("%s with Cash -2 pays %v at 50 and 150, want -2 once", name, f)
			}
		}
	}
	for _, name := range []string{"call", "asset-put", "asian-call"} {
		if _, err := New(Spec{Name: name, Strike: 100, Fixings: 4}); err != nil {
			t.Errorf("New(%s without Cash) error = %v", name, err)
		}
	}
}
