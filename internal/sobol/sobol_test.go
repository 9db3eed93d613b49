package sobol

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGolden compares the unscrambled points with SciPy's
// (testdata/scipy_first_points.txt, written once by
// scipy.stats.qmc.Sobol(d, scramble=False) with SciPy 1.10.1): the first 256
// points of dimensions 0–15 and the first 64 of dimensions up to the last of
// the table. SciPy uses 30 bits, so its integers are ours shifted right by 2.
func TestGolden(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "scipy_first_points.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := New(MaxDims)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]uint32, MaxDims)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		fields := strings.Fields(sc.Text())
		d, _ := strconv.Atoi(fields[0])
		for i, h := range fields[1:] {
			want, err := strconv.ParseUint(h, 16, 32)
			if err != nil {
				t.Fatal(err)
			}
			s.Point(uint64(i), x)
			if got := uint64(x[d] >> 2); got != want {
				t.Fatalf("dimension %d, point %d = %#x, SciPy has %#x", d, i, got, want)
			}
		}
		lines++
	}
	if lines != 26 {
		t.Fatalf("read %d dimensions from the golden file, want 26", lines)
	}
}

// TestNextMatchesPoint checks the Gray-code recursion against skip-ahead,
// from a start that is not a power of two.
func TestNextMatchesPoint(t *testing.T) {
	s, _ := New(50)
	x, y := make([]uint32, 50), make([]uint32, 50)
	start := uint64(3<<20 + 12345)
	s.Point(start, x)
	for i := start + 1; i < start+5000; i++ {
		s.Next(i, x)
		s.Point(i, y)
		for d := range x {
			if x[d] != y[d] {
				t.Fatalf("point %d dimension %d: Next %#x, Point %#x", i, d, x[d], y[d])
			}
		}
	}
}

func TestNewDims(t *testing.T) {
	for _, d := range []int{0, -1, MaxDims + 1} {
		_, err := New(d)
		if _, ok := err.(*DimsError); !ok {
			t.Errorf("New(%d) error = %v, want *DimsError", d, err)
		} else if !strings.Contains(err.Error(), "dims = "+strconv.Itoa(d)) {
			t.Errorf("New(%d) error %q does not name the value", d, err)
		}
	}
}

// compositions calls f with every (k_1, …, k_s), k_j ≥ 0, summing to n.
func compositions(s, n int, k []int, f func([]int)) {
	if s == 1 {
		f(append(k, n))
		return
	}
	for a := 0; a <= n; a++ {
		compositions(s-1, n-a, append(k, a), f)
	}
}

// checkNet reports the first elementary box of volume 2^{t−m} (the box
// of the top k_j bits in each dimension j, Σk_j = m − t) that does not hold
// exactly 2^t of the 2^m points pts[i][j].
func checkNet(t *testing.T, name string, pts [][]uint32, tv, s int) {
	t.Helper()
	n := len(pts)
	m := int(math.Log2(float64(n)))
	counts := make([]int, 1<<(m-tv))
	compositions(s, m-tv, nil, func(k []int) {
		clear(counts)
		for _, p := range pts {
			box := 0
			for j, kj := range k {
				if kj > 0 {
					box = box<<kj | int(p[j]>>(32-kj))
				}
			}
			counts[box]++
		}
		for b, c := range counts {
			if c != 1<<tv {
				t.Fatalf("%s: box %d of the partition %v holds %d points, want %d", name, b, k, c, 1<<tv)
			}
		}
	})
}

