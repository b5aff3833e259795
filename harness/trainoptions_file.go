package harness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"arceval/internal/atomicfile"
)

// maxOptionsFile bounds the options file read back (a few hundred bytes).
const maxOptionsFile = 1 << 20

// optionsFile is options.json, format 1: every option's value as its text.
type optionsFile struct {
	Format  int               `json:"arceval_train_options"`
	Options map[string]string `json:"options"`
}

// SaveTrainOptions writes a run's options to dir's options.json: every
// option, except the model and recipe options not given (the checkpoint
// holds the values they resolved to).
func SaveTrainOptions(dir string, o *TrainOptions) error {
	f := optionsFile{Format: 1, Options: map[string]string{}}
	for _, t := range trainOptionTable {
		if (t.class == newRunOption || t.class == recipeOption) && !o.given(t.name) {
			continue
		}
		f.Options[t.name] = t.value(o).String()
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, TrainOptionsFile), append(data, '\n'))
}

// ReadTrainOptions reads dir's options.json as text by option name; ok is
// false when the run predates the file.
func ReadTrainOptions(dir string) (opts map[string]string, ok bool, err error) {
	path := filepath.Join(dir, TrainOptionsFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if n, err := buf.ReadFrom(io.LimitReader(f, maxOptionsFile+1)); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	} else if n > maxOptionsFile {
		return nil, false, fmt.Errorf("%s: larger than %d bytes: not an options file", path, maxOptionsFile)
	}
	var of optionsFile
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&of); err != nil {
		return nil, false, fmt.Errorf("%s: %v", path, err)
	}
	if of.Format != 1 {
		return nil, false, fmt.Errorf("%s: options format %d, this arceval reads 1", path, of.Format)
	}
	return of.Options, true, nil
}

// RestoreTrainOptions sets every option not given to the run's value
// (opts, read from dir's options.json). An option given with another value
// than the run's is refused (the run would change course halfway), except
// the per-process ones (data root, evaluation batch, budget); an option the
// file names that is none is an error naming the file.
func RestoreTrainOptions(dir string, o *TrainOptions, opts map[string]string) error {
	path := filepath.Join(dir, TrainOptionsFile)
	var conflicts []string
	for _, name := range slices.Sorted(maps.Keys(opts)) {
		v := opts[name]
		t, ok := lookupOption(name)
		if !ok {
			return fmt.Errorf("%s: option %q: train has no such flag", path, name)
		}
		val := t.value(o)
		if o.given(name) {
			if t.class == perProcess {
				continue
			}
			if !sameOption(name, val.String(), v) {
				conflicts = append(conflicts, fmt.Sprintf("--%s %s (the run's: %q)", name, val.String(), v))
				continue
			}
			// The same data by another path: the run's spelling, which its
			// data description (checked against the checkpoint) holds.
		}
		if err := val.Set(v); err != nil {
			return fmt.Errorf("%s: option %q: %v", path, name, err)
		}
	}
	if len(conflicts) > 0 {
		return OptionError{fmt.Sprintf("train: %s: --resume continues with the options saved in %s; give no flag or the run's value", strings.Join(conflicts, ", "), path)}
	}
	return nil
}

// sameOption reports whether two values of an option name the same thing:
// equal text, or, for the data options, the same files (one path may be
// relative, the other absolute).
func sameOption(name, a, b string) bool {
	if a == b {
		return true
	}
	if name != "set" && name != "eval-set" {
		return false
	}
	as, bs := strings.Split(a, ","), strings.Split(b, ",")
	if len(as) != len(bs) {
		return false
	}
	for i := range as {
		if filepath.Clean(as[i]) == filepath.Clean(bs[i]) {
			continue
		}
		fa, errA := os.Stat(as[i])
		fb, errB := os.Stat(bs[i])
		if errA != nil || errB != nil || !os.SameFile(fa, fb) {
			return false
		}
	}
	return true
}
