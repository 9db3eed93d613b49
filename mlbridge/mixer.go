package mlbridge

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/greeks"
)

// Granularity says how many λ a vector mix uses.
type Granularity int

const (
	// Trace uses one λ for the whole vector, from the traces of the
	// covariance matrices (the paper's Algorithm 1, ERRATA §2.10).
	Trace Granularity = iota
	// Coordinate uses a λ per coordinate; never worse than Trace.
	Coordinate
	// Block uses a λ per parameter block (per layer), given by Blocks.
	Block
)

var granularityNames = []string{"trace", "coordinate", "block"}

func (g Granularity) String() string {
	if g >= 0 && int(g) < len(granularityNames) {
		return granularityNames[g]
	}
	return fmt.Sprintf("Granularity(%d)", int(g))
}

// VecMixer mixes two unbiased gradient estimators P (pathwise) and S
// (score) coordinate-wise as H = λ∘P + (1 − λ)∘S, with the λ of
// greeks.Mixer for each group of coordinates.
type VecMixer struct {
	Mixer       greeks.Mixer // Clip: the paper's [0, 1] variant; off by default
	Granularity Granularity
	// Blocks are the boundaries of the parameter blocks for Granularity
	// Block: block j is coordinates [Blocks[j], Blocks[j+1]), with
	// Blocks[0] = 0 and the last entry d.
	Blocks []int
}

// groups returns the coordinate ranges that share a λ.
func (v VecMixer) groups(d int) [][2]int {
	switch v.Granularity {
	case Coordinate:
		g := make([][2]int, d)
		for k := range g {
			g[k] = [2]int{k, k + 1}
		}
		return g
	case Block:
		if len(v.Blocks) < 2 || v.Blocks[0] != 0 || v.Blocks[len(v.Blocks)-1] != d {
			panic(fmt.Sprintf("mlbridge: blocks %v do not cover [0, %d)", v.Blocks, d))
		}
		g := make([][2]int, len(v.Blocks)-1)
		for j := range g {
			g[j] = [2]int{v.Blocks[j], v.Blocks[j+1]}
		}
		return g
	}
	return [][2]int{{0, d}}
}

// Lambdas sets lambda[k] to the λ that governs coordinate k, from the
// moments in a.
func (v VecMixer) Lambdas(a *Acc, lambda []float64) {
	for _, g := range v.groups(a.Dim()) {
		l := v.Mixer.Lambda(a.Sum(g[0], g[1]))
		for k := g[0]; k < g[1]; k++ {
			lambda[k] = l
		}
	}
}

// Guard tests the paired samples for E[P − S] = 0. A pathwise estimator on
// a discontinuous loss is 0 almost surely where the true gradient is not:
// the two estimators then disagree by many standard errors, and the
// pathwise one must not be mixed.
//
// The z statistic of a valid pair is far from normal in small samples: the
// score-function samples are skewed and heavy-tailed, so the sample
// variance misses the rare large values. For the synthetic hinge loss at
// θ = 0.8, α = 2, |z| exceeded the 10⁻⁶ threshold (4.89) in 3% of batches
// of 100 samples and 0.1% of batches of 1,000, never in 2,000 batches of
// 10,000. The guard therefore stays silent (Inconclusive) below MinSamples
// samples; Hybrid accumulates the evidence over successive batches.
type Guard struct {
	// Alpha is the family-wise false-alarm rate over the coordinates
	// (Bonferroni); 0 means 1e-6.
	Alpha float64
	// MinSamples is the sample count below which the test does not fire;
	// 0 means 10,000.
	MinSamples int64
}

// GuardResult is the outcome of a bias test.
type GuardResult struct {
	Biased       bool
	Inconclusive bool    // fewer than MinSamples samples so far
	Z            float64 // the largest |z| over the coordinates
	Coord        int     // where it was found
	Threshold    float64
	N            int64 // the samples tested
}

// Check runs the z-test of every coordinate at the Bonferroni threshold
// Φ⁻¹(1 − α/(2d)).
func (g Guard) Check(a *Acc) GuardResult {
	alpha := g.Alpha
	if alpha == 0 {
		alpha = 1e-6
	}
	minN := g.MinSamples
	if minN == 0 {
		minN = 10_000
	}
	r := GuardResult{Threshold: distuv.UnitNormal.Quantile(1 - alpha/(2*float64(a.Dim()))), N: a.N()}
	for k := range a.Dim() {
		if z := math.Abs(a.Pair(k).DiffZ()); z > r.Z || math.IsNaN(z) {
			r.Z, r.Coord = z, k
		}
	}
	r.Inconclusive = a.N() < minN
	r.Biased = !r.Inconclusive && !(r.Z <= r.Threshold)
	return r
}
