package synthetic

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"

	"github.com/hybridgreeks/hybridgreeks/internal/figure"
)

// Plot writes table1.png, figure1.png, figure3.png and figure4.png into dir.
func (r *Results) Plot(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, f := range map[string]func(*figure.Page) (*plot.Plot, error){
		"table1.png": r.plotTable1, "figure1.png": r.plotFigure1, "figure3.png": r.plotFigure3, "figure4.png": r.plotFigure4,
	} {
		page := figure.NewPage(6.5*vg.Inch, 4.5*vg.Inch)
		p, err := f(page)
		if err != nil {
			return fmt.Errorf("synthetic: %s: %w", name, err)
		}
		page.Panels = []*plot.Plot{p}
		if err := page.Save(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("synthetic: %s: %w", name, err)
		}
	}
	return nil
}

// plotTable1 draws the RMSE of each unbiased estimator at the largest N,
// per loss, with ±2 standard-error whiskers.
func (r *Results) plotTable1(page *figure.Page) (*plot.Plot, error) {
	p := plot.New()
	p.Y.Tick.Marker = figure.Ticks{}
	n := 0
	for _, row := range r.Table1 {
		n = max(n, row.N)
	}
	p.Title.Text = fmt.Sprintf("Table 1: RMSE of the gradient estimators (N = %d, ± 2 SE)", n)
	p.Y.Label.Text = "RMSE over the replicates"
	losses := []string{"hinge", "clipped-quadratic"}
	names := Estimators[:6]
	w := vg.Points(22)
	for i, name := range names {
		vals := make(plotter.Values, len(losses))
		ses := make([]float64, len(losses))
		for j, l := range losses {
			for _, row := range r.Table1 {
				if row.Loss == l && row.Estimator == name && row.N == n {
					vals[j], ses[j] = row.RMSE, row.RMSESE
				}
			}
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		bars.Offset = w * vg.Length(float64(i)-float64(len(names)-1)/2) // the group centred on its label
		bars.Color = plotutil.Color(i)
		bars.LineStyle.Width = 0
		p.Add(bars, &whiskers{vals: vals, ses: ses, offset: bars.Offset})
		page.Add(name, bars)
	}
	p.NominalX(losses...)
	p.X.Min, p.X.Max = -0.6, 1.6
	return p, nil
}

// whiskers draws value ± 2·SE over each bar of a bar chart (whose bars
// sit at x = 0, 1, … shifted by offset on the canvas).
type whiskers struct {
	vals   plotter.Values
	ses    []float64
	offset vg.Length
}

func (w *whiskers) Plot(c vgdraw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	style := vgdraw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	cap := vg.Points(3)
	for i, v := range w.vals {
		x := trX(float64(i)) + w.offset
		lo, hi := trY(math.Max(v-2*w.ses[i], 0)), trY(v+2*w.ses[i])
		c.StrokeLine2(style, x, lo, x, hi)
		c.StrokeLine2(style, x-cap, lo, x+cap, lo)
		c.StrokeLine2(style, x-cap, hi, x+cap, hi)
	}
}

// DataRange makes room for the upper whiskers.
func (w *whiskers) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = 0, float64(len(w.vals)-1)
	for i, v := range w.vals {
		ymax = math.Max(ymax, v+2*w.ses[i])
	}
	return xmin, xmax, 0, ymax
}

func band(xs, ys, ses []float64) (plotter.XYs, plotter.YErrors) {
	pts := make(plotter.XYs, len(xs))
	errs := make(plotter.YErrors, len(xs))
	for i := range xs {
		pts[i].X, pts[i].Y = xs[i], ys[i]
		// Keep the bar above 0 so that log axes can draw it.
		errs[i].Low, errs[i].High = math.Min(2*ses[i], 0.9*math.Abs(ys[i])), 2*ses[i]
	}
	return pts, errs
}

type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

