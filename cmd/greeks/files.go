package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Flag categories of the commands beyond option's (see option.go).
const (
	catInput    = "Input"
	catStudy    = "Study"
	catData     = "Data"
	catTraining = "Training"
	catTask     = "Task"
	catRuns     = "Runs"
)

// prepareDir makes sure the directory named by --flag exists and that a
// file can be created in it, before any work whose results would go there;
// an empty dir means no output and is left alone. A directory that cannot be
// created or written is a usage error naming the flag.
func prepareDir(flag, dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usagef("invalid --%s %q: %v", flag, dir, unwrapPath(err))
	}
	f, err := os.CreateTemp(dir, ".greeks-write-check-*")
	if err != nil {
		return usagef("invalid --%s %q: cannot write there: %v", flag, dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// prepareFile does what prepareDir does for the directory of the file named
// by --flag, and refuses a path that is a directory.
func prepareFile(flag, path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usagef("invalid --%s %q: is a directory, want a file", flag, path)
	}
	return prepareDir(flag, filepath.Dir(path))
}

// checkReadableDir makes an unreadable input directory a usage error.
func checkReadableDir(flag, dir string) error {
	if dir == "" {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return usagef("invalid --%s %q: %v", flag, dir, unwrapPath(err))
	}
	if !fi.IsDir() {
		return usagef("invalid --%s %q: not a directory", flag, dir)
	}
	if _, err := os.ReadDir(dir); err != nil {
		return usagef("invalid --%s %q: %v", flag, dir, unwrapPath(err))
	}
	return nil
}

// unwrapPath drops the path an *fs.PathError repeats (the message names it
// already).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
