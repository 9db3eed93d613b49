package cliflag

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/greeks"
)

// The normals flags of greeks option, greeks batch and greeks-beam: --rng,
// --randomizations and --scramble, with one validation.

// RNGFlags are --rng, --randomizations and --scramble in category cat.
func RNGFlags(cat string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "rng", Value: "pseudo", Category: cat, EnvVars: []string{"GREEKS_RNG"},
			Usage: "source of the normals: pseudo (random streams) or sobol (randomized quasi-Monte Carlo: scrambled " +
				"Sobol' points and a Brownian bridge; standard errors from the spread of --randomizations scramblings)"},
		&cli.IntFlag{Name: "randomizations", Category: cat, DefaultText: "16 with --rng sobol",
			Usage: "independent scramblings R of --rng sobol, at least 2; each is a full estimate on --paths/R points " +
				"(--paths must be a multiple of R)"},
		&cli.StringFlag{Name: "scramble", Value: "owen", Category: cat,
			Usage: "randomization of --rng sobol: owen (hash-based nested scramble and a digital shift) or shift (digital shift alone)"},
	}
}

// RNG sets cfg's RNG, Randomizations and Scramble from the flags (and
// checks them against --paths and --tolerance where the command has
// them); its error names the flag and the value, for the command to make a
// usage error.
func RNG(c *cli.Context, cfg *greeks.Config) error {
	rng, err := greeks.ParseRNG(c.String("rng"))
	if err != nil {
		return fmt.Errorf("invalid --rng %q: want pseudo or sobol", c.String("rng"))
	}
	scr, err := greeks.ParseScramble(c.String("scramble"))
	if err != nil {
		return fmt.Errorf("invalid --scramble %q: want owen or shift", c.String("scramble"))
	}
	r := c.Int("randomizations")
	switch {
	case rng == greeks.Pseudo && c.IsSet("randomizations"):
		return fmt.Errorf("invalid --randomizations %d: randomizations need --rng sobol", r)
	case rng == greeks.Pseudo && c.IsSet("scramble"):
		return fmt.Errorf("invalid --scramble %s: a scramble needs --rng sobol", c.String("scramble"))
	case rng == greeks.Sobol && c.IsSet("randomizations") && r < 2:
		return fmt.Errorf("invalid --randomizations %d: must be at least 2", r)
	case rng == greeks.Sobol && c.Float64("tolerance") > 0:
		return fmt.Errorf("invalid --tolerance %v: not supported with --rng sobol; set --paths", c.Float64("tolerance"))
	}
	if rng == greeks.Sobol {
		if r == 0 {
			r = greeks.DefaultRandomizations
		}
		if n := c.Int64("paths"); n%int64(r) != 0 {
			return fmt.Errorf("invalid --paths %d: must be a multiple of --randomizations %d with --rng sobol", n, r)
		}
	}
	cfg.RNG, cfg.Randomizations, cfg.Scramble = rng, r, scr
	return nil
}
