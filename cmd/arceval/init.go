package main

import (
	"fmt"
	"strings"

	"arceval/models/trm"
)

func runInit(c *cli, args []string) error {
	fs := c.newFlags("init", `init --preset NAME [--config FILE] [--seed S] --out model.safetensors

Writes a freshly initialised TRM as a native arceval file, initialised as
the official code does (truncated LeCun-normal weights, zero puzzle table,
bfloat16 H_init/L_init, Q head at weight 0 and bias -5): the untrained
baseline, and a real model file for timing `+"`arceval eval`"+` before any
checkpoint exists.`)
	preset := fs.String("preset", "", "TRM preset (shape)")
	config := fs.String("config", "", "official config file overriding the preset")
	seed := fs.Uint64("seed", 1, "weight seed")
	ids := fs.Int("puzzle-ids", 0, "rows of the puzzle-embedding table (default: the preset's)")
	out := fs.String("out", "", "output file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"init: --out is required"}
	}
	cfg, err := resolveConfig(*preset, *config)
	if err != nil {
		return err
	}
	if cfg == nil {
		return usageError{"init: give --preset or --config"}
	}
	if *ids > 0 {
		cfg.NumPuzzleIdentifiers = *ids
	}
	// Checked before the weights are allocated (WriteTensors checks again).
	if err := cfg.Validate(); err != nil {
		return err
	}
	if err := trm.WriteTensors(*out, *cfg, trm.InitTensors(*cfg, *seed), map[string]string{"arceval.init_seed": fmt.Sprint(*seed)}); err != nil {
		return err
	}
	var from []string // what the shape came from: the preset, the config file or both
	for _, v := range []string{*preset, *config} {
		if v != "" {
			from = append(from, v)
		}
	}
	shape := strings.Join(from, " + ")
	fmt.Fprintf(c.stdout, "wrote %s: untrained TRM (%s), hidden %d, seq_len %d, vocab %d, %d puzzle ids\n", *out, shape, cfg.HiddenSize, cfg.SeqLen, cfg.VocabSize, cfg.NumPuzzleIdentifiers)
	return nil
}
