package tasks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"arceval/internal/jsontok"
	"arceval/internal/userfile"
)

// arcMaxColour is the largest ARC colour.
const arcMaxColour = 9

// Bounds on what one ARC JSON file may make a reader hold or walk. Real
// files are far inside them: ARC-AGI-2's training challenges (the largest)
// are 4 MB with 1000 tasks, tasks have a handful of pairs.
const (
	// maxGridTokens bounds the tokens read for one grid: a grid over 30×30
	// is counted to report its size, and reading stops past this many.
	maxGridTokens = 1 << 16
	// maxPairs bounds the pairs of one train or test list.
	maxPairs = 1 << 12
	// maxGridsPerFile bounds the grids of one file (each costs ~100 bytes
	// of bookkeeping beyond its cells).
	maxGridsPerFile = 1 << 20
)

// arcIn is one ARC JSON document being read: its tokens, its problems and
// how many grids it has given.
type arcIn struct {
	*jsontok.Reader
	pl    *problemList
	grids int
}

// parseGrid reads one grid value: a list of 1–30 rows of equal length, of
// 1–30 integers in [0, maxValue]. Every problem is recorded against field;
// ok=false when the grid is unusable. Nothing beyond 30×30 cells is held:
// a larger grid is counted (for the message) up to maxGridTokens tokens,
// and reading stops there.
func (a *arcIn) parseGrid(item, field string, maxValue int) (Grid, bool) {
	t, ok := a.Next()
	if !ok {
		return Grid{}, false
	}
	if !jsontok.IsDelim(t, '[') {
		a.pl.add(item, field, "not a list of rows")
		a.Skip(t, nil)
		return Grid{}, false
	}
	if a.grids++; a.grids > maxGridsPerFile {
		a.pl.add(item, field, "more than %d grids in the file; stopped reading", maxGridsPerFile)
		a.Stop()
		return Grid{}, false
	}
	var cells [MaxARCSide * MaxARCSide]uint8
	budget := maxGridTokens
	h, w := 0, 0
	bad := false     // a problem makes the grid unusable: read on, record nothing more
	badCell := false // a cell is not a colour: the grid is unusable, its other cells are still checked
	overflow := func(msg string, args ...any) (Grid, bool) {
		a.pl.add(item, field, msg+"; stopped reading", args...)
		a.Stop()
		return Grid{}, false
	}
	for a.More() {
		if budget--; budget < 0 {
			return overflow("grid has more than %d rows and cells", maxGridTokens)
		}
		t, ok := a.Next()
		if !ok {
			return Grid{}, false
		}
		if !jsontok.IsDelim(t, '[') {
			if !bad {
				a.pl.add(item, field, "row %d is not a list of numbers", h)
				bad = true
			}
			if !a.Skip(t, &budget) {
				return overflow("grid has more than %d rows and cells", maxGridTokens)
			}
			h++
			continue
		}
		n := 0
		for a.More() {
			if budget--; budget < 0 {
				return overflow("row %d has more than %d cells", h, maxGridTokens)
			}
			t, ok := a.Next()
			if !ok {
				return Grid{}, false
			}
			if !bad && h < MaxARCSide && n < MaxARCSide {
				v, isInt := cellValue(t)
				if !isInt || v < 0 || v > maxValue {
					a.pl.add(item, field, "row %d, column %d: value %s is not an integer in 0..%d", h, n, truncate(jsontok.Describe(t), 20), maxValue)
					badCell = true
				} else {
					cells[h*MaxARCSide+n] = uint8(v)
				}
			}
			if !a.Skip(t, &budget) {
				return overflow("row %d has more than %d cells", h, maxGridTokens)
			}
			n++
		}
		if !a.End() {
			return Grid{}, false
		}
		switch {
		case bad:
		case h == 0 && n == 0:
			a.pl.add(item, field, "row 0 is empty")
			bad = true
		case h == 0 && n > MaxARCSide:
			a.pl.add(item, field, "row 0 has %d cells, at most %d allowed", n, MaxARCSide)
			bad = true
		case h == 0:
			w = n
		case n != w:
			a.pl.add(item, field, "row %d has %d cells, row 0 has %d", h, n, w)
			bad = true
		}
		h++
	}
	if !a.End() {
		return Grid{}, false
	}
	switch {
	case bad:
		return Grid{}, false
	case h == 0:
		a.pl.add(item, field, "grid has no rows")
		return Grid{}, false
	case h > MaxARCSide:
		a.pl.add(item, field, "grid has %d rows, at most %d allowed", h, MaxARCSide)
		return Grid{}, false
	}
	g := NewGrid(h, w)
	for r := 0; r < h; r++ {
		copy(g.Cells[r*w:(r+1)*w], cells[r*MaxARCSide:])
	}
	return g, !badCell
}

