package vae

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/hybridgreeks/hybridgreeks/internal/figure"
)

// PlotLogs draws training curves of several runs into a PNG at path: the
// train and test negative ELBO per epoch, and the hybrid's λ, with one
// legend beside the panels.
func PlotLogs(path string, runs map[string][]EpochLog) error {
	names := make([]string, 0, len(runs))
	for n := range runs {
		names = append(names, n)
	}
	sort.Strings(names)
	elbo := plot.New()
	elbo.Title.Text = "−ELBO per epoch"
	elbo.X.Label.Text = "epoch"
	elbo.Y.Label.Text = "nats per image"
	lam := plot.New()
	lam.Title.Text = "hybrid λ (epoch mean)"
	lam.X.Label.Text = "epoch"
	lam.Y.Label.Text = "λ"
	for _, p := range []*plot.Plot{elbo, lam} {
		p.X.Tick.Marker, p.Y.Tick.Marker = figure.Ticks{}, figure.Ticks{}
	}
	dashes := []vg.Length{vg.Points(4), vg.Points(3)}
	page := figure.NewPage(5*vg.Inch, 4*vg.Inch)
	top, hasLam := math.Inf(-1), false
	for i, n := range names {
		var tr, te, la plotter.XYs
		for _, l := range runs[n] {
			x := float64(l.Epoch)
			if !math.IsNaN(l.TrainLoss) && !math.IsInf(l.TrainLoss, 0) { // a diverged epoch is not drawn
				tr = append(tr, plotter.XY{X: x, Y: l.TrainLoss})
				top = math.Max(top, l.TrainLoss)
			}
			if !math.IsNaN(l.TestLoss) {
				te = append(te, plotter.XY{X: x, Y: l.TestLoss})
				top = math.Max(top, l.TestLoss)
			}
			if !math.IsNaN(l.Lambda) {
				la = append(la, plotter.XY{X: x, Y: l.Lambda})
			}
		}
		for k, pts := range []plotter.XYs{tr, te} {
			if len(pts) == 0 {
				continue
			}
			line, dots, err := plotter.NewLinePoints(pts)
			if err != nil {
				return err
			}
			line.Color, dots.Color = plotutil.Color(i), plotutil.Color(i)
			dots.Radius = vg.Points(2)
			if k == 1 {
				line.Dashes = dashes
			} else {
				page.Add(n, line)
			}
			elbo.Add(line, dots)
		}
		if len(la) > 0 {
			hasLam = true
			line, pts, err := plotter.NewLinePoints(la)
			if err != nil {
				return err
			}
			line.Color, pts.Color = plotutil.Color(i), plotutil.Color(i)
			lam.Add(line, pts)
		}
	}
	// Headroom: no curve runs into the frame or the title.
	if !math.IsInf(top, 0) {
		elbo.Y.Max = math.Max(elbo.Y.Max, top+0.06*(top-elbo.Y.Min))
	}
	train, err := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	if err != nil {
		return err
	}
	test, err := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	if err != nil {
		return err
	}
	train.Color, test.Color, test.Dashes = color.Black, color.Black, dashes
	page.Add("train (solid)", train)
	page.Add("test (dashed)", test)
	page.Panels = []*plot.Plot{elbo}
	if hasLam {
		page.Panels = append(page.Panels, lam)
	}
	if err := page.Save(path); err != nil {
		return fmt.Errorf("vae: %w", err)
	}
	return nil
}
