package rl

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Curve is one estimator's runs (one log per seed) for PlotCurves.
type Curve struct {
	Name string
	Runs [][]IterLog
}

// PlotCurves draws learning curves into a PNG at path: the return per
// iteration averaged over seeds (smoothed over a window of `smooth`
// iterations), the gradient variance trace (log scale) and the hybrid's λ.
func PlotCurves(path, title string, curves []Curve, smooth int) error {
	ret, vr, lam := plot.New(), plot.New(), plot.New()
	ret.Title.Text = title + ": mean episode return"
	vr.Title.Text = "gradient variance (trace, per episode)"
	lam.Title.Text = "hybrid λ"
	for _, p := range []*plot.Plot{ret, vr, lam} {
		p.X.Label.Text = "iteration"
	}
	vr.Y.Scale = plot.LogScale{}
	vr.Y.Tick.Marker = plot.LogTicks{Prec: 1}
	hasLam := false
	for i, c := range curves {
		mean := func(f func(IterLog) float64) plotter.XYs {
			var pts plotter.XYs
			if len(c.Runs) == 0 {
				return pts
			}
			n := len(c.Runs[0])
			for _, r := range c.Runs {
				n = min(n, len(r))
			}
			raw := make([]float64, n)
			for it := range n {
				for _, r := range c.Runs {
					raw[it] += f(r[it]) / float64(len(c.Runs))
				}
			}
			for it := range n {
				lo := max(0, it-smooth+1)
				var s float64
				var k int
				for _, v := range raw[lo : it+1] {
					if !math.IsNaN(v) && !math.IsInf(v, 0) {
						s += v
						k++
					}
				}
				if k > 0 {
					pts = append(pts, plotter.XY{X: float64(it), Y: s / float64(k)})
				}
			}
			return pts
		}
		add := func(p *plot.Plot, pts plotter.XYs) error {
			if len(pts) == 0 {
				return nil
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return err
			}
			l.Color = plotutil.Color(i)
			p.Add(l)
			p.Legend.Add(c.Name, l)
			return nil
		}
		if err := add(ret, mean(func(l IterLog) float64 { return l.Return })); err != nil {
			return err
		}
		if err := add(vr, mean(func(l IterLog) float64 {
			if l.GradVariance > 0 {
				return l.GradVariance
			}
			return math.NaN()
		})); err != nil {
			return err
		}
		if pts := mean(func(l IterLog) float64 { return l.Lambda }); len(pts) > 0 {
			hasLam = true
			if err := add(lam, pts); err != nil {
				return err
			}
		}
	}
	ret.Legend.Top = true
	ret.Legend.Left = true
	plots := []*plot.Plot{ret, vr}
	if hasLam {
		plots = append(plots, lam)
	}
	img := vgimg.New(vg.Length(5*len(plots))*vg.Inch, 4*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Millimeter * 4}
	for j, p := range plots {
		p.Draw(tiles.At(dc, j, 0))
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
		return fmt.Errorf("rl: plot: %w", err)
	}
	return f.Close()
}
