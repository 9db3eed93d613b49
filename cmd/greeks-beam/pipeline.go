package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs" // gs:// reports
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/greeks/batch"
)

// The pipeline, for a portfolio whose rows were read and checked on the
// launching machine (batch.ReadTrades, batch.Check):
//
//	rows that failed the check ───────────────────────────────────────────┐
//	good rows ─> expand: parse, greeks.NewSplit (pilot) ─> shards ─┐      │
//	              └─ rows whose run is invalid ─────────────────────┼──────┤
//	Reshuffle ─> simulate: Split.Simulate(chunk range) ─> chunks   │      │
//	CombinePerKey(row): the set of a trade's chunks ───────────────┘      │
//	finish: Split.Result (index-order merge), TradeReport.Succeed ────────┤
//	write (once, all entries as a side input): every row in input order,
//	batch.NewReport, batch's atomic WriteFile ─────────────────────────────┘
//
// Elements carry rows, never parsed trades: each stage parses its row again
// with batch.Parse (cheap and deterministic) and rebuilds the trade's split
// from the pilot's outcome, so no model or payoff crosses a machine.

// job is what every stage needs besides its elements: the batch options
// (with defaults), the market, how to cut trades and where to write. It
// travels JSON-encoded in the DoFns.
type job struct {
	Options batch.Options
	Market  batch.Market
	Shards  int          // path shards per trade, at most the trade's chunks
	Out     string       // report file
	Format  batch.Format // report format
}

// row is a good input row on its way to be priced: its position among the
// rows, the row, and its report entry as batch.Check made it.
type row struct {
	Pos    int
	Index  int
	Fields map[string]string
	Entry  []byte // JSON of the batch.TradeReport skeleton
}

func (r row) batchRow() batch.Row { return batch.Row{Index: r.Index, Fields: r.Fields} }

// shard is a range of chunks [Lo, Hi) of one trade's run, with the pilot's
// outcome so that the shard's machine need not repeat the pilot.
type shard struct {
	Row          row
	Smoothing    float64
	Lambda       []float64 // by accumulator slot (greeks.PilotOutcome.Lambda)
	Lo, Hi       int64
	Shards       int     // of the trade
	PilotSeconds float64 // the pilot's time
}

func (s shard) pilot() greeks.PilotOutcome {
	return greeks.PilotOutcome{Smoothing: s.Smoothing, Lambda: s.Lambda}
}

// part is one shard's chunks (greeks.Chunk.MarshalBinary) and its time.
type part struct {
	Shard   shard // the shard (chunk range aside, the same for every shard of a trade)
	Chunks  [][]byte
	Seconds float64
}

// entry is a finished row: its position and its report entry (JSON).
type entry struct {
	Pos   int
	Entry []byte
}

func init() {
	register.DoFn4x1[context.Context, row, func(shard), func(entry), error](&expandFn{})
	register.Emitter1[shard]()
	register.Emitter1[entry]()
	register.DoFn2x3[context.Context, shard, int, part, error](&simulateFn{})
	register.Combiner2[[]part, part](&chunksFn{})
	register.DoFn4x1[context.Context, int, []part, func(entry), error](&finishFn{})
	register.DoFn3x1[context.Context, []byte, func(*entry) bool, error](&writeFn{})
	register.Iter1[entry]()
}

// stage is the state every DoFn shares: the job, decoded once per
// instance.
type stage struct {
	Job []byte // JSON of job
	job job
}

func (s *stage) Setup() error {
	return json.Unmarshal(s.Job, &s.job)
}

// trade parses the row as batch.Check did.
func (s *stage) trade(r row) (*batch.Trade, error) {
	t, err := batch.Parse(r.batchRow(), s.job.Market, s.job.Options)
	if err != nil {
		return nil, fmt.Errorf("row %d parsed on the launcher but not on a worker: %w", r.Index, err)
	}
	return t, nil
}

// expandFn runs a trade's pilot and cuts its run into shards. A run that
// greeks rejects (an invalid method asked for, a bad step count) becomes
// the row's error entry, as in greeks batch.
type expandFn struct{ stage }

func (f *expandFn) ProcessElement(ctx context.Context, r row, shards func(shard), failed func(entry)) error {
	t, err := f.trade(r)
	if err != nil {
		return err
	}
	start := time.Now()
	sp, err := greeks.NewSplit(ctx, t.Model, t.Payoff, t.Config)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		var tr batch.TradeReport
		if err := json.Unmarshal(r.Entry, &tr); err != nil {
			return err
		}
		tr.Fail(err)
		b, err := json.Marshal(tr)
		if err != nil {
			return err
		}
		failed(entry{Pos: r.Pos, Entry: b})
		return nil
	}
	p, pilotSeconds := sp.Pilot(), time.Since(start).Seconds()
	cuts := sp.Shards(f.job.Shards)
	for _, c := range cuts {
		shards(shard{Row: r, Smoothing: p.Smoothing, Lambda: p.Lambda, Lo: c[0], Hi: c[1],
			Shards: len(cuts), PilotSeconds: pilotSeconds})
	}
	return nil
}

// simulateFn simulates one shard's chunks.
type simulateFn struct{ stage }

func (f *simulateFn) ProcessElement(ctx context.Context, s shard) (int, part, error) {
	t, err := f.trade(s.Row)
	if err != nil {
		return 0, part{}, err
	}
	start := time.Now()
	sp, err := greeks.NewSplitFromPilot(t.Model, t.Payoff, t.Config, s.pilot())
	if err != nil {
		return 0, part{}, err
	}
	chunks, err := sp.Simulate(ctx, s.Lo, s.Hi, f.job.Options.Workers)
	if err != nil {
		return 0, part{}, err
	}
	out := part{Shard: s, Chunks: make([][]byte, len(chunks))}
	for i, c := range chunks {
		if out.Chunks[i], err = c.MarshalBinary(); err != nil {
			return 0, part{}, err
		}
	}
	out.Seconds = time.Since(start).Seconds()
	return s.Row.Pos, out, nil
}

