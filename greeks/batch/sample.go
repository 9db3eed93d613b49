package batch

import (
	"bytes"
	_ "embed"
)

// The sample portfolio: 25 mixed trades on three underlyings (vanilla,
// digital, asset-or-nothing, Asian, barrier, a CEV trade, row overrides of
// paths, seed and market data, and multi-asset trades: baskets, a spread,
// a basket digital), its market file and its correlations file.
var (
	//go:embed sample/correlations.csv
	sampleCorrelations []byte
	//go:embed sample/portfolio.csv
	samplePortfolio []byte
	//go:embed sample/market.csv
	sampleMarket []byte
)

// Sample returns the embedded sample portfolio's rows and market.
func Sample() ([]Row, Market, error) {
	rows, err := ReadTrades(bytes.NewReader(samplePortfolio), CSV)
	if err != nil {
		return nil, nil, err
	}
	m, err := ReadMarket(bytes.NewReader(sampleMarket), CSV)
	return rows, m, err
}
