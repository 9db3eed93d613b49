package batch

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// createTemp opens an anonymous file in dir (O_TMPFILE): it has no name
// until Commit links it, so a killed process leaves nothing behind. Where
// the file system lacks O_TMPFILE it falls back to a named temporary file.
func createTemp(dir, base string) (*os.File, string, error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o666)
	if err == nil {
		return os.NewFile(uintptr(fd), filepath.Join(dir, "."+base+".tmp")), "", nil
	}
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EROFS) || errors.Is(err, unix.ENOTDIR) {
		return nil, "", &os.PathError{Op: "create", Path: dir, Err: err}
	}
	return namedTemp(dir, base) // EOPNOTSUPP, EISDIR (old kernels), EINVAL
}

// linkTemp gives the anonymous file f a hidden name in dir (to be renamed
// over the report), through /proc/self/fd; it copies f where it cannot.
func linkTemp(f *os.File, dir, base string) (string, error) {
	proc := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	for range 8 {
		var b [6]byte
		rand.Read(b[:])
		name := filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(b[:]))
		err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, name, unix.AT_SYMLINK_FOLLOW)
		if err == nil {
			return name, nil
		}
		if !errors.Is(err, unix.EEXIST) {
			break
		}
	}
	return copyTemp(f, dir, base)
}
