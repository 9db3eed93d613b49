// Package sde simulates one-dimensional diffusions a block of paths at a
// time: geometric Brownian motion exactly, and general diffusions
//
//	dX = b(X) dt + σ(X) dW
//
// by the Euler–Maruyama and Milstein schemes on a uniform time grid, together
// with the first-variation process Y_t = ∂X_t/∂X_0, the Malliavin Delta
// weight built from it, and the tangent ∂X_T/∂σ used by pathwise Vega.
//
// Models hold no random number generator: they are handed their Gaussian
// draws, as QuantLib's StochasticProcess::evolve is, so that bumped
// revaluations reuse the same normals (common random numbers).
package sde
