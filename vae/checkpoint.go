package vae

import (
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
)

// Checkpoint is everything a Trainer carries from epoch to epoch: the
// weights, Adam's moments, the estimators' running state, and where the
// training stands. The random draws are keyed by (seed, step) and the
// epochs' shuffles by (seed, epoch), so a run resumed from a checkpoint
// taken between epochs continues exactly as the uninterrupted run would.
type Checkpoint struct {
	Arch      Arch
	Config    TrainConfig
	Epoch     int // epochs completed
	Step      int
	Params    []float64 // encoder then decoder
	AdamM     []float64
	AdamV     []float64
	AdamT     int
	Baseline  float64
	HasBase   bool
	Hybrid    mlbridge.HybridState
	HybridDim int
	Logs      []EpochLog
}

// Checkpoint returns the trainer's state after `epoch` completed epochs.
func (t *Trainer) Checkpoint(epoch int, logs []EpochLog) (*Checkpoint, error) {
	ne := t.Net.Encoder.Dim()
	params := make([]float64, ne+t.Net.Decoder.Dim())
	if err := t.Net.Encoder.Values(params[:ne]); err != nil {
		return nil, err
	}
	if err := t.Net.Decoder.Values(params[ne:]); err != nil {
		return nil, err
	}
	cfg := t.Cfg
	cfg.Mixer = mlbridge.Hybrid{VecMixer: t.Cfg.Mixer.VecMixer, Mode: t.Cfg.Mixer.Mode, Folds: t.Cfg.Mixer.Folds,
		Decay: t.Cfg.Mixer.Decay, Guard: t.Cfg.Mixer.Guard}
	return &Checkpoint{
		Arch: t.Net.Arch, Config: cfg, Epoch: epoch, Step: t.Step, Params: params,
		AdamM: append([]float64(nil), t.adam.M...), AdamV: append([]float64(nil), t.adam.V...), AdamT: t.adam.T,
		Baseline: t.Cot.b, HasBase: t.Cot.hasB, Hybrid: t.Cot.Hybrid.State(), HybridDim: 2 * t.Net.Arch.Latent,
		Logs: logs,
	}, nil
}

// Resume builds a trainer in the checkpoint's state.
func Resume(c *Checkpoint) (*Trainer, error) {
	t, err := NewTrainer(c.Arch, c.Config)
	if err != nil {
		return nil, err
	}
	ne := t.Net.Encoder.Dim()
	if len(c.Params) != ne+t.Net.Decoder.Dim() || len(c.AdamM) != len(c.Params) || len(c.AdamV) != len(c.Params) {
		t.Net.Close()
		return nil, fmt.Errorf("vae: checkpoint has %d parameters, the network %d", len(c.Params), ne+t.Net.Decoder.Dim())
	}
	if err := t.Net.Encoder.SetValues(c.Params[:ne]); err != nil {
		return nil, err
	}
	if err := t.Net.Decoder.SetValues(c.Params[ne:]); err != nil {
		return nil, err
	}
	copy(t.adam.M, c.AdamM)
	copy(t.adam.V, c.AdamV)
	t.adam.T, t.Step = c.AdamT, c.Step
	t.Cot.b, t.Cot.hasB = c.Baseline, c.HasBase
	if err := t.Cot.Hybrid.SetState(c.Hybrid, c.HybridDim); err != nil {
		return nil, err
	}
	return t, nil
}

// SetParams loads the checkpoint's weights (encoder then decoder) into t,
// whose architecture must match; nothing else of t changes. It puts any
// estimator at a trained snapshot, for example to measure gradient
// variance there.
func (t *Trainer) SetParams(c *Checkpoint) error {
	ne := t.Net.Encoder.Dim()
	if !reflect.DeepEqual(c.Arch, t.Net.Arch) || len(c.Params) != ne+t.Net.Decoder.Dim() {
		return fmt.Errorf("vae: checkpoint architecture %+v (%d parameters) does not match the network's %+v", c.Arch, len(c.Params), t.Net.Arch)
	}
	if err := t.Net.Encoder.SetValues(c.Params[:ne]); err != nil {
		return err
	}
	return t.Net.Decoder.SetValues(c.Params[ne:])
}

// Save writes the checkpoint to path atomically (temporary file, sync,
// rename).
func (c *Checkpoint) Save(path string) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = gob.NewEncoder(tmp).Encode(c); err != nil {
		return fmt.Errorf("vae: checkpoint: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// LoadCheckpoint reads a checkpoint written by Save.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var c Checkpoint
	if err := gob.NewDecoder(f).Decode(&c); err != nil {
		return nil, fmt.Errorf("vae: checkpoint %s: %w", path, err)
	}
	return &c, nil
}

func createFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.Create(path)
}
