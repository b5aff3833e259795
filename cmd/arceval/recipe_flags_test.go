package main

import (
	"github.com/spf13/pflag"

	"arceval/harness"
	"arceval/models/registry"
	"arceval/tasks"
)

// recipeFlags are train's recipe flags on a flag set of their own, for
// the recipe tests.
type recipeFlags struct {
	fs *pflag.FlagSet
	o  *harness.TrainOptions
}

func addRecipeFlags(fs *pflag.FlagSet) *recipeFlags {
	o := harness.DefaultTrainOptions()
	bindRecipeFlags(fs, &o)
	return &recipeFlags{fs, &o}
}

// resolve resolves the recipe as train does for a new run of steps steps
// of a model of family made by --kind kind --preset preset, on data of a
// kind: the flags given are the options given.
func (f *recipeFlags) resolve(family, kind, preset string, data tasks.Kind, steps int) (harness.TrainConfig, string, error) {
	o := *f.o
	o.Kind, o.Preset, o.Steps, o.Given = kind, preset, steps, nil
	f.fs.Visit(func(fl *pflag.Flag) { o.Give(fl.Name) })
	c, about, err := harness.ResolveRecipe(family, &o, data)
	return c, about, cliError(err)
}

// presetRecipe is harness.PresetRecipe of a family named by its kind (ok
// false for an unknown kind).
func presetRecipe(kind, preset string) (harness.Recipe, bool, error) {
	fam, err := registry.Lookup(kind)
	if err != nil {
		return harness.Recipe{}, false, nil
	}
	return harness.PresetRecipe(fam, preset)
}
