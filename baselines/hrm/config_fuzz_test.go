package hrm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"arceval/models/act"
	"arceval/models/checkpoint"
)

// fixtureConfig returns the config dict of the tiny_hrm parity fixture.
func fixtureConfig(f *testing.F) []byte {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "parity", "tiny_hrm.json"))
	if err != nil {
		f.Fatal(err)
	}
	var fx struct {
		Config json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(data, &fx); err != nil {
		f.Fatal(err)
	}
	return fx.Config
}

// hostileConfigs are edits of a config dict that once sized allocations
// or loops before any check.
var hostileConfigs = []string{`"seq_len":100000000`, `"num_puzzle_identifiers":1099511627776`, `"H_cycles":1099511627776`,
	`"L_cycles":-1`, `"hidden_size":1073741824`, `"num_heads":0`, `"expansion":-1`, `"expansion":1e300`, `"halt_max_steps":1099511627776`,
	`"puzzle_emb_ndim":1099511627776`, `"pos_encodings":"none"`, `"vocab_size":0`}

// edited returns config with one "key":value edit applied.
func edited(config []byte, edit string) []byte {
	k, v, _ := strings.Cut(edit, ":")
	var m map[string]any
	json.Unmarshal(config, &m)
	var val any
	json.Unmarshal([]byte(v), &val)
	m[strings.Trim(k, `"`)] = val
	raw, _ := json.Marshal(m)
	return raw
}

// FuzzParseConfig: a config dict decodes to a config that validates and
// survives a JSON round trip, or to an error saying whose config it is.
func FuzzParseConfig(f *testing.F) {
	good := fixtureConfig(f)
	f.Add(good)
	for _, e := range hostileConfigs {
		f.Add(edited(good, e))
	}
	for _, s := range []string{`{}`, `null`, `[]`, `{"seq_len": 1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "hrm config: ") {
				t.Fatalf("error %q does not say what it is about", err)
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
		back, err := ParseConfig(raw)
		if err != nil || back != c {
			t.Fatalf("round trip: %+v, %v; want %+v", back, err, c)
		}
	})
}

// FuzzNativeMetadata: a native file's kind and config over the tiny
// fixture model's tensors load into a model with the header's config, or
// fail with an error naming the file; loading allocates in proportion to
// the file, whatever the header claims.
func FuzzNativeMetadata(f *testing.F) {
	good := fixtureConfig(f)
	c, err := ParseConfig(good)
	if err != nil {
		f.Fatal(err)
	}
	weights := InitTensors(c, 1)
	var list []checkpoint.NamedTensor
	for _, s := range c.Specs() {
		list = append(list, checkpoint.Float32Tensor(s.Name, weights[s.Name].Shape, weights[s.Name].Data))
	}
	kind := Kind
	f.Add(kind, string(good))
	for _, e := range hostileConfigs {
		f.Add(kind, string(edited(good, e)))
	}
	f.Add("trm", string(good))
	f.Add(kind, `{`)
	f.Fuzz(func(t *testing.T, kind, config string) {
		path := filepath.Join(t.TempDir(), "model.safetensors")
		meta := map[string]string{checkpoint.MetaFormat: checkpoint.NativeFormatVersion, checkpoint.MetaKind: kind, checkpoint.MetaConfig: config}
		if err := checkpoint.WriteSafetensors(path, list, meta); err != nil {
			return
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		loaded, src, err := act.LoadFile(Family, path, nil)
		runtime.ReadMemStats(&after)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		defer src.Close()
		if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
			t.Fatalf("loading the tiny model allocated %d bytes", n)
		}
		want, err := ParseConfig([]byte(config))
		if m, ok := loaded.(*Model); err != nil || !ok || m.Cfg != want {
			t.Fatalf("loaded %+v, the header's config %+v (%v)", loaded, want, err)
		}
	})
}
