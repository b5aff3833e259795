package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"arceval/internal/userfile"
)

// maxRunBytes bounds a run file read whole: the full Sudoku-Extreme test
// set (422,786 records of a few hundred bytes) needs about 150 MB.
const maxRunBytes = 4 << 30

// maxLine bounds one record (a 30×30 grid pair with votes is a few KB).
const maxLine = 16 << 20

// Run is a run file read back: its header, the complete item records in
// file order, and whether a torn last line was dropped.
type Run struct {
	Path      string
	Header    Header
	Items     []Item
	TornBytes int // bytes of an incomplete last line that were ignored
}

// Read reads a run file. A last line without its newline (a run killed while
// writing) is ignored and reported in TornBytes; any other malformed line is
// an error naming the file and the line.
func Read(path string) (*Run, error) {
	data, err := userfile.ReadFile(path, maxRunBytes)
	if err != nil {
		return nil, err
	}
	return parse(path, data)
}

func parse(path string, data []byte) (*Run, error) {
	r := &Run{Path: path}
	if i := bytes.LastIndexByte(data, '\n'); i != len(data)-1 {
		r.TornBytes = len(data) - (i + 1)
		data = data[:i+1]
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: no header line", path)
	}
	line := 0
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		text := data[:i]
		data = data[i+1:]
		line++
		if len(text) > maxLine {
			return nil, fmt.Errorf("%s: line %d: longer than %d bytes", path, line, maxLine)
		}
		if line == 1 {
			if err := strictUnmarshal(text, &r.Header); err != nil {
				return nil, fmt.Errorf("%s: line 1 (header): %v", path, err)
			}
			if r.Header.Format < oldestFormat || r.Header.Format > FormatVersion {
				return nil, fmt.Errorf("%s: line 1: run file format %d, this arceval reads %d to %d", path, r.Header.Format, oldestFormat, FormatVersion)
			}
			continue
		}
		var it Item
		if err := strictUnmarshal(text, &it); err != nil {
			return nil, fmt.Errorf("%s: line %d: %v", path, line, err)
		}
		if err := it.check(); err != nil {
			return nil, fmt.Errorf("%s: line %d: %v", path, line, err)
		}
		r.Items = append(r.Items, it)
	}
	return r, nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("extra data after the record")
	}
	return nil
}

// Writer appends records to a run file, one line each, flushed to the OS as
// each is written and synced on Close.
type Writer struct {
	f *os.File
	w *bufio.Writer
}

// Create starts a new run file with its header; an existing file is an
// error (resume it with Append instead).
func Create(path string, h Header) (*Writer, error) {
	h.Format = FormatVersion
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	w := &Writer{f: f, w: bufio.NewWriter(f)}
	if err := w.write(h); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return w, nil
}

// Append reopens a run file to continue it: the torn last line, if any, is
// cut off, and the header must equal want (same model, data, flags…) so that
// a resumed run cannot mix two runs. It returns the items already recorded.
func Append(path string, want Header) (*Writer, []Item, error) {
	run, err := Read(path)
	if err != nil {
		return nil, nil, err
	}
	want.Format = FormatVersion
	if run.Header.Format != FormatVersion {
		return nil, nil, fmt.Errorf("%s: run file format %d, written by an older arceval (it records no protocol); finish it with that version, or start a new --out", path, run.Header.Format)
	}
	if run.Header.Shard != "" && run.Header.ShardBy != want.ShardBy {
		return nil, nil, fmt.Errorf("%s: shard %s split its tasks %s, this arceval splits them %s: finish it with the version that started it, or start a new --out", path, run.Header.Shard, splitName(run.Header.ShardBy), splitName(want.ShardBy))
	}
	if !sameRun(run.Header, want) || run.Header.Shard != want.Shard {
		return nil, nil, fmt.Errorf("%s: belongs to a different run (header differs); use another --out or the same flags", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err == nil && run.TornBytes > 0 {
		err = f.Truncate(st.Size() - int64(run.TornBytes))
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekEnd)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return &Writer{f: f, w: bufio.NewWriter(f)}, run.Items, nil
}

// Add appends one item record and flushes it.
func (w *Writer) Add(it Item) error { return w.write(it) }

func (w *Writer) write(v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.w.Write(line)
	w.w.WriteByte('\n')
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", w.f.Name(), err)
	}
	return nil
}

// Close syncs and closes the file.
func (w *Writer) Close() error {
	err := w.w.Flush()
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	return err
}
