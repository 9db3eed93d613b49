package vmath

import "math"

// logTable[j] holds −ln c_j and logInv[j] c_j = 1/(1 + (j + ½)/64): the
// reciprocal of the centre of the j-th of 64 equal slices of [1, 2).
var logTable, logInv [tableSize]float64

func init() {
	for j := range logInv {
		c := 1 / (1 + (float64(j)+0.5)/tableSize)
		// Keep 20 bits of c so that m·c is exact to within one rounding.
		c = math.Ldexp(math.Round(math.Ldexp(c, 20)), -20)
		logInv[j] = c
		logTable[j] = -math.Log(c)
	}
}

// LogTo sets dst[i] = ln x[i] for every i; dst and x may be the same slice.
// For positive normal finite x the absolute error is below 4e−16 (tested
// against math.Log); other arguments (0, negative, subnormal, Inf, NaN) take
// math.Log's path, a branch that is predicted when they are rare.
//
// Method: x = 2^e m with m in [1, 2); with j the top 6 bits of m's fraction
// and c_j ≈ 1/(centre of its slice), r = m c_j − 1 lies within about 1/128
// of 0 and
//
//	ln x = e ln 2 − ln c_j + ln(1 + r),
//
// ln(1 + r) by its Taylor polynomial of degree 7 (truncation below 2e−17).
//
// On amd64 CPUs with AVX-512F and DQ (log_amd64.s, run-time check) eight
// values at a time, the same operations in the same order, so the results
// do not depend on the CPU (TestLogVector: 0 ulps); a block of eight with
// an argument of the other kind goes to the scalar loop.
func LogTo(dst, x []float64) {
	dst = dst[:len(x)]
	if !logVector {
		logScalar(dst, x)
		return
	}
	for i := 0; i < len(x); {
		i += logVec(dst[i:], x[i:])
		end := min(i+8, len(x))
		logScalar(dst[i:end], x[i:end])
		i = end
	}
}

// logScalar is LogTo's scalar loop.
func logScalar(dst, x []float64) {
	const (
		ln2hi = 6.93147180369123816490e-01
		ln2lo = 1.90821492927058770002e-10
	)
	dst = dst[:len(x)]
	for i, v := range x {
		b := math.Float64bits(v)
		e := int64(b>>52) - 1023
		if e == -1023 || e == 1024 || b>>63 != 0 { // zero, subnormal, Inf, NaN, negative
			dst[i] = math.Log(v)
			continue
		}
		m := math.Float64frombits(b&(1<<52-1) | 1023<<52) // [1, 2)
		j := (b >> (52 - tableBits)) & (tableSize - 1)
		r := m*logInv[j] - 1
		p := r * (1 + r*(-1.0/2+r*(1.0/3+r*(-1.0/4+r*(1.0/5+r*(-1.0/6+r*(1.0/7)))))))
		fe := float64(e)
		dst[i] = (fe*ln2hi + logTable[j]) + (p + fe*ln2lo)
	}
}