func addSeries(p *plot.Plot, page *figure.Page, label string, i int, xs, ys, ses, exact []float64) error {
	pts, errs := band(xs, ys, ses)
	line, points, err := plotter.NewLinePoints(pts)
	if err != nil {
		return err
	}
	line.Color, points.Color = plotutil.Color(i), plotutil.Color(i)
	eb, err := plotter.NewYErrorBars(errPoints{pts, errs})
	if err != nil {
		return err
	}
	eb.Color = plotutil.Color(i)
	p.Add(line, points, eb)
	page.Add(label+" (mean ± 2 SE)", line, points)
	if exact != nil {
		ex := make(plotter.XYs, len(xs))
		for k := range xs {
			ex[k].X, ex[k].Y = xs[k], exact[k]
		}
		l, err := plotter.NewLine(ex)
		if err != nil {
			return err
		}
		l.Color = plotutil.Color(i)
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		page.Add(label+" exact (quadrature)", l)
	}
	return nil
}

func (r *Results) plotFigure1(page *figure.Page) (*plot.Plot, error) {
	p := plot.New()
	p.X.Tick.Marker, p.Y.Tick.Marker = figure.Ticks{}, figure.Ticks{}
	p.Title.Text = "Figure 1: λ* against α (σ = exp(αθ), θ = 0.8)"
	p.X.Label.Text = "α"
	p.Y.Label.Text = "λ*"
	err := alphaCurves(p, page, r.Figure1, func(pt LambdaPoint) (string, float64, float64, float64, float64) {
		return pt.Loss, pt.Alpha, pt.Lambda, pt.SE, pt.Exact
	})
	if err != nil {
		return nil, err
	}
	one, _ := plotter.NewLine(plotter.XYs{{X: 0.5, Y: 1}, {X: 3, Y: 1}})
	one.Color = color.Gray{Y: 160}
	p.Add(one)
	return p, nil
}

func (r *Results) plotFigure3(page *figure.Page) (*plot.Plot, error) {
	p := plot.New()
	slope := math.NaN()
	var xs, ys, ses []float64
	for _, pt := range r.Figure3 {
		xs, ys, ses, slope = append(xs, float64(pt.B)), append(ys, pt.MSE), append(ses, pt.SE), pt.Slope
	}
	p.Title.Text = fmt.Sprintf("Figure 3: MSE of the plug-in λ estimate against batch size (log-log slope %.2f)", slope)
	p.X.Label.Text = "batch size B"
	p.Y.Label.Text = "MSE of the plug-in λ"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = figure.LogTicks{}, figure.LogTicks{}
	if err := addSeries(p, page, "clipped quadratic, α = 2", 0, xs, ys, ses, nil); err != nil {
		return nil, err
	}
	if len(xs) > 0 {
		// The fitted line through the geometric centre of the points.
		var mx, my float64
		for i := range xs {
			mx += math.Log(xs[i])
			my += math.Log(ys[i])
		}
		mx /= float64(len(xs))
		my /= float64(len(xs))
		fit := plotter.XYs{}
		for _, x := range []float64{xs[0], xs[len(xs)-1]} {
			fit = append(fit, plotter.XY{X: x, Y: math.Exp(my + slope*(math.Log(x)-mx))})
		}
		l, _ := plotter.NewLine(fit)
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		page.Add(fmt.Sprintf("least-squares fit, slope %.2f", slope), l)
	}
	return p, nil
}

func (r *Results) plotFigure4(page *figure.Page) (*plot.Plot, error) {
	p := plot.New()
	p.X.Tick.Marker, p.Y.Tick.Marker = figure.Ticks{}, figure.Ticks{}
	p.Title.Text = "Figure 4: hybrid variance reduction against α"
	p.X.Label.Text = "α"
	p.Y.Label.Text = "100·(1 − Var H / min(Var P, Var S)) %"
	err := alphaCurves(p, page, r.Figure4, func(pt ReductionPoint) (string, float64, float64, float64, float64) {
		return pt.Loss, pt.Alpha, pt.Reduction, pt.SE, pt.Exact
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// alphaCurves adds one series against α per loss (clipped quadratic, then
// hinge), each point giving (loss, α, value, standard error, exact value).
func alphaCurves[T any](p *plot.Plot, page *figure.Page, pts []T, get func(T) (loss string, alpha, y, se, exact float64)) error {
	for i, l := range []string{"clipped-quadratic", "hinge"} {
		var xs, ys, ses, ex []float64
		for _, pt := range pts {
			if loss, a, y, se, e := get(pt); loss == l {
				xs, ys, ses, ex = append(xs, a), append(ys, y), append(ses, se), append(ex, e)
			}
		}
		if err := addSeries(p, page, l, i, xs, ys, ses, ex); err != nil {
			return err
		}
	}
	return nil
}
