package build

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"arceval/internal/testenv"
)

// Golden sha256 of every file the official build_arc_dataset.py algorithm
// writes for ARC-AGI-1 (subsets training,evaluation,concept, test set
// evaluation, seed 42, num_aug 3) from ../shared/data/trm-kaggle-combined,
// run with numpy 1.24.2 (Debian). Any difference in the random stream, the
// augmentation order, the duplicate check, the translation or the encoding
// changes these.
var goldenARC1Aug3 = map[string]string{
	"identifiers.json":                  "3eca0a15347a9aff9efc81a1a1b6bb263d9e2ce7d5972d826f0498171c885b2a",
	"test_puzzles.json":                 "842f2960eb8f4d7b77a083ffd01abbc4841f979187a33daaac10676982858be2",
	"test/all__puzzle_indices.npy":      "86d1cd68b189f3207e4373f5885b98d22ddc5ead2cdce287eec097de9c918b41",
	"test/all__inputs.npy":              "2b71accd54a3fb9d36ca784f72103185bcd8f6e3ed981bfa0d2a859634743d62",
	"test/all__labels.npy":              "5769cf00918682dd599fd9e3a61d92aeddc96857cf2b56c8344477f12b06278a",
	"test/dataset.json":                 "3247a7c3be0a8884af8922fe0daff728c1b43dd626b43891d4f566b1fb09244c",
	"test/all__group_indices.npy":       "0ae09f1a67c017e7885132b79c7de49994a0e7e40f8cd0bab23875ab58988691",
	"test/all__puzzle_identifiers.npy":  "855acbffdd4e0b781cb2401504930b42d22605c032638753e9dd6d1e8c9f5aff",
	"train/all__puzzle_indices.npy":     "6bae72478e8a29aec1dda985962dd8a1abbb41ffc001554f8398747025d2a0dd",
	"train/all__inputs.npy":             "e01c87021b224f4b604abe8a753009fae38932048a2e8dc067f43536a4ce2de1",
	"train/all__labels.npy":             "f6712c8bd42105f03ed27dad600d8261e13fab1b5ecf89a5c84db2ef449bc2ce",
	"train/dataset.json":                "a6fdce2d67ec1991892c7d1bcd9fc47e05da15fb42a5aa5d628186549ffaf10e",
	"train/all__group_indices.npy":      "80f0f87d5a5fba61cfe509d6c95d8d19dc5c23ee267babffdea9893d8a0d2dc7",
	"train/all__puzzle_identifiers.npy": "6ab63127f88dccd8e067cfa9b088ed1de60c6b8414e9b3a9ce0b9ba48fbb43fc",
}

func TestBuildARCMatchesOfficial(t *testing.T) {
	root := testenv.DataRoot(t)
	out := filepath.Join(t.TempDir(), "arc1-aug3")
	cfg := DefaultARCConfig(filepath.Join(root, "trm-kaggle-combined", "arc-agi"), out)
	cfg.NumAug = 3
	stats, err := BuildARC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Identifiers != 3841 {
		t.Errorf("identifiers = %d, official build gives 3841", stats.Identifiers)
	}
	for name, want := range goldenARC1Aug3 {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Error(err)
			continue
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: sha256 %s, official %s", name, got, want)
		}
	}
}
