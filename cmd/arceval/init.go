package main

import (
	"fmt"
	"strings"

	"arceval/harness"
	"arceval/models/act"
	"arceval/models/registry"
)

func runInit(c *cli, args []string) error {
	fs := c.newFlags("init", `init [--kind KIND] --preset NAME [--config FILE] [--seed S] --out model.safetensors

Writes a freshly initialised model of any family (TRM by default) as a
native arceval file, initialised as the official code does (truncated
LeCun-normal weights, zero puzzle table, H_init/L_init in the forward dtype,
Q head at weight 0 and bias -5): the untrained baseline, and a real model
file for timing `+"`arceval eval`"+` before any checkpoint exists.`)
	kind := fs.String("kind", "trm", "model family: "+registry.KindList())
	preset := fs.String("preset", "", "preset (shape) — "+presetList())
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
	fam, err := family(*kind)
	if err != nil {
		return err
	}
	cfg, err := resolveConfig(fam, *preset, *config)
	if err != nil {
		return err
	}
	if cfg == nil {
		return usageError{"init: give --preset or --config"}
	}
	if *ids > 0 {
		if err := harness.SetSizes(cfg, -1, -1, *ids); err != nil {
			return err
		}
	}
	if err := act.WriteInit(cfg, *seed, *out, map[string]string{"arceval.init_seed": fmt.Sprint(*seed)}); err != nil {
		return err
	}
	var from []string // what the shape came from: the preset, the config file or both
	for _, v := range []string{*preset, *config} {
		if v != "" {
			from = append(from, v)
		}
	}
	seqLen, vocab, hidden, nIDs := configSizes(cfg)
	fmt.Fprintf(c.stdout, "wrote %s: untrained %s (%s), hidden %d, seq_len %d, vocab %d, %d puzzle ids\n",
		*out, cfg.Kind(), strings.Join(from, " + "), hidden, seqLen, vocab, nIDs)
	return nil
}
