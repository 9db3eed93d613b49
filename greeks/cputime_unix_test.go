//go:build unix

package greeks

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) the process has used: a
// measure of work that a loaded machine inflates far less than wall time.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
