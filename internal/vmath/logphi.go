package vmath

import "math"

// LogPhiMax is the largest argument that LogPhiParts and LogPhiTo tell
// apart: a larger w (+Inf included) is taken as LogPhiMax, where
// Φ(LogPhiMax) = 0.8830. The domain they serve is the left part of the
// normal distribution, where ln Φ is far from 0 in relative terms
// (|ln Φ(w)| ≥ 0.124 on it).
const LogPhiMax = 1.19

// Coefficients of fdlibm's s_erf.c (Sun Microsystems, 1993; the minimax
// rational approximations that Go's math.Erf and math.Erfc also use), by
// interval of x (erfc's argument, x = −w/√2 here):
//
//	|x| < 0.84375:       erf(x) = x + x·P(x²)/Q(x²),       |P/Q − (erf(x) − x)/x| < 2^−57.90
//	0.84375 ≤ x < 1.25:  erfc(x) = 1 − erx − P(s)/Q(s),     s = x − 1, |error| < 2^−62.57
//	1.25 ≤ x < 1/0.35:   erfc(x) = e^{−x² − 0.5625 + R(s)/S(s)}/x, s = 1/x², |error| < 2^−60.0
//	x ≥ 1/0.35:          the same with rb, sb,                               |error| < 2^−57.9
//
// erx is erf(1) rounded to 24 bits.
const (
	erfx = 8.45062911510467529297e-01

	erfPP0 = 1.28379167095512558561e-01
	erfPP1 = -3.25042107247001499370e-01
	erfPP2 = -2.84817495755985104766e-02
	erfPP3 = -5.77027029648944159157e-03
	erfPP4 = -2.37630166566501626084e-05
	erfQQ1 = 3.97917223959155352819e-01
	erfQQ2 = 6.50222499887672944485e-02
	erfQQ3 = 5.08130628187576562776e-03
	erfQQ4 = 1.32494738004321644526e-04
	erfQQ5 = -3.96022827877536812320e-06

	erfPA0 = -2.36211856075265944077e-03
	erfPA1 = 4.14856118683748331666e-01
	erfPA2 = -3.72207876035701323847e-01
	erfPA3 = 3.18346619901161753674e-01
	erfPA4 = -1.10894694282396677476e-01
	erfPA5 = 3.54783043256182359371e-02
	erfPA6 = -2.16637559486879084300e-03
	erfQA1 = 1.06420880400844228286e-01
	erfQA2 = 5.40397917702171048937e-01
	erfQA3 = 7.18286544141962662868e-02
	erfQA4 = 1.26171219808761642112e-01
	erfQA5 = 1.36370839120290507362e-02
	erfQA6 = 1.19844998467991074170e-02

	erfRA0 = -9.86494403484714822705e-03
	erfRA1 = -6.93858572707181764372e-01
	erfRA2 = -1.05586262253232909814e+01
	erfRA3 = -6.23753324503260060396e+01
	erfRA4 = -1.62396669462573470355e+02
	erfRA5 = -1.84605092906711035994e+02
	erfRA6 = -8.12874355063065934246e+01
	erfRA7 = -9.81432934416914548592e+00
	erfSA1 = 1.96512716674392571292e+01
	erfSA2 = 1.37657754143519042600e+02
	erfSA3 = 4.34565877475229228821e+02
	erfSA4 = 6.45387271733267880336e+02
	erfSA5 = 4.29008140027567833386e+02
	erfSA6 = 1.08635005541779435134e+02
	erfSA7 = 6.57024977031928170135e+00
	erfSA8 = -6.04244152148580987438e-02

	erfRB0 = -9.86494292470009928597e-03
	erfRB1 = -7.99283237680523006574e-01
	erfRB2 = -1.77579549177547519889e+01
	erfRB3 = -1.60636384855821916062e+02
	erfRB4 = -6.37566443368389627722e+02
	erfRB5 = -1.02509513161107724954e+03
	erfRB6 = -4.83519191608651397019e+02
	erfSB1 = 3.03380607434824582924e+01
	erfSB2 = 3.25792512996573918826e+02
	erfSB3 = 1.53672958608443695994e+03
	erfSB4 = 3.19985821950859553908e+03
	erfSB5 = 2.55305040643316442583e+03
	erfSB6 = 4.74528541206955367215e+02
	erfSB7 = -2.24409524465858183362e+01
)