// cellValue reads a cell token as written: an integer literal, else false.
func cellValue(t json.Token) (int, bool) {
	n, ok := t.(json.Number)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(string(n))
	return v, err == nil
}

// parsePairs reads a list of {"input", "output"} objects. When needOutput
// is false a missing output becomes the official dummy [[0]].
func (a *arcIn) parsePairs(item, list string, needOutput bool) []Pair {
	t, ok := a.Next()
	if !ok {
		return nil
	}
	if !jsontok.IsDelim(t, '[') {
		a.pl.add(item, list, "not a list of {\"input\", \"output\"} objects")
		a.Skip(t, nil)
		return nil
	}
	var pairs []Pair
	for i := 0; a.More(); i++ {
		if i == maxPairs {
			a.pl.add(item, list, "more than %d pairs; stopped reading", maxPairs)
			a.Stop()
			return nil
		}
		field := fmt.Sprintf("%s[%d]", list, i)
		t, ok := a.Next()
		if !ok {
			return nil
		}
		if !jsontok.IsDelim(t, '{') {
			a.pl.add(item, field, "not an object")
			a.Skip(t, nil)
			continue
		}
		var p Pair
		hasIn, hasOut := false, false
		for a.More() {
			key, ok := a.Next()
			if !ok {
				return nil
			}
			switch key {
			case "input":
				p.Input, _ = a.parseGrid(item, field+".input", arcMaxColour)
				hasIn = true
			case "output":
				p.Output, _ = a.parseGrid(item, field+".output", arcMaxColour)
				hasOut = true
			default:
				if v, ok := a.Next(); !ok || !a.Skip(v, nil) {
					return nil
				}
			}
		}
		if !a.End() {
			return nil
		}
		if !hasIn {
			a.pl.add(item, field+".input", "missing")
		}
		if !hasOut {
			if needOutput {
				a.pl.add(item, field+".output", "missing")
			} else {
				p.Output = NewGrid(1, 1)
			}
		}
		pairs = append(pairs, p)
	}
	a.End()
	return pairs
}

// parseTask reads one task object {"train": [...], "test": [...]}; unknown
// keys (ConceptARC's "name") are skipped. It returns nil when the value is
// not an object.
func (a *arcIn) parseTask(id string, needTestOutput bool) *Task {
	t, ok := a.Next()
	if !ok {
		return nil
	}
	if !jsontok.IsDelim(t, '{') {
		a.pl.add(id, "", "task is not a JSON object: expected a JSON object, found %s", describeToken(t))
		a.Skip(t, nil)
		return nil
	}
	task := &Task{ID: id, Kind: ARC, HasSolutions: needTestOutput, Rating: -1}
	seen := map[string]bool{}
	for a.More() {
		key, ok := a.Next()
		if !ok {
			return nil
		}
		k, _ := key.(string)
		switch k {
		case "train":
			task.Train = a.parsePairs(id, "train", true)
		case "test":
			task.Test = a.parsePairs(id, "test", needTestOutput)
			task.TestFirst = !seen["train"]
		default:
			if v, ok := a.Next(); !ok || !a.Skip(v, nil) {
				return nil
			}
		}
		seen[k] = true
	}
	if !a.End() {
		return nil
	}
	for _, key := range []string{"train", "test"} {
		if !seen[key] {
			a.pl.add(id, key, "missing")
		}
	}
	return task
}

// finish ends a document: nothing may follow the top-level value, and a
// decoding failure replaces every problem found before it by one message
// (with its line and column; data gives the document again for that).
func (a *arcIn) finish(data func() ([]byte, error)) {
	if !a.Stopped() {
		a.AtEOF()
	}
	if a.Failure() != nil {
		a.pl.reset()
		a.pl.add("", "", "%s", jsontok.FailureMsg(a.Failure(), data))
	}
}

// openJSON opens a user's JSON file for streaming, refusing special files
// and files over maxJSONBytes; source reads it whole again to locate a
// syntax error.
func openJSON(path string) (*os.File, func() ([]byte, error), error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if st, err := f.Stat(); err != nil || st.Size() > maxJSONBytes {
		f.Close()
		if err == nil {
			err = &userfile.TooLargeError{Path: path, Size: st.Size(), Limit: maxJSONBytes}
		}
		return nil, nil, err
	}
	return f, func() ([]byte, error) { return userfile.ReadFile(path, maxJSONBytes) }, nil
}

