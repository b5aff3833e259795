package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"arceval/harness"
	"arceval/models"
	"arceval/models/act"
	"arceval/results"
	"arceval/tasks"
)

// benchTraining times optimiser steps of the trainer (one supervision step
// with gradients on every row, Adam-atan2, SignSGD, EMA) at a preset's shape
// on random data, in each precision (bf16: the network trains in bf16,
// act.SetPrecision), and the PyTorch anchor's float32 training step beside
// it. CPU s/step (user + system, all threads) reads the speed on a shared
// machine, where the wall time depends on the load; peak MB is the row's own
// (resetPeakRSS).
func benchTraining(c *cli, fam models.Family, presets, precs []string, batch, reps, threads int, torch string, torchSteps int) error {
	if torch != "" && slices.Contains(precs, results.PrecisionBF16) {
		fmt.Fprintln(c.stdout, "the PyTorch anchor trains in float32: a bf16 row's ratio compares different precisions")
	}
	fmt.Fprintf(c.stdout, "%-12s %5s %5s %12s %9s %11s %9s %14s %8s\n", "preset", "batch", "prec", "examples/s", "s/step", "CPU s/step", "peak MB", "torch ex/s", "ratio")
	for _, name := range presets {
		cfg, err := benchConfig(fam, name)
		if err != nil {
			return err
		}
		torchRate := 0.0
		if task, ok := torchTasks[fam.Kind()+"/"+name]; ok && torch != "" {
			if torchRate, err = runTorchBench(torch, task, batch, torchSteps, threads, true); err != nil {
				return err
			}
		}
		for _, p := range precs {
			sec, cpu, err := timeTraining(fam, cfg, p, batch, reps)
			if err != nil {
				return err
			}
			rate := float64(batch) / sec
			tr, ratio := "-", "-"
			if torchRate > 0 {
				tr, ratio = fmt.Sprintf("%.3f", torchRate), fmt.Sprintf("%.2f×", rate/torchRate)
			}
			fmt.Fprintf(c.stdout, "%-12s %5d %5s %12.3f %9.3f %11.3f %9d %14s %8s\n", name, batch, shortPrecision(p), rate, sec, cpu, peakRSSMB(), tr, ratio)
		}
	}
	return nil
}

// timeTraining returns the wall and CPU seconds of one optimiser step of a
// fresh model of cfg training in precision p on random data (the mean of
// reps steps after a warm-up step that sizes the arena).
func timeTraining(fam models.Family, cfg models.Config, p string, batch, reps int) (sec, cpu float64, err error) {
	resetPeakRSS()
	m, err := fam.LoadTrainable(cfg, act.InitTensors(cfg.Specs(), 1))
	if err == nil {
		err = setPrecision(nil, m, p)
	}
	if err != nil {
		return 0, 0, err
	}
	seqLen, vocab, _, _ := configSizes(cfg)
	rc := harness.DefaultTrainConfig(reps + 1)
	rc.GlobalBatch, rc.MicroBatch = batch, batch
	tr, err := harness.NewTrainer(rc, m, randomData{seqLen, vocab})
	if err != nil {
		return 0, 0, err
	}
	if _, err := tr.TrainStep(); err != nil {
		return 0, 0, err
	}
	start, cpu0 := time.Now(), harness.ProcessCPU()
	for range reps {
		if _, err := tr.TrainStep(); err != nil {
			return 0, 0, err
		}
	}
	sec = time.Since(start).Seconds() / float64(reps)
	cpu = (harness.ProcessCPU() - cpu0).Seconds() / float64(reps)
	return sec, cpu, nil
}

// randomData is a training set of random tokens of a shape (for timing).
type randomData struct{ seqLen, vocab int }

func (d randomData) Kind() tasks.Kind  { return tasks.Sudoku }
func (d randomData) Groups() int       { return 1000 }
func (d randomData) Members(g int) int { return 1 }
func (d randomData) SeqLen() int       { return d.seqLen }
func (d randomData) Vocab() int        { return d.vocab }
func (d randomData) NumPuzzleIDs() int { return 1 }

// Puzzle draws random tokens from a stream of the group, so every group
// holds a fixed puzzle.
func (d randomData) Puzzle(g, k int) []harness.Example {
	rng := rand.New(rand.NewPCG(uint64(g), uint64(k)))
	ex := harness.Example{Inputs: make([]int32, d.seqLen), Labels: make([]int32, d.seqLen)}
	for i := range ex.Inputs {
		ex.Inputs[i] = int32(1 + rng.IntN(d.vocab-1))
		ex.Labels[i] = int32(1 + rng.IntN(d.vocab-1))
	}
	return []harness.Example{ex}
}
