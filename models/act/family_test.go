package act_test

import (
	"strings"
	"testing"

	"arceval/baselines/hrm"
	"arceval/models/act"
	"arceval/models/trm"
)

// A family refuses another family's config, and an unknown preset with the
// known ones.
func TestFamilyConfigs(t *testing.T) {
	c, err := hrm.Family.Config("sudoku-extreme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trm.Family.Load(c, nil); err == nil || !strings.Contains(err.Error(), "trm: a *hrm.Config is not a TRM config") {
		t.Errorf("trm.Family.Load(an HRM config): err = %v", err)
	}
	if _, err := trm.Family.Config("sudoku"); err == nil || !strings.Contains(err.Error(), `unknown TRM preset "sudoku" (known: arc1-att,`) {
		t.Errorf("err = %v", err)
	}
	d, err := trm.Family.Config("")
	if err != nil {
		t.Fatal(err)
	}
	if got := *d.(*trm.Config); got != trm.DefaultConfig() {
		t.Errorf("the default config %+v, want trm.DefaultConfig", got)
	}
	if _, err := act.ParseConfig(trm.Family, []byte(`{"hidden_size": "wide"}`)); err == nil || !strings.Contains(err.Error(), "trm config: json") {
		t.Errorf("ParseConfig: err = %v", err)
	}
	if err := act.Override(d, []byte(`{"hidden_size": 64, "L_cycles": 2}`)); err != nil || d.(*trm.Config).HiddenSize != 64 || d.(*trm.Config).LCycles != 2 {
		t.Errorf("Override: %v, %+v", err, d)
	}
}
