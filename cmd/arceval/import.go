package main

import (
	"fmt"
	"os"

	"arceval/models/trm"
)

func runImport(c *cli, args []string) error {
	fs := c.newFlags("import", `import CKPT (--preset NAME | --config FILE) --out model.safetensors

Converts an official PyTorch TRM checkpoint (zip or legacy torch.save, keys
with or without the "_orig_mod.model.inner." prefix) into a native arceval
file: safetensors with the config in its header. Every missing, mis-shaped or
unexpected tensor is reported; nothing is written unless all match.`)
	preset := fs.String("preset", "", "TRM preset the checkpoint was trained with")
	config := fs.String("config", "", "official config (fixture JSON or all_config.yaml); overrides the preset's fields")
	out := fs.String("out", "", "output file (written atomically)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		fs.Usage()
		return usageError{"import: want one checkpoint and --out"}
	}
	cfg, err := resolveConfig(*preset, *config)
	if err != nil {
		return err
	}
	if cfg == nil {
		return usageError{"import: an official checkpoint has no config inside: give --preset or --config"}
	}
	src, err := trm.OpenTensors(fs.Arg(0))
	if err != nil {
		return err
	}
	defer src.Close()
	full := trm.InferConfig(*cfg, src)
	rep, err := trm.Import(src, full, *out, nil)
	if err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(c.stdout, "imported %s → %s (%d MB)\n", fs.Arg(0), *out, st.Size()>>20)
	fmt.Fprintf(c.stdout, "  %d tensors (key prefix %q), %d parameters, puzzle table %d rows\n", rep.Tensors, rep.Prefix, rep.Params, rep.PuzzleRows)
	fmt.Fprintf(c.stdout, "  config: hidden %d, heads %d, L_layers %d, H_cycles %d, L_cycles %d, mlp_t %v, seq_len %d, vocab %d\n",
		full.HiddenSize, full.NumHeads, full.LLayers, full.HCycles, full.LCycles, full.MLPT, full.SeqLen, full.VocabSize)
	return nil
}
