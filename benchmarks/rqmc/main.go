// Command rqmc measures what randomized quasi-Monte Carlo buys (issue 15):
// for each problem, estimator and path count N it runs K independent seeds
// with pseudo-random and with Sobol normals (R = 16 randomizations of N/16
// points: the same N paths), and reports
//
//	efficiency gain = (Var_pseudo · t_pseudo) / (Var_sobol · t_sobol),
//
// with Var the sample variance of the estimate over the K seeds (every
// estimator here is unbiased, so it is the mean squared error) and t the
// mean CPU time (user + system) of one run (every estimator of the run
// shares it): on a shared, loaded machine wall time varied 2–3 times from
// one run of this command to the next, CPU time far less. It
// prints a markdown table and writes the convergence plot (RMSE against
// N, log–log, both rngs).
//
//	go run ./benchmarks/rqmc -seeds 24 -png benchmarks/rqmc.png > table.md
package main

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"log"
	"math"
	"os"
	"syscall"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/internal/figure"
	"github.com/hybridgreeks/hybridgreeks/internal/testref"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// problem is one benchmark case: a model, a payoff, the run's Greeks and
// methods, and the figures to report.
type problem struct {
	name    string
	m       sde.Model
	p       payoff.Payoff
	methods []greeks.Method
	price   bool
	plot    string // the figure drawn in the convergence plot
}

// figureKey names a reported figure: "price" or a Delta method.
func figureKey(x greeks.Method) string { return "delta " + x.String() }

func problems() []problem {
	gbm := sde.GBM{Spot: 100, Rate: 0.05, Vol: 0.2, Expiry: 1}
	five, err := sde.NewCorrelated([]float64{100, 100, 100, 100, 100}, make([]float64, 5),
		[]float64{0.2, 0.25, 0.3, 0.2, 0.25}, 0.05, 1, testref.ConstCorr(5, 0.5))
	if err != nil {
		log.Fatal(err)
	}
	pmh := []greeks.Method{greeks.Pathwise, greeks.Malliavin, greeks.Hybrid}
	return []problem{
		{"European call", gbm, payoff.Call{Strike: 100}, pmh, true, "delta hybrid"},
		{"Arithmetic Asian call, 16 fixings", gbm, payoff.AsianCall{Strike: 100, Fixings: 16}, pmh, true, "price"},
		{"Digital call", gbm, payoff.DigitalCall{Strike: 100, Cash: 1},
			[]greeks.Method{greeks.Malliavin, greeks.Localized, greeks.Hybrid}, false, "delta hybrid"},
		{"5-asset basket call (ρ = 0.5), asset 0", five, payoff.BasketCall{Strike: 100, Weights: []float64{0.2, 0.2, 0.2, 0.2, 0.2}},
			pmh, false, "delta hybrid"},
	}
}

// stats are one (problem, rng, N) cell: each figure's estimates over the
// seeds, and the mean run time.
type stats struct {
	values map[string][]float64
	secs   float64
}

func (s stats) variance(k string) float64 {
	v := s.values[k]
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	ss := 0.0
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return ss / float64(len(v)-1)
}

func measure(pr problem, rng greeks.RNG, n int64, seeds int) stats {
	s := stats{values: map[string][]float64{}}
	var total time.Duration
	for i := range seeds {
		cfg := greeks.Config{Paths: n, Seed: uint64(1000 + i), Greeks: []greeks.Greek{greeks.Delta}, Methods: pr.methods, RNG: rng}
		start := cpuTime()
		res, err := greeks.Run(context.Background(), pr.m, pr.p, cfg)
		if err != nil {
			log.Fatal(err)
		}
		total += cpuTime() - start
		s.values["price"] = append(s.values["price"], res.Price.Value)
		for _, x := range pr.methods {
			f, ok := res.AssetFigure(greeks.Delta, x, 0, 0)
			if !ok {
				log.Fatalf("%s: no Delta by %s", pr.name, x)
			}
			s.values[figureKey(x)] = append(s.values[figureKey(x)], f.Value)
		}
	}
	s.secs = total.Seconds() / float64(seeds)
	return s
}

