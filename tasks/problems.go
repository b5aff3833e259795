package tasks

import (
	"fmt"
	"strings"
)

// A Problem is one thing wrong with an input file: where (file, item, field)
// and what.
type Problem struct {
	File  string // path of the file
	Item  string // task id or "row N" (may be empty)
	Field string // e.g. "train[0].input" or "answer" (may be empty)
	Msg   string
}

func (p Problem) String() string {
	parts := []string{p.File}
	if p.Item != "" {
		parts = append(parts, p.Item)
	}
	if p.Field != "" {
		parts = append(parts, p.Field)
	}
	return strings.Join(parts, ": ") + ": " + p.Msg
}

// maxListed bounds how many problems an error message lists.
const maxListed = 50

// maxKept bounds how many problems a loader keeps; the others are only
// counted, so a file with millions of bad cells costs a counter, not a
// record each.
const maxKept = 100

// FileError lists the problems found in one file: the first ones found
// (at most maxKept) and how many more there were. It is what loaders return
// for invalid content, so a user sees what is wrong at once.
type FileError struct {
	File     string
	Problems []Problem
	Omitted  int // problems found beyond Problems
}

// Count is the number of problems found.
func (e *FileError) Count() int { return len(e.Problems) + e.Omitted }

func (e *FileError) Error() string {
	if e.Count() == 1 {
		return e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problems:", e.File, e.Count())
	for i, p := range e.Problems {
		if i == maxListed {
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	if more := e.Count() - min(len(e.Problems), maxListed); more > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", more)
	}
	return b.String()
}

// problemList collects problems for one file, keeping the first maxKept.
type problemList struct {
	file    string
	list    []Problem
	omitted int
}

func (l *problemList) add(item, field, format string, args ...any) {
	if len(l.list) >= maxKept {
		l.omitted++
		return
	}
	l.list = append(l.list, Problem{File: l.file, Item: item, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// merge adds the problems of o (kept or counted) to l.
func (l *problemList) merge(o *problemList) {
	for _, p := range o.list {
		l.add(p.Item, p.Field, "%s", p.Msg)
	}
	l.omitted += o.omitted
}

// count is the number of problems found.
func (l *problemList) count() int { return len(l.list) + l.omitted }

// reset forgets every problem (a syntax error replaces them).
func (l *problemList) reset() { l.list, l.omitted = nil, 0 }

// err returns nil when nothing was found, else a *FileError.
func (l *problemList) err() error {
	if l.count() == 0 {
		return nil
	}
	return &FileError{File: l.file, Problems: l.list, Omitted: l.omitted}
}
