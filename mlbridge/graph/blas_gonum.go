//go:build !openblas

package graph

// BLAS names the BLAS that gorgonia's matrix products run on: gonum's
// pure-Go BLAS; a build with the openblas tag uses OpenBLAS (Debian's
// libopenblas-dev) instead.
const BLAS = "gonum"
