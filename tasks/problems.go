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

// FileError lists every problem found in one file. It is what loaders return
// for invalid content, so a user sees all that is wrong at once.
type FileError struct {
	File     string
	Problems []Problem
}

func (e *FileError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problems:", e.File, len(e.Problems))
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-maxListed)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// problemList collects problems for one file.
type problemList struct {
	file string
	list []Problem
}

func (l *problemList) add(item, field, format string, args ...any) {
	l.list = append(l.list, Problem{File: l.file, Item: item, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// err returns nil when nothing was found, else a *FileError.
func (l *problemList) err() error {
	if len(l.list) == 0 {
		return nil
	}
	return &FileError{File: l.file, Problems: l.list}
}
