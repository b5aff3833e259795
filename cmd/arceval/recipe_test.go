package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"arceval/baselines/direct"
	"arceval/baselines/hrm"
	"arceval/harness"
	"arceval/models/registry"
	"arceval/models/trm"
	"arceval/tasks"
)

// resolveArgs resolves train's recipe flags args for a model of family
// made by --kind kind --preset preset on data of a kind.
func resolveArgs(t *testing.T, family, kind, preset string, data tasks.Kind, args ...string) (harness.TrainConfig, string, error) {
	t.Helper()
	fs := pflag.NewFlagSet("train", pflag.ContinueOnError)
	rf := addRecipeFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return rf.resolve(family, kind, preset, data, 10)
}

// Without --recipe or a preset, the recipe is the family's for the data's
// kind: HRM without EMA, ARC with puzzle-embedding lr 1e-2 and weight decay
// 0.1 / 0.1, Sudoku and Maze with 1e-4 and 1.0 / 1.0 (trm-spec §6.6).
func TestRecipeByFamilyAndData(t *testing.T) {
	for _, family := range []string{trm.Kind, hrm.Kind, direct.Kind, direct.MLPKind} {
		for _, kind := range []tasks.Kind{tasks.ARC, tasks.Sudoku, tasks.Maze} {
			c, about, err := resolveArgs(t, family, family, "", kind)
			if err != nil {
				t.Fatalf("%s on %s: %v", family, kind, err)
			}
			prefix := map[string]string{trm.Kind: "trm", hrm.Kind: "hrm", direct.Kind: "direct", direct.MLPKind: "mlp"}[family]
			wantEMA, wantPLR, wantWD := 0.999, 1e-4, 1.0
			if family == hrm.Kind {
				wantEMA = 0
			}
			if kind == tasks.ARC {
				wantPLR, wantWD = 1e-2, 0.1
			}
			if c.Recipe != prefix+"-"+kind.String() || c.EMA != wantEMA || c.PuzzleLR != wantPLR || c.WeightDecay != wantWD ||
				c.PuzzleWD != wantWD || c.LR != 1e-4 || c.GlobalBatch != 768 || c.MicroBatch != 768 || c.Warmup != 2000 || len(c.RecipeOverrides) != 0 {
				t.Errorf("%s on %s: %+v", family, kind, c)
			}
			if !strings.Contains(about, "recipe "+c.Recipe+" ("+family+" on "+kind.String()+" data)") {
				t.Errorf("%s on %s: about %q", family, kind, about)
			}
		}
	}
}

