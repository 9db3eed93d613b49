package batch

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/analytic"
	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// TestHeston runs rows whose model is heston, the parameters from the
// market file (CSV) or the row: the parsed model is the expected
// sde.Heston under QE, the price is within 5 SE + 1% of S_0√(v̄T) of
// analytic.Heston, the Rho and Theta positions near
// analytic.HestonRateTime, and rows with a bad or misplaced Heston column are
// errors naming it.
func TestHeston(t *testing.T) {
	market := "underlying,spot,vol,rate,div,v0,kappa,theta,xi,heston_rho\nACME,100,0.2,0.03,0,0.04,1,0.04,1,-0.7\n"
	m, err := ReadMarket(strings.NewReader(market), CSV)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadTrades(strings.NewReader(strings.Join([]string{
		"trade_id,underlying,payoff,quantity,strike,maturity,model,steps,xi,kappa,vol",
		"H1,ACME,call,1,100,1,heston,16,,,",
		"H2,ACME,put,1,100,1,heston,16,0.5,,",  // xi from the row
		"B1,ACME,call,1,100,1,heston,16,-1,,",  // bad xi
		"B2,ACME,call,1,100,1,gbm,16,,2,",      // kappa on gbm
		"B3,ACME,call,1,100,1,heston,16,,,0.3", // vol on heston
	}, "\n")+"\n"), CSV)
	if err != nil {
		t.Fatal(err)
	}
	o := opts(1)
	o.Config.Greeks = []greeks.Greek{greeks.Delta, greeks.Rho, greeks.Theta}
	want := sde.Heston{Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 1, Rho: -0.7, Expiry: 1}
	tr, err := Parse(rows[0], m, o)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Model != sde.Model(want) || tr.Config.Scheme != sde.QE {
		t.Errorf("H1 parsed as %+v under %s, want %+v under qe", tr.Model, tr.Config.Scheme, want)
	}
	rep := runBatch(t, rows, m, o)
	for i, tr := range rep.Trades {
		switch tr.TradeID {
		case "H1", "H2":
			if tr.Status != "ok" {
				t.Fatalf("%s: %s", tr.TradeID, *tr.Error)
			}
			mm := want
			if tr.TradeID == "H2" {
				mm.Xi = 0.5
			}
			ref, err := analytic.Reference(mm, mustPayoff(t, rows[i], m, o))
			if err != nil {
				t.Fatal(err)
			}
			p := tr.Result.Price
			if math.Abs(float64(p.Estimate)-ref.Price) > 5*float64(p.StdErr)+0.2 {
				t.Errorf("%s: price %v ± %v, analytic %v", tr.TradeID, p.Estimate, p.StdErr, ref.Price)
			}
			// Rho and Theta positions (quantity 1) within 5 SE + the
			// allowances of greeks.TestHestonRateTime.
			rt, err := analytic.HestonRateTime(mm, mustPayoff(t, rows[i], m, o))
			if err != nil {
				t.Fatal(err)
			}
			for key, c := range map[string][2]float64{"rho": {rt.Rho, 1.2}, "theta": {rt.Theta, 0.2}} {
				got, err := strconv.ParseFloat(tr.Position[key], 64)
				if err != nil || math.Abs(got-c[0]) > 5*tr.PositionStdErr[key]+c[1] {
					t.Errorf("%s: %s position %q ± %v (%s), analytic %v", tr.TradeID, key, tr.Position[key], tr.PositionStdErr[key], tr.PositionMethods[key], c[0])
				}
			}
		default:
			name := map[string]string{"B1": "xi", "B2": "kappa", "B3": "vol"}[tr.TradeID]
			if tr.Error != nil {
				t.Logf("%s: %s", tr.TradeID, *tr.Error)
			}
			if tr.Status != "error" || !strings.Contains(*tr.Error, name) {
				t.Errorf("%s: status %s, error %v; want an error naming %s", tr.TradeID, tr.Status, tr.Error, name)
			}
		}
	}
}

func mustPayoff(t *testing.T, r Row, m Market, o Options) payoff.Payoff {
	t.Helper()
	tr, err := Parse(r, m, o)
	if err != nil {
		t.Fatal(err)
	}
	return tr.Payoff
}
