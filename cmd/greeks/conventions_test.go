package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/vae"
)

func TestVersionFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/hybridgreeks/hybridgreeks", Version: "v0.3.0"},
		Settings: []debug.BuildSetting{
			{Key: "-tags", Value: "mujoco,openblas"}, {Key: "CGO_ENABLED", Value: "1"},
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-12-01T06:00:00Z"}, {Key: "vcs.modified", Value: "true"},
		}}
	v := versionFrom(bi)
	want := "v0.3.0 revision 0123456789ab (modified), build tags: mujoco,openblas, go1.26.0 linux/arm64"
	if got := v.short(); got != want {
		t.Errorf("short() = %q, want %q", got, want)
	}
	if !v.Cgo || v.Time != "2026-12-01T06:00:00Z" || v.Modified == nil || !*v.Modified {
		t.Errorf("versionFrom = %+v", v)
	}
	// A build without VCS information (go test, -buildvcs=false) says so.
	v = versionFrom(&debug.BuildInfo{GoVersion: "go1.26.0"})
	if got := v.short(); !strings.HasPrefix(got, "(devel), build tags: none") {
		t.Errorf("short() without VCS = %q", got)
	}
}

func TestVersionCommand(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}} {
		code, out, errb := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "build tags") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("greeks %v: exit %d, stdout %q, stderr %q", args, code, out, errb)
		}
	}
	code, out, errb := runCLI(t, "version", "--format", "json")
	var v versionInfo
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil || v.Go != runtime.Version() || v.Platform == "" {
		t.Errorf("version --format json: exit %d, %v, %q, stderr %q", code, err, out, errb)
	}
	if code, _, _ := runCLI(t, "version", "extra"); code != 2 {
		t.Errorf("version extra: exit %d, want 2", code)
	}
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "complete -o bashdefault", "zsh": "compdef _greeks greeks", "fish": "complete -c greeks"} {
		code, out, errb := runCLI(t, "completion", shell)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, stderr %q, script lacks %q:\n%s", shell, code, errb, want, out)
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("greeks %v: exit %d, want 2", args, code)
		}
	}
	// What the scripts ask the binary (in a process of its own: urfave/cli
	// reads os.Args while completing).
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--generate-bash-completion"}, []string{"option", "batch", "version", "completion"}},
		{[]string{"vae", "--generate-bash-completion"}, []string{"train", "eval", "plot", "variance"}},
		{[]string{"batch", "--mar", "--generate-bash-completion"}, []string{"--market", "--market-format"}},
	} {
		cmd := exec.Command(exe, c.args...)
		cmd.Env = append(os.Environ(), "GREEKS_TEST_AS_CLI=1")
		out, err := cmd.Output()
		for _, w := range c.want {
			if err != nil || !strings.Contains("\n"+string(out), "\n"+w+"\n") {
				t.Errorf("greeks %v: %v, offered %q, want %s", c.args, err, out, w)
			}
		}
	}
}

// TestBashCompletionScript sources the bash script in a real bash, with this
// test binary standing in for the greeks on the PATH, and completes a
// command and a flag.
func TestBashCompletionScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash on this machine")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	_, script, _ := runCLI(t, "completion", "bash")
	cases := []struct {
		words string
		cword int
		want  string
	}{
		{"greeks ver", 1, "version"},
		{"greeks vae tr", 2, "train"},
		{"greeks option --pay", 2, "--payoff"},
	}
	for _, c := range cases {
		prog := script + `
greeks() { GREEKS_TEST_AS_CLI=1 "$GREEKS_EXE" "$@"; }
COMP_WORDS=(` + c.words + `)
COMP_CWORD=` + string(rune('0'+c.cword)) + `
_greeks_complete
printf '%s\n' "${COMPREPLY[@]}"
`
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", prog)
		cmd.Env = append(os.Environ(), "GREEKS_EXE="+exe)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains("\n"+string(out), "\n"+c.want+"\n") {
			t.Errorf("completing %q: %v, offered %q, want %q", c.words, err, out, c.want)
		}
	}
}

// TestOutputBeforeWork: a command whose output directory cannot be made
// fails at once, as a usage error naming the flag, before any work.
func TestOutputBeforeWork(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	blocked := filepath.Join(file, "sub") // a directory below a regular file cannot exist
	for _, args := range [][]string{
		{"rl", "train", "--iterations", "2", "--episodes", "2", "--out", blocked},
		{"rl", "compare", "--iterations", "2", "--episodes", "2", "--seeds", "1", "--out", blocked},
		{"experiment", "synthetic", "--replicates", "2", "--samples", "200", "--out", blocked},
		{"vae", "plot", "--out", filepath.Join(blocked, "curves.png"), "a=" + file},
	} {
		code, out, errb := runCLI(t, args...)
		if code != 2 || !strings.Contains(errb, "--out") || out != "" {
			t.Errorf("greeks %v: exit %d, stdout %q, stderr %q; want exit 2 naming --out and no output", args, code, out, errb)
		}
	}
	// A relative directory that does not exist yet is created.
	t.Chdir(dir)
	code, _, errb := runCLI(t, "rl", "train", "--iterations", "2", "--episodes", "2", "--out", "out/rl")
	if code != 0 {
		t.Fatalf("rl train --out out/rl: exit %d, %s", code, errb)
	}
	if _, err := os.Stat(filepath.Join("out", "rl", "pendulum-hybrid-seed1.json")); err != nil {
		t.Error(err)
	}
}

