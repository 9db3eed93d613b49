//go:build openblas

package graph

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

// BLAS names the BLAS that gorgonia's matrix products run on: OpenBLAS
// (Debian's libopenblas-dev, through gonum's cgo bindings) in builds with
// the openblas tag, gonum's pure-Go BLAS otherwise.
const BLAS = "openblas"

func init() { G.Use(netlib.Implementation{}) }
