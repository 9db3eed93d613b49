package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
)

func TestMain(m *testing.M) {
	initBeam()
	os.Exit(m.Run())
}

// paths is the tests' default path count: four chunks, the last partial,
// so that shards cut chunk ranges of uneven length.
const paths = 3*greeks.ChunkSize + 5

// columns are the portfolio columns the positional rows below are written
// for (batch.Fields has later additions, such as expiry, after them).
var columns = []string{
	"trade_id", "underlying", "payoff", "quantity", "strike", "maturity",
	"barrier", "rebate", "fixings", "cash", "model", "beta", "scheme", "steps", "paths", "seed",
	"spot", "vol", "rate", "div", "weights",
}

// badRows are rows that fail as in greeks batch: at parsing (a missing
// strike, an unknown payoff, a negative vol, a duplicate trade_id, a record
// with too few fields, a pair of underlyings the correlations file lacks,
// weights that do not match the underlyings) and at the run (a step count
// greeks rejects).
var badRows = []string{
	"X01,ACME,call,10,,1,,,,,,,,,,,,,,,",
	"X02,ACME,rainbow,10,100,1,,,,,,,,,,,,,,,",
	"X03,ACME,call,10,100,1,,,,,,,,,,,,-0.2,,,",
	"T003,ACME,put,5,100,1,,,,,,,,,,,,,,,",
	"X04,ACME,call,10",
	"X05,ACME,up-out-call,10,100,1,130,,12,,,,euler,-5,,,,,,,",
	"X07,ACME|UMBRELLA,basket-call,10,100,1,,,,,,,,,,,100|50,0.2|0.3,0.05,0|0,",
	"X08,ACME|GLOBEX,basket-call,10,100,1,,,,,,,,,,,,,,,0.2|0.3|0.5",
}

// extraRow is a good row that overrides the paths: two chunks, the second
// of one path.
const extraRow = "X06,GLOBEX,digital-call,300,55,1,,,,1,,,,,4097,,,,,,"

// portfolio writes the sample portfolio (its 200,000-path row cut to the
// default) with badRows and extraRow interleaved, and the sample market,
// and its correlations into dir.
func portfolio(t *testing.T, dir string) (in, market, corr string) {
	t.Helper()
	rows, _, err := batch.Sample()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(strings.Join(columns, ",") + "\n")
	for i, r := range rows {
		if i%3 == 1 && i/3 < len(badRows) {
			b.WriteString(badRows[i/3] + "\n")
		}
		if i == 10 {
			b.WriteString(extraRow + "\n")
		}
		var rec []string
		for _, f := range columns {
			v := r.Fields[f]
			if f == "paths" {
				v = ""
			}
			rec = append(rec, v)
		}
		b.WriteString(strings.Join(rec, ",") + "\n")
	}
	in, market, corr = filepath.Join(dir, "portfolio.csv"), filepath.Join(dir, "market.csv"), filepath.Join(dir, "corr.csv")
	mkt := "underlying,spot,vol,rate,div\nACME,100,0.20,0.05,0.00\nGLOBEX,54.5,0.32,0.05,0.015\nINITECH,1210,0.18,0.045,0.02\n"
	rho := "underlying_a,underlying_b,rho\nACME,GLOBEX,0.6\nACME,INITECH,0.3\nGLOBEX,INITECH,-0.2\n"
	for name, text := range map[string]string{in: b.String(), market: mkt, corr: rho} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return in, market, corr
}

// runCLI runs greeks-beam in-process and returns its exit status and
// stderr.
func runCLI(args ...string) (int, string) {
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"greeks-beam"}, args...), &stdout, &stderr)
	return code, stderr.String()
}

