package main

import (
	"fmt"
	"os"

	"arceval/models/act"
	"arceval/models/registry"
	"arceval/models/tensors"
)

func runImport(c *cli, args []string) error {
	fs := c.newFlags("import", `import CKPT|NAME [--kind KIND] (--preset NAME | --config FILE) --out model.safetensors

Converts an official PyTorch checkpoint of any model family (TRM, HRM, the
TRM repo's transformer baseline; zip or legacy torch.save, keys with or
without the "_orig_mod.model.inner." prefix) into a native arceval file:
safetensors with the kind and config in its header. Every missing,
mis-shaped or unexpected tensor is reported; nothing is written unless all
match. NAME is a released checkpoint (`+"`arceval models list`"+`): its
cached file, family and preset.`)
	kind := fs.String("kind", "trm", "model family: "+registry.KindList())
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
	fam, err := family(*kind)
	if err != nil {
		return err
	}
	cfg, err := resolveConfig(fam, *preset, *config)
	if err != nil {
		return err
	}
	src, err := tensors.Open(ckpt)
	if err != nil {
		return err
	}
	defer src.Close()
	cfg.Infer(src)
	rep, err := act.Import(fam, cfg, src, *out, nil)
	if err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(c.stdout, "imported %s (%s) → %s (%d MB)\n", fs.Arg(0), *kind, *out, st.Size()>>20)
	fmt.Fprintf(c.stdout, "  %d tensors (key prefix %q), %d parameters, puzzle table %d rows\n", rep.Tensors, rep.Prefix, rep.Params, rep.PuzzleRows)
	fmt.Fprintf(c.stdout, "  config: %s\n", cfg.Summary())
	return nil
}
