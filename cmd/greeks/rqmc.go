package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/cmd/internal/cliflag"
	"github.com/hybridgreeks/hybridgreeks/greeks"
)

// rngFlags are the flags that choose the source of the normals.
func rngFlags() []cli.Flag { return cliflag.RNGFlags(catSimulation) }

// parseRNG sets cfg's RNG, Randomizations and Scramble from the flags; a
// bad one is a usage error.
func parseRNG(c *cli.Context, cfg *greeks.Config) error {
	if err := cliflag.RNG(c, cfg); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// writeRNG writes the table's line on the normals of a Sobol run (nothing
// for pseudo-random ones).
func writeRNG(w io.Writer, res *greeks.Result) {
	if res.RNG != greeks.Sobol {
		return
	}
	fmt.Fprintf(w, "rng\tsobol  %d randomizations of %d points (%s scramble)  stderr from their spread, intervals t(%d)\n",
		res.Randomizations, res.Paths/int64(res.Randomizations), res.Scramble, res.Randomizations-1)
}
