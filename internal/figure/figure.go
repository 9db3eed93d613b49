// Package figure holds what the project's PNG figures share on top of
// gonum/plot: tick labels with only the digits the spacing needs, log axes
// that label a few decades rather than every one, and a page that draws
// panels side by side with one legend in a column of its own, so that no
// legend covers data.
package figure

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Ticks is a linear plot.Ticker: gonum's default tick positions, labelled
// with the shortest decimal that names each one ("-1225", "0.25"; never
// "-1225.00").
type Ticks struct{}

// Ticks implements plot.Ticker.
func (Ticks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = Label(ts[i].Value)
		}
	}
	return ts
}

// Label formats a tick value as the shortest decimal of its 10 significant
// digits (which drops the float noise of tick arithmetic).
func Label(v float64) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 10, 64), 64)
	if err != nil {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	if r == 0 {
		return "0"
	}
	if a := math.Abs(r); a >= 1e6 || a < 1e-4 {
		// 2e7, 1.5e-5: no "+" and no leading zero in the exponent.
		m, e, _ := strings.Cut(strconv.FormatFloat(r, 'e', -1, 64), "e")
		x, _ := strconv.Atoi(e)
		return m + "e" + strconv.Itoa(x)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// LogTicks is a plot.Ticker for a log axis that labels at most MaxLabels
// decades (every k-th one when the range spans more), as 1e-3, 1, 1e7, with
// unlabelled ticks at the other decades and, when every decade is labelled,
// at 2, …, 9 times each.
type LogTicks struct {
	MaxLabels int // at most this many labels; 0 means 8
}

// Ticks implements plot.Ticker.
func (t LogTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	n := t.MaxLabels
	if n <= 0 {
		n = 8
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	if hi == lo {
		hi++
	}
	step := (hi - lo + n - 1) / n
	if step < 1 {
		step = 1
	}
	var ts []plot.Tick
	for e := lo; e <= hi; e++ {
		v := math.Pow10(e)
		tk := plot.Tick{Value: v}
		if (e-lo)%step == 0 {
			tk.Label = decade(e)
		}
		ts = append(ts, tk)
		if step == 1 && e < hi {
			for k := 2; k < 10; k++ {
				ts = append(ts, plot.Tick{Value: float64(k) * v})
			}
		}
	}
	// A range within one decade or two shows fewer than two labelled
	// decades: label the multiples inside it too.
	shown := 0
	for _, tk := range ts {
		if tk.Label != "" && tk.Value >= min && tk.Value <= max {
			shown++
		}
	}
	for _, ks := range [][]float64{{2, 5}, {3, 4, 6, 7, 8, 9}} {
		if shown >= 2 {
			break
		}
		for i, tk := range ts {
			m := tk.Value / math.Pow10(int(math.Floor(math.Log10(tk.Value)+1e-9)))
			for _, k := range ks {
				if tk.Label == "" && math.Abs(m-k) < 1e-9 && tk.Value >= min && tk.Value <= max {
					ts[i].Label = Label(tk.Value)
					shown++
				}
			}
		}
	}
	return ts
}

func decade(e int) string {
	switch {
	case e == 0:
		return "1"
	case e >= -3 && e < 0:
		return strconv.FormatFloat(math.Pow10(e), 'f', -1, 64)
	case e > 0 && e <= 3:
		return strconv.Itoa(int(math.Pow10(e)))
	}
	return fmt.Sprintf("1e%d", e)
}

// Page draws Panels side by side, each Width wide and Height high, and the
// Legend (if it has entries) in a column of its own on the right.
type Page struct {
	Panels        []*plot.Plot
	Width, Height vg.Length // of one panel
	Legend        plot.Legend
	entries       int
}

// NewPage returns a page of panels with an empty legend.
func NewPage(width, height vg.Length, panels ...*plot.Plot) *Page {
	l := plot.NewLegend()
	l.Top, l.Left = true, true
	return &Page{Panels: panels, Width: width, Height: height, Legend: l}
}

// Add adds a legend entry.
func (p *Page) Add(name string, thumbs ...plot.Thumbnailer) {
	p.Legend.Add(name, thumbs...)
	p.entries++
}

// Save writes the page as a PNG at path, creating its directory.
func (p *Page) Save(path string) error {
	legendW := vg.Length(0)
	pad := vg.Millimeter * 4
	if p.entries > 0 {
		probe := draw.New(vgimg.New(10*vg.Inch, p.Height))
		r := p.Legend.Rectangle(probe)
		legendW = r.Max.X - r.Min.X + 2*pad
	}
	n := vg.Length(len(p.Panels))
	img := vgimg.New(n*p.Width+legendW, p.Height)
	dc := draw.New(img)
	plots := draw.Crop(dc, 0, -legendW, 0, 0)
	tiles := draw.Tiles{Rows: 1, Cols: len(p.Panels), PadX: pad, PadTop: vg.Millimeter, PadBottom: vg.Millimeter}
	for j, pl := range p.Panels {
		pl.Draw(tiles.At(plots, j, 0))
	}
	if p.entries > 0 {
		col := draw.Crop(dc, n*p.Width+pad, 0, 0, -vg.Millimeter*8)
		p.Legend.Draw(col)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("figure: %s: %w", path, err)
	}
	return f.Close()
}