// chunksFn gathers a trade's parts. Beam meets them in no fixed order, so
// the accumulator is a set that merges by union; the index-order merge of
// the chunks is Split.Result's, in the finish stage.
type chunksFn struct{}

func (chunksFn) CreateAccumulator() []part { return nil }

func (chunksFn) AddInput(acc []part, p part) []part { return append(acc, p) }

func (chunksFn) MergeAccumulators(a, b []part) []part { return append(a, b...) }

// finishFn merges a trade's chunks in index order into Run's result and
// makes the row's report entry with batch's TradeReport.Succeed.
type finishFn struct{ stage }

func (f *finishFn) ProcessElement(ctx context.Context, pos int, parts []part, emit func(entry)) error {
	if len(parts) == 0 {
		return fmt.Errorf("row at position %d: no shards", pos)
	}
	s := parts[0].Shard
	r := s.Row
	t, err := f.trade(r)
	if err != nil {
		return err
	}
	sp, err := greeks.NewSplitFromPilot(t.Model, t.Payoff, t.Config, s.pilot())
	if err != nil {
		return err
	}
	var chunks []greeks.Chunk
	seconds := s.PilotSeconds
	for _, p := range parts {
		seconds += p.Seconds
		for _, b := range p.Chunks {
			var c greeks.Chunk
			if err := c.UnmarshalBinary(b); err != nil {
				return err
			}
			chunks = append(chunks, c)
		}
	}
	res, err := sp.Result(chunks)
	if err != nil {
		return fmt.Errorf("trade %s: %w", t.ID, err)
	}
	res.Workers = s.Shards
	res.Elapsed = time.Duration(seconds * float64(time.Second))
	var tr batch.TradeReport
	if err := json.Unmarshal(r.Entry, &tr); err != nil {
		return err
	}
	tr.Succeed(t, res, f.job.Options.Decimals)
	b, err := json.Marshal(tr)
	if err != nil {
		return err
	}
	emit(entry{Pos: pos, Entry: b})
	return nil
}

// writeFn writes the report: every row once, in input order, through
// batch's NewReport and its atomic WriteFile. It counts the rows.
type writeFn struct{ stage }

var (
	okRows    = beam.NewCounter("greeks-beam", "rows_ok")
	errorRows = beam.NewCounter("greeks-beam", "rows_error")
)

func (f *writeFn) ProcessElement(ctx context.Context, _ []byte, entries func(*entry) bool) error {
	var all []entry
	var e entry
	for entries(&e) {
		all = append(all, e)
		e = entry{}
	}
	slices.SortFunc(all, func(a, b entry) int { return a.Pos - b.Pos })
	trades := make([]batch.TradeReport, len(all))
	for i, e := range all {
		if e.Pos != i {
			return fmt.Errorf("report: row at position %d missing or repeated", i)
		}
		if err := json.Unmarshal(e.Entry, &trades[i]); err != nil {
			return err
		}
	}
	rep := batch.NewReport(trades, f.job.Options.Config.Seed, f.job.Options.Decimals)
	rep.SetConventions(f.job.Options)
	if err := writeReport(ctx, rep, f.job.Out, f.job.Format); err != nil {
		return err
	}
	okRows.Inc(ctx, int64(rep.OK))
	errorRows.Inc(ctx, int64(rep.Errors))
	return nil
}

// writeReport writes rep to out in format f: a local path through batch's
// atomic WriteFile; a path with a scheme (gs://) through Beam's file
// systems, whose object appears whole when the write is committed, and not
// at all when writing fails.
func writeReport(ctx context.Context, rep *batch.Report, out string, f batch.Format) error {
	if !strings.Contains(out, "://") {
		return rep.WriteFile(out, f)
	}
	fs, err := filesystem.New(ctx, out)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := rep.Write(bw, f); err != nil {
		return fmt.Errorf("writing %s: %w (not committed)", out, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w (not committed)", out, err)
	}
	return w.Close()
}

// build adds the pipeline for rows to s. rows and market are as read on
// the launcher; opt has its defaults.
func build(s beam.Scope, rows []batch.Row, j job) error {
	enc, err := json.Marshal(j)
	if err != nil {
		return err
	}
	st := stage{Job: enc}
	out, trades := batch.Check(rows, j.Market, j.Options)
	var good []row
	var done []entry
	for i, t := range trades {
		b, err := json.Marshal(out[i])
		if err != nil {
			return err
		}
		if t == nil {
			done = append(done, entry{Pos: i, Entry: b})
			continue
		}
		good = append(good, row{Pos: i, Index: rows[i].Index, Fields: rows[i].Fields, Entry: b})
	}
	finished := []beam.PCollection{beam.CreateList(s, done)}
	if len(good) > 0 {
		in := beam.CreateList(s, good)
		shards, failed := beam.ParDo2(s, &expandFn{st}, in)
		parts := beam.ParDo(s, &simulateFn{st}, beam.Reshuffle(s, shards))
		byTrade := beam.CombinePerKey(s, &chunksFn{}, parts)
		finished = append(finished, failed, beam.ParDo(s, &finishFn{st}, byTrade))
	}
	all := beam.Flatten(s, finished...)
	// The writer runs once, on an impulse, with every entry as a side
	// input: an empty portfolio still gets its (empty) report.
	beam.ParDo0(s, &writeFn{st}, beam.Impulse(s), beam.SideInput{Input: all})
	return nil
}
