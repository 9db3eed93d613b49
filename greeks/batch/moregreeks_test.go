package batch

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestRhoThetaVannaVolgaPositions: a batch asking for rho, theta, vanna
// and volga has their positions (quantity × the unit figure by the
// position method, near quantity × the closed form), per-underlying
// totals that add the positions, a portfolio total of rho, theta and volga
// (money amounts) but not of vanna (in shares, like Delta), the CSV
// columns, and a multi-asset trade's one Rho and Theta in its trade
// position, its Vanna and Volga in each asset's.
func TestRhoThetaVannaVolgaPositions(t *testing.T) {
	rows, m := deskRows(t, "B1,ACME|GLOBEX,basket-call,10,80,1,,15")
	o := opts(2)
	o.Correlations = Correlations{pairKey("ACME", "GLOBEX"): 0.4}
	o.Config.Greeks = []greeks.Greek{greeks.Delta, greeks.Rho, greeks.Theta, greeks.Vanna, greeks.Volga}
	rep := runBatch(t, rows, m, o)
	quotes := map[string]sde.GBM{
		"ACME":   {Spot: 100, Vol: 0.2, Rate: 0.03},
		"GLOBEX": {Spot: 50, Vol: 0.3, Rate: 0.03, Div: 0.01},
	}
	payoffs := map[string]payoff.Payoff{"A1": payoff.Call{Strike: 100}, "A2": payoff.Put{Strike: 95},
		"G1": payoff.Call{Strike: 50}, "G2": payoff.Put{Strike: 55}}
	maturity := map[string]float64{"A1": 1, "A2": 0.5, "G1": 1, "G2": 2}
	sums := map[[2]string]float64{}
	for _, tr := range rep.Trades {
		if tr.Status != "ok" {
			t.Fatalf("%s: %s", tr.TradeID, *tr.Error)
		}
		q := dec(t, tr.Quantity).InexactFloat64()
		if tr.TradeID == "B1" {
			for _, k := range []string{"rho", "theta"} {
				if _, ok := tr.Position[k]; !ok {
					t.Errorf("B1: no %s position: %v", k, tr.Position)
				}
				sums[[2]string{tr.Underlying, k}] += dec(t, tr.Position[k]).InexactFloat64()
			}
			for _, a := range tr.Assets {
				if _, ok := a.Position["rho"]; ok {
					t.Errorf("B1 asset %d has a rho position: the model's one Rho is the trade's", a.Asset)
				}
				for _, k := range []string{"vanna", "volga"} {
					if a.Position[k] == "" {
						t.Errorf("B1 asset %d: no %s position: %v", a.Asset, k, a.Position)
						continue
					}
					sums[[2]string{a.Underlying, k}] += dec(t, a.Position[k]).InexactFloat64()
				}
			}
			continue
		}
		g := quotes[tr.Underlying]
		g.Expiry = maturity[tr.TradeID]
		rt, err := analytic.BlackScholesRateTime(g, payoffs[tr.TradeID])
		if err != nil {
			t.Fatal(err)
		}
		so, err := analytic.BlackScholesSecondOrder(g, payoffs[tr.TradeID])
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]float64{"rho": rt.Rho, "theta": rt.Theta, "vanna": so.Vanna, "volga": so.Volga} {
			v, ok := tr.Position[k]
			if !ok {
				t.Errorf("%s: no %s position", tr.TradeID, k)
				continue
			}
			got := dec(t, v).InexactFloat64()
			f := positionFigure(t, tr, k)
			if math.Abs(got-q*float64(f.Estimate)) > 1e-6*math.Max(1, math.Abs(got)) {
				t.Errorf("%s: %s position %v, quantity × unit figure %v", tr.TradeID, k, got, q*float64(f.Estimate))
			}
			if se := tr.PositionStdErr[k]; !(math.Abs(got-q*want) <= 5*se+1e-6) {
				t.Errorf("%s: %s position %v ± %v, quantity × closed form %v", tr.TradeID, k, got, se, q*want)
			}
			sums[[2]string{tr.Underlying, k}] += got
		}
	}
	totals := map[[2]string]Total{}
	for _, tot := range rep.Totals {
		totals[[2]string{tot.Underlying, tot.Greek}] = tot
	}
	for key, sum := range sums {
		tot, ok := totals[key]
		if !ok || math.Abs(dec(t, tot.Value).InexactFloat64()-sum) > 1e-6*math.Max(1, math.Abs(sum)) {
			t.Errorf("total %v = %+v, positions add to %v", key, tot, sum)
		}
	}
	for _, k := range []string{"rho", "theta", "volga"} {
		if _, ok := totals[[2]string{TotalUnderlying, k}]; !ok {
			t.Errorf("no * total of %s", k)
		}
	}
	if tot, ok := totals[[2]string{TotalUnderlying, "vanna"}]; ok {
		t.Errorf("the * total adds vanna (in shares) across underlyings: %+v", tot)
	}

	var buf bytes.Buffer
	w, err := NewReportWriter(&buf, CSV)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.Trades {
		if err := w.Row(tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(&Summary{Totals: rep.Totals}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"rho_hybrid", "theta_fd", "vanna_pathwise", "volga_lambda", "position_rho", "position_volga_method"} {
		if !slices.Contains(recs[0], col) {
			t.Errorf("csv header lacks %s: %s", col, strings.Join(recs[0], ","))
		}
	}
	// The multi-asset trade's own line carries its Rho figure.
	id, st, rho := slices.Index(recs[0], "trade_id"), slices.Index(recs[0], "status"), slices.Index(recs[0], "rho_hybrid")
	found := false
	for _, rec := range recs[1:] {
		if rec[id] == "B1" && rec[st] == "ok" {
			found = rec[rho] != ""
		}
	}
	if !found {
		t.Error("csv: the B1 trade line has no rho_hybrid figure")
	}
}

// TestRhoUnit: RhoBasisPoint gives Rho positions and totals per basis
// point, the absolute ones ÷ 10⁴ (same seeds, same figures), and the
// report says so; nothing else changes.
func TestRhoUnit(t *testing.T) {
	rows, m := deskRows(t)
	o := opts(2)
	o.Config.Greeks = []greeks.Greek{greeks.Delta, greeks.Rho}
	abs := runBatch(t, rows, m, o)
	o.RhoUnit = RhoBasisPoint
	bp := runBatch(t, rows, m, o)
	if abs.RhoUnit != "" || bp.RhoUnit != "bp" {
		t.Errorf("rho_unit %q and %q, want \"\" and bp", abs.RhoUnit, bp.RhoUnit)
	}
	for i, tr := range bp.Trades {
		a := abs.Trades[i]
		got, want := dec(t, tr.Position["rho"]).InexactFloat64(), dec(t, a.Position["rho"]).InexactFloat64()/1e4
		if math.Abs(got-want) > 1e-6 || math.Abs(tr.PositionStdErr["rho"]-a.PositionStdErr["rho"]/1e4) > 1e-12*a.PositionStdErr["rho"] {
			t.Errorf("%s: rho %v ± %v per bp, absolute %v ± %v", tr.TradeID, got, tr.PositionStdErr["rho"], a.Position["rho"], a.PositionStdErr["rho"])
		}
		if tr.Position["delta"] != a.Position["delta"] {
			t.Errorf("%s: delta %s with rho per bp, %s without", tr.TradeID, tr.Position["delta"], a.Position["delta"])
		}
	}
	var buf bytes.Buffer
	if err := bp.Write(&buf, JSON); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"rho_unit": "bp"`) {
		t.Errorf("JSON report lacks rho_unit: %s", buf.String()[max(0, buf.Len()-200):])
	}
}
