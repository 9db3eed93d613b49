//go:build !linux

package batch

import "os"

// createTemp creates a hidden named temporary file in dir.
func createTemp(dir, base string) (*os.File, string, error) { return namedTemp(dir, base) }

// linkTemp is not called where createTemp always names the file.
func linkTemp(f *os.File, dir, base string) (string, error) { return copyTemp(f, dir, base) }