// logPhiCentral is the bound on u = w/√2 below which LogPhiParts takes
// the tail forms (fdlibm's 0.84375, w < −1.1932).
const logPhiCentral = -0.84375

// LogPhiParts sets a[i] and l[i] so that
//
//	ln Φ(w[i]) = a[i] + ln l[i],   Φ the standard normal distribution,
//
// without an exponential, for a caller that takes one batch logarithm of
// l (or of a quotient with it) afterwards; w above LogPhiMax is taken as
// LogPhiMax. tail is scratch of len(w) indices; a, l, w and tail must not
// overlap. With x = −w/√2 and Φ(w) = ½erfc(x), fdlibm's approximations
// (the constants above) give
//
//	|x| < 0.84375:              a = 0,  l = ½(1 + (u + u·P(u²)/Q(u²))),  u = −x = w/√2
//	0.84375 ≤ x < 1.25:         a = 0,  l = ½((1 − erx) − P(s)/Q(s)),   s = x − 1
//	x ≥ 1.25:                   a = (−z² − 0.5625) + ((z − x)(z + x) + R(s)/S(s)),  l = 1/(2x),  s = 1/x²
//
// where z is x with the low 32 bits of its significand cleared, so that
// z² is exact and −x² = −z² + (z − x)(z + x) carries no cancellation
// error (fdlibm's split in erfc): the Mills-ratio form
// erfc(x) = e^{−x²−0.5625+R/S}/x with its exponential moved into a. The
// tail form serves every x ≥ 1/0.35 with the rb, sb coefficients, beyond
// fdlibm's cut at 28 where erfc underflows (R/S tends to a constant as
// s → 0; tested to x = 42). In the central range
// the sum 1 + erf(u) loses up to two bits at u = −0.84375 (Φ = 0.117), an
// error of 2.4e−16 relative in Φ and so absolute in ln Φ.
//
// Accuracy (TestLogPhi, a dense grid of w in [−60, LogPhiMax] against a
// reference with math.Erfc, its log1p where Φ > ½ and Erfc's asymptotic
// series where it underflows, each with the rounding of w/√2 corrected),
// with LogTo for the logarithm: the error of a + ln l is below 7e−16
// relative where |ln Φ| ≥ 1 (6.6e−16 in the far tail, three ulps: w/√2's
// rounding alone moves ln Φ by 2·2^−53 relative there, and a's two
// roundings) and 4e−16 absolute where |ln Φ| < 1 (w > 0.30), which is
// up to 2e−15 relative near LogPhiMax: ln's condition number 1/|ln Φ|
// amplifies Φ's own rounding there, with math.Log as with LogTo.
//
// The first pass, over every w, computes the central form and lists the
// tail's indices (a store and a conditional increment, no jump), eight at
// a time in AVX-512 where the CPU has it (logphi_amd64.s, the same
// results to the bit); the second, scalar and branch-free (logPhiTail),
// runs over that list alone, 11.7% of standard normal arguments.
func LogPhiParts(a, l, w []float64, tail []int32) {
	logPhiParts(a, l, nil, w, tail)
}

// LogPhiRatioParts is LogPhiParts with the division by l folded in: it
// sets a[i] and q[i] = num[i]/l[i] (one rounding), so that
//
//	ln(num[i]/Φ(w[i])) = ln q[i] − a[i],
//
// for a caller that needs the logarithm of a quotient by Φ (QE's
// exponential branch). q must not overlap num, w or tail.
func LogPhiRatioParts(a, q, num, w []float64, tail []int32) {
	logPhiParts(a, q, num[:len(w)], w, tail)
}

// logPhiParts is LogPhiParts (num nil) and LogPhiRatioParts.
func logPhiParts(a, l, num, w []float64, tail []int32) {
	n := len(w)
	a, l, tail = a[:n], l[:n], tail[:n]
	// The first lo arguments by the vector kernel where there is one
	// (logphi_amd64.s; lo = 0 without AVX-512 and off amd64), the rest here.
	lo, cnt := logPhiCentralVec(a, l, num, w, tail)
	for i, wi := range w[lo:] {
		i += lo
		u := min(wi, LogPhiMax) * (1 / math.Sqrt2)
		z := u * u
		r := erfPP0 + z*(erfPP1+z*(erfPP2+z*(erfPP3+z*erfPP4)))
		s := 1 + z*(erfQQ1+z*(erfQQ2+z*(erfQQ3+z*(erfQQ4+z*erfQQ5))))
		a[i] = 0
		li := 0.5 * (1 + (u + u*(r/s)))
		if num != nil {
			li = num[i] / li
		}
		l[i] = li
		tail[cnt] = int32(i)
		if u <= logPhiCentral {
			cnt++
		}
	}
	for _, i := range tail[:cnt] {
		ai, li := logPhiTail(w[i] * -(1 / math.Sqrt2))
		if num != nil {
			li = num[i] / li
		}
		a[i], l[i] = ai, li
	}
}

