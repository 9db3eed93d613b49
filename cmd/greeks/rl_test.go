package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRL runs train and compare on tiny settings and checks the JSON
// shapes the issue fixes, the files under --out, that the worker count does
// not change the numbers, and the usage errors.
func TestRL(t *testing.T) {
	small := []string{"--iterations", "3", "--episodes", "3", "--horizon", "20"}
	code, out, errb := runCLI(t, append([]string{"rl", "train", "--env", "cartpole", "--estimator", "hybrid", "--seeds", "2", "--format", "json"}, small...)...)
	if code != 0 {
		t.Fatalf("rl train: exit %d: %s", code, errb)
	}
	var tr struct {
		Iterations []map[string]any `json:"iterations"`
		Final      *float64         `json:"final_return"`
	}
	if err := json.Unmarshal([]byte(out), &tr); err != nil || tr.Final == nil || len(tr.Iterations) != 6 {
		t.Fatalf("rl train json: %v %+v\n%s", err, tr, out)
	}
	for _, k := range []string{"iteration", "return", "grad_variance", "lambda", "seed"} {
		if _, ok := tr.Iterations[5][k]; !ok {
			t.Errorf("rl train json: iteration has no %q: %v", k, tr.Iterations[5])
		}
	}
	dir := t.TempDir()
	cmp := append([]string{"rl", "compare", "--env", "pendulum,cartpole", "--format", "json", "--out", dir, "--seeds", "2"}, small...)
	code, out1, errb := runCLI(t, append(cmp, "--workers", "1")...)
	if code != 0 {
		t.Fatalf("rl compare: exit %d: %s", code, errb)
	}
	var cr struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out1), &cr); err != nil || len(cr.Rows) != 6 {
		t.Fatalf("rl compare json: %v\n%s", err, out1)
	}
	for _, k := range []string{"env", "estimator", "avg_return", "std", "relative_variance"} {
		if _, ok := cr.Rows[0][k]; !ok {
			t.Errorf("rl compare json: row has no %q: %v", k, cr.Rows[0])
		}
	}
	if cr.Rows[1]["estimator"] != "reinforce" || cr.Rows[1]["relative_variance"].(float64) != 0 {
		t.Errorf("reinforce row: %v", cr.Rows[1])
	}
	for _, f := range []string{"pendulum.png", "cartpole.png", "compare.json", "cartpole-hybrid-seed2.csv", "pendulum-pathwise-seed1.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("--out: %v", err)
		}
	}
	// report rebuilds the same rows from the logs (environments in file order).
	code, rep, errb := runCLI(t, "rl", "report", "--in", dir, "--format", "json", "--plot")
	var rr struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(rep), &rr); code != 0 || err != nil || len(rr.Rows) != 6 {
		t.Fatalf("rl report: exit %d %v: %s %s", code, err, rep, errb)
	}
	for i := range 3 {
		a, _ := json.Marshal(cr.Rows[3+i]) // cartpole rows
		b, _ := json.Marshal(rr.Rows[i])
		if string(a) != string(b) {
			t.Errorf("report row %d = %s, compare had %s", i, b, a)
		}
	}
	if code, _, errb := runCLI(t, "rl", "report", "--in", t.TempDir()); code != 2 || !strings.Contains(errb, "--in") {
		t.Errorf("report of an empty directory: exit %d %s", code, errb)
	}
	_, out2, _ := runCLI(t, append(cmp, "--workers", "3")...)
	if out1 != out2 {
		t.Errorf("--workers changed the numbers:\n%s\n%s", out1, out2)
	}
	for _, bad := range [][]string{
		{"rl", "train", "--estimator", "magic"},
		{"rl", "train", "--env", "nope"},
		{"rl", "train", "--env", "pendulum,cartpole"},
		{"rl", "train", "--lr", "0"},
		{"rl", "train", "--episodes", "1"},
		{"rl", "train", "--gamma", "1.5"},
		{"rl", "train", "--lambda", "magic"},
		{"rl", "compare", "--granularity", "nope"},
		{"rl", "compare", "--lambda", "crossfit", "--episodes", "3"},
	} {
		code, _, errb := runCLI(t, bad...)
		flag := strings.TrimPrefix(bad[2], "--")
		if code != 2 || !strings.Contains(errb, flag) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", bad, code, errb, flag)
		}
	}
}
