// Package dataset reads the image data sets of the VAE trainer:
// Fashion-MNIST in the IDX format (as the Debian package
// dataset-fashion-mnist installs it, gzipped or not) and CIFAR-10 in its
// binary format. Images come out as float64 intensities in [0, 1],
// channel-major (N × C × H × W), with their labels.
package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Images is a set of images of one shape.
type Images struct {
	N, Channels, Rows, Cols int
	Pixels                  []float64 // N·C·H·W values in [0, 1], image-major then channel, row, column
	Labels                  []uint8
}

// Size returns the number of values of one image.
func (im *Images) Size() int { return im.Channels * im.Rows * im.Cols }

// Image returns image i's pixels (a view).
func (im *Images) Image(i int) []float64 {
	s := im.Size()
	return im.Pixels[i*s : (i+1)*s]
}

// Subset returns the first n images (a view), or all when n ≤ 0 or n ≥ N.
func (im *Images) Subset(n int) *Images {
	if n <= 0 || n >= im.N {
		return im
	}
	c := *im
	c.N, c.Pixels, c.Labels = n, im.Pixels[:n*im.Size()], im.Labels[:n]
	return &c
}

// Pad returns the images padded with zeros to rows × cols, centred
// (Fashion-MNIST's 28 × 28 to the paper's 32 × 32).
func (im *Images) Pad(rows, cols int) (*Images, error) {
	if rows < im.Rows || cols < im.Cols {
		return nil, fmt.Errorf("dataset: cannot pad %d×%d images to %d×%d", im.Rows, im.Cols, rows, cols)
	}
	top, left := (rows-im.Rows)/2, (cols-im.Cols)/2
	out := &Images{N: im.N, Channels: im.Channels, Rows: rows, Cols: cols,
		Pixels: make([]float64, im.N*im.Channels*rows*cols), Labels: im.Labels}
	for i := range im.N {
		for c := range im.Channels {
			src := im.Pixels[(i*im.Channels+c)*im.Rows*im.Cols:]
			dst := out.Pixels[(i*im.Channels+c)*rows*cols:]
			for r := range im.Rows {
				copy(dst[(r+top)*cols+left:(r+top)*cols+left+im.Cols], src[r*im.Cols:(r+1)*im.Cols])
			}
		}
	}
	return out, nil
}

// ErrFormat is wrapped by the readers' errors for data that is not in the
// expected format (wrong magic number, truncated, inconsistent).
var ErrFormat = errors.New("dataset: bad format")

// IDX is a decoded IDX file of unsigned bytes (type code 0x08).
type IDX struct {
	Dims []int
	Data []byte
}

// idxPrealloc bounds the buffer ReadIDX allocates before the data arrives
// (64 MiB: a whole Fashion-MNIST training set is 47 MB).
const idxPrealloc = 64 << 20

// ReadIDX reads an IDX file of unsigned bytes: the magic number
// 0x00 0x00 0x08 n, n big-endian uint32 dimensions, then the data.
func ReadIDX(r io.Reader) (*IDX, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("%w: idx header: %v", ErrFormat, err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("%w: idx magic %x, want 0000 08 nn", ErrFormat, magic)
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("%w: idx type code 0x%02x, only unsigned bytes (0x08) are read", ErrFormat, magic[2])
	}
	n := int(magic[3])
	if n < 1 || n > 4 {
		return nil, fmt.Errorf("%w: idx with %d dimensions", ErrFormat, n)
	}
	dims := make([]int, n)
	total := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("%w: idx dimension %d: %v", ErrFormat, i, err)
		}
		if d == 0 || d > 1<<24 {
			return nil, fmt.Errorf("%w: idx dimension %d is %d", ErrFormat, i, d)
		}
		dims[i] = int(d)
		total *= int(d)
		if total > 1<<31 {
			return nil, fmt.Errorf("%w: idx of more than 2³¹ values", ErrFormat)
		}
	}
	// Read what the header promises, but allocate only for what arrives
	// (at most idxPrealloc ahead of it): a 20-byte file claiming 2³¹ values
	// must not allocate 2 GiB.
	var buf bytes.Buffer
	buf.Grow(min(total, idxPrealloc))
	got, err := buf.ReadFrom(io.LimitReader(r, int64(total)))
	if err != nil || got < int64(total) {
		return nil, fmt.Errorf("%w: idx truncated: %d of %d data bytes", ErrFormat, got, total)
	}
	return &IDX{Dims: dims, Data: buf.Bytes()}, nil
}

