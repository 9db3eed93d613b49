package sobol

import (
	"fmt"
	"math/bits"
)

// Randomization says how a Scrambler randomizes the points.
type Randomization int

const (
	// Owen is a nested uniform (Owen-type) scramble followed by a random
	// digital shift: in each dimension, bit k of a point (from the top) is
	// flipped by a random function of the bits above it. It is computed by
	// the hash of Laine and Karras as Burley ("Practical hash-based Owen
	// scrambling", JCGT 9(4), 2020) uses it: with rev the bit reversal,
	//
	//	y = rev(h(rev(x))),  h(x) = ((((x + s)·⊕c₁)·⊕c₂)·⊕c₃)·⊕c₄,
	//
	// where x·⊕c means x ⊕ (x·c) mod 2³² for an even c. Addition and x·⊕c
	// carry only from low bits to high ones, so in the reversed word bit k
	// of h(x) depends on bits 0 … k of x alone: back in the point, each bit
	// depends on the bits above it, the nested structure of Owen's scramble
	// (Owen 1995), which keeps every (t, m, s)-net a (t, m, s)-net. It is a
	// small family of such scrambles, not Owen's fully random one, so the
	// variance rates proved for the latter are not guaranteed, only
	// measured. With the key s uniform, x + s is uniform and h(x) too; the
	// final digital shift by a second independent key makes each point
	// exactly uniform on the 2³² grid whatever the hash's quality.
	Owen Randomization = iota
	// Shift is a random digital shift alone: y = x ⊕ s with s uniform. Each
	// point is uniform and nets stay nets, but the points of a shifted net
	// keep their relative pattern, so variance falls less than under Owen.
	Shift
	// None leaves the points as they are (tests and golden values only:
	// the estimates are then deterministic and biased).
	None
)

var randomizationNames = []string{"owen", "shift", "none"}

func (r Randomization) String() string {
	if r >= 0 && int(r) < len(randomizationNames) {
		return randomizationNames[r]
	}
	return fmt.Sprintf("Randomization(%d)", int(r))
}

// Scrambler randomizes the points of one randomization: its keys depend on
// (seed, dimension) only, so every chunk of a run scrambles its points the
// same way whatever worker runs it. The zero value is not usable; call
// Reset.
type Scrambler struct {
	kind         Randomization
	owen, shifts []uint32 // per dimension: the hash key s, the digital shift
}

// Reset keys s for randomization kind of dims dimensions from seed;
// distinct seeds give independent randomizations. It reuses s's storage.
func (s *Scrambler) Reset(kind Randomization, seed uint64, dims int) {
	s.kind = kind
	s.owen = resize(s.owen, dims)
	s.shifts = resize(s.shifts, dims)
	x := seed
	k := splitmix64(&x) // decorrelate nearby seeds
	for d := range dims {
		x = k ^ uint64(d)*0xd1b54a32d192ed03
		splitmix64(&x)
		u := splitmix64(&x)
		s.owen[d], s.shifts[d] = uint32(u), uint32(u>>32)
	}
}

// Apply scrambles the point x (its first len(x) dimensions) in place.
func (s *Scrambler) Apply(x []uint32) {
	switch s.kind {
	case Owen:
		owen, shifts := s.owen[:len(x)], s.shifts[:len(x)]
		for d, v := range x {
			x[d] = NestedScramble(v, owen[d]) ^ shifts[d]
		}
	case Shift:
		shifts := s.shifts[:len(x)]
		for d, v := range x {
			x[d] = v ^ shifts[d]
		}
	}
}

// NestedScramble returns x scrambled by the Laine–Karras hash with key
// seed, in Burley's constants (see Owen).
func NestedScramble(x, seed uint32) uint32 {
	x = bits.Reverse32(x)
	x += seed
	x ^= x * 0x6c50b47c
	x ^= x * 0xb82f1e52
	x ^= x * 0xc7afe638
	x ^= x * 0x8d22f6e6
	return bits.Reverse32(x)
}

// Uniform returns the centre of the point's cell of the 2³² grid,
// (x + ½)·2⁻³², in (0, 1): a scrambled point is uniform on the grid, so
// this is uniform on [0, 1) up to a cell (E f(U) differs from ∫f by
// O(2⁻⁶⁴ f″)), and never 0 or 1, whose normal quantiles are infinite.
func Uniform(x uint32) float64 {
	return (float64(x) + 0.5) * 0x1p-32
}

func resize(s []uint32, n int) []uint32 {
	if cap(s) < n {
		return make([]uint32, n)
	}
	return s[:n]
}

// splitmix64 advances x and returns the next SplitMix64 output (Steele,
// Lea and Flood 2014).
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
