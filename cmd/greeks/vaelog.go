package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/hybridgreeks/hybridgreeks/vae"
)

// readVAELog reads a training log that vae train --out writes, train.json
// or train.csv (the per-epoch columns; NaN or an empty cell where a figure
// does not apply), for vae plot.
func readVAELog(path string) ([]vae.EpochLog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		return parseVAECSV(string(b))
	}
	var rows []struct {
		Epoch     int      `json:"epoch"`
		TrainLoss *float64 `json:"train_loss"` // null where training diverged
		TestLoss  *float64 `json:"test_loss"`
		Lambda    *float64 `json:"lambda"`
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, err
	}
	logs := make([]vae.EpochLog, len(rows))
	for i, r := range rows {
		logs[i] = vae.EpochLog{Epoch: r.Epoch, TrainLoss: math.NaN(), TestLoss: math.NaN(), Lambda: math.NaN()}
		if r.TrainLoss != nil {
			logs[i].TrainLoss = *r.TrainLoss
		}
		if r.TestLoss != nil {
			logs[i].TestLoss = *r.TestLoss
		}
		if r.Lambda != nil {
			logs[i].Lambda = *r.Lambda
		}
	}
	return logs, nil
}

func parseVAECSV(s string) ([]vae.EpochLog, error) {
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("empty file")
	}
	col := func(name string) int { return slices.Index(recs[0], name) }
	ep, tr, te, la := col("epoch"), col("train_loss"), col("test_loss"), col("lambda")
	if ep < 0 || tr < 0 {
		return nil, fmt.Errorf("header %v lacks epoch or train_loss", recs[0])
	}
	num := func(rec []string, i int, line int) (float64, error) {
		if i < 0 || rec[i] == "" {
			return math.NaN(), nil
		}
		v, err := strconv.ParseFloat(rec[i], 64)
		if err != nil {
			return 0, fmt.Errorf("line %d, %s: %w", line, recs[0][i], err)
		}
		return v, nil
	}
	logs := make([]vae.EpochLog, 0, len(recs)-1)
	for k, rec := range recs[1:] {
		var l vae.EpochLog
		e, err := strconv.Atoi(rec[ep])
		if err != nil {
			return nil, fmt.Errorf("line %d, epoch: %w", k+2, err)
		}
		l.Epoch = e
		if l.TrainLoss, err = num(rec, tr, k+2); err != nil {
			return nil, err
		}
		if l.TestLoss, err = num(rec, te, k+2); err != nil {
			return nil, err
		}
		if l.Lambda, err = num(rec, la, k+2); err != nil {
			return nil, err
		}
		logs = append(logs, l)
	}
	return logs, nil
}
