package main

import (
	"strings"
	"testing"

	"arceval/models/registry"
	"arceval/models/trm"
)

// --ablation applies to TRM (the families whose config is a TRM config):
// every other family of the registry refuses it with a usage error, and an
// unknown kind is one.
func TestAblationForFamilies(t *testing.T) {
	for _, fam := range registry.Families {
		isTRM := fam.Kind() == trm.Kind
		a, err := ablationFor(fam.Kind(), "no-ema,T2n2")
		if isTRM {
			if err != nil || a.Model == nil || a.Recipe == nil {
				t.Errorf("%s: %v", fam.Kind(), err)
			}
			continue
		}
		if _, ok := err.(usageError); !ok || !strings.Contains(err.Error(), "--ablation applies to TRM") {
			t.Errorf("%s: error %v, want the usage error --ablation applies to TRM", fam.Kind(), err)
		}
	}
	if _, err := ablationFor("chess", "no-ema"); err == nil || !strings.Contains(err.Error(), "train: --kind:") {
		t.Errorf("unknown kind: %v", err)
	}
}
