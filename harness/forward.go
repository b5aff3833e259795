package harness

import (
	"encoding/json"
	"fmt"
	"strconv"

	"arceval/internal/jsontok"
	"arceval/internal/userfile"
)

// MaxForwardRows bounds the rows of a forward inputs file (each costs its
// puzzle identifier in memory; the tokens are read batch by batch).
const MaxForwardRows = 1 << 24

// ForwardInputs is the batch file of `arceval forward`: {"inputs": B rows of
// seq_len tokens, "puzzle_identifiers": B ids} (other members, such as a
// parity fixture's outputs, are skipped). It is read in bounded memory:
// the first pass checks every row and keeps the identifiers, Batches reads
// the token rows again a batch at a time.
type ForwardInputs struct {
	Path   string
	SeqLen int
	Vocab  int
	IDs    []int32 // one puzzle identifier per row
}

// Rows is the number of input rows.
func (f *ForwardInputs) Rows() int { return len(f.IDs) }

// OpenForwardInputs checks a forward inputs file against a model: rows of
// exactly seqLen tokens in [0, vocab), as many puzzle identifiers as rows,
// each in [0, puzzleRows) when the model has a table (puzzleRows > 0).
// Problems name the file and the element.
func OpenForwardInputs(path string, seqLen, vocab, puzzleRows int) (*ForwardInputs, error) {
	f := &ForwardInputs{Path: path, SeqLen: seqLen, Vocab: vocab}
	rows := 0
	var ids []int32
	err := f.scan(func(in *jsontok.Reader, key string) error {
		switch key {
		case "inputs":
			return f.rows(in, func(int, []int32) error { rows++; return nil })
		case "puzzle_identifiers":
			var err error
			ids, err = f.ids(in, puzzleRows)
			return err
		}
		return errSkip
	})
	if err != nil {
		return nil, err
	}
	if rows == 0 || len(ids) != rows {
		return nil, fmt.Errorf("%s: %d input rows and %d puzzle_identifiers (want the same, ≥ 1)", path, rows, len(ids))
	}
	f.IDs = ids
	return f, nil
}