// WriteIDX writes x in the IDX format (used by the tests and tools).
func WriteIDX(w io.Writer, x *IDX) error {
	if _, err := w.Write([]byte{0, 0, 0x08, byte(len(x.Dims))}); err != nil {
		return err
	}
	for _, d := range x.Dims {
		if err := binary.Write(w, binary.BigEndian, uint32(d)); err != nil {
			return err
		}
	}
	_, err := w.Write(x.Data)
	return err
}

// openMaybeGzip opens path, or path + ".gz" decompressed.
func openMaybeGzip(path string) (io.ReadCloser, error) {
	if f, err := os.Open(path); err == nil {
		return f, nil
	}
	f, err := os.Open(path + ".gz")
	if err != nil {
		return nil, err
	}
	z, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %s.gz: %v", ErrFormat, path, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{z, f}, nil
}

// FashionMNISTDir is where the Debian package dataset-fashion-mnist puts
// the files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// ErrMissing is wrapped when a data set's files are absent.
var ErrMissing = errors.New("dataset: data set not found")

// LoadFashionMNIST reads the "train" or "test" split from dir (the
// package's directory when empty): 28 × 28 grey images and labels 0–9.
func LoadFashionMNIST(dir, split string) (*Images, error) {
	if dir == "" {
		dir = FashionMNISTDir
	}
	prefix := map[string]string{"train": "train", "test": "t10k"}[split]
	if prefix == "" {
		return nil, fmt.Errorf("dataset: split %q, want train or test", split)
	}
	read := func(name string) (*IDX, error) {
		f, err := openMaybeGzip(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("%w: %s (install the Debian package dataset-fashion-mnist, or pass --data-dir): %v",
				ErrMissing, filepath.Join(dir, name), err)
		}
		defer f.Close()
		x, err := ReadIDX(bufio.NewReader(f))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return x, nil
	}
	img, err := read(prefix + "-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lab, err := read(prefix + "-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	if len(img.Dims) != 3 || len(lab.Dims) != 1 || img.Dims[0] != lab.Dims[0] {
		return nil, fmt.Errorf("%w: fashion-mnist images %v and labels %v do not match", ErrFormat, img.Dims, lab.Dims)
	}
	im := &Images{N: img.Dims[0], Channels: 1, Rows: img.Dims[1], Cols: img.Dims[2],
		Pixels: make([]float64, len(img.Data)), Labels: lab.Data}
	for i, b := range img.Data {
		im.Pixels[i] = float64(b) / 255
	}
	for i, l := range im.Labels {
		if l > 9 {
			return nil, fmt.Errorf("%w: fashion-mnist label %d of image %d", ErrFormat, l, i)
		}
	}
	return im, nil
}

// CIFAR-10 binary records: one label byte, then 32×32 red, green, blue.
const (
	cifarSide   = 32
	cifarRecord = 1 + 3*cifarSide*cifarSide
)

// ReadCIFAR10 reads records of the CIFAR-10 binary format until EOF.
func ReadCIFAR10(r io.Reader) (*Images, error) {
	im := &Images{Channels: 3, Rows: cifarSide, Cols: cifarSide}
	rec := make([]byte, cifarRecord)
	br := bufio.NewReader(r)
	for {
		n, err := io.ReadFull(br, rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: cifar-10 record %d truncated (%d of %d bytes)", ErrFormat, im.N, n, cifarRecord)
		}
		if rec[0] > 9 {
			return nil, fmt.Errorf("%w: cifar-10 record %d has label %d", ErrFormat, im.N, rec[0])
		}
		im.Labels = append(im.Labels, rec[0])
		for _, b := range rec[1:] {
			im.Pixels = append(im.Pixels, float64(b)/255)
		}
		im.N++
	}
	if im.N == 0 {
		return nil, fmt.Errorf("%w: cifar-10 file with no records", ErrFormat)
	}
	return im, nil
}

// LoadCIFAR10 reads the "train" (data_batch_1.bin … data_batch_5.bin) or
// "test" (test_batch.bin) split from dir.
func LoadCIFAR10(dir, split string) (*Images, error) {
	var names []string
	switch split {
	case "train":
		for i := 1; i <= 5; i++ {
			names = append(names, fmt.Sprintf("data_batch_%d.bin", i))
		}
	case "test":
		names = []string{"test_batch.bin"}
	default:
		return nil, fmt.Errorf("dataset: split %q, want train or test", split)
	}
	var all *Images
	for _, name := range names {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("%w: %s (download the CIFAR-10 binary version and pass its directory as --data-dir): %v",
				ErrMissing, filepath.Join(dir, name), err)
		}
		im, err := ReadCIFAR10(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if all == nil {
			all = im
			continue
		}
		all.N += im.N
		all.Pixels = append(all.Pixels, im.Pixels...)
		all.Labels = append(all.Labels, im.Labels...)
	}
	return all, nil
}
