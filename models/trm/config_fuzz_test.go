package trm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// configSeeds returns the config dicts of the parity fixtures (found by
// glob) and of the presets, as JSON.
func configSeeds(f *testing.F) [][]byte {
	var out [][]byte
	files, _ := filepath.Glob("../../testdata/parity/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var fx struct {
			Config json.RawMessage `json:"config"`
		}
		if json.Unmarshal(data, &fx) == nil && len(fx.Config) > 0 {
			out = append(out, fx.Config)
		}
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range Presets {
			if !yield(n) {
				return
			}
		}
	}) {
		raw, _ := json.Marshal(Presets[name])
		out = append(out, raw)
	}
	return out
}

// FuzzReadConfigFile: a --config file (JSON, or all_config.yaml by its
// extension) gives a config or an error naming the file; a config read
// from a file reads back the same after being written as JSON.
func FuzzReadConfigFile(f *testing.F) {
	for _, s := range configSeeds(f) {
		f.Add(s, false)
		f.Add([]byte(`{"config": `+string(s)+`}`), false)
	}
	if yaml, err := os.ReadFile("../tensors/testdata/all_config.yaml"); err == nil {
		f.Add(yaml, true)
	} else {
		f.Fatal(err)
	}
	f.Add([]byte("arch:\n  hidden_size: nan\n"), true)
	f.Add([]byte("arch:\n  hidden_size: '8'\n"), true)
	f.Add([]byte("arch: 5\n"), true)
	f.Add([]byte(`{"config": 5}`), false)
	f.Fuzz(func(t *testing.T, data []byte, yaml bool) {
		name := "config.json"
		if yaml {
			name = "all_config.yaml"
		}
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := ReadConfigFile(path, DefaultConfig())
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		again := filepath.Join(dir, "again.json")
		if err := os.WriteFile(again, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		back, err := ReadConfigFile(again, Config{})
		if err != nil || back != c {
			t.Fatalf("round trip: %+v, %v; want %+v", back, err, c)
		}
	})
}