// TestVAECheckpointNewDir is the fresh-clone case: --checkpoint out/vae.ckpt
// where out/ does not exist.
func TestVAECheckpointNewDir(t *testing.T) {
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"); err != nil && os.Getenv("GREEKS_REQUIRE_DATA") == "" {
		t.Skip("Fashion-MNIST absent: install the Debian package dataset-fashion-mnist")
	}
	t.Chdir(t.TempDir())
	code, out, errb := runCLI(t, "vae", "train", "--subset", "16", "--test-subset", "8", "--batch", "8", "--epochs", "1",
		"--checkpoint", "out/vae.ckpt", "--out", "out/log")
	if code != 0 || !strings.Contains(out, "epoch 1") {
		t.Fatalf("exit %d, %q, %q", code, out, errb)
	}
	for _, f := range []string{"out/vae.ckpt", "out/log/train.json", "out/log/train.csv"} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	code, out, errb = runCLI(t, "vae", "train", "--subset", "16", "--test-subset", "8", "--batch", "8", "--epochs", "1",
		"--checkpoint", "out/vae.ckpt/x")
	if code != 2 || strings.Contains(out, "epoch 1") || !strings.Contains(errb, "--checkpoint") {
		t.Errorf("checkpoint below a file: exit %d, stdout %q, stderr %q", code, out, errb)
	}
}

func TestDataDirUsage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"vae", "train", "--data-dir", filepath.Join(file, "missing")},
		{"vae", "variance", "--data-dir", file},
		{"vae", "eval", "--checkpoint", file, "--data-dir", file},
	} {
		code, _, errb := runCLI(t, args...)
		if code != 2 || !strings.Contains(errb, "--data-dir") {
			t.Errorf("greeks %v: exit %d, stderr %q; want 2 naming --data-dir", args, code, errb)
		}
	}
}

// TestSyntheticFiguresOnlyWithOut: --format json (or table) without --out
// writes nothing to disk; with --out the four figures appear there.
func TestSyntheticFiguresOnlyWithOut(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	small := []string{"experiment", "synthetic", "--replicates", "2", "--samples", "500", "--small-batch", "20",
		"--alphas", "1,2", "--batch-sizes", "8,16", "--trials", "5", "--format", "json"}
	if code, _, errb := runCLI(t, small...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("without --out the run wrote %v", entries)
	}
	if code, _, errb := runCLI(t, append(small, "--out", "figs")...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, f := range []string{"table1.png", "figure1.png", "figure3.png", "figure4.png"} {
		if _, err := os.Stat(filepath.Join("figs", f)); err != nil {
			t.Error(err)
		}
	}
}

// TestVAEPlotFromLogs redraws the committed VAE figure from the committed
// CSV logs (docs/vae), as docs/vae.md says to, and reads a train.json too.
func TestVAEPlotFromLogs(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "fig", "curves.png")
	code, _, errb := runCLI(t, "vae", "plot", "--out", out, "pathwise=../../docs/vae/pathwise.csv",
		"hybrid=../../docs/vae/hybrid.csv", "score=../../docs/vae/score.csv")
	if code != 0 {
		t.Fatalf("vae plot: exit %d, %s", code, errb)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		t.Errorf("no figure: %v", err)
	}
	logs, err := readVAELog("../../docs/vae/score.csv")
	if err != nil || len(logs) != 2 || logs[1].Epoch != 2 || !(logs[1].TestLoss > 1000) || logs[1].Lambda == logs[1].Lambda {
		t.Errorf("score.csv read as %+v, %v", logs, err)
	}
	js := filepath.Join(dir, "train.json")
	if err := os.WriteFile(js, []byte(`[{"epoch":1,"train_loss":400,"test_loss":null,"lambda":0.9}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	logs, err = readVAELog(js)
	if err != nil || len(logs) != 1 || logs[0].Lambda != 0.9 || logs[0].TestLoss == logs[0].TestLoss {
		t.Errorf("train.json read as %+v, %v", logs, err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("epoch,train_loss\n1,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errb := runCLI(t, "vae", "plot", "--out", out, "a="+bad); code != 2 || !strings.Contains(errb, "train_loss") {
		t.Errorf("bad CSV: exit %d, %s", code, errb)
	}
}

// TestVAEDivergedLogs writes the logs of a run whose last epoch diverged
// (NaN loss and gradient norm): train.json must be valid JSON with nulls,
// train.csv keep the NaN, both read back, and the plot skip the NaN epoch.
func TestVAEDivergedLogs(t *testing.T) {
	dir := t.TempDir()
	nan := math.NaN()
	logs := []vae.EpochLog{
		{Epoch: 1, TrainLoss: 420, TestLoss: 410, Lambda: nan, GradVariance: nan, GradNorm: 3e3, Seconds: 10},
		{Epoch: 2, TrainLoss: nan, TestLoss: nan, Lambda: nan, GradVariance: nan, GradNorm: nan, Seconds: 9},
	}
	if err := writeVAELogs(dir, logs); err != nil {
		t.Fatalf("writeVAELogs: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "train.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 2 || rows[1]["train_loss"] != nil || rows[1]["grad_norm"] != nil || rows[0]["train_loss"] != 420.0 {
		t.Fatalf("train.json %s: %v", b, err)
	}
	for _, name := range []string{"train.json", "train.csv"} {
		got, err := readVAELog(filepath.Join(dir, name))
		if err != nil || len(got) != 2 || got[0].TrainLoss != 420 || !math.IsNaN(got[1].TrainLoss) {
			t.Errorf("%s read as %+v, %v", name, got, err)
		}
	}
	out := filepath.Join(dir, "curves.png")
	if code, _, errb := runCLI(t, "vae", "plot", "--out", out, "score="+filepath.Join(dir, "train.json")); code != 0 {
		t.Errorf("vae plot of a diverged log: exit %d, %s", code, errb)
	}
}