// LoadARCFile loads one per-task ARC JSON file; the task id is the file name
// without ".json".
func LoadARCFile(path string) (*Task, error) {
	f, source, err := openJSON(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readARCFile(path, f, source)
}

func parseARCFile(path string, data []byte) (*Task, error) {
	return readARCFile(path, bytes.NewReader(data), jsontok.BytesSource(data))
}

func readARCFile(path string, r io.Reader, source func() ([]byte, error)) (*Task, error) {
	a := &arcIn{Reader: jsontok.NewReader(r), pl: &problemList{file: path}}
	t := a.parseTask("", true)
	a.finish(source)
	if t != nil && !a.Stopped() {
		t.ID = strings.TrimSuffix(filepath.Base(path), ".json")
		validateARC(t, a.pl, "")
	}
	if err := a.pl.err(); err != nil {
		return nil, err
	}
	return t, nil
}

// LoadARCDir loads every *.json file under dir (recursively, as ConceptARC
// nests tasks by concept), sorted by path. It stops at the first invalid file
// and returns its problems. A *.json entry that is not a regular file (a
// FIFO, a device, a socket) is refused by name, never opened.
func LoadARCDir(dir string) ([]*Task, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".json") {
			return nil
		}
		if !d.Type().IsRegular() {
			if err := userfile.Check(p); err != nil { // a link to a regular file is one
				return err
			}
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no ARC task files (*.json)", dir)
	}
	sort.Strings(paths)
	tasks := make([]*Task, 0, len(paths))
	where := map[string]string{}
	for _, p := range paths {
		t, err := LoadARCFile(p)
		if err != nil {
			return nil, err
		}
		if prev, dup := where[t.ID]; dup {
			return nil, fmt.Errorf("%s: task id %q also defined by %s", p, t.ID, prev)
		}
		where[t.ID] = p
		tasks = append(tasks, t)
	}
	return tasks, nil
}

