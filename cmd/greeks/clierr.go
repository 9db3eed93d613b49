package main

import (
	"errors"
	"regexp"

	"github.com/urfave/cli/v2"
)

// helpTopic matches urfave/cli's error for help on a command that does not
// exist ("No help topic for 'x'", exit code 3).
var helpTopic = regexp.MustCompile(`^No help topic for '(.*)'`)

// cliErrors turns the errors urfave/cli makes itself into the app's own:
// help on an unknown command is a usage error (exit 2) like any other
// unknown command, not the library's exit code 3.
func cliErrors(err error) error {
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if m := helpTopic.FindStringSubmatch(ec.Error()); m != nil {
			return usagef("no help topic %q: unknown command (see greeks --help)", m[1])
		}
	}
	return err
}
