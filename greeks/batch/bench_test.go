package batch

import (
	"context"
	"fmt"
	"testing"
)

// benchPortfolio builds an n-trade portfolio by cycling the sample's rows
// (vanilla, digital, asset, Asian, barrier and CEV trades) under new ids.
func benchPortfolio(b *testing.B, n int) ([]Row, Market) {
	rows, m, err := Sample()
	if err != nil {
		b.Fatal(err)
	}
	out := make([]Row, n)
	for i := range out {
		src := rows[i%len(rows)]
		f := map[string]string{}
		for k, v := range src.Fields {
			f[k] = v
		}
		f["trade_id"] = fmt.Sprintf("B%05d", i)
		f["paths"], f["seed"] = "", "" // the batch default, the derived seed
		out[i] = Row{Index: i + 1, Fields: f}
	}
	return out, m
}

// BenchmarkPortfolio: a 1,000-trade mixed portfolio at 100,000 paths per
// trade, every Greek by every valid method, on all CPUs.
func BenchmarkPortfolio(b *testing.B) {
	rows, m := benchPortfolio(b, 1000)
	o := Options{Decimals: DefaultDecimals}
	o.Config.Paths = 100_000
	b.ResetTimer()
	for i := range b.N {
		o.Config.Seed = uint64(i + 1)
		rep, err := Run(context.Background(), rows, m, o, nil)
		if err != nil || rep.Errors != 0 {
			b.Fatalf("%v, %d errors", err, rep.Errors)
		}
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "trades/s")
}
