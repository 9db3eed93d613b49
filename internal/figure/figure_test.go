package figure

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

func TestLabel(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{-1225, "-1225"}, {0.30000000000000004, "0.3"}, {0.25, "0.25"}, {0, "0"}, {1e7, "1e7"}, {-1.5e-5, "-1.5e-5"}, {2e-12, "2e-12"}, {1200.0000000001, "1200"}} {
		if got := Label(c.v); got != c.want {
			t.Errorf("Label(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	for _, tk := range (Ticks{}).Ticks(-1280, -1100) {
		if tk.Label != "" && tk.Label != Label(tk.Value) {
			t.Errorf("tick %v labelled %q", tk.Value, tk.Label)
		}
	}
}

func TestLogTicksFew(t *testing.T) {
	for _, c := range []struct {
		min, max float64
		labels   int
	}{{1e-3, 1e26, 8}, {1e6, 1e11, 8}, {2, 30, 8}, {2, 3, 2}} {
		ts := LogTicks{}.Ticks(c.min, c.max)
		n := 0
		for _, tk := range ts {
			if tk.Label != "" && tk.Value >= c.min && tk.Value <= c.max {
				n++
			}
		}
		if n > c.labels || n < 2 {
			t.Errorf("LogTicks(%g, %g): %d labels, want 2 to %d", c.min, c.max, n, c.labels)
		}
	}
}

// TestPageLegendColumn: the legend gets a column of its own, beside the
// panels, not on top of them.
func TestPageLegendColumn(t *testing.T) {
	p := plot.New()
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		t.Fatal(err)
	}
	p.Add(l)
	page := NewPage(3*vg.Inch, 2*vg.Inch, p)
	page.Add("a rather long legend entry", l)
	path := filepath.Join(t.TempDir(), "sub", "p.png")
	if err := page.Save(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	panel := int(3 * vg.Inch / vg.Inch * vgDPI)
	if cfg.Width <= panel+int(vgDPI/2) {
		t.Errorf("page %d px wide for a %d px panel: no legend column", cfg.Width, panel)
	}
}

const vgDPI = 96 // vgimg's default resolution
