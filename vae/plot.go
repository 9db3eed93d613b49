package vae

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// PlotLogs draws training curves of several runs into a PNG at path: the
// train and test negative ELBO per epoch, and the hybrid's λ.
func PlotLogs(path string, runs map[string][]EpochLog) error {
	names := make([]string, 0, len(runs))
	for n := range runs {
		names = append(names, n)
	}
	sort.Strings(names)
	elbo := plot.New()
	elbo.Title.Text = "−ELBO per epoch (solid: train, dashed: test)"
	elbo.X.Label.Text = "epoch"
	elbo.Y.Label.Text = "nats per image"
	lam := plot.New()
	lam.Title.Text = "hybrid λ (epoch mean)"
	lam.X.Label.Text = "epoch"
	lam.Y.Label.Text = "λ"
	lam.Y.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		ticks := plot.DefaultTicks{}.Ticks(min, max)
		for i := range ticks {
			if ticks[i].Label != "" {
				ticks[i].Label = fmt.Sprintf("%.5g", ticks[i].Value)
			}
		}
		return ticks
	})
	for i, n := range names {
		var tr, te, la plotter.XYs
		for _, l := range runs[n] {
			x := float64(l.Epoch)
			tr = append(tr, plotter.XY{X: x, Y: l.TrainLoss})
			if !math.IsNaN(l.TestLoss) {
				te = append(te, plotter.XY{X: x, Y: l.TestLoss})
			}
			if !math.IsNaN(l.Lambda) {
				la = append(la, plotter.XY{X: x, Y: l.Lambda})
			}
		}
		for k, pts := range []plotter.XYs{tr, te} {
			if len(pts) == 0 {
				continue
			}
			line, err := plotter.NewLine(pts)
			if err != nil {
				return err
			}
			line.Color = plotutil.Color(i)
			if k == 1 {
				line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			} else {
				elbo.Legend.Add(n, line)
			}
			elbo.Add(line)
		}
		if len(la) > 0 {
			line, pts, err := plotter.NewLinePoints(la)
			if err != nil {
				return err
			}
			line.Color, pts.Color = plotutil.Color(i), plotutil.Color(i)
			lam.Add(line, pts)
			lam.Legend.Add(n, line)
		}
	}
	elbo.Legend.Top = true
	img := vgimg.New(10*vg.Inch, 4*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 4}
	for j, p := range []*plot.Plot{elbo, lam} {
		p.Draw(tiles.At(dc, j, 0))
	}
	f, err := createFile(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("vae: %s: %w", path, err)
	}
	return f.Close()
}
