package main

import (
	"fmt"
	"os"

	"arceval/baselines/direct"
	"arceval/baselines/hrm"
	"arceval/models/trm"
)

func runImport(c *cli, args []string) error {
	fs := c.newFlags("import", `import CKPT|NAME [--kind trm|hrm|transformer_baseline] (--preset NAME | --config FILE) --out model.safetensors

Converts an official PyTorch checkpoint of TRM, HRM or the TRM repo's
transformer baseline (zip or legacy torch.save, keys with or without the
"_orig_mod.model.inner." prefix) into a native arceval file: safetensors with
the kind and config in its header. Every missing, mis-shaped or unexpected
tensor is reported; nothing is written unless all match. NAME is a released
checkpoint (`+"`arceval models list`"+`): its cached file, family and preset.`)
	kind := fs.String("kind", "trm", "model family: trm, hrm or transformer_baseline")
	preset := fs.String("preset", "", "preset the checkpoint was trained with")
	config := fs.String("config", "", "official config (fixture JSON or all_config.yaml); overrides the preset's fields")
	out := fs.String("out", "", "output file (written atomically)")
	fetchIt := fs.Bool("fetch", false, "download a released checkpoint named NAME into the model cache when it is not there yet")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		fs.Usage()
		return usageError{"import: want one checkpoint and --out"}
	}
	ckpt, entry, err := resolveModelArg(c, fs.Arg(0), *fetchIt)
	if err != nil {
		return err
	}
	if entry != nil {
		if !fs.Changed("kind") {
			*kind = ""
		}
		if err := applyEntry(entry, kind, preset, *config); err != nil {
			return err
		}
	}
	if *preset == "" && *config == "" {
		return usageError{"import: an official checkpoint has no config inside: give --preset or --config"}
	}
	src, err := trm.OpenTensors(ckpt)
	if err != nil {
		return err
	}
	defer src.Close()
	var tensors, params, rows int
	var prefix, shape string
	switch *kind {
	case trm.Kind:
		cfg, err := resolveConfig(*preset, *config)
		if err != nil {
			return err
		}
		full := trm.InferConfig(*cfg, src)
		rep, err := trm.Import(src, full, *out, nil)
		if err != nil {
			return err
		}
		tensors, params, rows, prefix = rep.Tensors, rep.Params, rep.PuzzleRows, rep.Prefix
		shape = fmt.Sprintf("hidden %d, heads %d, L_layers %d, H_cycles %d, L_cycles %d, mlp_t %v, seq_len %d, vocab %d",
			full.HiddenSize, full.NumHeads, full.LLayers, full.HCycles, full.LCycles, full.MLPT, full.SeqLen, full.VocabSize)
	case hrm.Kind:
		cfg, err := baselineConfig(*preset, *config, hrm.DefaultConfig, hrm.Preset, hrm.ReadConfigFile)
		if err != nil {
			return err
		}
		full := hrm.InferConfig(*cfg, src)
		rep, err := hrm.Import(src, full, *out, nil)
		if err != nil {
			return err
		}
		tensors, params, rows, prefix = rep.Tensors, rep.Params, rep.PuzzleRows, rep.Prefix
		shape = fmt.Sprintf("hidden %d, heads %d, H_layers %d, L_layers %d, H_cycles %d, L_cycles %d, seq_len %d, vocab %d",
			full.HiddenSize, full.NumHeads, full.HLayers, full.LLayers, full.HCycles, full.LCycles, full.SeqLen, full.VocabSize)
	case direct.Kind, "direct":
		cfg, err := baselineConfig(*preset, *config, direct.DefaultConfig, direct.Preset, direct.ReadConfigFile)
		if err != nil {
			return err
		}
		full := direct.InferConfig(*cfg, src)
		rep, err := direct.Import(src, full, *out, nil)
		if err != nil {
			return err
		}
		tensors, params, rows, prefix = rep.Tensors, rep.Params, rep.PuzzleRows, rep.Prefix
		shape = fmt.Sprintf("hidden %d, heads %d, layers %d, seq_len %d, vocab %d, halt_max_steps %d",
			full.HiddenSize, full.NumHeads, full.HLayers, full.SeqLen, full.VocabSize, full.HaltMaxSteps)
	default:
		return usageError{fmt.Sprintf("import: --kind %q: want trm, hrm or transformer_baseline", *kind)}
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(c.stdout, "imported %s (%s) → %s (%d MB)\n", fs.Arg(0), *kind, *out, st.Size()>>20)
	fmt.Fprintf(c.stdout, "  %d tensors (key prefix %q), %d parameters, puzzle table %d rows\n", tensors, prefix, params, rows)
	fmt.Fprintf(c.stdout, "  config: %s\n", shape)
	return nil
}
