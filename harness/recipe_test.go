package harness

import (
	"path/filepath"
	"testing"

	"arceval/baselines/direct"
	"arceval/baselines/hrm"
	"arceval/internal/testenv"
	"arceval/models/trm"
	"arceval/tasks"
)

// The registry holds each official recipe's values (trm-spec §6.6, the
// READMEs' commands and config/cfg_pretrain.yaml of both repositories),
// written out here independently of the registry's construction.
func TestRecipeFor(t *testing.T) {
	type values struct {
		name                       string
		lr, puzzleLR, wd, puzzleWD float64
		ema                        float64
	}
	arc := func(name string, ema float64) values { return values{name, 1e-4, 1e-2, 0.1, 0.1, ema} }
	puzzle := func(name string, ema float64) values { return values{name, 1e-4, 1e-4, 1, 1, ema} }
	cases := []struct {
		family string
		kind   tasks.Kind
		want   values
	}{
		{trm.Kind, tasks.ARC, arc("trm-arc", 0.999)},
		{trm.Kind, tasks.Sudoku, puzzle("trm-sudoku", 0.999)},
		{trm.Kind, tasks.Maze, puzzle("trm-maze", 0.999)},
		{hrm.Kind, tasks.ARC, arc("hrm-arc", 0)}, // HRM's pretrain.py has no EMA
		{hrm.Kind, tasks.Sudoku, puzzle("hrm-sudoku", 0)},
		{hrm.Kind, tasks.Maze, puzzle("hrm-maze", 0)},
		{direct.Kind, tasks.ARC, arc("direct-arc", 0.999)},
		{direct.Kind, tasks.Sudoku, puzzle("direct-sudoku", 0.999)},
		{direct.Kind, tasks.Maze, puzzle("direct-maze", 0.999)},
		{direct.MLPKind, tasks.ARC, arc("mlp-arc", 0.999)},
		{direct.MLPKind, tasks.Sudoku, puzzle("mlp-sudoku", 0.999)},
		{direct.MLPKind, tasks.Maze, puzzle("mlp-maze", 0.999)},
	}
	for _, tc := range cases {
		t.Run(tc.want.name, func(t *testing.T) {
			r, err := RecipeFor(tc.family, tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			c := r.Train(10)
			got := values{c.Recipe, c.LR, c.PuzzleLR, c.WeightDecay, c.PuzzleWD, c.EMA}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			// Common to every released config (trm-spec §1, §6.3, §6.1).
			if c.GlobalBatch != 768 || c.MicroBatch != 768 || c.Steps != 10 || c.Warmup != 2000 || c.LRMinRatio != 1 ||
				c.Beta1 != 0.9 || c.Beta2 != 0.95 || c.Optimizer != "adam_atan2" || c.Loss != "stablemax_cross_entropy" {
				t.Errorf("common values differ: %+v", c)
			}
			if err := c.Validate(); err != nil {
				t.Error(err)
			}
			if byName, err := LookupRecipe(tc.want.name); err != nil || byName.Name != r.Name {
				t.Errorf("LookupRecipe(%q) = %q, %v", tc.want.name, byName.Name, err)
			}
		})
	}
	if got := len(Recipes()); got != len(cases) {
		t.Errorf("%d recipes, the table above has %d", got, len(cases))
	}
	if _, err := RecipeFor("gpt", tasks.ARC); err == nil {
		t.Error("a recipe for an unknown family")
	}
	if _, err := LookupRecipe("trm-chess"); err == nil {
		t.Error("an unknown recipe name was found")
	}
}

// DefaultTrainConfig stays TRM's Sudoku recipe.
func TestDefaultTrainConfigIsTRMSudoku(t *testing.T) {
	c := DefaultTrainConfig(5)
	r, _ := LookupRecipe("trm-sudoku")
	if c.Recipe != "trm-sudoku" || c.Steps != 5 || c.LR != r.Config.LR || c.EMA != r.Config.EMA || c.WeightDecay != r.Config.WeightDecay {
		t.Errorf("DefaultTrainConfig = %+v", c)
	}
}

// The official step counts of trm-spec §6.4 follow from pretrain.py's
// formula; on the maze build in the shared data, from its dataset.json.
func TestOfficialSteps(t *testing.T) {
	lengths := map[string]string{}
	for _, r := range Recipes() {
		lengths[r.Name] = r.Length()
	}
	for name, want := range map[string]string{
		"trm-sudoku": "50,000 epochs = 65,104 steps on sudoku-extreme-1k-aug-1000",
		"trm-maze":   "50,000 epochs = 65,104 steps on maze-30x30-hard-1k",
		// trm-spec §6.4 says 722,099 for ARC-2; int(100000·1280·(5163277/1191729)/768)
		// = int(722,098.87) = 722,098 with the builder's own counts (§2.4).
		"trm-arc":    "100,000 epochs = 518,226 steps on arc1concept-aug-1000, 722,098 steps on arc2concept-aug-1000",
		"hrm-sudoku": "20,000 epochs = 26,041 steps on sudoku-extreme-1k-aug-1000",
		"hrm-arc":    "100,000 epochs",
		"direct-arc": "no official run",
		"mlp-maze":   "no official run",
	} {
		if lengths[name] != want {
			t.Errorf("%s: %q, want %q", name, lengths[name], want)
		}
	}
	meta, err := tasks.ReadBuiltMeta(filepath.Join(testenv.DataRoot(t), "maze-30x30-hard-1k", "hrm_processed", "train"))
	if err != nil {
		testenv.Missing(t, testenv.Data, "the official Maze-Hard build (maze-30x30-hard-1k/hrm_processed in the data root) is needed: %v", err)
	}
	if got := OfficialSteps(50000, meta.TotalGroups, meta.MeanPuzzleExamples, 768); got != 65104 {
		t.Errorf("official maze build: %d steps, want 65,104", got)
	}
}
