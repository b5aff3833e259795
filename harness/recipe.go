package harness

import (
	"fmt"
	"strings"

	"arceval/tasks"
)

// A Recipe is a named training recipe: the optimiser, schedule and EMA
// values the official code trains one model family with on one kind of
// data (trm-spec §6.6), with the file it comes from. Its Config has no
// step count, seed or micro-batch; Train fills them in.
type Recipe struct {
	Name   string
	Family string     // model kind: trm, hrm, transformer_baseline, mlp_baseline
	Task   tasks.Kind // the data it is for
	Desc   string     // one line: where the values come from
	Epochs int        // the official run's length in epochs (0: no official run)
	Builds []OfficialBuild
	Config TrainConfig
}

// OfficialBuild is the train split of an official build a recipe's run
// trains on: its groups, puzzles and examples (dataset.json total_groups,
// and the builder's counts behind mean_puzzle_examples; trm-spec §2.4).
type OfficialBuild struct {
	Name                      string
	Groups, Puzzles, Examples int
}

// OfficialSteps is the official number of optimiser steps of a run of
// epochs on a build's train split (TRM pretrain.py L219, HRM pretrain.py
// L174: int(epochs · total_groups · mean_puzzle_examples / global_batch_size),
// mean_puzzle_examples = total_examples / total_puzzles as
// dataset/build_arc_dataset.py L304 writes it).
func OfficialSteps(epochs, groups int, meanPuzzleExamples float64, globalBatch int) int {
	return int(float64(epochs) * float64(groups) * meanPuzzleExamples / float64(globalBatch))
}

// Train returns the recipe as the config of a run of steps optimiser steps
// (micro-batch = the global batch), named after the recipe.
func (r Recipe) Train(steps int) TrainConfig {
	c := r.Config
	c.Steps, c.MicroBatch, c.Recipe = steps, c.GlobalBatch, r.Name
	return c
}

