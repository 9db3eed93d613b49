package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzOptionFlags runs `greeks option` in process on fuzzed arguments
// (split at NUL bytes), with the work bounded by flags appended after them
// (the last value of a flag wins). Whatever the arguments: no panic, an
// exit status of 0, 1 or 2 with a message for each error, and a run that
// exits 0 prints no NaN, no failed figure, and (in JSON) a valid object.
func FuzzOptionFlags(f *testing.F) {
	for _, s := range []string{
		"--payoff\x00digital-call\x00--cash\x001e160",
		"--spot\x001e308",
		"--paths\x000100000\x00--format\x00json",
		"--vol\x003\x00--maturity\x0010\x00--format\x00json",
		"--model\x00cev\x00--vol\x001e300\x00--beta\x000.3",
		"--payoff\x00up-out-call\x00--barrier\x00120\x00--fixings\x004",
		"--tolerance\x001e-9\x00--methods\x00fd,,hybrid",
		"--rate\x001e300\x00--seed\x000x10",
	} {
		f.Add(s)
	}
	bound := []string{"--paths", "4096", "--pilot-paths", "4096", "--max-paths", "8192", "--steps", "4", "--workers", "1"}
	f.Fuzz(func(t *testing.T, s string) {
		args := []string{"greeks", "option"}
		if s != "" {
			args = append(args, strings.Split(s, "\x00")...)
		}
		args = append(args, bound...)
		var out, errb bytes.Buffer
		code := run(args, &out, &errb)
		switch code {
		case 0:
			if strings.Contains(out.String(), "NaN") || strings.Contains(out.String(), "failed") {
				t.Fatalf("exit 0 with NaN or a failed figure:\n%s", out.String())
			}
			if strings.Contains(s, "json") && strings.HasPrefix(out.String(), "{") && !json.Valid(out.Bytes()) {
				t.Fatalf("invalid JSON:\n%s", out.String())
			}
		case 1, 2:
			if errb.Len() == 0 {
				t.Fatalf("exit %d without a message", code)
			}
		default:
			t.Fatalf("exit %d; stderr %q", code, errb.String())
		}
	})
}