// LoadKaggle loads the Kaggle ARC Prize format: a challenges file
// {task_id: {"train": [...], "test": [{"input"}...]}} and, if solutionsPath is
// not empty, a solutions file {task_id: [output grid, ...]} in test order.
// Without solutions every test output is the official dummy [[0]] and the
// tasks have HasSolutions false. Tasks keep the order of the challenges file.
func LoadKaggle(challengesPath, solutionsPath string) ([]*Task, error) {
	f, source, err := openJSON(challengesPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sr io.Reader
	var ssource func() ([]byte, error)
	if solutionsPath != "" {
		sf, src, err := openJSON(solutionsPath)
		if err != nil {
			return nil, err
		}
		defer sf.Close()
		sr, ssource = sf, src
	}
	return readKaggle(challengesPath, f, source, solutionsPath, sr, ssource)
}

func parseKaggle(challengesPath string, data []byte, solutionsPath string, sols []byte) ([]*Task, error) {
	return readKaggle(challengesPath, bytes.NewReader(data), jsontok.BytesSource(data), solutionsPath, bytes.NewReader(sols), jsontok.BytesSource(sols))
}

func readKaggle(challengesPath string, r io.Reader, source func() ([]byte, error), solutionsPath string, sr io.Reader, ssource func() ([]byte, error)) ([]*Task, error) {
	a := &arcIn{Reader: jsontok.NewReader(r), pl: &problemList{file: challengesPath}}
	var tasks []*Task
	index := map[string]*Task{}
	if a.openObject("") {
		for a.More() {
			key, ok := a.Next()
			if !ok {
				break
			}
			id, _ := key.(string)
			if _, dup := index[id]; dup {
				a.pl.add(id, "", "task id appears twice")
				if v, ok := a.Next(); !ok || !a.Skip(v, nil) {
					break
				}
				continue
			}
			if t := a.parseTask(id, false); t != nil {
				tasks = append(tasks, t)
				index[id] = t
			}
		}
		a.End()
	}
	a.finish(source)
	if err := a.pl.err(); err != nil {
		return nil, err
	}
	if solutionsPath != "" {
		if err := attachSolutions(solutionsPath, sr, ssource, tasks, index); err != nil {
			return nil, err
		}
	}
	for _, t := range tasks {
		validateARC(t, a.pl, t.ID)
	}
	return tasks, a.pl.err()
}

// openObject reads the '{' that starts a top-level object, else records
// "invalid JSON: expected a JSON object, found …" and skips the value.
func (a *arcIn) openObject(item string) bool {
	t, ok := a.Next()
	if !ok {
		return false
	}
	if !jsontok.IsDelim(t, '{') {
		a.pl.add(item, "", "invalid JSON: expected a JSON object, found %s", describeToken(t))
		a.Skip(t, nil)
		return false
	}
	return true
}

// attachSolutions fills test outputs from a Kaggle solutions file.
func attachSolutions(path string, r io.Reader, source func() ([]byte, error), tasks []*Task, index map[string]*Task) error {
	a := &arcIn{Reader: jsontok.NewReader(r), pl: &problemList{file: path}}
	got := map[string]bool{}
	if a.openObject("") {
		for a.More() {
			key, ok := a.Next()
			if !ok {
				break
			}
			id, _ := key.(string)
			t, known := index[id]
			v, ok := a.Next()
			if !ok {
				break
			}
			if !known {
				a.pl.add(id, "", "task not in the challenges file")
				a.Skip(v, nil)
				continue
			}
			got[id] = true
			if !jsontok.IsDelim(v, '[') {
				a.pl.add(id, "", "not a list of output grids")
				a.Skip(v, nil)
				continue
			}
			// The grids' own problems are kept aside: when the count is
			// wrong, it is the one problem reported for the task.
			own := &problemList{file: path}
			outer := a.pl
			a.pl = own
			var grids []Grid
			n := 0
			for ; a.More(); n++ {
				if n == maxPairs {
					own.add(id, "", "more than %d solutions; stopped reading", maxPairs)
					a.Stop()
					break
				}
				g, ok := a.parseGrid(id, fmt.Sprintf("[%d]", n), arcMaxColour)
				if n < len(t.Test) {
					if !ok {
						g = Grid{}
					}
					grids = append(grids, g)
				}
			}
			a.pl = outer
			if a.Stopped() {
				a.pl.merge(own)
				break
			}
			if !a.End() {
				break
			}
			if n != len(t.Test) {
				a.pl.add(id, "", "%d solutions for %d test inputs", n, len(t.Test))
				continue
			}
			a.pl.merge(own)
			for i, g := range grids {
				if g.H > 0 {
					t.Test[i].Output = g
				}
			}
			t.HasSolutions = true
		}
		a.End()
	}
	a.finish(source)
	if a.Failure() == nil && !a.Stopped() {
		for _, t := range tasks {
			if !got[t.ID] {
				a.pl.add(t.ID, "", "no solutions for this task")
			}
		}
	}
	return a.pl.err()
}

// validateARC checks what the grid parser cannot: every task has at least one
// demonstration and one test pair.
func validateARC(t *Task, pl *problemList, item string) {
	if len(t.Train) == 0 {
		pl.add(item, "train", "task has no demonstration pairs")
	}
	if len(t.Test) == 0 {
		pl.add(item, "test", "task has no test pairs")
	}
}

// ValidateARCTask re-checks a task built in memory (grids 1–30 per side,
// colours 0–9, ≥1 train and ≥1 test pair).
func ValidateARCTask(file string, t *Task) error {
	pl := &problemList{file: file}
	check := func(field string, g Grid) {
		switch {
		case g.H < 1 || g.W < 1 || g.H > MaxARCSide || g.W > MaxARCSide:
			pl.add(t.ID, field, "grid is %d×%d, sides must be 1..%d", g.H, g.W, MaxARCSide)
		case len(g.Cells) != g.H*g.W:
			pl.add(t.ID, field, "grid has %d cells for %d×%d", len(g.Cells), g.H, g.W)
		default:
			for i, v := range g.Cells {
				if v > arcMaxColour {
					pl.add(t.ID, field, "row %d, column %d: colour %d outside 0..9", i/g.W, i%g.W, v)
					break
				}
			}
		}
	}
	for _, part := range []struct {
		name  string
		pairs []Pair
	}{{"train", t.Train}, {"test", t.Test}} {
		for i, p := range part.pairs {
			check(fmt.Sprintf("%s[%d].input", part.name, i), p.Input)
			check(fmt.Sprintf("%s[%d].output", part.name, i), p.Output)
		}
	}
	validateARC(t, pl, t.ID)
	return pl.err()
}

// fileExists reports whether path names an existing regular file.
func fileExists(path string) bool { return userfile.Check(path) == nil }