// TestNet checks the stratification: blocks of 2^m consecutive points
// starting at multiples of 2^m are (t, m, s)-nets in the first s
// dimensions, with t = Σ_j (deg p_j − 1) over the polynomials x, x + 1,
// x² + x + 1, x³ + x + 1, … of the first dimensions (Niederreiter 1992,
// Thm 4.30: 0 in two dimensions, 1 in three, 3 in four), unscrambled and
// under both randomizations (which must keep nets nets). Each dimension
// alone is a (0, m, 1)-net: every interval of length 2^−m holds one point.
func TestNet(t *testing.T) {
	const dims = 64
	s, _ := New(dims)
	var sc Scrambler
	for _, kind := range []Randomization{None, Owen, Shift} {
		sc.Reset(kind, 7, dims)
		for _, blk := range []struct{ m, start int }{{8, 0}, {10, 3 << 10}, {12, 1 << 20}} {
			n := 1 << blk.m
			pts := make([][]uint32, n)
			for i := range pts {
				pts[i] = make([]uint32, dims)
				s.Point(uint64(blk.start+i), pts[i])
				sc.Apply(pts[i])
			}
			name := kind.String() + " block at " + strconv.Itoa(blk.start)
			for s, tv := range []int{0, 0, 1, 3} {
				checkNet(t, name, pts, tv, s+1)
			}
			for d := range dims {
				col := make([][]uint32, n)
				for i, p := range pts {
					col[i] = p[d : d+1]
				}
				checkNet(t, name+" dimension "+strconv.Itoa(d), col, 0, 1)
			}
		}
	}
}

// TestScrambledUniform checks that a scrambled point is uniform on [0, 1):
// over 4096 randomizations, its mean in each dimension is within 5 standard
// errors (√(1/12/R)) of ½ and its top three bits pass a χ² test with 7
// degrees of freedom at level 1e−6 (critical value 38.9). Unrandomized, the
// origin (point 0) would fail both.
func TestScrambledUniform(t *testing.T) {
	const dims, reps = 200, 4096
	s, _ := New(dims)
	var sc Scrambler
	x := make([]uint32, dims)
	for _, kind := range []Randomization{Owen, Shift} {
		for _, i := range []uint64{0, 1, 6, 1000, 1<<31 + 17} {
			sum := make([]float64, dims)
			hist := make([][8]int, dims)
			for r := range reps {
				sc.Reset(kind, uint64(r)+1000*i, dims)
				s.Point(i, x)
				sc.Apply(x)
				for d, v := range x {
					sum[d] += Uniform(v)
					hist[d][v>>29]++
				}
			}
			se := math.Sqrt(1.0 / 12 / reps)
			for d := range dims {
				if mean := sum[d] / reps; math.Abs(mean-0.5) > 5*se {
					t.Errorf("%v point %d dimension %d: mean %v ± %v, want 0.5", kind, i, d, mean, se)
				}
				chi2, e := 0.0, float64(reps)/8
				for _, c := range hist[d] {
					chi2 += (float64(c) - e) * (float64(c) - e) / e
				}
				if chi2 > 38.9 {
					t.Errorf("%v point %d dimension %d: top-bit χ² = %v with 7 dof", kind, i, d, chi2)
				}
			}
		}
	}
}

// TestScramblerKeys checks that randomizations differ with the seed and
// that a Reset gives the same keys as a fresh Scrambler.
func TestScramblerKeys(t *testing.T) {
	var a, b Scrambler
	a.Reset(Owen, 1, 10)
	b.Reset(Owen, 2, 10)
	b.Reset(Owen, 1, 10)
	for d := range 10 {
		if a.owen[d] != b.owen[d] || a.shifts[d] != b.shifts[d] {
			t.Fatal("Reset with the same seed gave other keys")
		}
	}
	b.Reset(Owen, 2, 10)
	if a.owen[0] == b.owen[0] && a.shifts[0] == b.shifts[0] {
		t.Fatal("seeds 1 and 2 gave the same keys")
	}
}

func BenchmarkOwen(b *testing.B) {
	s, _ := New(100)
	var sc Scrambler
	sc.Reset(Owen, 1, 100)
	x := make([]uint32, 100)
	s.Point(0, x)
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		s.Next(uint64(i), x)
		sc.Apply(x)
	}
	b.ReportMetric(float64(b.N)*100/b.Elapsed().Seconds(), "coords/s")
}
