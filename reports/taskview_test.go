package reports

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// The plain terminal view of a fixture task with two test inputs (one
// solved), and of a task without the set's grids.
func TestTaskViewGolden(t *testing.T) {
	rep := fixtureReport(t)
	r := rep.Runs[0].Run
	grids := fixtureHTMLOptions(rep).Grids[r.Header.Set]
	v, err := NewTaskView(r, "t04", grids)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "taskview_t04.text", render(t, func(b *bytes.Buffer) error { return v.WriteText(b, TextOptions{}) }))
	v, err = NewTaskView(r, "t01", nil)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "taskview_t01_attempts.text", render(t, func(b *bytes.Buffer) error { return v.WriteText(b, TextOptions{}) }))

	// In colour the cells are ANSI backgrounds, the layout the same: with the
	// escapes removed, every line is as long as its plain twin.
	v, _ = NewTaskView(r, "t04", grids)
	plain := strings.Split(string(render(t, func(b *bytes.Buffer) error { return v.WriteText(b, TextOptions{}) })), "\n")
	coloured := string(render(t, func(b *bytes.Buffer) error { return v.WriteText(b, TextOptions{Colour: true}) }))
	if !strings.Contains(coloured, "\x1b[48;2;") {
		t.Fatal("no colour codes in the coloured view")
	}
	stripped := strings.Split(regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(coloured, ""), "\n")
	if len(stripped) != len(plain) {
		t.Fatalf("%d coloured lines, %d plain", len(stripped), len(plain))
	}
	for i := range plain {
		if len([]rune(strings.TrimRight(stripped[i], " "))) > len([]rune(plain[i])) {
			t.Errorf("line %d: coloured %q wider than plain %q", i, stripped[i], plain[i])
		}
	}

	if _, err := NewTaskView(r, "nope", grids); err == nil || !strings.Contains(err.Error(), "t00, t01") {
		t.Errorf("an unknown task: %v", err)
	}
}