// Precedence: a value flag given explicitly > --recipe > the preset's
// recipe > the family's for the data's kind; a flag not given never
// overrides, even where its zero default would differ from the recipe.
func TestRecipePrecedence(t *testing.T) {
	cases := []struct {
		name                 string
		family, kind, preset string
		data                 tasks.Kind
		args                 []string
		recipe               string
		check                func(c harness.TrainConfig) bool
		overrides            []string
		about                string
	}{
		{"preset beats data kind", trm.Kind, trm.Kind, "arc1-att", tasks.Maze, nil, "trm-arc",
			func(c harness.TrainConfig) bool { return c.PuzzleLR == 1e-2 && c.WeightDecay == 0.1 && c.EMA == 0.999 }, nil,
			"recipe trm-arc (--preset arc1-att's; made for arc, the data is maze)"},
		{"hrm preset", hrm.Kind, hrm.Kind, "maze-30x30-hard", tasks.Maze, nil, "hrm-maze",
			func(c harness.TrainConfig) bool { return c.EMA == 0 && c.WeightDecay == 1 }, nil, "recipe hrm-maze (--preset maze-30x30-hard's)"},
		{"direct table's MLP preset", direct.MLPKind, direct.MLPKind, "sudoku-mlp", tasks.Maze, nil, "mlp-sudoku",
			func(c harness.TrainConfig) bool { return c.EMA == 0.999 }, nil, "recipe mlp-sudoku (--preset sudoku-mlp's"},
		{"--recipe beats preset", trm.Kind, trm.Kind, "arc1-att", tasks.ARC, []string{"--recipe", "hrm-sudoku"}, "hrm-sudoku",
			func(c harness.TrainConfig) bool { return c.EMA == 0 && c.PuzzleLR == 1e-4 }, nil, "recipe hrm-sudoku (--recipe; made for sudoku, the data is arc)"},
		{"flag beats --recipe", hrm.Kind, hrm.Kind, "", tasks.Sudoku, []string{"--recipe", "trm-arc", "--lr", "3e-3", "--ema", "0.99"}, "trm-arc",
			func(c harness.TrainConfig) bool {
				return c.LR == 3e-3 && c.EMA == 0.99 && c.PuzzleLR == 1e-2 && c.Warmup == 2000
			},
			[]string{"lr", "ema"}, "recipe trm-arc (--recipe; made for arc, the data is sudoku) with --lr, --ema overridden"},
		{"explicit zero beats the recipe", trm.Kind, trm.Kind, "", tasks.Maze, []string{"--ema", "0", "--warmup", "0"}, "trm-maze",
			func(c harness.TrainConfig) bool { return c.EMA == 0 && c.Warmup == 0 && c.LR == 1e-4 }, []string{"warmup", "ema"}, ""},
		{"every value flag", trm.Kind, trm.Kind, "", tasks.ARC, []string{"--batch", "64", "--lr", "1e-3", "--lr-min-ratio", "0.1", "--warmup", "5",
			"--weight-decay", "0.5", "--puzzle-emb-lr", "0.2", "--puzzle-emb-weight-decay", "0.3", "--ema", "0.9", "--optimizer", "adamw",
			"--loss", "softmax_cross_entropy"}, "trm-arc",
			func(c harness.TrainConfig) bool {
				return c.GlobalBatch == 64 && c.MicroBatch == 64 && c.LR == 1e-3 && c.LRMinRatio == 0.1 && c.Warmup == 5 && c.WeightDecay == 0.5 &&
					c.PuzzleLR == 0.2 && c.PuzzleWD == 0.3 && c.EMA == 0.9 && c.Optimizer == "adamw" && c.Loss == "softmax_cross_entropy"
			},
			[]string{"batch", "lr", "lr-min-ratio", "warmup", "weight-decay", "puzzle-emb-lr", "puzzle-emb-weight-decay", "ema", "optimizer", "loss"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, about, err := resolveArgs(t, tc.family, tc.kind, tc.preset, tc.data, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.Recipe != tc.recipe || !tc.check(c) || !slices.Equal(c.RecipeOverrides, tc.overrides) {
				t.Errorf("got %+v", c)
			}
			if !strings.Contains(about, tc.about) {
				t.Errorf("about %q, want %q", about, tc.about)
			}
		})
	}
	if _, _, err := resolveArgs(t, trm.Kind, trm.Kind, "", tasks.Maze, "--recipe", "trm-chess"); err == nil || !strings.Contains(err.Error(), "trm-arc") {
		t.Errorf("unknown recipe: %v", err)
	}
}

// Every preset of every family has the recipe of the model it makes for
// the data set it was released for.
func TestPresetRecipes(t *testing.T) {
	want := map[string]string{
		"trm/sudoku-mlp": "trm-sudoku", "trm/maze-att": "trm-maze", "trm/arc1-att": "trm-arc", "trm/arc2-att-paper": "trm-arc",
		"hrm/sudoku-extreme": "hrm-sudoku", "hrm/maze-30x30-hard": "hrm-maze", "hrm/arc-1": "hrm-arc",
		"transformer_baseline/sudoku": "direct-sudoku", "transformer_baseline/maze-direct-pred": "direct-maze",
		"transformer_baseline/arc2": "direct-arc", "transformer_baseline/sudoku-mlp": "mlp-sudoku",
		"mlp_baseline/sudoku-mlp": "mlp-sudoku",
	}
	seen := 0
	for _, f := range registry.Families {
		for _, name := range f.Presets() {
			r, ok, err := presetRecipe(f.Kind(), name)
			if err != nil || !ok {
				t.Errorf("%s preset %s: no recipe (%v)", f.Kind(), name, err)
				continue
			}
			if w, listed := want[f.Kind()+"/"+name]; listed {
				seen++
				if r.Name != w {
					t.Errorf("%s preset %s: recipe %s, want %s", f.Kind(), name, r.Name, w)
				}
			}
		}
		if _, ok, _ := presetRecipe(f.Kind(), "no-such-preset"); ok {
			t.Errorf("%s: a recipe for an unknown preset", f.Kind())
		}
	}
	if seen != len(want) {
		t.Errorf("%d of the %d listed presets exist", seen, len(want))
	}
}

// The data's kind comes from its layout, for sets of each kind and built
// splits.
func TestDataKind(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"sudoku", "maze"} {
		path := filepath.Join(dir, k+".csv")
		if _, errOut, err := runCLI(t, "data", "gen", k, "--n", "3", "--size", "5", "--min-path", "3", "--seed", "1", "--out", path); err != nil {
			t.Fatalf("gen %s: %v %s", k, err, errOut)
		}
	}
	arcDir := filepath.Join(dir, "arc")
	os.MkdirAll(arcDir, 0o755)
	os.WriteFile(filepath.Join(arcDir, "t1.json"), []byte(`{"train":[{"input":[[1,2],[3,4]],"output":[[1]]}],"test":[{"input":[[0]],"output":[[5]]}]}`), 0o644)
	if _, errOut, err := runCLI(t, "data", "build", "maze", "--train", filepath.Join(dir, "maze.csv"), "--test", filepath.Join(dir, "maze.csv"), "--out", filepath.Join(dir, "built")); err != nil {
		t.Fatalf("build: %v %s", err, errOut)
	}
	for path, want := range map[string]tasks.Kind{
		filepath.Join(dir, "sudoku.csv"):     tasks.Sudoku,
		filepath.Join(dir, "maze.csv"):       tasks.Maze,
		arcDir:                               tasks.ARC,
		filepath.Join(dir, "built", "train"): tasks.Maze,
	} {
		src, err := harness.LoadTrainData(dir, []string{path}, "", harness.TrainDataSpec{BuildSeed: 42})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got := src.Data.Kind(); got != want {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
}

// train picks the recipe, records it in the checkpoint with the flags that
// overrode it, prints it, lists the recipes in --help and refuses recipe
// flags on --resume.
func TestTrainRecipeCLI(t *testing.T) {
	dir := t.TempDir()
	mazes := filepath.Join(dir, "mazes.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "8", "--size", "4", "--min-path", "2", "--seed", "3", "--out", mazes); err != nil {
		t.Fatalf("gen: %v %s", err, errOut)
	}
	tiny := `{"hidden_size":16,"num_heads":2,"H_cycles":1,"L_cycles":1,"H_layers":1,"L_layers":1,"halt_max_steps":2,"puzzle_emb_ndim":0}`
	for _, tc := range []struct {
		name   string
		args   []string
		recipe string
		check  func(c harness.TrainConfig) bool
		over   []string
		line   string
	}{
		{"hrm on mazes", []string{"--kind", "hrm", "--preset", "maze-30x30-hard", "--batch", "4", "--warmup", "1"}, "hrm-maze",
			func(c harness.TrainConfig) bool {
				return c.EMA == 0 && c.LR == 1e-4 && c.WeightDecay == 1 && c.GlobalBatch == 4 && c.MicroBatch == 4 && c.Warmup == 1
			},
			[]string{"batch", "warmup"}, "recipe hrm-maze (--preset maze-30x30-hard's) with --batch, --warmup overridden"},
		{"trm ARC preset", []string{"--preset", "arc1-att", "--batch", "4", "--micro-batch", "2"}, "trm-arc",
			func(c harness.TrainConfig) bool {
				return c.PuzzleLR == 1e-2 && c.WeightDecay == 0.1 && c.EMA == 0.999 && c.GlobalBatch == 4 && c.MicroBatch == 2 && c.Warmup == 2000
			},
			[]string{"batch"}, "recipe trm-arc (--preset arc1-att's; made for arc, the data is maze)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := filepath.Join(dir, tc.recipe)
			args := append([]string{"train", "--override", tiny, "--set", mazes, "--steps", "1", "--out", run}, tc.args...)
			_, errOut, err := runCLI(t, args...)
			if err != nil {
				t.Fatalf("train: %v\n%s", err, errOut)
			}
			if !strings.Contains(errOut, tc.line) {
				t.Errorf("training line: %s", errOut)
			}
			ck, err := harness.OpenCheckpoint(filepath.Join(run, harness.CheckpointFile))
			if err != nil {
				t.Fatal(err)
			}
			c := ck.TrainConfig()
			ck.Close()
			if c.Recipe != tc.recipe || !tc.check(c) || !slices.Equal(c.RecipeOverrides, tc.over) {
				t.Errorf("checkpoint's config %+v", c)
			}
			if _, _, err := runCLI(t, "train", "--resume", run, "--set", mazes, "--lr", "1"); err == nil || !strings.Contains(err.Error(), "--lr set a new run's recipe") {
				t.Errorf("a recipe flag on --resume: %v", err)
			}
		})
	}
	_, errOut, err := runCLI(t, "train", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"trm-arc        batch 768, lr 1e-4 constant after 2000 warm-up steps, wd 0.1, puzzle-emb lr 1e-2 wd 0.1, EMA 0.999",
		"hrm-sudoku     batch 768, lr 1e-4 constant after 2000 warm-up steps, wd 1, puzzle-emb lr 1e-4 wd 1, no EMA",
		"518,226 steps on arc1concept-aug-1000", "mlp-maze", "direct-sudoku",
		"hrm: arc-1, arc-2 → hrm-arc", "sudoku-mlp → mlp-sudoku",
		"no-recursion", "no-deep-supervision",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("train --help lacks %q", want)
		}
	}
}
