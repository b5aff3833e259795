package harness

import (
	"fmt"
	"slices"
	"strings"

	"arceval/models"
	"arceval/models/registry"
	"arceval/tasks"
)

// PresetRecipe returns the recipe of a preset of a family: the recipe of
// the model family the preset makes (the MLP baseline for the transformer
// baseline's "sudoku-mlp") for the data set its geometry (vocabulary,
// sequence length) is for. ok is false for a name that is no preset of
// the family.
func PresetRecipe(fam models.Family, preset string) (r Recipe, ok bool, err error) {
	if !slices.Contains(fam.Presets(), preset) {
		return r, false, nil
	}
	c, err := fam.Config(preset)
	if err != nil {
		return r, false, err
	}
	seqLen, vocab, _, _ := ConfigSizes(c)
	r, err = RecipeFor(c.Kind(), tasks.BuiltMeta{VocabSize: vocab, SeqLen: seqLen}.GuessKind())
	return r, true, err
}

// ResolveRecipe returns the training config of a new run of o.Steps steps
// of a model of family, made by o.Kind's preset o.Preset, on data of a
// kind. Precedence: a recipe value given explicitly > o.Recipe > the
// preset's recipe > the family's recipe for the data's kind. The config
// records the recipe's name and the options that overrode it; about says
// which recipe was chosen and why, for the training line. Errors are
// OptionErrors.
func ResolveRecipe(family string, o *TrainOptions, data tasks.Kind) (c TrainConfig, about string, err error) {
	var r Recipe
	ok := false
	if fam, lerr := registry.Lookup(o.Kind); lerr == nil {
		r, ok, err = PresetRecipe(fam, o.Preset)
	}
	why := fmt.Sprintf("--preset %s's", o.Preset)
	switch {
	case o.Recipe != "":
		r, err = LookupRecipe(o.Recipe)
		if err != nil {
			return c, "", OptionError{"--recipe: " + err.Error()}
		}
		why = "--recipe"
	case !ok:
		r, err = RecipeFor(family, data)
		why = fmt.Sprintf("%s on %s data", family, data)
	}
	if err != nil {
		return c, "", OptionError{err.Error() + "; choose one with --recipe"}
	}
	if r.Task != data {
		why += fmt.Sprintf("; made for %s, the data is %s", r.Task, data)
	}
	c = r.Train(o.Steps)
	var given []string
	for _, t := range trainOptionTable {
		if t.override != nil && o.given(t.name) {
			t.override(&c, o)
			c.RecipeOverrides = append(c.RecipeOverrides, t.name)
			given = append(given, "--"+t.name)
		}
	}
	c.MicroBatch = c.GlobalBatch // a given MicroBatch may split it
	about = fmt.Sprintf("recipe %s (%s)", r.Name, why)
	if len(given) > 0 {
		about += " with " + strings.Join(given, ", ") + " overridden"
	}
	return c, about, nil
}
