// Package rngstream provides reproducible, independent random streams for
// parallel Monte Carlo: the paths of a run are cut into fixed-size chunks and
// chunk i draws from its own generator, seeded from (seed, i). The numbers of
// a run therefore depend on the seed alone, never on how many workers ran
// the chunks or in which order they finished.
//
// The generator is xoshiro256++ (Blackman and Vigna, "Scrambled linear
// pseudorandom number generators", ACM TOMS 2021), its 256-bit state filled
// by SplitMix64 (Steele, Lea and Flood 2014) from a mix of the seed and the
// chunk index. Gaussian draws use the ziggurat method of Marsaglia and Tsang
// (J. Stat. Softw. 5(8), 2000) with 256 layers, built from 64-bit draws with
// the layer index and the uniform taken from disjoint bits (Doornik 2005).
//
// Why not math/rand/v2: its sources are reached through an interface and its
// PCG costs about 3 ns a draw here, a third of the whole per-path budget of
// the engine; this stream is a concrete type whose fill loops inline.
package rngstream

import "math"

// Stream is one chunk's generator. The zero value is not usable; call New.
type Stream struct {
	s0, s1, s2, s3 uint64
}

// splitmix64 advances x and returns the next SplitMix64 output.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// New returns the stream of chunk index of the run seeded with seed.
// Distinct (seed, index) pairs give statistically independent streams.
func New(seed, index uint64) *Stream {
	var s Stream
	s.Reset(seed, index)
	return &s
}

// Reset re-seeds s as the stream of chunk index of the run seeded with seed,
// so that a worker can reuse one Stream value across chunks.
func (s *Stream) Reset(seed, index uint64) {
	x := seed
	k := splitmix64(&x) // decorrelate nearby seeds
	x = k ^ (index * 0xd1b54a32d192ed03)
	x = splitmix64(&x) // one more round so nearby indices land far apart
	s.s0 = splitmix64(&x)
	s.s1 = splitmix64(&x)
	s.s2 = splitmix64(&x)
	s.s3 = splitmix64(&x)
	if s.s0|s.s1|s.s2|s.s3 == 0 { // the one forbidden state; unreachable in practice
		s.s0 = 1
	}
}

// Uint64 returns the next 64 uniformly distributed bits.
func (s *Stream) Uint64() uint64 {
	r := rotl(s.s0+s.s3, 23) + s.s0
	t := s.s1 << 17
	s.s2 ^= s.s0
	s.s3 ^= s.s1
	s.s1 ^= s.s2
	s.s0 ^= s.s3
	s.s2 ^= t
	s.s3 = rotl(s.s3, 45)
	return r
}

func rotl(x uint64, k uint) uint64 { return x<<k | x>>(64-k) }

// Float64 returns a uniform draw from [0, 1) with 53 random bits.
func (s *Stream) Float64() float64 {
	return float64(s.Uint64()>>11) * 0x1p-53
}

// open01 returns a uniform draw from (0, 1), safe to take the log of.
func (s *Stream) open01() float64 {
	return (float64(s.Uint64()>>12) + 0.5) * 0x1p-52
}

// Normals fills dst with independent standard normal draws.
func (s *Stream) Normals(dst []float64) {
	// The generator state lives in locals so that it stays in registers;
	// it is written back only around the rare slow path.
	s0, s1, s2, s3 := s.s0, s.s1, s.s2, s.s3
	for i := range dst {
		u := rotl(s0+s3, 23) + s0
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = rotl(s3, 45)

		j := int64(u) >> 11 // signed 53-bit uniform integer, bits 11..63
		l := u & layerMask  // layer index, bits 0..7
		if abs64(j) < zigK[l] {
			// Inside the layer's rectangle: about 98.5% of draws.
			dst[i] = float64(j) * zigW[l]
			continue
		}
		s.s0, s.s1, s.s2, s.s3 = s0, s1, s2, s3
		dst[i] = s.slowNormal(j, l)
		s0, s1, s2, s3 = s.s0, s.s1, s.s2, s.s3
	}
	s.s0, s.s1, s.s2, s.s3 = s0, s1, s2, s3
}

// abs64 returns |j| without a branch; j is never math.MinInt64 here.
func abs64(j int64) int64 {
	m := j >> 63
	return (j ^ m) - m
}

// Normal returns one standard normal draw.
func (s *Stream) Normal() float64 {
	var z [1]float64
	s.Normals(z[:])
	return z[0]
}

const (
	zigLayers = 256
	layerMask = zigLayers - 1
	// zigR is the start of the tail and zigV the common area of the layers
	// for 256 layers (Marsaglia and Tsang 2000, Table 1).
	zigR = 3.6541528853610088
	zigV = 4.92867323399e-3
)

var (
	zigX [zigLayers + 1]float64 // layer edges: zigX[0] = V/f(R), zigX[1] = R, ..., zigX[256] = 0
	zigF [zigLayers + 1]float64 // f(zigX[i]) with f(x) = exp(−x²/2)
	zigK [zigLayers]int64       // fast-path bounds: |j| < zigK[l] ⇔ |x| < zigX[l+1]
	zigW [zigLayers]float64     // zigX[l]·2⁻⁵², mapping j to x
)

func init() {
	f := func(x float64) float64 { return math.Exp(-x * x / 2) }
	zigX[0] = zigV / f(zigR)
	zigX[1] = zigR
	for i := 2; i < zigLayers; i++ {
		zigX[i] = math.Sqrt(-2 * math.Log(zigV/zigX[i-1]+f(zigX[i-1])))
	}
	zigX[zigLayers] = 0
	for i := range zigX {
		zigF[i] = f(zigX[i])
	}
	for l := 0; l < zigLayers; l++ {
		zigK[l] = int64(zigX[l+1] / zigX[l] * 0x1p52)
		zigW[l] = zigX[l] * 0x1p-52
	}
}

// slowNormal finishes a draw that fell outside its layer's inner rectangle:
// the tail beyond R for the base layer, the wedge under the density
// otherwise, or a fresh draw when the point is rejected.
func (s *Stream) slowNormal(j int64, l uint64) float64 {
	for {
		x := float64(j) * zigW[l]
		if l == 0 {
			// Tail: Marsaglia (1964).
			for {
				a := -math.Log(s.open01()) / zigR
				b := -math.Log(s.open01())
				if 2*b >= a*a {
					if j < 0 {
						return -(zigR + a)
					}
					return zigR + a
				}
			}
		}
		if zigF[l+1]+s.Float64()*(zigF[l]-zigF[l+1]) < math.Exp(-x*x/2) {
			return x
		}
		u := s.Uint64()
		j = int64(u) >> 11
		l = u & layerMask
		if abs64(j) < zigK[l] {
			return float64(j) * zigW[l]
		}
	}
}
