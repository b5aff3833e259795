package harness

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"arceval/models/checkpoint"
	"arceval/models/trm"
	"arceval/tasks"
)

// FuzzTrainCheckpoint: the arceval.train metadata of a training checkpoint
// (recipe, step, epoch, sampler offset, exploration stream, optimiser
// counters, carries) over the tensors of a real one either resumes a run
// that can take its next step, or is refused with an error naming the
// file; never a panic, and memory stays that of the tiny run whatever the
// recipe claims.
func FuzzTrainCheckpoint(f *testing.F) {
	set := sudokuSet(f, 6, 1)
	data, err := NewTaskData([]*tasks.Set{set}, TaskDataOptions{})
	if err != nil {
		f.Fatal(err)
	}
	tr, err := NewTrainer(tinyRecipe(3), tinyTrainable(f, 2), data)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := tr.TrainStep(); err != nil {
		f.Fatal(err)
	}
	real := filepath.Join(f.TempDir(), CheckpointFile)
	if err := tr.Save(real, "sudoku"); err != nil {
		f.Fatal(err)
	}
	src, err := checkpoint.OpenSafetensors(real)
	if err != nil {
		f.Fatal(err)
	}
	defer src.Close()
	var list []checkpoint.NamedTensor
	for _, tn := range src.Tensors() {
		list = append(list, checkpoint.FromTensor(tn))
	}
	meta := src.Metadata()
	good := meta[MetaTrain]
	f.Add(good)
	for _, edit := range [][2]string{
		{`"offset":`, `"offset":-7,"x":`}, {`"step":1`, `"step":-1`}, {`"epoch":0`, `"epoch":-5`}, {`"carries":2`, `"carries":3`},
		{`"micro_batch":4`, `"micro_batch":1073741824`}, {`"global_batch":8`, `"global_batch":9007199254740993`},
		{`"steps":3`, `"steps":0`}, {`"rng":"`, `"rng":"AAAA`}, {`"ema_rate":0.9`, `"ema_rate":2`}, {`"lr":0.003`, `"lr":-1`},
	} {
		f.Add(strings.Replace(good, edit[0], edit[1], 1))
	}
	f.Add(`{}`)
	f.Add(`{"config": null}`)
	f.Fuzz(func(t *testing.T, train string) {
		path := filepath.Join(t.TempDir(), CheckpointFile)
		md := map[string]string{}
		for k, v := range meta {
			md[k] = v
		}
		md[MetaTrain] = train
		if err := checkpoint.WriteSafetensors(path, list, md); err != nil {
			return
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		defer func() {
			runtime.ReadMemStats(&after)
			if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
				t.Fatalf("resuming the tiny run allocated %d bytes", n)
			}
		}()
		ck, err := OpenCheckpoint(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		defer ck.Close()
		c, err := trm.ParseConfig(ck.Config)
		if err != nil {
			t.Fatal(err)
		}
		m, err := trm.LoadTrainable(c, trm.TensorMap(ck.Weights))
		if err != nil {
			t.Fatal(err)
		}
		res, err := ResumeTrainer(ck, m, data)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if res.Step >= res.Cfg.Steps {
			return // finished: nothing to resume
		}
		if _, err := res.TrainStep(); err != nil {
			t.Fatalf("resumed run cannot step: %v", err)
		}
	})
}
