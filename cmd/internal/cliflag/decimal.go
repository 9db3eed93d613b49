// Package cliflag makes urfave/cli's number flags read decimal text only,
// as the batch rows do, for the greeks and greeks-beam commands.
package cliflag

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// urfave/cli v2 parses integer flags with package flag, which takes base
// prefixes: --paths 0100000 would be octal (32768 paths) and 0x10 sixteen,
// while a batch row reads the same text as the decimal 100000. The wrappers
// below make every integer flag, on the command line and in the
// environment, a decimal, as the batch rows are.

// Commands makes the number flags of cmds and their subcommands read
// decimals only.
func Commands(cmds []*cli.Command) {
	for _, c := range cmds {
		Flags(c.Flags)
		Commands(c.Subcommands)
	}
}

// Flags makes the number flags in flags read decimals only: integers in
// base 10 (no 0x, 0b, 0o or leading-zero octal, no digit separators) on
// the command line and in the environment, and floats without
// hexadecimal or separators on the command line.
func Flags(flags []cli.Flag) {
	for i, f := range flags {
		switch f := f.(type) {
		case *cli.IntFlag:
			flags[i] = decimalInt{f}
		case *cli.Int64Flag:
			flags[i] = decimalInt64{f}
		case *cli.Uint64Flag:
			flags[i] = decimalUint64{f}
		case *cli.Float64Flag:
			flags[i] = decimalFloat64{f}
		}
	}
}

type (
	decimalInt     struct{ *cli.IntFlag }
	decimalInt64   struct{ *cli.Int64Flag }
	decimalUint64  struct{ *cli.Uint64Flag }
	decimalFloat64 struct{ *cli.Float64Flag }
)

// Apply makes the flag refuse what strconv.ParseFloat takes beyond decimal
// text (hexadecimal 0x1p4, digit separators), as batch rows do.
func (f decimalFloat64) Apply(set *flag.FlagSet) error {
	if err := f.Float64Flag.Apply(set); err != nil {
		return err
	}
	for _, n := range f.Names() {
		if fl := set.Lookup(n); fl != nil {
			fl.Value = &decimalFloat{fl.Value}
		}
	}
	return nil
}

type decimalFloat struct{ flag.Value }

// Get implements flag.Getter (cli.Context.Value needs it).
func (v *decimalFloat) Get() any { return v.Value.(flag.Getter).Get() }

func (v *decimalFloat) Set(s string) error {
	if strings.ContainsAny(s, "xX_") {
		return fmt.Errorf("want a decimal number")
	}
	return v.Value.Set(s)
}

func (f decimalInt) Apply(set *flag.FlagSet) error {
	f.Base = 10
	return redecimal(set, f.IntFlag.Apply, f.Names(), strconv.IntSize, false, false)
}

func (f decimalInt64) Apply(set *flag.FlagSet) error {
	f.Base = 10
	return redecimal(set, f.Int64Flag.Apply, f.Names(), 64, false, true)
}

func (f decimalUint64) Apply(set *flag.FlagSet) error {
	f.Base = 10
	return redecimal(set, f.Uint64Flag.Apply, f.Names(), 64, true, false)
}

// redecimal applies a flag and replaces the value package flag would parse
// with one that reads base 10 only. urfave/cli reads the value back from
// its String, which stays a plain decimal.
func redecimal(set *flag.FlagSet, apply func(*flag.FlagSet) error, names []string, bits int, unsigned, int64 bool) error {
	if err := apply(set); err != nil {
		return err
	}
	for _, n := range names {
		if fl := set.Lookup(n); fl != nil {
			fl.Value = &decimalValue{s: fl.Value.String(), bits: bits, unsigned: unsigned, int64: int64}
		}
	}
	return nil
}

// decimalValue is an integer flag value read in base 10.
type decimalValue struct {
	s        string
	bits     int
	unsigned bool
	int64    bool // an Int64Flag's value rather than an IntFlag's
}

func (v *decimalValue) String() string { return v.s }

// Get implements flag.Getter (cli.Context.Value needs it): the value as
// the type the wrapped flag holds.
func (v *decimalValue) Get() any {
	switch {
	case v.unsigned:
		u, _ := strconv.ParseUint(v.s, 10, 64)
		return u
	case v.bits == strconv.IntSize && !v.int64:
		n, _ := strconv.Atoi(v.s)
		return n
	}
	n, _ := strconv.ParseInt(v.s, 10, 64)
	return n
}

func (v *decimalValue) Set(s string) error {
	if v.unsigned {
		u, err := strconv.ParseUint(s, 10, v.bits)
		if err != nil {
			return fmt.Errorf("want a decimal integer from 0 to %d", uint64(1)<<v.bits-1)
		}
		v.s = strconv.FormatUint(u, 10)
		return nil
	}
	n, err := strconv.ParseInt(s, 10, v.bits)
	if err != nil {
		return fmt.Errorf("want a decimal integer")
	}
	v.s = strconv.FormatInt(n, 10)
	return nil
}
