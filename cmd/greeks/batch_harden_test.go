package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

const marketCSV = "underlying,spot,vol,rate,div\nX,100,0.2,0.05,0\n"

// writeFiles writes name → content into a new directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type batchReport struct {
	Trades []struct {
		Row      int               `json:"row"`
		TradeID  string            `json:"trade_id"`
		Status   string            `json:"status"`
		Error    *string           `json:"error"`
		Position map[string]string `json:"position"`
		Result   *struct {
			Paths    int64    `json:"paths"`
			Warnings []string `json:"warnings"`
		} `json:"result"`
	} `json:"trades"`
	Totals []struct {
		Underlying, Greek string
		StdErr            float64 `json:"stderr"`
	} `json:"totals"`
}

func readReport(t *testing.T, path string) batchReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("report not written: %v", err)
	}
	var rep batchReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, b)
	}
	return rep
}

// TestBatchNonFinite: a quantity that overflows the position's standard
// error, and inputs that overflow the simulation, are error rows naming
// the figure; the other rows and finite totals are written.
func TestBatchNonFinite(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"p.json": `[{"trade_id":"HUGE","underlying":"X","payoff":"call","quantity":1e400,"strike":100,"maturity":1},
 {"trade_id":"CASH","underlying":"X","payoff":"digital-call","quantity":1,"strike":100,"maturity":1,"cash":1e160},
 {"trade_id":"SPOT","underlying":"X","payoff":"call","quantity":1,"strike":100,"maturity":1,"spot":1e308},
 {"trade_id":"BIG","underlying":"X","payoff":"call","quantity":1e160,"strike":100,"maturity":1},
 {"trade_id":"SE","underlying":"X","payoff":"call","quantity":1e299,"strike":1e6,"maturity":1,"spot":1e6},
 {"trade_id":"OK","underlying":"X","payoff":"call","quantity":2,"strike":100,"maturity":1}]`,
		"m.csv": marketCSV,
	})
	out := filepath.Join(dir, "r.json")
	code, _, errb := runCLI(t, "batch", "--in", filepath.Join(dir, "p.json"), "--market", filepath.Join(dir, "m.csv"),
		"--out", out, "--paths", "4096")
	if code != 1 || !strings.Contains(errb, "4 of 6 rows failed") {
		t.Fatalf("exit %d, stderr %q; want 1 and four failed rows", code, errb)
	}
	rep := readReport(t, out)
	want := map[string]string{"HUGE": "quantity", "SE": "position_stderr", "CASH": "not finite", "SPOT": "not finite", "BIG": "", "OK": ""}
	for _, tr := range rep.Trades {
		w := want[tr.TradeID]
		switch {
		case w == "" && tr.Status != "ok":
			t.Errorf("%s: %s %v", tr.TradeID, tr.Status, *tr.Error)
		case w != "" && (tr.Status != "error" || !strings.Contains(*tr.Error, w)):
			t.Errorf("%s: status %s, error %v; want an error naming %q", tr.TradeID, tr.Status, tr.Error, w)
		case tr.Status == "ok" && tr.Position["price"] == "":
			t.Errorf("%s: ok without a price position", tr.TradeID)
		}
	}
	if len(rep.Totals) == 0 {
		t.Error("no totals")
	}
}

