package vae

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
)

// fuzzArch is the tiny network of the checkpoint fuzz target: Resume builds
// the network a checkpoint names, so only checkpoints of this architecture
// are resumed (a fuzzed architecture would fuzz gorgonia's allocator).
func fuzzArch() Arch { return Arch{Channels: 1, Side: 8, Conv: []int{2}, Hidden: 4, Latent: 2} }

// FuzzCheckpoint: any bytes given to LoadCheckpoint are a checkpoint or an
// error, never a panic; a checkpoint of the tiny architecture resumes into
// a trainer or an error, and a resumed trainer's checkpoint holds the
// loaded weights.
func FuzzCheckpoint(f *testing.F) {
	for _, est := range []Estimator{Hybrid, Pathwise} {
		cfg := TrainConfig{Estimator: est, Batch: 2, Seed: 3, Baseline: true,
			Mixer: mlbridge.Hybrid{Mode: mlbridge.Running, VecMixer: mlbridge.VecMixer{Granularity: mlbridge.Coordinate}}}
		tr, err := NewTrainer(fuzzArch(), cfg)
		if err != nil {
			f.Fatal(err)
		}
		cp, err := tr.Checkpoint(0, nil)
		tr.Net.Close()
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(cp); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
		f.Add(buf.Bytes()[:buf.Len()/2])
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "vae.ckpt")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		cp, err := LoadCheckpoint(path)
		if err != nil {
			return
		}
		if !reflect.DeepEqual(cp.Arch, fuzzArch()) || cp.HybridDim < 0 || cp.HybridDim > 64 || cp.Config.Batch > 64 {
			return
		}
		tr, err := Resume(cp)
		if err != nil {
			return
		}
		defer tr.Net.Close()
		back, err := tr.Checkpoint(cp.Epoch, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Params, cp.Params) && !hasNaN(cp.Params) {
			t.Fatalf("resumed weights differ from the checkpoint's")
		}
	})
}

func hasNaN(xs []float64) bool {
	for _, x := range xs {
		if x != x {
			return true
		}
	}
	return false
}
