package trm

import (
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"arceval/models/checkpoint"
)

// rewriteMeta copies a safetensors file with its metadata changed by edit.
func rewriteMeta(t *testing.T, path string, edit func(map[string]string)) string {
	t.Helper()
	f, err := checkpoint.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var list []checkpoint.NamedTensor
	for _, k := range f.Keys() {
		tn, _ := f.Tensor(k)
		nt := checkpoint.FromTensor(tn)
		nt.Name = k
		list = append(list, nt)
	}
	md := maps.Clone(f.Metadata())
	edit(md)
	out := filepath.Join(t.TempDir(), "edited.safetensors")
	if err := checkpoint.WriteSafetensors(out, list, md); err != nil {
		t.Fatal(err)
	}
	return out
}

// A native file of a format this build does not know is refused, not read
// as if it were ours (LoadFile skipped AsNative's version check).
func TestLoadFileChecksNativeFormat(t *testing.T) {
	c := Config{SeqLen: 4, VocabSize: 5, HiddenSize: 8, NumHeads: 2, Expansion: 2, LLayers: 1, HCycles: 1, LCycles: 1,
		HaltMaxSteps: 2, PosEncodings: "rope", RMSNormEps: 1e-5, RopeTheta: 10000}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := WriteTensors(path, c, InitTensors(c, 1), nil); err != nil {
		t.Fatal(err)
	}
	if _, src, err := LoadFile(path, nil); err != nil {
		t.Fatal(err)
	} else {
		src.Close()
	}
	for _, tc := range []struct {
		name string
		edit func(map[string]string)
		want string
	}{
		{"newer", func(md map[string]string) { md[checkpoint.MetaFormat] = "2" }, `arceval.format is "2", this build reads "1"`},
		{"no version", func(md map[string]string) { delete(md, checkpoint.MetaFormat) }, `no "arceval.format" entry`},
		{"bad config", func(md map[string]string) { md[checkpoint.MetaConfig] = "{" }, "arceval.config is missing or not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := rewriteMeta(t, path, tc.edit)
			_, _, err := LoadFile(p, nil)
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q naming the file", err, tc.want)
			}
		})
	}
}
