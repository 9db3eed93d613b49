//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// BenchmarkBatchMemory runs `greeks batch` as a process on a 1,000,000-row
// portfolio (one row in ten a 2-path call, the rest unknown payoffs, as a
// garbage file gives) written to a JSON report, and reports the process's
// maximum resident set: a batch streams, so it must not grow with the
// file. Run it alone:
//
//	go test ./cmd/greeks -run XXX -bench BatchMemory -benchtime 1x
func BenchmarkBatchMemory(b *testing.B) {
	const rows = 1_000_000
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	in := filepath.Join(dir, "p.csv")
	f, err := os.Create(in)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "trade_id,underlying,payoff,quantity,strike,maturity,spot,vol,rate,div,paths")
	for i := range rows {
		payoff := "garbage"
		if i%10 == 0 {
			payoff = "call"
		}
		fmt.Fprintf(w, "T%d,X,%s,%d,100,1,100,0.2,0.05,0,2\n", i, payoff, i%7+1)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(exe, "batch", "--in", in, "--out", filepath.Join(dir, "r.json"), "--greeks", "delta")
		cmd.Env = append(os.Environ(), "GREEKS_TEST_AS_CLI=1")
		if out, err := cmd.CombinedOutput(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
			b.Fatalf("exit %v: %s", err, out)
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		b.ReportMetric(float64(ru.Maxrss)/1024, "maxRSS-MB")
	}
	b.ReportMetric(rows, "rows")
}
