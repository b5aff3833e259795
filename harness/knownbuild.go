package harness

import (
	"fmt"
	"os"
	"path/filepath"

	"arceval/results"
	"arceval/tasks/build"
)

// KaggleARCPrefix is where TRM's Kaggle ARC files lie under a data root (the
// prefix of "<prefix>_<subset>_challenges.json"), as `data build arc` reads
// them.
func KaggleARCPrefix(root string) string {
	return filepath.Join(root, "trm-kaggle-combined", "arc-agi")
}

// PlanKnownBuild plans one of TRM's released builds from the Kaggle files
// under a data root with its recipe (kb.Subsets, kb.TestSubset, the
// builder's defaults) and checks that the plan is that build: its
// identifiers' count and digest. About 20–30 s of CPU and a few hundred MB.
func PlanKnownBuild(root string, kb results.KnownBuild) (*build.ARCPlan, error) {
	cfg := build.DefaultARCConfig(KaggleARCPrefix(root), "")
	cfg.Subsets, cfg.TestSet = kb.Subsets, kb.TestSubset
	plan, err := build.PlanARCFiles(cfg)
	if err != nil {
		return nil, err
	}
	ids := plan.Identifiers()
	if got := results.IdentifiersDigest(ids); len(ids) != kb.Identifiers || got != kb.Hash {
		return nil, fmt.Errorf("%s: planned from %s_*.json: %d identifiers, digest %s; the released build has %d, %s (other files than TRM's?)",
			kb.ID, cfg.InputPrefix, len(ids), got, kb.Identifiers, kb.Hash)
	}
	return plan, nil
}

// MissingBuildFiles lists the Kaggle challenge files of a known build's
// recipe that are not under a data root.
func MissingBuildFiles(root string, kb results.KnownBuild) []string {
	var missing []string
	for _, s := range kb.Subsets {
		path := KaggleARCPrefix(root) + "_" + s + "_challenges.json"
		if _, err := os.Stat(path); err != nil {
			missing = append(missing, path)
		}
	}
	return missing
}
