package rl

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/hybridgreeks/hybridgreeks/internal/figure"
)

// Curve is one estimator's runs (one log per seed) for PlotCurves.
type Curve struct {
	Name string
	Runs [][]IterLog
}

// PlotCurves draws learning curves into a PNG at path: the return per
// iteration averaged over seeds (smoothed over a window of `smooth`
// iterations), the gradient variance trace (log scale) and the hybrid's λ,
// side by side, with one legend beside them.
func PlotCurves(path, title string, curves []Curve, smooth int) error {
	ret, vr, lam := plot.New(), plot.New(), plot.New()
	ret.Title.Text = fmt.Sprintf("%s: return (mean of seeds, %d-iteration average)", title, smooth)
	ret.Y.Label.Text = "episode return"
	vr.Title.Text = "gradient variance across episodes"
	vr.Y.Label.Text = "variance trace"
	lam.Title.Text = "hybrid λ (weight of pathwise)"
	lam.Y.Label.Text = "λ"
	for _, p := range []*plot.Plot{ret, vr, lam} {
		p.X.Label.Text = "iteration"
		p.X.Tick.Marker = figure.Ticks{}
		p.Y.Tick.Marker = figure.Ticks{}
	}
	vr.Y.Scale = plot.LogScale{}
	vr.Y.Tick.Marker = figure.LogTicks{}
	hasLam := false
	var legend []struct {
		name string
		line *plotter.Line
	}
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
		add := func(p *plot.Plot, pts plotter.XYs) (*plotter.Line, error) {
			if len(pts) == 0 {
				return nil, nil
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			l.Color = plotutil.Color(i)
			l.Width = vg.Points(1.2)
			p.Add(l)
			return l, nil
		}
		l, err := add(ret, mean(func(l IterLog) float64 { return l.Return }))
		if err != nil {
			return err
		}
		if l != nil {
			legend = append(legend, struct {
				name string
				line *plotter.Line
			}{c.Name, l})
		}
		if _, err := add(vr, mean(func(l IterLog) float64 {
			if l.GradVariance > 0 {
				return l.GradVariance
			}
			return math.NaN()
		})); err != nil {
			return err
		}
		if pts := mean(func(l IterLog) float64 { return l.Lambda }); len(pts) > 0 {
			hasLam = true
			if _, err := add(lam, pts); err != nil {
				return err
			}
		}
	}
	plots := []*plot.Plot{ret, vr}
	if hasLam {
		plots = append(plots, lam)
	}
	page := figure.NewPage(5*vg.Inch, 4*vg.Inch, plots...)
	for _, e := range legend {
		page.Add(e.name, e.line)
	}
	if err := page.Save(path); err != nil {
		return fmt.Errorf("rl: plot: %w", err)
	}
	return nil
}
