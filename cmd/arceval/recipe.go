package main

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"arceval/harness"
	"arceval/models/registry"
)

// bindRecipeFlags adds train's --recipe and the flags that override one of
// its values, bound to o's recipe options. A value flag overrides the
// recipe only when given (harness.TrainOptions.Given), so its zero default
// is never used.
func bindRecipeFlags(fs *pflag.FlagSet, o *harness.TrainOptions) {
	const r = " (default: the recipe's)"
	fs.StringVar(&o.Recipe, "recipe", "", "training recipe (listed above; default: the preset's, else the model family's for the data's kind)")
	fs.IntVar(&o.GlobalBatch, "batch", 0, "global batch: examples per optimiser step"+r)
	fs.Float64Var(&o.LR, "lr", 0, "learning rate"+r)
	fs.Float64Var(&o.LRMinRatio, "lr-min-ratio", 0, "cosine floor as a fraction of --lr (1: constant after warm-up)"+r)
	fs.IntVar(&o.Warmup, "warmup", 0, "warm-up steps"+r)
	fs.Float64Var(&o.WeightDecay, "weight-decay", 0, "decoupled weight decay"+r)
	fs.Float64Var(&o.PuzzleLR, "puzzle-emb-lr", 0, "puzzle-embedding SignSGD learning rate"+r)
	fs.Float64Var(&o.PuzzleWD, "puzzle-emb-weight-decay", 0, "puzzle-embedding weight decay"+r)
	fs.Float64Var(&o.EMA, "ema", 0, "EMA rate of the evaluated weights, 0: off"+r)
	fs.StringVar(&o.Optimizer, "optimizer", "", "adam_atan2 or adamw"+r)
	fs.StringVar(&o.Loss, "loss", "", "stablemax_cross_entropy or softmax_cross_entropy"+r)
}

// recipeSummary is a recipe's values on one line.
func recipeSummary(c harness.TrainConfig) string {
	sched := "constant after"
	if c.LRMinRatio != 1 {
		sched = fmt.Sprintf("cosine to %s× after", num(c.LRMinRatio))
	}
	ema := "no EMA"
	if c.EMA > 0 {
		ema = "EMA " + num(c.EMA)
	}
	return fmt.Sprintf("batch %d, lr %s %s %d warm-up steps, wd %s, puzzle-emb lr %s wd %s, %s, %s β (%s, %s), %s, sampler iterations of %d epochs",
		c.GlobalBatch, num(c.LR), sched, c.Warmup, num(c.WeightDecay), num(c.PuzzleLR), num(c.PuzzleWD), ema,
		c.Optimizer, num(c.Beta1), num(c.Beta2), c.Loss, c.EpochsPerIter)
}

// num formats a recipe value as the official configs write it (1e-4, 0.1).
func num(v float64) string {
	if v != 0 && v < 0.05 {
		return strings.Replace(strconv.FormatFloat(v, 'e', -1, 64), "e-0", "e-", 1)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// recipeHelp is train --help's list of the recipes, the presets' recipes
// and the precedence.
func recipeHelp() string {
	var b strings.Builder
	b.WriteString("\nRecipes (--recipe NAME; trm-spec §6.6):\n")
	for _, r := range harness.Recipes() {
		fmt.Fprintf(&b, "  %-14s %s\n  %-14s %s; %s\n", r.Name, recipeSummary(r.Config), "", r.Desc, r.Length())
	}
	b.WriteString(`
A new run's recipe is --recipe, else its --preset's (below), else the one of
the model family (the built model's kind) for the training data's kind, e.g.
hrm-maze for an HRM trained on mazes. A value flag (--batch, --lr,
--lr-min-ratio, --warmup, --weight-decay, --puzzle-emb-lr,
--puzzle-emb-weight-decay, --ema, --optimizer, --loss) overrides the recipe
only when given; --ablation applies last. The recipe's name and the
overridden values are saved with the run (checkpoint.safetensors); --resume
continues with them.

Presets' recipes:
`)
	for _, fam := range registry.Families {
		table := fam.Kind()
		byRecipe := map[string][]string{}
		for _, preset := range fam.Presets() {
			// A family without recipe rows is listed, not fatal: its
			// runs need --recipe (TestPresetRecipes holds the known
			// families to having one).
			name := "none, give --recipe"
			if r, _, err := harness.PresetRecipe(fam, preset); err == nil {
				name = r.Name
			}
			byRecipe[name] = append(byRecipe[name], preset)
		}
		var parts []string
		for _, name := range slices.Sorted(maps.Keys(byRecipe)) {
			presets := byRecipe[name]
			slices.Sort(presets)
			parts = append(parts, strings.Join(presets, ", ")+" → "+name)
		}
		fmt.Fprintf(&b, "  %s: %s\n", table, strings.Join(parts, "; "))
	}
	return b.String()
}