// TestBatchOutIsInput: an --out that is the portfolio or market file,
// under any spelling, is refused (exit 2) and the file is left as it was.
func TestBatchOutIsInput(t *testing.T) {
	p := "trade_id,underlying,payoff,quantity,strike,maturity\nA,X,call,1,100,1\n"
	dir := writeFiles(t, map[string]string{"p.csv": p, "m.csv": marketCSV})
	if err := os.Symlink("p.csv", filepath.Join(dir, "link.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "m.csv"), filepath.Join(dir, "hard.csv")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, out := range []string{"p.csv", "./p.csv", filepath.Join(dir, "p.csv"), "link.csv", "../" + filepath.Base(dir) + "/p.csv", "m.csv", "hard.csv"} {
		code, _, errb := runCLI(t, "batch", "--in", "p.csv", "--market", "m.csv", "--out", out, "--paths", "4096")
		if code != 2 || !strings.Contains(errb, "--out") {
			t.Errorf("--out %s: exit %d, stderr %q; want 2 naming --out", out, code, errb)
		}
	}
	if b, _ := os.ReadFile("p.csv"); string(b) != p {
		t.Errorf("the portfolio was replaced:\n%s", b)
	}
	if b, _ := os.ReadFile("m.csv"); string(b) != marketCSV {
		t.Errorf("the market file was replaced:\n%s", b)
	}
}

// TestBatchOutUnwritable: a report that cannot be created is a usage
// error found before any trade is priced.
func TestBatchOutUnwritable(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	code, _, errb := runCLI(t, "batch", "--paths", "100000000", "--out", filepath.Join(dir, "missing", "r.json"))
	if code != 2 || !strings.Contains(errb, "--out") {
		t.Errorf("missing directory: exit %d, stderr %q; want 2 naming --out", code, errb)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the refusal took %v: the portfolio was priced first", d)
	}
	if os.Geteuid() == 0 {
		t.Log("read-only directory case skipped: root writes anywhere")
		return
	}
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)
	if code, _, errb := runCLI(t, "batch", "--paths", "100000000", "--out", filepath.Join(ro, "r.json")); code != 2 {
		t.Errorf("read-only directory: exit %d, stderr %q; want 2", code, errb)
	}
}

// TestBatchOutModeAndLinks: a new report has mode 0666 less the umask, a
// replaced one keeps its mode, and a symbolic link is written through to
// its target (which may not exist yet), as cp does.
func TestBatchOutModeAndLinks(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	args := []string{"batch", "--paths", "4096", "--out"}
	newOut := filepath.Join(dir, "new.json")
	if code, _, errb := runCLI(t, append(args, newOut)...); code != 0 {
		t.Fatalf("exit %d %s", code, errb)
	}
	if fi, _ := os.Stat(newOut); fi.Mode().Perm() != 0o644 {
		t.Errorf("new report mode %v, want 0644 (umask 022)", fi.Mode().Perm())
	}
	target := filepath.Join(dir, "target.json")
	os.WriteFile(target, []byte("old"), 0o640)
	os.Chmod(target, 0o640)
	link := filepath.Join(dir, "link.json")
	os.Symlink("target.json", link)
	if code, _, errb := runCLI(t, append(args, link)...); code != 0 {
		t.Fatalf("exit %d %s", code, errb)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a regular file")
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
		t.Errorf("replaced report mode %v, want the old file's 0640", fi.Mode().Perm())
	}
	readReport(t, target)
	dangling := filepath.Join(dir, "dangling.json")
	os.Symlink("later.json", dangling)
	if code, _, errb := runCLI(t, append(args, dangling)...); code != 0 {
		t.Fatalf("exit %d %s", code, errb)
	}
	readReport(t, filepath.Join(dir, "later.json"))
}

