// Command greeks prices European, Asian, barrier and multi-asset (basket,
// spread, best-of, worst-of) options under GBM, correlated GBM or CEV by
// Monte Carlo and estimates their Greeks by finite differences, pathwise
// differentiation, Malliavin weights, localization and the variance-optimal
// hybrid, all on the same paths; it prices portfolio files (batch) and
// carries the same estimators to ML gradients (experiment, vae, rl).
//
//	greeks option --payoff call --spot 100 --strike 100 --vol 0.2 --maturity 1
//	greeks option --payoff digital-call --format json
//
// Exit status: 0 on success, 2 for a usage error (a bad flag or value, or a
// method asked for that is invalid for the payoff), 1 for any other failure.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/hybridgreeks/hybridgreeks/cmd/internal/cliflag"
	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/rl"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

func main() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) }

// run runs the app with args and returns the exit status. It is the one
// place where errors become exit codes and are printed.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case s := <-sigs:
			cancel(&interrupt{s})
		case <-done:
		}
	}()
	err := cliErrors(newApp(stdout, stderr).RunContext(ctx, args))
	if err == nil {
		return 0
	}
	var sig *interrupt
	if errors.As(context.Cause(ctx), &sig) {
		return interrupted(stderr, sig, err)
	}
	// Library errors already carry a "greeks: " prefix.
	fmt.Fprintf(stderr, "greeks: %s\n", strings.TrimPrefix(err.Error(), "greeks: "))
	return exitCode(err)
}

// interrupt is the cause of a run canceled by a signal.
type interrupt struct{ sig os.Signal }

func (e *interrupt) Error() string { return "interrupted by " + e.sig.String() }

// partial wraps the error of a command stopped part way with what it did
// and did not write, for the interrupt message.
type partial struct {
	err  error
	what string
}

func (e *partial) Error() string { return fmt.Sprintf("%v (%s)", e.err, e.what) }
func (e *partial) Unwrap() error { return e.err }

// interrupted reports a run stopped by sig, on a line of its own (a progress
// bar may hold the current one), saying what was and was not written, and
// returns 128 + the signal number: 130 for SIGINT, 143 for SIGTERM.
func interrupted(stderr io.Writer, sig *interrupt, err error) int {
	what := "nothing was written"
	var w *partial
	if errors.As(err, &w) {
		what = w.what
	}
	fmt.Fprintf(stderr, "\ngreeks: %s: %s\n", sig, what)
	code := 130
	if s, ok := sig.sig.(syscall.Signal); ok {
		code = 128 + int(s)
	}
	return code
}

// exitCode maps an error to 2 when the user asked for something invalid and
// to 1 otherwise.
func exitCode(err error) int {
	var (
		ue *usageError
		me *greeks.MethodError
		gp *greeks.ParamError
		sp *sde.ParamError
		pp *payoff.ParamError
		rp *rl.ParamError
		re *rl.EnvError
	)
	switch {
	case errors.As(err, &ue), errors.As(err, &me), errors.As(err, &gp),
		errors.As(err, &sp), errors.As(err, &pp), errors.Is(err, payoff.ErrUnknown),
		errors.As(err, &rp), errors.As(err, &re), errors.Is(err, rl.ErrNotDifferentiable):
		return 2
	}
	return 1
}

// usageError is a command line the app cannot act on: a flag that does not
// parse, or a value outside its domain.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a *usageError with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// flagSpelling rewrites the single-dash flag names of package flag's
// messages the way users type them.
var flagSpelling = strings.NewReplacer(
	"flag provided but not defined: -", "unknown flag --",
	"for flag -", "for flag --",
	"flag needs an argument: -", "flag needs an argument: --",
)

// onUsageError wraps flag-parsing errors so that run maps them to exit 2.
func onUsageError(c *cli.Context, err error, _ bool) error {
	name := "greeks"
	if c.Command != nil && c.Command.HelpName != "" {
		name = c.Command.HelpName
	}
	return usagef("%s (see %s --help)", flagSpelling.Replace(err.Error()), name)
}

// newApp returns the greeks command-line app writing to stdout and stderr.
// It never exits the process: errors come back from Run.
func newApp(stdout, stderr io.Writer) *cli.App {
	cmds := []*cli.Command{optionCmd(), batchCmd(), experimentCmd(), vaeCmd(), rlCmd(), versionCmd(), completionCmd()}
	cliflag.Commands(cmds)
	return &cli.App{
		Name:  "greeks",
		Usage: "Monte Carlo prices and Greeks of European, Asian, barrier and multi-asset options (GBM, correlated GBM, CEV), every estimator side by side",
		Description: "Each run draws one set of paths and reports the price with Delta, Gamma and Vega\n" +
			"by fd, pathwise, malliavin, localized and hybrid, each with its standard error and 95% interval.\n\n" +
			"Example:\n\n   greeks option --payoff call --spot 100 --strike 100 --vol 0.2 --maturity 1",
		Commands:             cmds,
		Writer:               stdout,
		ErrWriter:            stderr,
		OnUsageError:         onUsageError,
		ExitErrHandler:       func(*cli.Context, error) {},
		Version:              buildVersion().short(),
		EnableBashCompletion: true,
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("unknown command %q (see greeks --help)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
	}
}
