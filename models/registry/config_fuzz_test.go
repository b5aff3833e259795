package registry

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/checkpoint"
)

// hostileEdits are edits of a config dict that once sized allocations or
// loops before any check.
var hostileEdits = []string{`"seq_len":100000000`, `"num_puzzle_identifiers":1099511627776`, `"H_cycles":1099511627776`,
	`"L_cycles":-1`, `"hidden_size":1073741824`, `"num_heads":0`, `"expansion":-1`, `"expansion":1e300`,
	`"halt_max_steps":1099511627776`, `"puzzle_emb_ndim":1099511627776`, `"puzzle_emb_len":1099511627776`,
	`"pos_encodings":"none"`, `"vocab_size":0`}

// edited returns a config dict with one "key":value edit applied.
func edited(config []byte, edit string) []byte {
	k, v, _ := strings.Cut(edit, ":")
	var m map[string]any
	json.Unmarshal(config, &m)
	if m == nil {
		m = map[string]any{}
	}
	var val any
	json.Unmarshal([]byte(v), &val)
	m[strings.Trim(k, `"`)] = val
	raw, _ := json.Marshal(m)
	return raw
}

// configSeeds are, per family, the config dicts of its parity fixtures
// (found by glob; a fixture whose config parses as the family's) and of its
// presets, each also with every hostile edit.
func configSeeds(f *testing.F) map[string][][]byte {
	files, _ := filepath.Glob("../../testdata/parity/*.json")
	var fixtures [][]byte
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var fx struct {
			Config json.RawMessage `json:"config"`
		}
		if json.Unmarshal(data, &fx) == nil && len(fx.Config) > 0 {
			fixtures = append(fixtures, fx.Config)
		}
	}
	out := map[string][][]byte{}
	for _, fam := range Families {
		var good [][]byte
		for _, raw := range fixtures {
			if _, err := act.ParseConfig(fam, raw); err == nil {
				good = append(good, raw)
			}
		}
		for _, p := range fam.Presets() {
			if c, err := fam.Config(p); err == nil {
				raw, _ := json.Marshal(c)
				good = append(good, raw)
			}
		}
		for _, g := range good {
			out[fam.Kind()] = append(out[fam.Kind()], g)
			for _, e := range hostileEdits {
				out[fam.Kind()] = append(out[fam.Kind()], edited(g, e))
			}
		}
	}
	return out
}

// FuzzParseConfig: for every family, a config dict (a native header, a
// training checkpoint's, a config file's) decodes to a config that
// validates and survives a JSON round trip, or to an error saying whose
// config it is.
func FuzzParseConfig(f *testing.F) {
	for kind, seeds := range configSeeds(f) {
		for _, s := range seeds {
			f.Add(kind, s)
		}
		for _, s := range []string{`{}`, `null`, `[]`, `{"seq_len": 1e400}`, `{"pos_encodings": 5}`} {
			f.Add(kind, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, kind string, data []byte) {
		fam, err := Lookup(kind)
		if err != nil {
			return
		}
		c, err := act.ParseConfig(fam, data)
		if err != nil {
			if !strings.Contains(err.Error(), "config") {
				t.Fatalf("%s: error %q does not say what it is about", kind, err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		back, err := act.ParseConfig(fam, raw)
		if err != nil {
			t.Fatalf("%s: round trip of %s: %v", kind, raw, err)
		}
		if again, _ := json.Marshal(back); string(again) != string(raw) {
			t.Fatalf("%s: round trip\n%s\ngave\n%s", kind, raw, again)
		}
	})
}

// tinyConfig is a family's first preset shrunk to a model that loads
// thousands of times a second.
func tinyConfig(f *testing.F, fam models.Family) models.Config {
	c, err := fam.Config(fam.Presets()[0])
	if err != nil {
		f.Fatal(err)
	}
	small := `{"seq_len":4,"vocab_size":5,"num_puzzle_identifiers":3,"hidden_size":8,"num_heads":2,"expansion":2,"halt_max_steps":2,"puzzle_emb_ndim":8}`
	if err := act.Override(c, []byte(small)); err != nil {
		f.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		f.Fatalf("%s: %v", fam.Kind(), err)
	}
	return c
}

// FuzzNativeMetadata: for every family, a native file's format version,
// kind and config over a tiny model's tensors load into a model whose
// config is the header's, or fail with an error naming the file; loading
// allocates in proportion to the file, whatever the header claims.
func FuzzNativeMetadata(f *testing.F) {
	lists := map[string][]checkpoint.NamedTensor{}
	for _, fam := range Families {
		c := tinyConfig(f, fam)
		weights := act.InitTensors(c.Specs(), 1)
		var list []checkpoint.NamedTensor
		for _, s := range c.Specs() {
			list = append(list, checkpoint.Float32Tensor(s.Name, weights[s.Name].Shape, weights[s.Name].Data))
		}
		lists[fam.Kind()] = list
		good, _ := json.Marshal(c)
		f.Add(fam.Kind(), "1", fam.Kind(), string(good))
		f.Add(fam.Kind(), "2", fam.Kind(), string(good))
		f.Add(fam.Kind(), "1", fam.Kind(), `{`)
		f.Add(fam.Kind(), "1", "", `null`)
		for _, e := range hostileEdits {
			f.Add(fam.Kind(), "1", fam.Kind(), string(edited(good, e)))
		}
		for _, other := range Families {
			f.Add(fam.Kind(), "1", other.Kind(), string(good))
		}
	}
	f.Fuzz(func(t *testing.T, family, format, kind, config string) {
		fam, err := Lookup(family)
		if err != nil {
			return
		}
		path := filepath.Join(t.TempDir(), "model.safetensors")
		meta := map[string]string{checkpoint.MetaFormat: format, checkpoint.MetaKind: kind, checkpoint.MetaConfig: config}
		if err := checkpoint.WriteSafetensors(path, lists[fam.Kind()], meta); err != nil {
			return // metadata the writer refuses cannot be in a file
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, src, err := act.LoadFile(fam, path, nil)
		runtime.ReadMemStats(&after)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("%s: error %q does not name the file", family, err)
			}
			return
		}
		defer src.Close()
		// The model holds the file's floats once, plus RoPE tables and
		// work buffers that scale with seq_len.
		if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
			t.Fatalf("%s: loading a tiny model allocated %d bytes", family, n)
		}
		want, err := act.ParseConfig(fam, []byte(config))
		if err != nil {
			t.Fatalf("%s: loaded a model from a header whose config does not parse: %v", family, err)
		}
		got, _ := m.(interface{ ConfigJSON() ([]byte, error) }).ConfigJSON()
		if w, _ := json.Marshal(want); string(got) != string(w) {
			t.Fatalf("%s: loaded config %s, the header's %s", family, got, w)
		}
	})
}