// TestBatchKilledLeavesNothing: on Linux the report is written to an
// anonymous file, so a batch killed by SIGKILL mid-run leaves no file.
func TestBatchKilledLeavesNothing(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("subprocess test; O_TMPFILE is Linux only")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(exe, "batch", "--paths", "20000000", "--out", filepath.Join(dir, "report.json"))
	cmd.Env = append(os.Environ(), "GREEKS_TEST_AS_CLI=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	entries, _ := os.ReadDir(dir)
	cmd.Process.Kill()
	cmd.Wait()
	after, _ := os.ReadDir(dir)
	if len(entries) != 0 || len(after) != 0 {
		t.Errorf("while running %v, after SIGKILL %v; want nothing", entries, after)
	}
}

// TestBatchReadingRules: rows are read as flags are (decimal integers,
// the same ranges), JSON keys differing only in case are refused, a BOM
// starts any file, and fixings on a European payoff are refused.
func TestBatchReadingRules(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"p.json": "\ufeff" + `[{"trade_id":"OCT","underlying":"X","payoff":"call","quantity":1,"strike":100,"maturity":1,"paths":"08192"},
 {"trade_id":"CASE","underlying":"X","payoff":"call","quantity":1,"strike":100,"STRIKE":90,"Strike":80,"maturity":1},
 {"trade_id":"HEX","underlying":"X","payoff":"call","quantity":1,"strike":"0x1p4","maturity":1},
 {"trade_id":"STEPS0","underlying":"X","payoff":"call","quantity":1,"strike":100,"maturity":1,"scheme":"euler","steps":0},
 {"trade_id":"PATHS0","underlying":"X","payoff":"call","quantity":1,"strike":100,"maturity":1,"paths":0},
 {"trade_id":"FIX","underlying":"X","payoff":"call","quantity":1,"strike":100,"maturity":1,"fixings":12}]`,
		"m.json": "\ufeff" + `[{"underlying":"X","spot":100,"vol":0.2,"rate":0.05,"div":0}]`,
	})
	out := filepath.Join(dir, "r.json")
	code, _, errb := runCLI(t, "batch", "--in", filepath.Join(dir, "p.json"), "--market", filepath.Join(dir, "m.json"),
		"--out", out, "--paths", "4096")
	if code != 1 {
		t.Fatalf("exit %d, stderr %q", code, errb)
	}
	rep := readReport(t, out)
	want := map[string]string{"CASE": "strike: given twice", "HEX": "strike", "STEPS0": "steps", "PATHS0": "paths", "FIX": "fixings"}
	for _, tr := range rep.Trades {
		if tr.TradeID == "OCT" {
			if tr.Status != "ok" || tr.Result.Paths != 8192 {
				t.Errorf("OCT: %s, paths %v; want ok with 8192 decimal paths", tr.Status, tr.Result)
			}
			continue
		}
		if tr.Status != "error" || !strings.Contains(*tr.Error, want[tr.TradeID]) {
			t.Errorf("%s: %s %v; want an error naming %q", tr.TradeID, tr.Status, tr.Error, want[tr.TradeID])
		}
	}
	if code, _, errb := runCLI(t, "option", "--fixings", "12"); code != 2 || !strings.Contains(errb, "--fixings") {
		t.Errorf("option --fixings on a call: exit %d, %q; want 2", code, errb)
	}
}

// TestBatchMarketErrors: a market quote out of its domain is refused with
// the file, the row and the underlying.
func TestBatchMarketErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{"m.csv": "underlying,spot,vol\nX,100,0.2\nACME,100,-0.3\n"})
	code, _, errb := runCLI(t, "batch", "--market", filepath.Join(dir, "m.csv"))
	for _, w := range []string{"--market", "m.csv", "row 2", "ACME", "vol"} {
		if code != 2 || !strings.Contains(errb, w) {
			t.Errorf("exit %d, stderr %q; want 2 naming %q", code, errb, w)
		}
	}
}

// TestBatchToleranceAndPaths: a row that stops at --max-paths above its
// tolerance exits 1 and says so; --paths beyond --max-paths' default is
// no error without --tolerance.
func TestBatchToleranceAndPaths(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"p.csv":   "trade_id,underlying,payoff,quantity,strike,maturity,spot,vol,rate,div\nA,X,call,1,100,1,100,0.2,0.05,0\n",
		"bad.csv": "trade_id,underlying,payoff,quantity,strike,maturity\nA,X,bogus,1,100,1\n",
	})
	out := filepath.Join(dir, "r.json")
	code, _, errb := runCLI(t, "batch", "--in", filepath.Join(dir, "p.csv"), "--out", out, "--paths", "4096",
		"--tolerance", "1e-9", "--max-paths", "8192", "--greeks", "delta")
	if code != 1 || !strings.Contains(errb, "tolerance") {
		t.Errorf("exit %d, stderr %q; want 1 naming the tolerance", code, errb)
	}
	if rep := readReport(t, out); len(rep.Trades) != 1 || rep.Trades[0].Result == nil ||
		len(rep.Trades[0].Result.Warnings) == 0 || !strings.Contains(rep.Trades[0].Result.Warnings[0], "not met") {
		t.Errorf("report %+v lacks the warning", rep.Trades)
	}
	code, _, errb = runCLI(t, "batch", "--in", filepath.Join(dir, "bad.csv"), "--paths", "1000000000")
	if code != 1 || strings.Contains(errb, "max-paths") {
		t.Errorf("--paths 1000000000: exit %d, stderr %q; want 1 for the bad row, nothing about --max-paths", code, errb)
	}
}

