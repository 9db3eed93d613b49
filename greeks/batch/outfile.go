package batch

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Input is a file a batch reads, named by its flag ("in", "market"), that
// its report must not replace.
type Input struct {
	Which, Path string
}

// OutFile is a report being written whole or not at all. CreateOut makes
// it before any work is done, so that a report that cannot be written is
// known at once; the rows go to a temporary file in the report's directory
// (on Linux an anonymous O_TMPFILE, which cannot outlive the process, else
// a hidden named one); Commit puts it in place atomically, Discard drops it.
type OutFile struct {
	path   string // the file written: the --out path, or the end of its symbolic links
	dir    string
	f      *os.File
	name   string // the named temporary file; "" for an anonymous one
	bw     *bufio.Writer
	mode   os.FileMode
	chmod  bool // give the file mode (that of the file it replaces)
	closed bool
}

// maxLinks bounds the symbolic links followed, as the kernel does.
const maxLinks = 40

// resolve follows the symbolic links of path, even to a target that does
// not exist yet, as cp does when it writes through a link.
func resolve(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return "", errors.New("too many levels of symbolic links")
}

// CreateOut checks that path can take the report and creates its
// temporary file. It refuses, as a *FileError for "out", a path that is
// one of inputs (the same file under any spelling, link or hard link), one
// that is not a regular file, and a directory where the file cannot be
// created. The report gets the mode of the file it replaces, or 0666 less
// the umask for a new one, and is written through symbolic links to their
// target, as cp does.
func CreateOut(path string, inputs ...Input) (*OutFile, error) {
	fail := func(err error) (*OutFile, error) { return nil, &FileError{Which: "out", Path: path, Err: err} }
	target, err := resolve(path)
	if err != nil {
		return fail(err)
	}
	o := &OutFile{path: target, dir: filepath.Dir(target)}
	if fi, err := os.Stat(target); err == nil {
		if !fi.Mode().IsRegular() {
			return fail(errors.New("not a regular file"))
		}
		for _, in := range inputs {
			if in.Path == "" {
				continue
			}
			if ii, err := os.Stat(in.Path); err == nil && os.SameFile(fi, ii) {
				return fail(fmt.Errorf("is the --%s file %s: the report would replace it", in.Which, in.Path))
			}
		}
		o.mode, o.chmod = fi.Mode().Perm(), true
	}
	if o.f, o.name, err = createTemp(o.dir, filepath.Base(target)); err != nil {
		return fail(err)
	}
	o.bw = bufio.NewWriterSize(o.f, 1<<16)
	return o, nil
}

// namedTemp creates a hidden temporary file beside base in dir, with mode
// 0666 less the umask.
func namedTemp(dir, base string) (*os.File, string, error) {
	for {
		var b [6]byte
		rand.Read(b[:])
		name := filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, name, err
	}
}

// Write writes to the temporary file.
func (o *OutFile) Write(p []byte) (int, error) { return o.bw.Write(p) }

// Path returns the file the report is committed to (the --out path, or
// the target of its symbolic links).
func (o *OutFile) Path() string { return o.path }

// Commit flushes and syncs the temporary file and puts it in place of the
// report path atomically. On error nothing is left behind.
func (o *OutFile) Commit() (err error) {
	defer func() {
		if err != nil {
			o.Discard()
			err = fmt.Errorf("batch: writing %s: %w", o.path, err)
		}
	}()
	if err := o.bw.Flush(); err != nil {
		return err
	}
	if o.chmod {
		if err := o.f.Chmod(o.mode); err != nil {
			return err
		}
	}
	if err := o.f.Sync(); err != nil {
		return err
	}
	if o.name == "" {
		if o.name, err = linkTemp(o.f, o.dir, filepath.Base(o.path)); err != nil {
			return err
		}
	}
	if err := o.f.Close(); err != nil {
		return err
	}
	o.closed = true
	if err := os.Rename(o.name, o.path); err != nil {
		return err
	}
	if d, err := os.Open(o.dir); err == nil {
		d.Sync() // the rename itself; best effort
		d.Close()
	}
	return nil
}

// Discard drops the temporary file.
func (o *OutFile) Discard() {
	if !o.closed {
		o.f.Close()
		o.closed = true
	}
	if o.name != "" {
		os.Remove(o.name)
	}
}

// copyTemp copies the anonymous file f into a named temporary file: the
// fallback when it cannot be linked.
func copyTemp(f *os.File, dir, base string) (string, error) {
	nf, name, err := namedTemp(dir, base)
	if err != nil {
		return "", err
	}
	fi, _ := f.Stat()
	if _, err = f.Seek(0, io.SeekStart); err == nil {
		_, err = io.Copy(nf, f)
	}
	if err == nil && fi != nil {
		err = nf.Chmod(fi.Mode().Perm())
	}
	if err == nil {
		err = nf.Sync()
	}
	if cerr := nf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}
