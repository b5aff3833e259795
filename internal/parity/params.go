package parity

import (
	"slices"
	"testing"

	"arceval/models"
)

// CheckParams checks that m's Params list every name of want once, in that
// order (the model's non-buffer specs), holding wantN values in all (the
// config's official parameter count); variant names the case in errors.
func CheckParams(t *testing.T, variant string, m models.Trainable, want []string, wantN int) {
	t.Helper()
	var got []string
	n := 0
	for _, p := range m.Params() {
		got = append(got, p.Name)
		n += len(p.W)
	}
	if !slices.Equal(got, want) || n != wantN {
		t.Errorf("%s: params %v (%d values), want %v (%d)", variant, got, n, want, wantN)
	}
}

// FileLoader turns a family's LoadFile into Trainable.Load: the file's
// tensor source stays open until the test ends.
func FileLoader[M models.Model, S interface{ Close() error }](t *testing.T, loadFile func(path string) (M, S, error)) func(string) (models.Model, error) {
	return func(path string) (models.Model, error) {
		m, src, err := loadFile(path)
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { src.Close() })
		return m, nil
	}
}