// TestBatchTableAlignment: an error row fills every column, so the rows
// below it stay aligned with the header and the rows above.
func TestBatchTableAlignment(t *testing.T) {
	dir := writeFiles(t, map[string]string{"p.csv": "trade_id,underlying,payoff,quantity,strike,maturity,spot,vol,rate,div\n" +
		"A,X,call,1,100,1,100,0.2,0.05,0\nB,X,bogus-payoff-with-a-long-name,1,100,1,100,0.2,0.05,0\n" +
		"C,X,put,123456789,100,1,100,0.2,0.05,0\n\"T\tA\nB\",X,bogus,1,100,1,100,0.2,0.05,0\n"})
	_, out, _ := runCLI(t, "batch", "--in", filepath.Join(dir, "p.csv"), "--paths", "4096")
	var header, c string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "ROW"):
			header = l
		case strings.HasPrefix(l, "3 ") && strings.Contains(l, " C "):
			c = l
		}
	}
	if !strings.Contains(out, "\n4    T A B  ") {
		t.Errorf("a trade_id with a tab and a line break is not one cell:\n%s", out)
	}
	if h, m := strings.Index(header, "METHODS"), strings.Index(c, "hybrid/"); h < 0 || h != m {
		t.Errorf("METHODS at column %d in the header, %d on the row below the error:\n%s", h, m, out)
	}
}

// TestBatchResourceBounds: a quantity whose digits would fill the memory
// is an error row, and a huge --workers runs (capped).
func TestBatchResourceBounds(t *testing.T) {
	dir := writeFiles(t, map[string]string{"p.csv": "trade_id,underlying,payoff,quantity,strike,maturity,spot,vol,rate,div\n" +
		"A,X,call,1e100000000,100,1,100,0.2,0.05,0\nB,X,call,1e-100000000,100,1,100,0.2,0.05,0\nC,X,call,1,100,1,100,0.2,0.05,0\n"})
	out := filepath.Join(dir, "r.json")
	code, _, errb := runCLI(t, "batch", "--in", filepath.Join(dir, "p.csv"), "--out", out, "--paths", "4096", "--workers", "1000000")
	if code != 1 || !strings.Contains(errb, "2 of 3 rows failed") {
		t.Fatalf("exit %d, stderr %q", code, errb)
	}
	for _, tr := range readReport(t, out).Trades[:2] {
		if tr.Status != "error" || !strings.Contains(*tr.Error, "quantity") {
			t.Errorf("%s: %s %v; want a quantity error", tr.TradeID, tr.Status, tr.Error)
		}
	}
}

// TestFieldsThatDoNotApply: a contract field the payoff does not read
// (cash on a call, a barrier on a digital, beta on GBM) is an error, in a
// row and on the command line alike, never silently ignored.
func TestFieldsThatDoNotApply(t *testing.T) {
	for _, args := range [][]string{
		{"--cash", "5"}, {"--payoff", "digital-call", "--barrier", "120"}, {"--rebate", "1"}, {"--beta", "0.3"}, {"--fixings", "12"},
	} {
		if code, _, errb := runCLI(t, append([]string{"option"}, args...)...); code != 2 || !strings.Contains(errb, args[len(args)-2]) {
			t.Errorf("option %v: exit %d, %q; want 2 naming the flag", args, code, errb)
		}
	}
	dir := writeFiles(t, map[string]string{"p.csv": "trade_id,underlying,payoff,quantity,strike,maturity,spot,vol,rate,div,cash,barrier,beta\n" +
		"A,X,call,1,100,1,100,0.2,0.05,0,5,,\nB,X,digital-call,1,100,1,100,0.2,0.05,0,,120,\nC,X,call,1,100,1,100,0.2,0.05,0,,,0.5\n"})
	out := filepath.Join(dir, "r.json")
	if code, _, errb := runCLI(t, "batch", "--in", filepath.Join(dir, "p.csv"), "--out", out, "--paths", "4096"); code != 1 {
		t.Fatalf("exit %d, %q", code, errb)
	}
	for i, tr := range readReport(t, out).Trades {
		if w := []string{"cash", "barrier", "beta"}[i]; tr.Status != "error" || !strings.Contains(*tr.Error, w) {
			t.Errorf("%s: %s %v; want an error naming %s", tr.TradeID, tr.Status, tr.Error, w)
		}
	}
}
