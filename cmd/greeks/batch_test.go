package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test re-run this binary as the greeks command, so that a
// real process can be interrupted with a signal.
func TestMain(m *testing.M) {
	if os.Getenv("GREEKS_TEST_AS_CLI") == "1" {
		os.Exit(run(append([]string{"greeks"}, os.Args[1:]...), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestBatchSample(t *testing.T) {
	code, out, errb := runCLI(t, "batch", "--paths", "5000")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb)
	}
	for _, want := range []string{"T001", "T021", "T025", "ACME|GLOBEX", "cross-gamma 0,1", "TOTAL", "ACME", "*", "25 rows: 25 ok, 0 errors"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestBatchFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "p.json")
	os.WriteFile(in, []byte(`[
 {"trade_id": "A", "underlying": "X", "payoff": "call", "quantity": "10", "strike": 100, "maturity": 1},
 {"trade_id": "B", "underlying": "X", "payoff": "bogus", "quantity": "10", "strike": 100, "maturity": 1},
 {"trade_id": "C", "underlying": "Y", "payoff": "put", "quantity": "-2.5", "strike": 100, "maturity": 1}
]`), 0o644)
	market := filepath.Join(dir, "m.csv")
	os.WriteFile(market, []byte("underlying,spot,vol,rate,div\nX,100,0.2,0.05,0\n"), 0o644)
	out := filepath.Join(dir, "r.json")
	code, _, errb := runCLI(t, "batch", "--in", in, "--market", market, "--out", out, "--paths", "5000")
	if code != 1 || !strings.Contains(errb, "2 of 3 rows failed") {
		t.Fatalf("exit %d, stderr %q; want 1 and two failed rows (bogus payoff, no quote for Y)", code, errb)
	}
	var rep struct {
		Trades []struct {
			TradeID string  `json:"trade_id"`
			Status  string  `json:"status"`
			Error   *string `json:"error"`
		} `json:"trades"`
		Totals []map[string]any `json:"totals"`
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("report not written: %v", err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, tr := range rep.Trades {
		got = append(got, tr.TradeID+":"+tr.Status)
	}
	if strings.Join(got, " ") != "A:ok B:error C:error" {
		t.Errorf("trades %v", got)
	}
	if len(rep.Totals) == 0 {
		t.Error("no totals")
	}
	// CSV out too.
	csvOut := filepath.Join(dir, "r.csv")
	if code, _, errb := runCLI(t, "batch", "--in", in, "--market", market, "--out", csvOut, "--paths", "5000"); code != 1 {
		t.Fatalf("csv: exit %d, %q", code, errb)
	}
	if b, err := os.ReadFile(csvOut); err != nil || !strings.HasPrefix(string(b), "row,trade_id,") {
		t.Errorf("csv report: %v %q", err, b)
	}
}

func TestBatchUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "m.csv")
	os.WriteFile(bad, []byte("underlying,spot\nX,abc\n"), 0o644)
	for _, args := range [][]string{
		{"--in", filepath.Join(dir, "missing.csv")},
		{"--in", filepath.Join(dir, "p.txt")},
		{"--out", filepath.Join(dir, "r.xml")},
		{"--decimals", "-1"},
		{"--market", bad},
		{"--paths", "1"},
		{"--lambda", "bogus"},
		{"--format", "xml"},
	} {
		code, _, errb := runCLI(t, append([]string{"batch"}, args...)...)
		if code != 2 || !strings.Contains(errb, strings.TrimPrefix(args[0], "--")) {
			t.Errorf("batch %v: exit %d, stderr %q; want 2 naming the flag", args, code, errb)
		}
	}
}

// TestBatchInterrupt interrupts a running batch with SIGINT: it must exit
// 130, say so on a line of its own, and leave neither the report nor a
// temporary file.
func TestBatchInterrupt(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	code, _, stderr := interruptCLI(t, "batch", "--paths", "20000000", "--out", out)
	if code != 130 {
		t.Fatalf("interrupted batch exited %d, want 130; stderr %q", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("interrupted batch left %v", names)
	}
	if !strings.Contains(stderr, "\ngreeks: interrupted by interrupt: no report written\n") {
		t.Errorf("stderr %q does not say on a line of its own that it was interrupted and wrote nothing", stderr)
	}
}

// interruptCLI runs this test binary as the greeks command with args,
// sends it SIGINT after 0.7 s and returns its exit status and output.
func interruptCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if testing.Short() {
		t.Skip("subprocess test skipped under -short")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "GREEKS_TEST_AS_CLI=1")
	var outb, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &outb, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("greeks %v did not stop within 60 s of SIGINT", args)
	}
	return exitStatus(err), outb.String(), errb.String()
}

// exitStatus returns the exit status of a finished process (0 for a nil
// error, -1 when it did not exit normally).
func exitStatus(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err == nil {
		return 0
	}
	return -1
}

// An interrupted greeks option exits 130 and says that nothing was written.
func TestOptionInterruptExits130(t *testing.T) {
	code, stdout, stderr := interruptCLI(t, "option", "--paths", "2000000000", "--workers", "1")
	if code != 130 {
		t.Fatalf("interrupted option exited %d, want 130; stderr %q", code, stderr)
	}
	if stdout != "" || !strings.Contains(stderr, "\ngreeks: interrupted by interrupt: nothing was written\n") {
		t.Errorf("interrupted option: stdout %q, stderr %q", stdout, stderr)
	}
}
