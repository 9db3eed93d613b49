// Package sobol generates Sobol' low-discrepancy points (Sobol' 1967) with
// the direction numbers of Joe and Kuo (new-joe-kuo-6.21201: S. Joe and
// F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional
// projections", SIAM J. Sci. Comput. 30, 2008), in up to MaxDims
// dimensions, and randomizes them so that each point is uniform on [0, 1)^d
// while the set keeps its net structure (Scrambler).
//
// Points are 32-bit integers x, standing for x·2⁻³²: a sequence has 2³²
// points. Point i is
//
//	x_i = ⊕_{b : bit b of g(i) set} v_b,   g(i) = i ⊕ ⌊i/2⌋ (Gray code),
//
// with v_b = m_{b+1}·2^{31−b} the direction numbers of the dimension, so
// consecutive points differ by one direction number (Antonov and Saleev
// 1979): x_i = x_{i−1} ⊕ v_{c(i)}, c(i) the number of trailing zero bits
// of i. This is SciPy's order (scipy.stats.qmc.Sobol with scramble=False
// gives the same points, pinned by a golden test), so any index can be
// reached directly (Point) and a range of indices run sequentially (Next):
// a chunk of paths starts at its own index.
//
// Every 2^m consecutive points starting at a multiple of 2^m form a
// (t, m, s)-net in base 2: each elementary box of volume 2^{t−m} holds
// exactly 2^t of them.
//
// The direction numbers come from the copy SciPy ships
// (scipy/stats/_sobol_direction_numbers.npz), bit-packed in directions.go by
// gen/main.go (go generate).
package sobol

//go:generate go run ./gen -o directions.go

import (
	"encoding/base64"
	"fmt"
	"math/bits"
	"sync"
)

// Bits is the precision of the points: a point is an integer x < 2^Bits,
// standing for x·2^−Bits, and a sequence has 2^Bits points.
const Bits = 32

// MaxPoints is the number of points of a sequence.
const MaxPoints = 1 << Bits

// DimsError reports a dimension count outside [1, MaxDims].
type DimsError struct {
	Dims int
}

func (e *DimsError) Error() string {
	return fmt.Sprintf("sobol: dims = %d is out of range (the Joe–Kuo direction numbers cover 1 to %d dimensions)", e.Dims, MaxDims)
}

// Sequence is the unscrambled Sobol' sequence in a fixed number of
// dimensions. It is read-only after New and may be shared by goroutines.
type Sequence struct {
	dims int
	v    []uint32 // v[b*dims+d]: direction number v_b of dimension d
}

// New returns the sequence in dims dimensions, 1 ≤ dims ≤ MaxDims; outside
// that range it returns a *DimsError.
func New(dims int) (*Sequence, error) {
	if dims < 1 || dims > MaxDims {
		return nil, &DimsError{dims}
	}
	s := &Sequence{dims: dims, v: make([]uint32, Bits*dims)}
	// Dimension 0 is van der Corput's: every m_k = 1.
	for b := range Bits {
		s.v[b*dims] = 1 << (Bits - 1 - b)
	}
	r := bitReader{buf: table()}
	var m [Bits]uint32
	for d := 1; d < dims; d++ {
		deg := int(r.get(5))
		a := uint32(r.get(deg - 1)) // a_1 … a_{s−1}, a_1 the top bit
		poly := 1<<deg | a<<1 | 1   // with the leading and trailing 1
		for k := range deg {
			m[k] = uint32(r.get(k + 1))
		}
		// Joe and Kuo's recurrence, for k ≥ s:
		//	m_k = 2a_1 m_{k−1} ⊕ 2²a_2 m_{k−2} ⊕ … ⊕ 2^s m_{k−s} ⊕ m_{k−s}.
		for k := deg; k < Bits; k++ {
			x := m[k-deg]
			for j := range deg {
				if poly>>(deg-1-j)&1 == 1 {
					x ^= m[k-j-1] << (j + 1)
				}
			}
			m[k] = x
		}
		for b := range Bits {
			s.v[b*dims+d] = m[b] << (Bits - 1 - b)
		}
	}
	return s, nil
}

// Dims returns the number of dimensions.
func (s *Sequence) Dims() int { return s.dims }

// Point sets x[d] to dimension d of point i, for the first len(x) ≤ Dims
// dimensions. i must be below MaxPoints.
func (s *Sequence) Point(i uint64, x []uint32) {
	if i >= MaxPoints {
		panic("sobol: point index beyond 2^32")
	}
	x = x[:min(len(x), s.dims)]
	clear(x)
	g := i ^ i>>1
	for b := 0; g != 0; b, g = b+1, g>>1 {
		if g&1 == 1 {
			v := s.v[b*s.dims : b*s.dims+len(x)]
			for d := range x {
				x[d] ^= v[d]
			}
		}
	}
}

// Next turns x, point i−1 in the first len(x) dimensions, into point i
// (Gray-code order). 1 ≤ i < MaxPoints.
func (s *Sequence) Next(i uint64, x []uint32) {
	b := bits.TrailingZeros64(i)
	v := s.v[b*s.dims : b*s.dims+len(x)]
	for d := range x {
		x[d] ^= v[d]
	}
}

// table returns the decoded bit-packed direction numbers.
var table = sync.OnceValue(func() []byte {
	b, err := base64.StdEncoding.DecodeString(packed)
	if err != nil {
		panic("sobol: corrupt direction-number table: " + err.Error())
	}
	return b
})

// bitReader reads the table most significant bit first.
type bitReader struct {
	buf []byte
	pos int // in bits
}

func (r *bitReader) get(n int) uint64 {
	var v uint64
	for range n {
		v = v<<1 | uint64(r.buf[r.pos>>3]>>(7-r.pos&7)&1)
		r.pos++
	}
	return v
}
