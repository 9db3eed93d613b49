package greeks

import (
	"fmt"
	"strings"
)

// Greek names a sensitivity of the option value V.
type Greek int

const (
	Delta Greek = iota // ∂V/∂S_0
	Gamma              // ∂²V/∂S_0²
	Vega               // ∂V/∂σ, σ absolute (0.2 = 20%): per unit of volatility, not per 1%
	// CrossGamma is ∂²V/∂S_i∂S_j for two assets i < j of a multi-asset
	// model; a figure carries the pair (Figure.Asset, Figure.Asset2).
	CrossGamma
	// Rho is ∂V/∂r per unit of rate (0.01 = 1%), the discount and the
	// drift moved together (one figure shared by the assets of a
	// multi-asset model); Theta is −∂V/∂T per year, the other inputs fixed,
	// the fixing schedule of a path-dependent payoff moving with the
	// valuation date (the contract ages). Every method valid for the payoff
	// under the exact scheme (GBM, correlated GBM) and Euler (GBM, CEV);
	// fd only under Milstein.
	Rho
	Theta
	// Vanna is ∂²V/∂S_0∂σ and Volga ∂²V/∂σ² (σ absolute, like Vega), for
	// European payoffs on GBM and Asian and barrier payoffs on one GBM
	// asset under the exact scheme; with several assets, each asset's
	// ∂²V/∂S_a∂σ_a and ∂²V/∂σ_a².
	Vanna
	Volga
)

// AllGreeks lists the Greeks of one asset in report order: what a nil
// Config.Greeks means for a one-asset model. For several assets it means
// these and CrossGamma.
var AllGreeks = []Greek{Delta, Gamma, Vega}

var greekNames = []string{"delta", "gamma", "vega", "cross-gamma", "rho", "theta", "vanna", "volga"}

func (g Greek) String() string {
	if g >= 0 && int(g) < len(greekNames) {
		return greekNames[g]
	}
	return fmt.Sprintf("Greek(%d)", int(g))
}

// ParseGreek returns the Greek with the given lowercase name.
func ParseGreek(s string) (Greek, error) {
	for i, n := range greekNames {
		if n == s {
			return Greek(i), nil
		}
	}
	return 0, fmt.Errorf("unknown greek %q (want %s)", s, strings.Join(greekNames, ", "))
}

// Method names an estimator.
type Method int

const (
	FD        Method = iota // central bump-and-revalue with common random numbers
	Pathwise                // pathwise differentiation (Lipschitz payoffs)
	Malliavin               // Malliavin / likelihood-ratio weight
	Localized               // pathwise on a smoothed payoff + Malliavin on the remainder (discontinuous payoffs)
	Hybrid                  // λ*·(pathwise or localized) + (1 − λ*)·Malliavin
)

// AllMethods lists the methods in report order.
var AllMethods = []Method{FD, Pathwise, Malliavin, Localized, Hybrid}

var methodNames = []string{"fd", "pathwise", "malliavin", "localized", "hybrid"}

// LambdaMode says how the hybrid's λ is estimated.
type LambdaMode int

const (
	// Crossfit splits the paths into Folds folds by block; each fold's
	// samples are mixed with the λ* estimated from the other folds, so λ is
	// independent of the samples it weights and the hybrid is unbiased. The
	// default: it costs nothing measurable against Plugin.
	Crossfit LambdaMode = iota
	// Plugin estimates λ* from the same samples it weights (the paper's
	// Algorithm 1); the hybrid has a bias of order 1/N (ERRATA §2.5).
	Plugin
	// Pilot takes λ* from an independent pilot run; the hybrid is unbiased.
	Pilot
)

var lambdaNames = []string{"crossfit", "plugin", "pilot"}

func (l LambdaMode) String() string {
	if l >= 0 && int(l) < len(lambdaNames) {
		return lambdaNames[l]
	}
	return fmt.Sprintf("LambdaMode(%d)", int(l))
}

// ParseLambdaMode returns the mode with the given lowercase name.
func ParseLambdaMode(s string) (LambdaMode, error) {
	for i, n := range lambdaNames {
		if n == s {
			return LambdaMode(i), nil
		}
	}
	return 0, fmt.Errorf("unknown lambda mode %q (want %s)", s, strings.Join(lambdaNames, ", "))
}

// WeightKind selects the Malliavin Delta weight on a time grid.
type WeightKind int

const (
	// Chain is the integration-by-parts weight of the discretized chain:
	// it estimates the same target as pathwise and fd on the grid (the
	// Delta of the discretized price). The default.
	Chain WeightKind = iota
	// Continuous is the time-averaged weight (1/t_1) Σ Y_k ΔW_k/σ(X_k),
	// exact in continuous time: its target differs from the chain's by O(Δt).
	Continuous
)

var weightNames = []string{"chain", "continuous"}

func (w WeightKind) String() string {
	if w >= 0 && int(w) < len(weightNames) {
		return weightNames[w]
	}
	return fmt.Sprintf("WeightKind(%d)", int(w))
}

// ParseWeightKind returns the weight with the given lowercase name.
func ParseWeightKind(s string) (WeightKind, error) {
	for i, n := range weightNames {
		if n == s {
			return WeightKind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown weight %q (want %s)", s, strings.Join(weightNames, ", "))
}

func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod returns the method with the given lowercase name.
func ParseMethod(s string) (Method, error) {
	for i, n := range methodNames {
		if n == s {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("unknown method %q (want %s)", s, strings.Join(methodNames, ", "))
}
