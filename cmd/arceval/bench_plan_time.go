package main

import (
	"fmt"
	"runtime"
	"time"

	"arceval/harness"
	"arceval/models"
	"arceval/models/act"
	"arceval/models/nn"
	"arceval/results"
)

// loadForPrecision makes a model of cfg (random weights) that runs in the
// given precision: the one place a precision reaches the timing.
func loadForPrecision(p harness.ReproProtocol, cfg models.Config, precision string) (models.Model, error) {
	if err := checkPrecision(precision); err != nil {
		return nil, err
	}
	fam, err := family(p.Kind)
	if err != nil {
		return nil, err
	}
	m, err := fam.Load(cfg, act.InitTensors(cfg.Specs(), 1))
	if err == nil {
		err = setPrecision(nil, m, precision) // bench warns about a slow bf16 kernel once, up front
	}
	return m, err
}

// checkPrecision refuses a precision loadForPrecision cannot make a model
// in (checked before any timing).
func checkPrecision(precision string) error {
	if precision != results.PrecisionFloat32 && precision != results.PrecisionBF16 {
		return usageError{fmt.Sprintf("bench --plan: precision %q is not available (this build runs %s and %s)", precision, results.PrecisionFloat32, results.PrecisionBF16)}
	}
	return nil
}

// measurePlan times a protocol's model shape (random weights, a one-row
// puzzle table: its size does not change the work) at batch sizes 1, 2,
// 4, … up to o.MaxBatch while the next size fits in o.Budget, and keeps
// the fastest.
func measurePlan(p harness.ReproProtocol, o planOptions) (planEstimate, error) {
	e := planEstimate{ReproProtocol: p}
	fam, err := family(p.Kind)
	if err != nil {
		return e, err
	}
	cfg, err := benchConfig(fam, p.Preset)
	if err != nil {
		return e, err
	}
	e.TableRest = max(p.WeightBytes()-harness.ConfigBytes(cfg), 0)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := int64(ms.HeapAlloc)
	m, err := loadForPrecision(p, cfg, o.Precision)
	if err != nil {
		return e, err
	}
	sm, ok := m.(stepper)
	if !ok {
		return e, fmt.Errorf("a %s model has no evaluation step on a carry", m.Info().Kind)
	}
	start := time.Now()
	for B := 1; B <= max(o.MaxBatch, 1); B *= 2 {
		// Each size runs timed steps for an eighth of the budget (one at least).
		t, err := timeBatch(sm, m.Info(), B, o.Threads, o.Budget/8)
		if err != nil {
			return e, err
		}
		if t.Rate > e.Rate {
			e.Batch, e.Rate, e.CPURate, e.LiveBytes = B, t.Rate, t.CPURate, max(t.Live-base, 0)
		}
		// The next size costs a warm-up and a timed step of twice the rows.
		if t.Rate < e.Rate || time.Since(start)+4*t.Step > o.Budget {
			break
		}
	}
	e.Timed = time.Since(start)
	return e, nil
}

// batchTiming is one batch size's timing.
type batchTiming struct {
	Rate    float64       // view-steps per second of wall time
	CPURate float64       // view-steps per CPU-second of the process × threads: the rate with the cores to itself
	Live    int64         // live Go heap while the model and its workspaces are held
	Step    time.Duration // wall time of one step of the batch
}

// timeBatch runs a warm-up step on a batch of B rows, then timed steps for
// at least minDur (one at least).
func timeBatch(sm stepper, info models.Info, B, threads int, minDur time.Duration) (batchTiming, error) {
	S := info.SeqLen
	b := models.Batch{Inputs: make([]int32, B*S), PuzzleIDs: make([]int32, B)}
	for i := range b.Inputs {
		b.Inputs[i] = int32(1 + i%(info.Vocab-1))
	}
	out, ar := models.NewStepOutput(info, B), &nn.Arena{}
	s := sm.NewState(B)
	if err := sm.Step(s, b, out, models.StepOptions{}, ar); err != nil { // sizes the arena
		return batchTiming{}, err
	}
	steps, start, cpu := 0, time.Now(), harness.ProcessCPU()
	for steps == 0 || time.Since(start) < minDur {
		if steps%max(info.MaxSteps, 1) == 0 {
			s = sm.NewState(B)
		}
		if err := sm.Step(s, b, out, models.StepOptions{}, ar); err != nil {
			return batchTiming{}, err
		}
		steps++
	}
	sec, cpuSec := time.Since(start), (harness.ProcessCPU() - cpu).Seconds()
	t := batchTiming{Rate: float64(B*steps) / sec.Seconds(), Step: sec / time.Duration(steps)}
	if cpuSec > 0 {
		t.CPURate = float64(B*steps) / (cpuSec / float64(max(threads, 1)))
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(s)
	runtime.KeepAlive(out)
	runtime.KeepAlive(ar)
	t.Live = int64(ms.HeapAlloc)
	return t, nil
}