// erfTail holds the tail forms' coefficients by region k of logPhiTail
// (0: 0.84375 ≤ x < 1.25, P/Q in s = x − 1; 1: x < 1/0.35, R/S in
// s = 1/x²; 2: beyond, the same with rb, sb), each numerator padded to
// degree 7 and denominator to degree 8 with zeros: Horner's rule meets the
// leading zeros as c + s·0 = c exactly, so the padded evaluation is the
// unpadded one to the bit. q[0] = 1 is not stored.
var erfTail = [3]struct{ p, q [8]float64 }{
	{[8]float64{erfPA0, erfPA1, erfPA2, erfPA3, erfPA4, erfPA5, erfPA6, 0},
		[8]float64{erfQA1, erfQA2, erfQA3, erfQA4, erfQA5, erfQA6, 0, 0}},
	{[8]float64{erfRA0, erfRA1, erfRA2, erfRA3, erfRA4, erfRA5, erfRA6, erfRA7},
		[8]float64{erfSA1, erfSA2, erfSA3, erfSA4, erfSA5, erfSA6, erfSA7, erfSA8}},
	{[8]float64{erfRB0, erfRB1, erfRB2, erfRB3, erfRB4, erfRB5, erfRB6, 0},
		[8]float64{erfSB1, erfSB2, erfSB3, erfSB4, erfSB5, erfSB6, erfSB7, 0}},
}

// logPhiTail is LogPhiParts' a and l for x = −w/√2 ≥ 0.84375, without a
// jump: the region's index selects its coefficients and the argument,
// both forms of the result are computed and the index selects again (the
// regions fall at random among the paths, so a branch would be
// mispredicted about a third of the time, and its long chain of
// dependent operations would no longer overlap the next path's).
func logPhiTail(x float64) (a, l float64) {
	t, k := 0, 0 // t: the Mills-ratio form; k: the region
	if x >= 1.25 {
		t = 1
	}
	if x >= 1/0.35 {
		k = 1
	}
	k += t
	c := &erfTail[k%3]
	sv := [2]float64{x - 1, 1 / (x * x)}
	s := sv[t&1]
	p := c.p[0] + s*(c.p[1]+s*(c.p[2]+s*(c.p[3]+s*(c.p[4]+s*(c.p[5]+s*(c.p[6]+s*c.p[7]))))))
	q := 1 + s*(c.q[0]+s*(c.q[1]+s*(c.q[2]+s*(c.q[3]+s*(c.q[4]+s*(c.q[5]+s*(c.q[6]+s*c.q[7])))))))
	r := p / q
	z := math.Float64frombits(math.Float64bits(x) &^ (1<<32 - 1))
	av := [2]float64{0, (-z*z - 0.5625) + ((z-x)*(z+x) + r)}
	lv := [2]float64{0.5 * ((1 - erfx) - r), 0.5 / x}
	return av[t&1], lv[t&1]
}

// LogPhiTo sets dst[i] = ln Φ(w[i]) for every i by LogPhiParts and LogTo
// (w above LogPhiMax taken as LogPhiMax); dst and w may be the same slice.
// Chunks of logPhiChunk on the stack: no allocation.
func LogPhiTo(dst, w []float64) {
	const logPhiChunk = 256
	var a, l [logPhiChunk]float64
	var t [logPhiChunk]int32
	dst = dst[:len(w)]
	for lo := 0; lo < len(w); lo += logPhiChunk {
		hi := min(lo+logPhiChunk, len(w))
		m := hi - lo
		LogPhiParts(a[:m], l[:m], w[lo:hi], t[:m])
		LogTo(l[:m], l[:m])
		for i := range m {
			dst[lo+i] = a[i] + l[i]
		}
	}
}