// Batches reads the token rows again, size at a time, and calls fn with
// the first row's index, the rows' tokens (rows × seq_len) and their
// puzzle identifiers.
func (f *ForwardInputs) Batches(size int, fn func(first int, tokens, ids []int32) error) error {
	buf := make([]int32, 0, size*f.SeqLen)
	first := 0
	flush := func() error {
		n := len(buf) / f.SeqLen
		if n == 0 {
			return nil
		}
		if err := fn(first, buf, f.IDs[first:first+n]); err != nil {
			return err
		}
		first += n
		buf = buf[:0]
		return nil
	}
	return f.scan(func(in *jsontok.Reader, key string) error {
		if key != "inputs" {
			return errSkip
		}
		err := f.rows(in, func(_ int, row []int32) error {
			if first+len(buf)/f.SeqLen >= len(f.IDs) {
				return fmt.Errorf("%s: inputs changed while being read", f.Path)
			}
			buf = append(buf, row...)
			if len(buf) == cap(buf) {
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		return flush()
	})
}

// maxSyntaxReread bounds the file read again to place a syntax error; a
// larger file's error has no line and column.
const maxSyntaxReread = 64 << 20

// errSkip tells scan to skip a member's value.
var errSkip = fmt.Errorf("skip")

// scan walks the top-level object of the file, calling member for each key
// with the reader positioned before its value; member reads the value or
// returns errSkip.
func (f *ForwardInputs) scan(member func(in *jsontok.Reader, key string) error) error {
	file, err := userfile.Open(f.Path)
	if err != nil {
		return err
	}
	defer file.Close()
	in := jsontok.NewReader(file)
	fail := func() error {
		if in.Failure() != nil {
			return fmt.Errorf("%s: %s", f.Path, jsontok.FailureMsg(in.Failure(), func() ([]byte, error) { return userfile.ReadFile(f.Path, maxSyntaxReread) }))
		}
		return fmt.Errorf("%s: reading stopped", f.Path)
	}
	t, ok := in.Next()
	if !ok {
		return fail()
	}
	if !jsontok.IsDelim(t, '{') {
		return fmt.Errorf("%s: want a JSON object with inputs and puzzle_identifiers", f.Path)
	}
	for in.More() {
		k, ok := in.Next()
		if !ok {
			return fail()
		}
		switch err := member(in, k.(string)); {
		case err == errSkip:
			v, ok := in.Next()
			if !ok || !in.Skip(v, nil) {
				return fail()
			}
		case err != nil:
			if in.Failure() != nil {
				return fail()
			}
			return err
		}
	}
	if !in.End() || !in.AtEOF() {
		return fail()
	}
	return nil
}

// rows reads the inputs list, calling fn with each row (reused between
// calls) once it is checked.
func (f *ForwardInputs) rows(in *jsontok.Reader, fn func(i int, row []int32) error) error {
	t, ok := in.Next()
	if !ok {
		return errStopped
	}
	if !jsontok.IsDelim(t, '[') {
		return fmt.Errorf("%s: inputs: want a list of rows of %d tokens", f.Path, f.SeqLen)
	}
	row := make([]int32, 0, f.SeqLen)
	for i := 0; in.More(); i++ {
		if i == MaxForwardRows {
			return fmt.Errorf("%s: inputs: more than %d rows", f.Path, MaxForwardRows)
		}
		t, ok := in.Next()
		if !ok {
			return errStopped
		}
		if !jsontok.IsDelim(t, '[') {
			return fmt.Errorf("%s: inputs[%d]: want a list of %d tokens", f.Path, i, f.SeqLen)
		}
		row = row[:0]
		for in.More() {
			if len(row) == f.SeqLen {
				return fmt.Errorf("%s: inputs[%d]: more than %d tokens (the model's seq_len)", f.Path, i, f.SeqLen)
			}
			t, ok := in.Next()
			if !ok {
				return errStopped
			}
			v, ok := intToken(t)
			if !ok || v < 0 || v >= int64(f.Vocab) {
				return fmt.Errorf("%s: inputs[%d][%d]: %s is not a token in 0..%d", f.Path, i, len(row), jsontok.Describe(t), f.Vocab-1)
			}
			row = append(row, int32(v))
		}
		if !in.End() {
			return errStopped
		}
		if len(row) != f.SeqLen {
			return fmt.Errorf("%s: inputs[%d] has %d tokens, the model's seq_len is %d", f.Path, i, len(row), f.SeqLen)
		}
		if err := fn(i, row); err != nil {
			return err
		}
	}
	if !in.End() {
		return errStopped
	}
	return nil
}

// ids reads the puzzle_identifiers list.
func (f *ForwardInputs) ids(in *jsontok.Reader, puzzleRows int) ([]int32, error) {
	t, ok := in.Next()
	if !ok {
		return nil, errStopped
	}
	if !jsontok.IsDelim(t, '[') {
		return nil, fmt.Errorf("%s: puzzle_identifiers: want a list of integers", f.Path)
	}
	hi := int64(1<<31 - 1)
	if puzzleRows > 0 {
		hi = int64(puzzleRows) - 1
	}
	var ids []int32
	for in.More() {
		if len(ids) == MaxForwardRows {
			return nil, fmt.Errorf("%s: puzzle_identifiers: more than %d", f.Path, MaxForwardRows)
		}
		t, ok := in.Next()
		if !ok {
			return nil, errStopped
		}
		v, ok := intToken(t)
		if !ok || v < 0 || v > hi {
			return nil, fmt.Errorf("%s: puzzle_identifiers[%d]: %s is not an identifier in 0..%d (the model's puzzle table)", f.Path, len(ids), jsontok.Describe(t), hi)
		}
		ids = append(ids, int32(v))
	}
	if !in.End() {
		return nil, errStopped
	}
	return ids, nil
}

// errStopped reports that the reader stopped (its failure says why).
var errStopped = fmt.Errorf("reading stopped")

// intToken reads an integer token.
func intToken(t json.Token) (int64, bool) {
	n, ok := t.(json.Number)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(string(n), 10, 64)
	return v, err == nil
}
