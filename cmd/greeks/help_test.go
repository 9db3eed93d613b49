package main

import (
	"io"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// walkCommands calls f for every command and subcommand of app, with its
// full name ("vae train").
func walkCommands(app *cli.App, f func(name string, c *cli.Command)) {
	var walk func(prefix string, cs []*cli.Command)
	walk = func(prefix string, cs []*cli.Command) {
		for _, c := range cs {
			name := strings.TrimSpace(prefix + " " + c.Name)
			f(name, c)
			walk(name, c.Subcommands)
		}
	}
	walk("", app.Commands)
}

// TestEveryFlagDocumented walks every command and flag of the app: each
// flag has a description and a help category, each command a usage line,
// and each command that runs something a description with an example.
// urfave/cli's own --help and --version flags are the exceptions.
func TestEveryFlagDocumented(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	n := 0
	walkCommands(app, func(name string, c *cli.Command) {
		if c.Usage == "" {
			t.Errorf("greeks %s has no Usage", name)
		}
		if c.Action != nil && !strings.Contains(c.Description, "Example") {
			t.Errorf("greeks %s: its Description has no example", name)
		}
		for _, f := range c.Flags {
			fname := f.Names()[0]
			if fname == "help" || fname == "version" {
				continue
			}
			n++
			if d, ok := f.(cli.DocGenerationFlag); !ok || strings.TrimSpace(d.GetUsage()) == "" {
				t.Errorf("greeks %s --%s has no Usage", name, fname)
			}
			if cf, ok := f.(cli.CategorizableFlag); !ok || cf.GetCategory() == "" {
				t.Errorf("greeks %s --%s has no Category", name, fname)
			}
		}
	})
	if n < 100 {
		t.Errorf("walked only %d flags: the walk misses commands", n)
	}
}

// helpCategory returns the flag names listed under the help category cat
// in a command's help text.
func helpCategory(help, cat string) []string {
	var names []string
	in := false
	for _, line := range strings.Split(help, "\n") {
		l := strings.TrimSpace(line)
		switch {
		case l == cat:
			in = true
		case in && strings.HasPrefix(l, "--"):
			names = append(names, strings.Fields(l)[0])
		case in && l != "":
			return names
		}
	}
	return names
}

func TestHelpContents(t *testing.T) {
	help := func(args ...string) string {
		t.Helper()
		code, out, errb := runCLI(t, append(args, "--help")...)
		if code != 0 {
			t.Fatalf("greeks %v --help: exit %d, %s", args, code, errb)
		}
		return out
	}
	// vae eval shows its own flags only: no training flags.
	eval := help("vae", "eval")
	for _, f := range []string{"--checkpoint", "--data", "--data-dir", "--test-subset"} {
		if !strings.Contains(eval, f+" ") {
			t.Errorf("vae eval --help lacks %s:\n%s", f, eval)
		}
	}
	for _, f := range []string{"--batch", "--subset", "--seed", "--lambda", "--granularity", "--baseline", "--epochs"} {
		if strings.Contains(eval, f+" ") {
			t.Errorf("vae eval --help shows %s, which eval does not use:\n%s", f, eval)
		}
	}
	for _, cmd := range [][]string{{"option"}, {"batch"}} {
		if h := help(cmd...); !strings.Contains(h, "localized") {
			t.Errorf("greeks %v --help: --methods does not name localized", cmd)
		}
	}
	in := helpCategory(help("batch"), "Input")
	for _, f := range []string{"--in", "--in-format", "--market", "--market-format"} {
		found := false
		for _, g := range in {
			found = found || g == f
		}
		if !found {
			t.Errorf("batch --help: %s not under Input (Input lists %v)", f, in)
		}
	}
	// The top-level usage says what the commands price now.
	top := help()
	for _, w := range []string{"Asian", "barrier", "CEV", "version", "completion"} {
		if !strings.Contains(top, w) {
			t.Errorf("greeks --help lacks %q:\n%s", w, top)
		}
	}
}

func TestHelpUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"help", "nosuch"}, {"vae", "help", "nosuch"}, {"rl", "nosuch"}} {
		code, _, errb := runCLI(t, args...)
		if code != 2 || !strings.Contains(errb, "nosuch") {
			t.Errorf("greeks %v: exit %d, stderr %q; want 2 naming nosuch", args, code, errb)
		}
	}
	for _, args := range [][]string{{"help"}, {"help", "option"}, {"vae", "help", "train"}} {
		if code, out, errb := runCLI(t, args...); code != 0 || out == "" {
			t.Errorf("greeks %v: exit %d, stderr %q", args, code, errb)
		}
	}
}
