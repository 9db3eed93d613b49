package main

import (
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// --format csv carries the figures of --format json, number for number: a
// price row, then a row per figure with its asset or pair.
func TestOptionCSVMatchesJSON(t *testing.T) {
	for _, args := range [][]string{
		{"option", "--paths", "20000", "--payoff", "digital-call"},
		{"option", "--paths", "20000", "--payoff", "put", "--div", "0.02", "--greeks", "delta,gamma,vega,rho,theta"},
		{"option", "--paths", "20000", "--spots", "100,95", "--vols", "0.3,0.2", "--correlation", "0.5",
			"--payoff", "spread-call", "--strike", "0", "--greeks", "delta,cross-gamma"},
	} {
		code, jsonOut, stderr := runCLI(t, append(args, "--format", "json")...)
		if code != 0 {
			t.Fatalf("%v json: exit %d: %s", args, code, stderr)
		}
		code, csvOut, stderr := runCLI(t, append(args, "--format", "csv")...)
		if code != 0 {
			t.Fatalf("%v csv: exit %d: %s", args, code, stderr)
		}
		var u struct {
			Price  struct{ Estimate float64 }
			Greeks []struct {
				Greek, Method string
				Asset         *int
				Assets        []int
				Estimate      float64
				StdErr        float64
			}
		}
		if err := json.Unmarshal([]byte(jsonOut), &u); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
		if err != nil {
			t.Fatalf("%v: csv: %v", args, err)
		}
		if strings.Join(recs[0], ",") != strings.Join(optionCSVHeader, ",") {
			t.Fatalf("%v: header %v", args, recs[0])
		}
		if len(recs) != 2+len(u.Greeks) {
			t.Fatalf("%v: %d csv rows for %d figures", args, len(recs), len(u.Greeks))
		}
		if p, _ := strconv.ParseFloat(recs[1][4], 64); recs[1][0] != "price" || p != u.Price.Estimate {
			t.Errorf("%v: price row %v, want %v", args, recs[1], u.Price.Estimate)
		}
		for i, g := range u.Greeks {
			r := recs[2+i]
			est, _ := strconv.ParseFloat(r[4], 64)
			se, _ := strconv.ParseFloat(r[5], 64)
			asset, asset2 := "", ""
			if g.Asset != nil {
				asset = strconv.Itoa(*g.Asset)
			}
			if len(g.Assets) == 2 {
				asset, asset2 = strconv.Itoa(g.Assets[0]), strconv.Itoa(g.Assets[1])
			}
			if r[0] != g.Greek || r[1] != g.Method || r[2] != asset || r[3] != asset2 || est != g.Estimate || se != g.StdErr {
				t.Errorf("%v: csv row %v, json figure %+v", args, r, g)
			}
		}
	}
}