// batchReport runs greeks batch's engine (batch.Run) on the same files and
// options and writes its report in format f: the Greeks gs, or
// greeks.AllGreeks when none are given.
func batchReport(t *testing.T, in, market, corr, out string, seed uint64, gs ...greeks.Greek) {
	t.Helper()
	read := func(name string) *os.File {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	rows, err := batch.ReadTrades(read(in), batch.CSV)
	if err != nil {
		t.Fatal(err)
	}
	m, err := batch.ReadMarket(read(market), batch.CSV)
	if err != nil {
		t.Fatal(err)
	}
	c, err := batch.ReadCorrelations(read(corr), batch.CSV)
	if err != nil {
		t.Fatal(err)
	}
	if gs == nil {
		gs = greeks.AllGreeks
	}
	o := batch.Options{Config: greeks.Config{Paths: paths, Seed: seed, Greeks: gs,
		MaxPaths: greeks.DefaultMaxPaths, Lambda: greeks.Crossfit}, Workers: 2, Decimals: batch.DefaultDecimals,
		Correlations: c}
	rep, err := batch.Run(context.Background(), rows, m, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := batch.FormatOf(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteFile(out, f); err != nil {
		t.Fatal(err)
	}
}

// normalized returns a JSON report with what says how a run was made
// rather than what it computed (each trade's workers and elapsed seconds)
// taken out; every figure stays.
func normalized(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, tr := range rep["trades"].([]any) {
		if u, ok := tr.(map[string]any)["result"].(map[string]any); ok {
			delete(u, "workers")
			delete(u, "elapsed_seconds")
		}
	}
	out, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// firstDiff returns the lines around the first difference of a and b.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d: %q, want %q", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(la), len(lb))
}

// TestSameReportAsBatch runs a portfolio of good and bad rows on prism
// with two shard counts: each report equals greeks batch's, every figure,
// every error row in its place; the CSV report too, but for the columns
// that say how the run was made (there are none in the CSV).
func TestSameReportAsBatch(t *testing.T) {
	dir := t.TempDir()
	in, market, corr := portfolio(t, dir)
	const seed = 11
	want := filepath.Join(dir, "batch.json")
	batchReport(t, in, market, corr, want, seed)
	wantJSON := normalized(t, want)
	var rep batch.Report
	if err := json.Unmarshal(mustRead(t, want), &rep); err != nil {
		t.Fatal(err)
	}
	const good = 26 // the sample's 25 rows (4 of them multi-asset) and extraRow
	if rep.OK != good || rep.Errors != len(badRows) {
		t.Fatalf("batch: %d ok, %d errors, want %d and %d", rep.OK, rep.Errors, good, len(badRows))
	}
	multi := 0
	for _, tr := range rep.Trades {
		if len(tr.Assets) > 0 {
			multi++
		}
	}
	if multi != 4 {
		t.Errorf("%d trades with per-asset positions, want the sample's 4", multi)
	}
	for _, shards := range []int{1, 3} {
		out := filepath.Join(dir, fmt.Sprintf("beam-%d.json", shards))
		code, stderr := runCLI("--in", in, "--market", market, "--correlations", corr, "--out", out, "--paths", fmt.Sprint(paths),
			"--seed", fmt.Sprint(seed), "--greeks", "delta,gamma,vega", "--shards-per-trade", fmt.Sprint(shards))
		if code != 1 || !strings.Contains(stderr, fmt.Sprintf("%d of %d rows failed", len(badRows), good+len(badRows))) {
			t.Errorf("%d shards: exit %d, stderr %q; want 1 and the failed rows counted", shards, code, stderr)
		}
		if got := normalized(t, out); !bytes.Equal(got, wantJSON) {
			t.Errorf("%d shards: report differs from greeks batch's: %s", shards, firstDiff(got, wantJSON))
		}
	}
	// CSV: the same numbers through batch's CSV writer (no workers or
	// elapsed columns), byte for byte.
	wantCSV := filepath.Join(dir, "batch.csv")
	batchReport(t, in, market, corr, wantCSV, seed)
	out := filepath.Join(dir, "beam.csv")
	runCLI("--in", in, "--market", market, "--correlations", corr, "--out", out, "--paths", fmt.Sprint(paths), "--seed", fmt.Sprint(seed),
		"--shards-per-trade", "2")
	if got, w := mustRead(t, out), mustRead(t, wantCSV); !bytes.Equal(got, w) {
		t.Errorf("CSV report differs from greeks batch's: %s", firstDiff(got, w))
	}
}

// TestRhoThetaVannaVolga: greeks-beam carries rho, theta, vanna and
// volga, and its report (two shards a trade) is greeks batch's.
func TestRhoThetaVannaVolga(t *testing.T) {
	dir := t.TempDir()
	in, market, corr := portfolio(t, dir)
	const seed = 5
	want := filepath.Join(dir, "batch.json")
	batchReport(t, in, market, corr, want, seed, greeks.Delta, greeks.Rho, greeks.Theta, greeks.Vanna, greeks.Volga)
	out := filepath.Join(dir, "beam.json")
	runCLI("--in", in, "--market", market, "--correlations", corr, "--out", out, "--paths", fmt.Sprint(paths),
		"--seed", fmt.Sprint(seed), "--greeks", "delta,rho,theta,vanna,volga", "--shards-per-trade", "2")
	if got, w := normalized(t, out), normalized(t, want); !bytes.Equal(got, w) {
		t.Errorf("report differs from greeks batch's: %s", firstDiff(got, w))
	}
	var rep batch.Report
	if err := json.Unmarshal(mustRead(t, out), &rep); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, tot := range rep.Totals {
		if tot.Underlying == batch.TotalUnderlying {
			found[tot.Greek] = true
		}
	}
	if !found["rho"] || !found["theta"] || !found["volga"] || found["vanna"] {
		t.Errorf("* totals %v: want rho, theta and volga, no vanna", found)
	}
}

// TestManyShardsEqualOne prices single trades (a localized digital with
// its pilot, a 52-date barrier, an Euler CEV call, a localized basket
// digital on two underlyings) cut into one shard and into one shard a
// chunk: the same numbers.
func TestManyShardsEqualOne(t *testing.T) {
	dir := t.TempDir()
	in, corr := fourTrades(t, dir)
	const n = 9*greeks.ChunkSize + 77 // ten chunks
	shardsEqual(t, dir, in, corr, n, 10, "--lambda", "plugin")
}

// TestSobolShardsEqualOne is TestManyShardsEqualOne with --rng sobol: 4
// randomizations of 2 chunks and 77 paths each, 12 chunks in all.
func TestSobolShardsEqualOne(t *testing.T) {
	dir := t.TempDir()
	in, corr := fourTrades(t, dir)
	const n = 4 * (2*greeks.ChunkSize + 77)
	rep := shardsEqual(t, dir, in, corr, n, 12, "--rng", "sobol", "--randomizations", "4")
	for _, tr := range rep.Trades {
		if tr.Status == "ok" && (tr.Result.RNG != "sobol" || tr.Result.Randomizations != 4) {
			t.Errorf("%s: rng %q, randomizations %d", tr.TradeID, tr.Result.RNG, tr.Result.Randomizations)
		}
	}
}

// fourTrades writes the trades of the shard tests (a localized digital with
// its pilot, a 52-date barrier, an Euler CEV call, a localized basket
// digital on two underlyings) and their correlation into dir.
func fourTrades(t *testing.T, dir string) (in, corr string) {
	t.Helper()
	in = filepath.Join(dir, "trades.csv")
	rows := strings.Join(columns, ",") + "\n" +
		"D1,ACME,digital-call,1000,105,0.5,,,,1,,,,,,,100,0.2,0.05,0,\n" +
		"B1,ACME,up-out-call,100,100,1,125,,52,,,,,,,,100,0.2,0.05,0,\n" +
		"C1,ACME,call,100,100,1,,,,,cev,0.5,euler,25,,,100,2,0.05,0,\n" +
		"M1,ACME|BETA,basket-digital-call,100,100,1,,,,1,,,,,,,100|95,0.2|0.3,0.05,0|0.02,0.6|0.4\n"
	if err := os.WriteFile(in, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	corr = filepath.Join(dir, "corr.json")
	if err := os.WriteFile(corr, []byte(`[{"underlying_a": "BETA", "underlying_b": "ACME", "rho": -0.4}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	return in, corr
}

// shardsEqual prices the trades of in with n paths in one shard and in
// one shard a chunk (chunks of them), checks that the reports are the same
// and every trade ok, and returns the report.
func shardsEqual(t *testing.T, dir, in, corr string, n int64, chunks int, args ...string) batch.Report {
	t.Helper()
	var reports [][]byte
	for _, shards := range []int{1, chunks} {
		out := filepath.Join(dir, fmt.Sprintf("r%d.json", shards))
		if code, stderr := runCLI(append([]string{"--in", in, "--correlations", corr, "--out", out, "--paths", fmt.Sprint(n),
			"--shards-per-trade", fmt.Sprint(shards), "--workers", "1"}, args...)...); code != 0 {
			t.Fatalf("%d shards: exit %d: %s", shards, code, stderr)
		}
		reports = append(reports, normalized(t, out))
	}
	if !bytes.Equal(reports[0], reports[1]) {
		t.Errorf("%d shards differ from 1: %s", chunks, firstDiff(reports[1], reports[0]))
	}
	var rep batch.Report
	if err := json.Unmarshal(mustRead(t, filepath.Join(dir, fmt.Sprintf("r%d.json", chunks))), &rep); err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.Trades {
		if tr.Status != "ok" || tr.Result.Paths != n || tr.Result.Workers != chunks {
			t.Errorf("%s: status %s, %v", tr.TradeID, tr.Status, tr.Result)
		}
	}
	return rep
}

// TestUsage checks the command lines refused with exit status 2, and that
// no report is written for them.
func TestUsage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.json")
	for _, args := range [][]string{
		{"--out", out, "--tolerance", "0.01"},
		{"--out", out, "--runner", "local"},
		{"--out", out, "--runner", "flink"},
		{"--out", out, "--shards-per-trade", "0"},
		{"--out", out, "--paths", "1"},
		{"--out", out, "--lambda", "best"},
		{"--out", out, "--greeks", "charm"},
		{"--out", out, "--vega-unit", "bp"},
		{"--out", out, "--rho-unit", "percent"},
		{"--out", out, "--valuation-date", "2026-02-30"},
		{"--out", strings.TrimSuffix(out, ".json") + ".txt"},
		{"--out", out, "--beam-option", "no_such_option=1"},
		{"--out", out, "--in", "missing.csv"},
		{"--out", out, "extra"},
		{"--out", out, "--no-such-flag"},
		{},
	} {
		if code, stderr := runCLI(args...); code != 2 {
			t.Errorf("greeks-beam %s: exit %d (%s), want 2", strings.Join(args, " "), code, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a refused command line wrote %s", out)
	}
	// A job server that is not there fails at once (exit 1), not after
	// Beam's minutes of retries.
	if code, stderr := runCLI("--out", out, "--runner", "spark", "--endpoint", "127.0.0.1:1"); code != 1 ||
		!strings.Contains(stderr, "job server") {
		t.Errorf("unreachable job server: exit %d (%s), want 1", code, stderr)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
