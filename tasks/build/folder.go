package build

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"arceval/internal/npy"
)

// folderWriter writes a built dataset into "<out>.partial" and renames it to
// out on commit; abort removes the partial folder.
type folderWriter struct {
	out, tmp string
	done     bool
}

func newFolderWriter(out string, force bool) (*folderWriter, error) {
	if out == "" {
		return nil, fmt.Errorf("build: no output folder (--out)")
	}
	if _, err := os.Stat(out); err == nil && !force {
		return nil, fmt.Errorf("%s: already exists (use --force to replace it)", out)
	}
	tmp := out + ".partial"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	return &folderWriter{out: out, tmp: tmp}, nil
}

// path returns the temporary location of a file of the build.
func (w *folderWriter) path(parts ...string) string {
	return filepath.Join(append([]string{w.tmp}, parts...)...)
}

// create opens a new file (and its folder) inside the build.
func (w *folderWriter) create(parts ...string) (*os.File, error) {
	p := w.path(parts...)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.Create(p)
}

// writeFile writes a whole file and syncs it.
func (w *folderWriter) writeFile(data []byte, parts ...string) error {
	f, err := w.create(parts...)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (w *folderWriter) writeJSON(name string, data []byte) error { return w.writeFile(data, name) }

// writeIndex writes a split's dataset.json and its three int32 index arrays.
func (w *folderWriter) writeIndex(split string, meta Metadata, identifiers, puzzleIdx, groupIdx []int32) error {
	if err := w.writeFile(meta.pythonJSON(), split, "dataset.json"); err != nil {
		return err
	}
	for _, a := range []struct {
		name string
		data []int32
	}{{"puzzle_identifiers", identifiers}, {"puzzle_indices", puzzleIdx}, {"group_indices", groupIdx}} {
		f, err := w.create(split, "all__"+a.name+".npy")
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(f)
		err = npy.Write(bw, "<i4", []int{len(a.data)}, a.data)
		if err == nil {
			err = bw.Flush()
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name(), err)
		}
	}
	return nil
}

// commit renames the finished build into place.
func (w *folderWriter) commit() error {
	if err := os.RemoveAll(w.out); err != nil {
		return err
	}
	if err := os.Rename(w.tmp, w.out); err != nil {
		return err
	}
	w.done = true
	return nil
}

// abort removes an unfinished build.
func (w *folderWriter) abort() {
	if !w.done {
		os.RemoveAll(w.tmp)
	}
}

// rowPair streams the inputs and labels arrays of one split.
type rowPair struct {
	files [2]*os.File
	bufs  [2]*bufio.Writer
	npys  [2]*npy.Writer
}

// rowWriters opens all__inputs.npy and all__labels.npy for n rows of seqLen
// tokens of the given dtype ("|u1", or "<i8" as numpy writes augmented Sudoku).
func (w *folderWriter) rowWriters(split string, n, seqLen int, descr string) (*rowPair, error) {
	rp := &rowPair{}
	for i, name := range []string{"inputs", "labels"} {
		f, err := w.create(split, "all__"+name+".npy")
		if err != nil {
			return nil, err
		}
		rp.files[i] = f
		rp.bufs[i] = bufio.NewWriterSize(f, 1<<20)
		if rp.npys[i], err = npy.NewWriter(rp.bufs[i], descr, []int{n, seqLen}); err != nil {
			return nil, err
		}
	}
	return rp, nil
}

// add appends one example (input row, label row) of uint8 tokens.
func (rp *rowPair) add(inp, lab []uint8) error {
	if _, err := rp.npys[0].Write(inp); err != nil {
		return fmt.Errorf("%s: %w", rp.files[0].Name(), err)
	}
	if _, err := rp.npys[1].Write(lab); err != nil {
		return fmt.Errorf("%s: %w", rp.files[1].Name(), err)
	}
	return nil
}

// addInt64 appends one example as int64 tokens (for '<i8' arrays).
func (rp *rowPair) addInt64(inp, lab []int64) error {
	if err := npy.WriteValues(rp.npys[0], inp); err != nil {
		return fmt.Errorf("%s: %w", rp.files[0].Name(), err)
	}
	if err := npy.WriteValues(rp.npys[1], lab); err != nil {
		return fmt.Errorf("%s: %w", rp.files[1].Name(), err)
	}
	return nil
}

// close checks the row counts, flushes and syncs both files.
func (rp *rowPair) close() error {
	var first error
	for i := range rp.files {
		err := rp.npys[i].Close()
		if err == nil {
			err = rp.bufs[i].Flush()
		}
		if err == nil {
			err = rp.files[i].Sync()
		}
		if cerr := rp.files[i].Close(); err == nil {
			err = cerr
		}
		if err != nil && first == nil {
			first = fmt.Errorf("%s: %w", rp.files[i].Name(), err)
		}
	}
	return first
}
