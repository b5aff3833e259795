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
	"arceval/tasks"
)

// presetRecipe returns the recipe of a preset of a family (train --kind):
// the recipe of the model family the preset makes (the MLP baseline for
// the transformer baseline's "sudoku-mlp") for the data set its geometry
// (vocabulary, sequence length) is for. ok is false for a name that is no
// preset of the family.
func presetRecipe(kind, preset string) (r harness.Recipe, ok bool, err error) {
	fam, err := registry.Lookup(kind)
	if err != nil || !slices.Contains(fam.Presets(), preset) {
		return r, false, nil
	}
	c, err := fam.Config(preset)
	if err != nil {
		return r, false, err
	}
	seqLen, vocab, _, _ := configSizes(c)
	r, err = harness.RecipeFor(c.Kind(), tasks.BuiltMeta{VocabSize: vocab, SeqLen: seqLen}.GuessKind())
	return r, true, err
}

// recipeFlags are train's --recipe and the flags that override one of its
// values. A value flag overrides the recipe only when given (pflag's
// Changed), so its zero default is never used.
type recipeFlags struct {
	fs                                     *pflag.FlagSet
	name                                   *string
	lr, lrMin, wd, puzzleLR, puzzleWD, ema *float64
	warmup, batch                          *int
	optimizer, loss                        *string
}

func addRecipeFlags(fs *pflag.FlagSet) *recipeFlags {
	const r = " (default: the recipe's)"
	return &recipeFlags{fs: fs,
		name:      fs.String("recipe", "", "training recipe (listed above; default: the preset's, else the model family's for the data's kind)"),
		batch:     fs.Int("batch", 0, "global batch: examples per optimiser step"+r),
		lr:        fs.Float64("lr", 0, "learning rate"+r),
		lrMin:     fs.Float64("lr-min-ratio", 0, "cosine floor as a fraction of --lr (1: constant after warm-up)"+r),
		warmup:    fs.Int("warmup", 0, "warm-up steps"+r),
		wd:        fs.Float64("weight-decay", 0, "decoupled weight decay"+r),
		puzzleLR:  fs.Float64("puzzle-emb-lr", 0, "puzzle-embedding SignSGD learning rate"+r),
		puzzleWD:  fs.Float64("puzzle-emb-weight-decay", 0, "puzzle-embedding weight decay"+r),
		ema:       fs.Float64("ema", 0, "EMA rate of the evaluated weights, 0: off"+r),
		optimizer: fs.String("optimizer", "", "adam_atan2 or adamw"+r),
		loss:      fs.String("loss", "", "stablemax_cross_entropy or softmax_cross_entropy"+r),
	}
}

// recipeOverride is one value flag and how it sets its recipe value.
type recipeOverride struct {
	flag string
	set  func(*harness.TrainConfig)
}

// overrides lists the value flags in the order they are applied.
func (f *recipeFlags) overrides() []recipeOverride {
	return []recipeOverride{
		{"batch", func(c *harness.TrainConfig) { c.GlobalBatch = *f.batch }},
		{"lr", func(c *harness.TrainConfig) { c.LR = *f.lr }},
		{"lr-min-ratio", func(c *harness.TrainConfig) { c.LRMinRatio = *f.lrMin }},
		{"warmup", func(c *harness.TrainConfig) { c.Warmup = *f.warmup }},
		{"weight-decay", func(c *harness.TrainConfig) { c.WeightDecay = *f.wd }},
		{"puzzle-emb-lr", func(c *harness.TrainConfig) { c.PuzzleLR = *f.puzzleLR }},
		{"puzzle-emb-weight-decay", func(c *harness.TrainConfig) { c.PuzzleWD = *f.puzzleWD }},
		{"ema", func(c *harness.TrainConfig) { c.EMA = *f.ema }},
		{"optimizer", func(c *harness.TrainConfig) { c.Optimizer = *f.optimizer }},
		{"loss", func(c *harness.TrainConfig) { c.Loss = *f.loss }},
	}
}

// names lists --recipe and the recipe's value flags.
func (f *recipeFlags) names() []string {
	names := []string{"recipe"}
	for _, o := range f.overrides() {
		names = append(names, o.flag)
	}
	return names
}

// given lists the recipe flags given on the command line, as --name.
func (f *recipeFlags) given() []string {
	var given []string
	for _, name := range f.names() {
		if f.fs.Changed(name) {
			given = append(given, "--"+name)
		}
	}
	return given
}

// resolve returns the training config of a new run of steps steps of a
// model of family, made by train --kind kind --preset preset, on data of
// kind data. Precedence: a value flag given explicitly > --recipe > the
// preset's recipe > the family's recipe for the data's kind. The config
// records the recipe's name and the flags that overrode it; about says
// which recipe was chosen and why, for the training line.
func (f *recipeFlags) resolve(family, kind, preset string, data tasks.Kind, steps int) (c harness.TrainConfig, about string, err error) {
	r, ok, err := presetRecipe(kind, preset)
	why := fmt.Sprintf("--preset %s's", preset)
	switch {
	case *f.name != "":
		r, err = harness.LookupRecipe(*f.name)
		if err != nil {
			return c, "", usageError{"--recipe: " + err.Error()}
		}
		why = "--recipe"
	case !ok:
		r, err = harness.RecipeFor(family, data)
		why = fmt.Sprintf("%s on %s data", family, data)
	}
	if err != nil {
		return c, "", usageError{err.Error() + "; choose one with --recipe"}
	}
	if r.Task != data {
		why += fmt.Sprintf("; made for %s, the data is %s", r.Task, data)
	}
	c = r.Train(steps)
	var given []string
	for _, o := range f.overrides() {
		if f.fs.Changed(o.flag) {
			o.set(&c)
			c.RecipeOverrides = append(c.RecipeOverrides, o.flag)
			given = append(given, "--"+o.flag)
		}
	}
	c.MicroBatch = c.GlobalBatch // train's --micro-batch may split it
	about = fmt.Sprintf("recipe %s (%s)", r.Name, why)
	if len(given) > 0 {
		about += " with " + strings.Join(given, ", ") + " overridden"
	}
	return c, about, nil
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
			r, _, err := presetRecipe(table, preset)
			if err != nil {
				panic(err) // TestPresetRecipes checks that every preset has a recipe
			}
			byRecipe[r.Name] = append(byRecipe[r.Name], preset)
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
