package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"arceval/internal/atomicfile"
)

// TrainOptionsFile holds, in a run folder, the train flags the run was
// started with, so that `train --resume DIR` continues with all of them
// (evaluation set and cadence, logging, checkpoints, data…) and not with
// the flags' defaults.
const TrainOptionsFile = "options.json"

// maxOptionsFile bounds the options file read back (a few hundred bytes).
const maxOptionsFile = 1 << 20

// trainOptions is the options file: every train flag's value as its text.
type trainOptions struct {
	Format  int               `json:"arceval_train_options"`
	Options map[string]string `json:"options"`
}

// Flags of train that are not options of the run: where it is and this
// process's threads.
var notRunOptions = []string{"out", "resume", "threads", "augment", "help"}

// perProcessOptions are restored when not given but may be given anew on
// resume: where the data root is on this machine, the evaluation batch
// (results do not depend on it) and the wall-time budget of this process.
var perProcessOptions = []string{"data", "eval-batch", "budget"}

// saveTrainOptions writes the options of a new run: every flag's value,
// except the model and recipe flags left at their defaults (the
// checkpoint holds the values they resolved to).
func saveTrainOptions(dir string, fs *pflag.FlagSet, recipeFlagNames []string) error {
	o := trainOptions{Format: 1, Options: map[string]string{}}
	fs.VisitAll(func(f *pflag.Flag) {
		if slices.Contains(notRunOptions, f.Name) {
			return
		}
		if !f.Changed && (slices.Contains(newRunFlags, f.Name) || slices.Contains(recipeFlagNames, f.Name)) {
			return
		}
		o.Options[f.Name] = f.Value.String()
	})
	data, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, TrainOptionsFile), append(data, '\n'))
}

// readTrainOptions reads a run folder's options; ok is false when the run
// predates the file.
func readTrainOptions(dir string) (o trainOptions, ok bool, err error) {
	path := filepath.Join(dir, TrainOptionsFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return o, false, nil
	}
	if err != nil {
		return o, false, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if n, err := buf.ReadFrom(io.LimitReader(f, maxOptionsFile+1)); err != nil {
		return o, false, fmt.Errorf("%s: %w", path, err)
	} else if n > maxOptionsFile {
		return o, false, fmt.Errorf("%s: larger than %d bytes: not an options file", path, maxOptionsFile)
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return o, false, fmt.Errorf("%s: %v", path, err)
	}
	if o.Format != 1 {
		return o, false, fmt.Errorf("%s: options format %d, this arceval reads 1", path, o.Format)
	}
	return o, true, nil
}

// restoreTrainOptions sets every flag not given on the command line to the
// run's value. A flag given with another value than the run's is refused
// (the run would change course halfway), except the per-process ones.
func restoreTrainOptions(dir string, fs *pflag.FlagSet, o trainOptions) error {
	path := filepath.Join(dir, TrainOptionsFile)
	var conflicts []string
	for _, name := range sortedNames(o.Options) {
		v := o.Options[name]
		f := fs.Lookup(name)
		if f == nil {
			return fmt.Errorf("%s: option %q: train has no such flag", path, name)
		}
		if f.Changed {
			if slices.Contains(perProcessOptions, name) {
				continue
			}
			if !sameOption(name, f.Value.String(), v) {
				conflicts = append(conflicts, fmt.Sprintf("--%s %s (the run's: %q)", name, f.Value.String(), v))
				continue
			}
			// The same data by another path: the run's spelling, which its
			// data description (checked against the checkpoint) holds.
		}
		if err := f.Value.Set(v); err != nil {
			return fmt.Errorf("%s: option %q: %v", path, name, err)
		}
	}
	if len(conflicts) > 0 {
		return usageError{fmt.Sprintf("train: %s: --resume continues with the options saved in %s; give no flag or the run's value", strings.Join(conflicts, ", "), path)}
	}
	return nil
}

// sameOption reports whether two values of a flag name the same thing:
// equal text, or, for the data flags, the same files (one path may be
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

func sortedNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
