package trm

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"arceval/models/act"
	"arceval/models/checkpoint"
)

// fuzzConfig is a TRM small enough to load thousands of times a second.
func fuzzConfig() Config {
	c := DefaultConfig()
	c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers, c.PuzzleEmbNdim, c.PuzzleEmbLen = 4, 5, 3, 8, 1
	c.HiddenSize, c.NumHeads, c.Expansion, c.LLayers, c.HCycles, c.LCycles = 8, 2, 2, 1, 1, 1
	c.HaltMaxSteps, c.PosEncodings, c.ForwardDtype = 2, "rope", "float32"
	return c
}

// FuzzNativeMetadata: the metadata of a native file (format version, kind
// and config JSON) over a tiny model's tensors loads into a model whose
// config is the one the header holds, or fails with an error naming the
// file; loading allocates in proportion to the file, whatever the header
// claims.
func FuzzNativeMetadata(f *testing.F) {
	c := fuzzConfig()
	weights := InitTensors(c, 1)
	var list []checkpoint.NamedTensor
	for _, s := range c.Specs() {
		list = append(list, checkpoint.Float32Tensor(s.Name, weights[s.Name].Shape, weights[s.Name].Data))
	}
	good, _ := json.Marshal(c)
	f.Add("1", Kind, string(good))
	mlp := c
	mlp.MLPT, mlp.PosEncodings = true, "none"
	raw, _ := json.Marshal(mlp)
	f.Add("1", Kind, string(raw))
	for _, edit := range []string{`"seq_len":100000000`, `"puzzle_emb_len":1099511627776`, `"hidden_size":16`, `"num_heads":0`, `"vocab_size":-1`, `"pos_encodings":"learned"`} {
		k, _, _ := strings.Cut(edit, ":")
		var m map[string]any
		json.Unmarshal(good, &m)
		var v any
		json.Unmarshal([]byte(strings.TrimPrefix(edit, k+":")), &v)
		m[strings.Trim(k, `"`)] = v
		raw, _ := json.Marshal(m)
		f.Add("1", Kind, string(raw))
	}
	f.Add("2", Kind, string(good))
	f.Add("1", "hrm", string(good))
	f.Add("1", Kind, `{`)
	f.Add("1", "", `null`)
	f.Fuzz(func(t *testing.T, format, kind, config string) {
		path := filepath.Join(t.TempDir(), "model.safetensors")
		meta := map[string]string{checkpoint.MetaFormat: format, checkpoint.MetaKind: kind, checkpoint.MetaConfig: config}
		if err := checkpoint.WriteSafetensors(path, list, meta); err != nil {
			return // metadata the writer refuses cannot be in a file
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
		// The model holds the file's floats once, plus RoPE tables and
		// work buffers that scale with seq_len.
		if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
			t.Fatalf("loading a %d-parameter model allocated %d bytes", len(list), n)
		}
		want, err := ParseConfig([]byte(config))
		if m, ok := loaded.(*Model); err != nil || !ok || m.Cfg != want {
			t.Fatalf("loaded %+v, the header's config %+v (%v)", loaded, want, err)
		}
	})
}
