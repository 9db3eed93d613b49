package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/greeks"
)

// rngFlags are the flags that choose the source of the normals.
func rngFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "rng", Value: "pseudo", Category: catSimulation, EnvVars: []string{"GREEKS_RNG"},
			Usage: "source of the normals: pseudo (random streams) or sobol (randomized quasi-Monte Carlo: scrambled " +
				"Sobol' points and a Brownian bridge; standard errors from the spread of --randomizations scramblings)"},
		&cli.IntFlag{Name: "randomizations", Category: catSimulation, DefaultText: "16 with --rng sobol",
			Usage: "independent scramblings R of --rng sobol, at least 2; each is a full estimate on --paths/R points " +
				"(--paths must be a multiple of R)"},
		&cli.StringFlag{Name: "scramble", Value: "owen", Category: catSimulation,
			Usage: "randomization of --rng sobol: owen (hash-based nested scramble and a digital shift) or shift (digital shift alone)"},
	}
}

// parseRNG sets cfg's RNG, Randomizations and Scramble from the flags.
func parseRNG(c *cli.Context, cfg *greeks.Config) error {
	rng, err := greeks.ParseRNG(c.String("rng"))
	if err != nil {
		return usagef("invalid --rng %q: want pseudo or sobol", c.String("rng"))
	}
	scr, err := greeks.ParseScramble(c.String("scramble"))
	if err != nil {
		return usagef("invalid --scramble %q: want owen or shift", c.String("scramble"))
	}
	r := c.Int("randomizations")
	switch {
	case rng == greeks.Pseudo && c.IsSet("randomizations"):
		return usagef("invalid --randomizations %d: randomizations need --rng sobol", r)
	case rng == greeks.Pseudo && c.IsSet("scramble"):
		return usagef("invalid --scramble %s: a scramble needs --rng sobol", c.String("scramble"))
	case rng == greeks.Sobol && c.IsSet("randomizations") && r < 2:
		return usagef("invalid --randomizations %d: must be at least 2", r)
	case rng == greeks.Sobol && c.Float64("tolerance") > 0:
		return usagef("invalid --tolerance %v: not supported with --rng sobol; set --paths", c.Float64("tolerance"))
	}
	if rng == greeks.Sobol {
		if r == 0 {
			r = greeks.DefaultRandomizations
		}
		if n := c.Int64("paths"); n%int64(r) != 0 {
			return usagef("invalid --paths %d: must be a multiple of --randomizations %d with --rng sobol", n, r)
		}
	}
	cfg.RNG, cfg.Randomizations, cfg.Scramble = rng, r, scr
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