func main() {
	seeds := flag.Int("seeds", 24, "independent seeds per (problem, rng, N)")
	png := flag.String("png", "", "write the convergence plot here")
	flag.Parse()
	ns := []int64{1 << 14, 1 << 16, 1 << 18}
	type series struct{ pseudo, sobol plotter.XYs }
	var panels []*plot.Plot
	fmt.Printf("| problem | figure | N | RMSE pseudo | RMSE sobol | variance ratio | time ratio (pseudo/sobol) | **efficiency gain** |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|\n")
	var hybridNotes []string
	for _, pr := range problems() {
		keys := []string{}
		if pr.price {
			keys = append(keys, "price")
		}
		for _, x := range pr.methods {
			keys = append(keys, figureKey(x))
		}
		var sr series
		for _, n := range ns {
			ps := measure(pr, greeks.Pseudo, n, *seeds)
			qs := measure(pr, greeks.Sobol, n, *seeds)
			for _, k := range keys {
				vp, vq := ps.variance(k), qs.variance(k)
				fmt.Printf("| %s | %s | 2^%d | %.3g | %.3g | %.0f | %.2f | **%.0f** |\n", pr.name, k, int(math.Log2(float64(n))),
					math.Sqrt(vp), math.Sqrt(vq), vp/vq, ps.secs/qs.secs, vp*ps.secs/(vq*qs.secs))
				if k == pr.plot {
					sr.pseudo = append(sr.pseudo, plotter.XY{X: float64(n), Y: math.Sqrt(vp)})
					sr.sobol = append(sr.sobol, plotter.XY{X: float64(n), Y: math.Sqrt(vq)})
				}
			}
			// The hybrid against the better of its parts, under RQMC.
			best, bestName := math.Inf(1), ""
			for _, x := range pr.methods {
				if x != greeks.Hybrid {
					if v := qs.variance(figureKey(x)); v < best {
						best, bestName = v, x.String()
					}
				}
			}
			hybridNotes = append(hybridNotes, fmt.Sprintf("| %s | 2^%d | %.3g | %.3g (%s) | %.2f |", pr.name,
				int(math.Log2(float64(n))), math.Sqrt(qs.variance("delta hybrid")), math.Sqrt(best), bestName,
				qs.variance("delta hybrid")/best))
		}
		panels = append(panels, panel(pr, sr.pseudo, sr.sobol))
	}
	fmt.Printf("\n| problem (sobol) | N | RMSE hybrid | RMSE better part | variance hybrid / better part |\n|---|---|---|---|---|\n")
	for _, l := range hybridNotes {
		fmt.Println(l)
	}
	if *png != "" {
		page := figure.NewPage(4*vg.Inch, 3.5*vg.Inch, panels...)
		for i, name := range []string{"pseudo-random", "sobol (R = 16, Owen)", "slope −1/2", "slope −1"} {
			l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}})
			if err != nil {
				log.Fatal(err)
			}
			l.Color = plotutil.Color(i)
			if i >= 2 {
				l.Color = gray
				l.Dashes = dashes(i)
			}
			page.Add(name, l)
		}
		if err := page.Save(*png); err != nil {
			log.Fatal(err)
		}
	}
	_ = os.Stdout.Sync()
}

// gray draws the reference slopes.
var gray = color.Gray{Y: 110}

func dashes(i int) []vg.Length {
	if i == 2 {
		return []vg.Length{vg.Points(4), vg.Points(3)}
	}
	return []vg.Length{vg.Points(1), vg.Points(2)}
}

// panel draws the RMSE of one figure against N for both rngs, with
// reference slopes N^{−1/2} and N^{−1} through the first points.
func panel(pr problem, ps, qs plotter.XYs) *plot.Plot {
	p := plot.New()
	p.Title.Text = pr.name + ": " + pr.plot
	p.X.Label.Text = "N (paths)"
	p.Y.Label.Text = "RMSE"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = figure.LogTicks{}, figure.LogTicks{}
	for i, xy := range []plotter.XYs{ps, qs} {
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			log.Fatal(err)
		}
		l.Color, pts.Color = plotutil.Color(i), plotutil.Color(i)
		p.Add(l, pts)
	}
	for i, slope := range []float64{-0.5, -1} {
		ref := qs
		if slope == -0.5 {
			ref = ps
		}
		x0, y0 := ref[0].X, ref[0].Y
		line := plotter.XYs{{X: x0, Y: y0}, {X: ref[len(ref)-1].X, Y: y0 * math.Pow(ref[len(ref)-1].X/x0, slope)}}
		l, err := plotter.NewLine(line)
		if err != nil {
			log.Fatal(err)
		}
		l.Color, l.Dashes = gray, dashes(i+2)
		p.Add(l)
	}
	return p
}

// cpuTime returns the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		log.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