// Length describes the official run's length in epochs and, on the builds
// it trains on, in optimiser steps.
func (r Recipe) Length() string {
	if r.Epochs == 0 {
		return "no official run"
	}
	s := fmt.Sprintf("%s epochs", thousands(r.Epochs))
	var steps []string
	for _, b := range r.Builds {
		n := OfficialSteps(r.Epochs, b.Groups, float64(b.Examples)/float64(b.Puzzles), r.Config.GlobalBatch)
		steps = append(steps, fmt.Sprintf("%s steps on %s", thousands(n), b.Name))
	}
	if len(steps) > 0 {
		s += " = " + strings.Join(steps, ", ")
	}
	return s
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// The official values (trm-spec §6.6). Both repositories' pretrain.py
// default to the ARC ones (config/cfg_pretrain.yaml: global_batch_size 768,
// lr 1e-4, lr_min_ratio 1.0, lr_warmup_steps 2000, beta1 0.9, beta2 0.95,
// weight_decay 0.1, puzzle_emb_weight_decay 0.1, puzzle_emb_lr 1e-2; the
// loss is stablemax_cross_entropy in config/arch/*.yaml); the Sudoku and
// Maze commands of both READMEs pass lr=1e-4 puzzle_emb_lr=1e-4
// weight_decay=1.0 puzzle_emb_weight_decay=1.0. TRM's README passes
// ema=True (ema_rate 0.999) in every command; HRM's pretrain.py has no EMA.
var (
	arcValues = TrainConfig{GlobalBatch: 768, LR: 1e-4, LRMinRatio: 1, Warmup: 2000, WeightDecay: 0.1, Beta1: 0.9, Beta2: 0.95,
		PuzzleLR: 1e-2, PuzzleWD: 0.1, EMA: 0.999, Optimizer: "adam_atan2", Loss: "stablemax_cross_entropy",
		EpochsPerIter: EpochsPerIterARC}
	puzzleValues = withValues(arcValues, func(c *TrainConfig) {
		c.WeightDecay, c.PuzzleLR, c.PuzzleWD, c.EpochsPerIter = 1, 1e-4, 1, EpochsPerIterBoards
	})
)

func withValues(c TrainConfig, f func(*TrainConfig)) TrainConfig {
	f(&c)
	return c
}

func noEMA(c *TrainConfig) { c.EMA = 0 }

// hrmBoards is HRM's Sudoku/Maze recipe: no EMA, and eval_interval 2000
// (HRM README: epochs=20000 eval_interval=2000).
func hrmBoards(c *TrainConfig) { c.EMA, c.EpochsPerIter = 0, 2000 }

// The official builds the released commands train on (trm-spec §2.4; the
// ARC counts are a seed-42 rebuild's, which the ARC Prize checkpoints'
// puzzle tables match; Sudoku: 1,000 originals + 1,000 augmentations each).
var (
	sudokuBuild = OfficialBuild{"sudoku-extreme-1k-aug-1000", 1000, 1001000, 1001000}
	mazeBuild   = OfficialBuild{"maze-30x30-hard-1k", 1000, 1000, 1000}
	arc1Build   = OfficialBuild{"arc1concept-aug-1000", 960, 876405, 3633410}
	arc2Build   = OfficialBuild{"arc2concept-aug-1000", 1280, 1191729, 5163277}
)

const (
	trmSrc    = "TRM README's %s command (SamsungSAILMontreal/TinyRecursiveModels, ema=True)"
	hrmSrc    = "HRM README's %s command (sapientinc/HRM; its pretrain.py has no EMA)"
	directSrc = "no official command: TRM's config/arch/transformers_baseline.yaml runs through the same pretrain.py, so TRM's %s recipe"
	mlpSrc    = "ours (no official MLP baseline): TRM's %s recipe"
)

var recipes = []Recipe{
	{"trm-arc", "trm", tasks.ARC, fmt.Sprintf(trmSrc, "ARC-AGI-1/2") + " over config/cfg_pretrain.yaml", 100000, []OfficialBuild{arc1Build, arc2Build}, arcValues},
	{"trm-sudoku", "trm", tasks.Sudoku, fmt.Sprintf(trmSrc, "Sudoku-Extreme"), 50000, []OfficialBuild{sudokuBuild}, puzzleValues},
	{"trm-maze", "trm", tasks.Maze, fmt.Sprintf(trmSrc, "Maze-Hard"), 50000, []OfficialBuild{mazeBuild}, puzzleValues},
	// HRM's ARC builds (data/arc-aug-1000, arc-2-aug-1000) are not TRM's;
	// their sizes are not recorded here, so no step count.
	{"hrm-arc", "hrm", tasks.ARC, fmt.Sprintf(hrmSrc, "ARC-1/ARC-2") + " = config/cfg_pretrain.yaml", 100000, nil, withValues(arcValues, noEMA)},
	{"hrm-sudoku", "hrm", tasks.Sudoku, fmt.Sprintf(hrmSrc, "Sudoku Extreme (1k)"), 20000, []OfficialBuild{sudokuBuild}, withValues(puzzleValues, hrmBoards)},
	{"hrm-maze", "hrm", tasks.Maze, fmt.Sprintf(hrmSrc, "Maze 30x30 Hard (1k)"), 20000, []OfficialBuild{mazeBuild}, withValues(puzzleValues, hrmBoards)},
	// The transformer baseline has no command in either README. Its TRM
	// config (config/arch/transformers_baseline.yaml) holds no training
	// values and runs through TRM's pretrain.py, whose bare defaults would
	// be the ARC values without EMA (cfg_pretrain.yaml ema: False); we give
	// it TRM's recipe of the data set, EMA included, so that it is trained
	// like the TRM it is compared with. (The paper's "Direct pred" numbers
	// are copied from the HRM paper; --recipe hrm-… trains it HRM's way.)
	{"direct-arc", "transformer_baseline", tasks.ARC, fmt.Sprintf(directSrc, "ARC"), 0, nil, arcValues},
	{"direct-sudoku", "transformer_baseline", tasks.Sudoku, fmt.Sprintf(directSrc, "Sudoku"), 0, nil, puzzleValues},
	{"direct-maze", "transformer_baseline", tasks.Maze, fmt.Sprintf(directSrc, "Maze"), 0, nil, puzzleValues},
	{"mlp-arc", "mlp_baseline", tasks.ARC, fmt.Sprintf(mlpSrc, "ARC"), 0, nil, arcValues},
	{"mlp-sudoku", "mlp_baseline", tasks.Sudoku, fmt.Sprintf(mlpSrc, "Sudoku"), 0, nil, puzzleValues},
	{"mlp-maze", "mlp_baseline", tasks.Maze, fmt.Sprintf(mlpSrc, "Maze"), 0, nil, puzzleValues},
}

// Recipes returns every named recipe, by family then data set.
func Recipes() []Recipe { return append([]Recipe(nil), recipes...) }

// LookupRecipe returns the recipe of a name.
func LookupRecipe(name string) (Recipe, error) {
	for _, r := range recipes {
		if r.Name == name {
			return r, nil
		}
	}
	names := make([]string, len(recipes))
	for i, r := range recipes {
		names[i] = r.Name
	}
	return Recipe{}, fmt.Errorf("unknown recipe %q (known: %s)", name, strings.Join(names, ", "))
}

// RecipeFor returns the recipe of a model family on a kind of data.
func RecipeFor(family string, kind tasks.Kind) (Recipe, error) {
	for _, r := range recipes {
		if r.Family == family && r.Task == kind {
			return r, nil
		}
	}
	return Recipe{}, fmt.Errorf("no training recipe for a %q model on %s data", family, kind)
}
