package tensors

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The config dict of each kind of config file: all_config.yaml's arch
// section (nested maps, scalars of every kind, lists), a fixture's
// "config" member, a bare dict.
func TestReadConfigDict(t *testing.T) {
	for _, tc := range []struct {
		name, file, text string
		want             map[string]any
	}{
		{"yaml arch section", "all_config.yaml", `arch:
  H_cycles: 3
  expansion: 4.5
  loss:
    loss_type: stablemax_cross_entropy
  mlp_t: false
  name: 'recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1'
  pos_encodings: "rope"
  puzzle_emb_len: null
data_paths:
- data/maze-30x30-hard-1k
`, map[string]any{"H_cycles": int64(3), "expansion": 4.5, "loss": map[string]any{"loss_type": "stablemax_cross_entropy"},
			"mlp_t": false, "name": "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1", "pos_encodings": "rope", "puzzle_emb_len": nil}},
		{"fixture", "tiny.json", `{"kind": "trm", "config": {"hidden_size": 32}}`, map[string]any{"hidden_size": 32.0}},
		{"bare dict", "c.json", `{"hidden_size": 32, "mlp_t": true}`, map[string]any{"hidden_size": 32.0, "mlp_t": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadConfigDict(writeFile(t, tc.file, tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("dict %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// Bad config files are errors that name the file and, for YAML, the line.
func TestReadConfigDictErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, text, want string }{
		{"yaml without arch", "a.yaml", "lr: 0.1\n", "a.yaml: no arch section"},
		{"yaml line", "b.yaml", "arch:\n  hidden_size 3\n", "b.yaml: line 2: want \"key: value\""},
		{"yaml list outside a key", "c.yaml", "- x\n", "c.yaml: line 1: list item outside a key"},
		{"json", "d.json", "{", "d.json: unexpected end of JSON input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadConfigDict(writeFile(t, tc.file, tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// ReadConfigFile sets the fields the file has and keeps the others.
func TestReadConfigFile(t *testing.T) {
	type config struct {
		Hidden int     `json:"hidden_size"`
		Eps    float64 `json:"rms_norm_eps"`
	}
	c := config{Hidden: 8, Eps: 1e-5}
	if err := ReadConfigFile(writeFile(t, "x.yaml", "arch:\n  hidden_size: 64\n"), &c); err != nil {
		t.Fatal(err)
	}
	if c != (config{Hidden: 64, Eps: 1e-5}) {
		t.Errorf("got %+v", c)
	}
	err := ReadConfigFile(writeFile(t, "y.json", `{"hidden_size": "wide"}`), &c)
	if err == nil || !strings.Contains(err.Error(), "y.json: json: cannot unmarshal string") {
		t.Errorf("err = %v", err)
	}
}

// Map reads rows within bounds only.
func TestMapRows(t *testing.T) {
	m := Map{"t": {Shape: []int{3, 2}, Data: []float32{0, 1, 2, 3, 4, 5}}, "v": {Shape: []int{2}, Data: []float32{1, 2}}}
	if got, err := m.Rows("t", 1, 2); err != nil || !slices.Equal(got, []float32{2, 3, 4, 5}) {
		t.Errorf("rows 1..3 = %v, %v", got, err)
	}
	for _, tc := range []struct {
		name         string
		start, count int
		want         string
	}{{"t", 2, 2, "rows 2..4 outside 0..3"}, {"t", -1, 1, "outside"}, {"v", 0, 1, "no 2-D tensor"}, {"w", 0, 1, "no 2-D tensor"}} {
		if _, err := m.Rows(tc.name, tc.start, tc.count); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s rows %d+%d: err = %v, want %q", tc.name, tc.start, tc.count, err, tc.want)
		}
	}
	c := m.Clone()
	c["t"].Data[0] = 9
	if m["t"].Data[0] != 0 {
		t.Error("Clone shares values")
	}
}
