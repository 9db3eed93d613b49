package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestIDXRoundTrip(t *testing.T) {
	x := &IDX{Dims: []int{3, 2, 4}, Data: make([]byte, 24)}
	for i := range x.Data {
		x.Data[i] = byte(i * 10)
	}
	var buf bytes.Buffer
	if err := WriteIDX(&buf, x); err != nil {
		t.Fatal(err)
	}
	y, err := ReadIDX(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(y.Dims) != 3 || y.Dims[0] != 3 || y.Dims[2] != 4 || !bytes.Equal(x.Data, y.Data) {
		t.Errorf("round trip: %+v", y)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"truncated data", buf.Bytes()[:buf.Len()-1]},
		{"truncated header", buf.Bytes()[:6]},
		{"wrong magic", append([]byte{1, 2, 8, 3}, buf.Bytes()[4:]...)},
		{"float type", append([]byte{0, 0, 0x0d, 3}, buf.Bytes()[4:]...)},
		{"empty", nil},
	} {
		if _, err := ReadIDX(bytes.NewReader(c.data)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want ErrFormat", c.name, err)
		}
	}
}

// writeMNIST writes a tiny Fashion-MNIST split into dir, gzipped or not.
func writeMNIST(t *testing.T, dir string, n int, gz bool) {
	t.Helper()
	img := &IDX{Dims: []int{n, 28, 28}, Data: make([]byte, n*28*28)}
	for i := range img.Data {
		img.Data[i] = byte(i % 256)
	}
	lab := &IDX{Dims: []int{n}, Data: make([]byte, n)}
	for i := range lab.Data {
		lab.Data[i] = byte(i % 10)
	}
	for name, x := range map[string]*IDX{"t10k-images-idx3-ubyte": img, "t10k-labels-idx1-ubyte": lab} {
		var buf bytes.Buffer
		if err := WriteIDX(&buf, x); err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, name, buf.Bytes(), gz)
	}
}

// writeFile writes data to dir/name, or gzipped to dir/name.gz.
func writeFile(t testing.TB, dir, name string, data []byte, gz bool) {
	t.Helper()
	if gz {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(data)
		w.Close()
		data, name = z.Bytes(), name+".gz"
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFashionMNISTFiles(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		writeMNIST(t, dir, 5, gz)
		im, err := LoadFashionMNIST(dir, "test")
		if err != nil {
			t.Fatal(err)
		}
		if im.N != 5 || im.Rows != 28 || im.Channels != 1 || im.Labels[3] != 3 || im.Pixels[255] != 1 {
			t.Errorf("gz=%v: %d images %d×%d, label %d, pixel %v", gz, im.N, im.Rows, im.Cols, im.Labels[3], im.Pixels[255])
		}
		p, err := im.Pad(32, 32)
		if err != nil {
			t.Fatal(err)
		}
		if p.Pixels[2*32+2] != im.Pixels[0] || p.Pixels[0] != 0 || p.Pixels[(2+27)*32+2+27] != im.Pixels[27*28+27] {
			t.Error("padding misplaces the image")
		}
	}
	_, err := LoadFashionMNIST(t.TempDir(), "test")
	if !errors.Is(err, ErrMissing) || !bytes.Contains([]byte(err.Error()), []byte("dataset-fashion-mnist")) {
		t.Errorf("missing files: %v, want ErrMissing naming the Debian package", err)
	}
}

// TestFashionMNISTPackage reads the real test split that the Debian package
// installs; .ci/run installs it and sets GREEKS_REQUIRE_DATA=1, so that CI
// fails rather than skips.
func TestFashionMNISTPackage(t *testing.T) {
	im, err := LoadFashionMNIST("", "test")
	if errors.Is(err, ErrMissing) && os.Getenv("GREEKS_REQUIRE_DATA") == "" {
		t.Skip("Fashion-MNIST absent: install the Debian package dataset-fashion-mnist")
	}
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 10000 || im.Rows != 28 || im.Cols != 28 {
		t.Errorf("test split: %d images of %d×%d, want 10000 of 28×28", im.N, im.Rows, im.Cols)
	}
	var counts [10]int
	for _, l := range im.Labels {
		counts[l]++
	}
	for c, n := range counts {
		if n != 1000 {
			t.Errorf("class %d has %d test images, want 1000", c, n)
		}
	}
}

func TestCIFAR10(t *testing.T) {
	rec := func(label byte, v byte) []byte {
		r := make([]byte, cifarRecord)
		r[0] = label
		for i := 1; i < len(r); i++ {
			r[i] = v
		}
		return r
	}
	dir := t.TempDir()
	data := append(rec(3, 255), rec(7, 0)...)
	os.WriteFile(filepath.Join(dir, "test_batch.bin"), data, 0o644)
	im, err := LoadCIFAR10(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 2 || im.Channels != 3 || im.Labels[1] != 7 || im.Pixels[0] != 1 || im.Pixels[im.Size()] != 0 {
		t.Errorf("cifar: %+v", im.Labels)
	}
	for name, bad := range map[string][]byte{"truncated": data[:len(data)-5], "label": rec(12, 0), "empty": nil} {
		if _, err := ReadCIFAR10(bytes.NewReader(bad)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
	if _, err := LoadCIFAR10(dir, "train"); !errors.Is(err, ErrMissing) {
		t.Errorf("missing train batches: %v", err)
	}
}

// A header that promises 2³¹ values followed by no data is refused without
// allocating for the promise.
func TestReadIDXHugeHeaderAllocatesLittle(t *testing.T) {
	hdr := []byte{0, 0, 0x08, 3, 0, 0, 0x08, 0, 0, 0, 0x04, 0, 0, 0, 0x04, 0} // 2048×1024×1024
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	_, err := ReadIDX(bytes.NewReader(hdr))
	runtime.ReadMemStats(&ms1)
	if !errors.Is(err, ErrFormat) {
		t.Fatalf("ReadIDX(huge header) = %v, want ErrFormat", err)
	}
	if got := ms1.TotalAlloc - ms0.TotalAlloc; got > 2*idxPrealloc {
		t.Errorf("ReadIDX(huge header) allocated %d bytes, want at most %d", got, 2*idxPrealloc)
	}
}
