package cliflag

import (
	"context"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestDecimal: wrapped flags read decimals only, and cli.Context.Value
// gives the wrapped flag's type (it panics on a value without Get).
func TestDecimal(t *testing.T) {
	var got []any
	app := &cli.App{
		Flags: []cli.Flag{&cli.IntFlag{Name: "i"}, &cli.Int64Flag{Name: "j"}, &cli.Uint64Flag{Name: "u"}, &cli.Float64Flag{Name: "f"}},
		Action: func(c *cli.Context) error {
			got = []any{c.Int("i"), c.Int64("j"), c.Uint64("u"), c.Float64("f"), c.Value("i"), c.Value("j"), c.Value("u"), c.Value("f")}
			return nil
		},
	}
	Flags(app.Flags)
	if err := app.RunContext(context.Background(), []string{"x", "--i", "010", "--j", "0100000", "--u", "08", "--f", "1e2"}); err != nil {
		t.Fatal(err)
	}
	want := []any{10, int64(100000), uint64(8), 100.0, 10, int64(100000), uint64(8), 100.0}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("value %d: %v (%T), want %v (%T)", i, got[i], got[i], want[i], want[i])
		}
	}
	for _, args := range [][]string{{"--i", "0x10"}, {"--j", "1_000"}, {"--u", "0b1"}, {"--f", "0x1p4"}} {
		if err := app.RunContext(context.Background(), append([]string{"x"}, args...)); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
