package dataset

import (
	"bytes"
	"errors"
	"testing"
)

// idxBytes returns x in the IDX format.
func idxBytes(t testing.TB, x *IDX) []byte {
	var buf bytes.Buffer
	if err := WriteIDX(&buf, x); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzReadIDX: a file is read whole or refused with ErrFormat, never a
// panic; what is read has as many bytes as its dimensions say and writes
// back to the bytes it came from.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(f, &IDX{Dims: []int{2, 3}, Data: []byte{1, 2, 3, 4, 5, 6}}))
	f.Add(idxBytes(f, &IDX{Dims: []int{1, 2, 2, 1}, Data: []byte{0, 255, 7, 9}}))
	f.Add([]byte{0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0, 0, 8, 5})
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ReadIDX(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		total := 1
		for _, d := range x.Dims {
			if d < 1 {
				t.Fatalf("dimension %d in %v", d, x.Dims)
			}
			total *= d
		}
		if total != len(x.Data) {
			t.Fatalf("dims %v, %d data bytes", x.Dims, len(x.Data))
		}
		back := idxBytes(t, x)
		if !bytes.Equal(back, data[:len(back)]) {
			t.Fatalf("round trip differs")
		}
	})
}

// FuzzReadCIFAR10: whole records or ErrFormat; pixels in [0, 1], labels 0–9.
func FuzzReadCIFAR10(f *testing.F) {
	rec := make([]byte, cifarRecord)
	rec[0] = 3
	rec[1], rec[cifarRecord-1] = 255, 17
	f.Add(rec)
	f.Add(append(append([]byte(nil), rec...), rec[:100]...))
	bad := append([]byte(nil), rec...)
	bad[0] = 10
	f.Add(bad)
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := ReadCIFAR10(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		if im.N*cifarRecord != len(data) || len(im.Pixels) != im.N*im.Size() || len(im.Labels) != im.N {
			t.Fatalf("%d bytes read as %d images, %d pixels, %d labels", len(data), im.N, len(im.Pixels), len(im.Labels))
		}
		for _, l := range im.Labels {
			if l > 9 {
				t.Fatalf("label %d", l)
			}
		}
		for _, p := range im.Pixels {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("pixel %v", p)
			}
		}
	})
}

// FuzzLoadFashionMNIST writes an images file and a labels file (gzipped or
// not) and loads the split: a consistent data set or an error, never a
// panic.
func FuzzLoadFashionMNIST(f *testing.F) {
	img := idxBytes(f, &IDX{Dims: []int{2, 2, 3}, Data: []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255}})
	lab := idxBytes(f, &IDX{Dims: []int{2}, Data: []byte{9, 0}})
	f.Add(img, lab, false)
	f.Add(img, lab, true)
	f.Add(img, idxBytes(f, &IDX{Dims: []int{3}, Data: []byte{1, 2, 3}}), false)
	f.Add(img, idxBytes(f, &IDX{Dims: []int{2}, Data: []byte{1, 12}}), true)
	f.Fuzz(func(t *testing.T, images, labels []byte, gz bool) {
		dir := t.TempDir()
		for name, data := range map[string][]byte{"t10k-images-idx3-ubyte": images, "t10k-labels-idx1-ubyte": labels} {
			writeFile(t, dir, name, data, gz)
		}
		im, err := LoadFashionMNIST(dir, "test")
		if err != nil {
			return
		}
		if im.Channels != 1 || len(im.Pixels) != im.N*im.Size() || len(im.Labels) != im.N {
			t.Fatalf("%d images of %d×%d×%d, %d pixels, %d labels", im.N, im.Channels, im.Rows, im.Cols, len(im.Pixels), len(im.Labels))
		}
		for _, l := range im.Labels {
			if l > 9 {
				t.Fatalf("label %d", l)
			}
		}
	})
}
