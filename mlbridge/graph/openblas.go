//go:build openblas

package graph

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int num_threads);
import "C"

import (
	"os"

	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

// BLAS names the BLAS that gorgonia's matrix products run on: OpenBLAS
// (Debian's libopenblas-dev, through gonum's cgo bindings) in builds with
// the openblas tag, gonum's pure-Go BLAS otherwise.
const BLAS = "openblas"

// init makes gorgonia use OpenBLAS, on one thread unless
// OPENBLAS_NUM_THREADS says otherwise: on this project's 2-core machines
// its second thread saved no CPU time on the VAE's products (1.5–1.6
// CPU-s a step with one, 1.8–1.9 with two, wall time no better) and made
// the RL policies' small products 25–50% slower.
func init() {
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		C.openblas_set_num_threads(1)
	}
	G.Use(netlib.Implementation{})
}
