package reports

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"arceval/results"
)

// TaskView is one task of a run as the viewer shows it: per test input, the
// input, the expected output and the attempts side by side. `arceval show`
// prints it in the terminal; the HTML report draws the same panels.
type TaskView struct {
	Run, Set, Task string
	Kind           string // the run's task kind
	Solved, Tests  int    // test inputs solved / of the task
	CPUSeconds     float64
	Inputs         []TestView
	// Note explains missing inputs and expected outputs (set not loaded).
	Note string
}

// TestView is one test input of a TaskView.
type TestView struct {
	Index  int
	Status string // "solved", "unsolved", or "no record (counted wrong)"
	Detail string // rank, candidates and votes (ARC), cells (boards)
	Panels []Panel
}

// Panel is one labelled grid (nil Grid: none to show).
type Panel struct {
	Label string
	Grid  [][]int
	Mark  string // "✓", "✗" or ""
	Note  string // shown after the label and size ("3 votes")
}

// NewTaskView builds the view of task id in run r. grids holds the set's
// input and expected output per item key ("task#test"); nil shows the
// attempts only. A task with neither a record nor grids is an error.
func NewTaskView(r *Run, id string, grids map[string]PairGrids) (*TaskView, error) {
	v := &TaskView{Run: r.Name, Set: r.Header.Set, Task: id, Kind: r.Header.TaskKind}
	recs := map[int]results.Item{}
	for _, it := range r.Items {
		if it.TaskID == id {
			recs[it.TestIndex] = it
			v.Tests = max(v.Tests, it.Tests)
			v.CPUSeconds += it.CPUSeconds
		}
	}
	for key := range grids {
		if t, idx, ok := strings.Cut(key, "#"); ok && t == id {
			n, _ := strconv.Atoi(idx)
			v.Tests = max(v.Tests, n+1)
		}
	}
	if v.Tests == 0 {
		return nil, fmt.Errorf("%s: no task %q (%s)", r.Path, id, taskSample(r))
	}
	if grids == nil {
		v.Note = "the set " + r.Header.Set + " was not loaded: attempts only"
	}
	for j := range v.Tests {
		key := fmt.Sprintf("%s#%d", id, j)
		tv := TestView{Index: j, Status: "no record (counted wrong)"}
		if pg, ok := grids[key]; ok {
			tv.Panels = append(tv.Panels, Panel{Label: "input", Grid: pg.Input}, Panel{Label: "expected", Grid: pg.Expected})
		}
		it, ok := recs[j]
		if !ok {
			v.Inputs = append(v.Inputs, tv)
			continue
		}
		tv.Status = "unsolved"
		if it.Solved() {
			tv.Status = "solved"
			v.Solved++
		}
		tv.Detail = recordDetail(it, r.Header.TaskKind)
		n := len(it.Attempts)
		if r.Header.TaskKind == "arc" {
			n = 2
		}
		for a := range n {
			p := Panel{Label: "answer", Mark: "✗"}
			if r.Header.TaskKind == "arc" {
				p.Label = fmt.Sprintf("attempt %d", a+1)
				if a < len(it.Votes) {
					p.Note = plural(it.Votes[a], "vote")
				}
			}
			if a < len(it.Attempts) {
				p.Grid = it.Attempts[a].Grid
				if it.Attempts[a].Correct {
					p.Mark = "✓"
				}
			}
			tv.Panels = append(tv.Panels, p)
		}
		v.Inputs = append(v.Inputs, tv)
	}
	return v, nil
}

// recordDetail summarises a record: ARC rank, candidates and steps; boards
// cells and steps.
func recordDetail(it results.Item, kind string) string {
	var parts []string
	if kind == "arc" {
		if it.Rank > 0 {
			parts = append(parts, fmt.Sprintf("expected answer ranked %d of %s", it.Rank, plural(it.Candidates, "candidate")))
		} else {
			parts = append(parts, fmt.Sprintf("expected answer not among the %s", plural(it.Candidates, "candidate")))
		}
	} else if it.Cells != nil {
		parts = append(parts, fmt.Sprintf("%d of %d cells right", it.Cells.Correct, it.Cells.Total))
	}
	parts = append(parts, fmt.Sprintf("%d steps", it.Steps), fmt.Sprintf("sigmoid(q_halt) %.3f", it.QHalt))
	if it.CPUSeconds > 0 {
		parts = append(parts, CPUSeconds(it.CPUSeconds)+" CPU-s")
	}
	return strings.Join(parts, ", ")
}

// taskSample names a few of a run's tasks for an error message.
func taskSample(r *Run) string {
	var ids []string
	seen := map[string]bool{}
	for _, it := range r.Items {
		if !seen[it.TaskID] {
			seen[it.TaskID] = true
			ids = append(ids, it.TaskID)
		}
	}
	slices.SortFunc(ids, compareIDs)
	if len(ids) == 0 {
		return "the run has no records"
	}
	more := ""
	if len(ids) > 5 {
		more = fmt.Sprintf(", … %d in all", len(ids))
	}
	return "the run has " + strings.Join(ids[:min(5, len(ids))], ", ") + more
}

// TextOptions control how WriteText draws grids.
type TextOptions struct {
	// Colour draws ARC cells as coloured blocks (ANSI 24-bit background);
	// otherwise cells are digits.
	Colour bool
	// Charset, when set, draws cell v as Charset[v] (mazes: "# SGo").
	Charset string
}

// WriteText prints the view for a terminal: a header line, then per test
// input its status and the panels side by side.
func (v *TaskView) WriteText(w io.Writer, o TextOptions) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s · task %s (%s) · %d of %d test input(s) solved", v.Run, v.Task, v.Set, v.Solved, v.Tests)
	if v.CPUSeconds > 0 {
		fmt.Fprintf(&b, " · %s CPU-s", CPUSeconds(v.CPUSeconds))
	}
	b.WriteString("\n")
	if v.Note != "" {
		b.WriteString("(" + v.Note + ")\n")
	}
	for _, tv := range v.Inputs {
		fmt.Fprintf(&b, "\ntest %d · %s", tv.Index, tv.Status)
		if tv.Detail != "" {
			b.WriteString(" · " + tv.Detail)
		}
		b.WriteString("\n")
		writePanels(&b, tv.Panels, v.Kind, o)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writePanels prints panels side by side, each under its label and size,
// three spaces apart.
func writePanels(b *strings.Builder, panels []Panel, kind string, o TextOptions) {
	if len(panels) == 0 {
		return
	}
	type col struct {
		lines []string // the head, then the grid's rows (rows may hold escape codes)
		vis   []int    // the visible width of each line
		width int
	}
	cols := make([]col, len(panels))
	height := 0
	for i, p := range panels {
		c := &cols[i]
		head := p.Label
		if p.Mark != "" {
			head += " " + p.Mark
		}
		gw := 0
		for _, row := range p.Grid {
			gw = max(gw, len(row))
		}
		var rows []string
		rowWidth := 0
		if gw == 0 {
			rows, rowWidth = []string{"(no grid)"}, len("(no grid)")
		} else {
			head += fmt.Sprintf(" %d×%d", len(p.Grid), gw)
			if p.Note != "" {
				head += ", " + p.Note
			}
			cw := 2
			if o.Charset != "" && kind != "arc" {
				cw = 1
			}
			rowWidth = cw * gw
			for _, row := range p.Grid {
				rows = append(rows, renderCells(row, gw, cw, kind, o))
			}
		}
		c.lines, c.vis = []string{head}, []int{len([]rune(head))}
		for _, r := range rows {
			c.lines, c.vis = append(c.lines, r), append(c.vis, rowWidth)
		}
		c.width = max(rowWidth, c.vis[0])
		height = max(height, len(c.lines))
	}
	for r := range height {
		var cells []string
		for _, c := range cols {
			s, vis := "", 0
			if r < len(c.lines) {
				s, vis = c.lines[r], c.vis[r]
			}
			cells = append(cells, s+strings.Repeat(" ", c.width-vis))
		}
		b.WriteString(strings.TrimRight(strings.Join(cells, "   "), " ") + "\n")
	}
}

// renderCells draws one grid row of visible width cw×gw: coloured blocks,
// charset characters or right-aligned digits; cells past the row's end
// (a ragged attempt) are blank, −1 (PAD) is "?".
func renderCells(row []int, gw, cw int, kind string, o TextOptions) string {
	var b strings.Builder
	for c := range gw {
		if c >= len(row) {
			b.WriteString(strings.Repeat(" ", cw))
			continue
		}
		v := row[c]
		switch {
		case v < 0 || v > 9:
			b.WriteString(strings.Repeat(" ", cw-1) + "?")
		case kind == "arc" && o.Colour:
			p := termPalette[v]
			fmt.Fprintf(&b, "\x1b[48;2;%d;%d;%dm  \x1b[0m", p[0], p[1], p[2])
		case cw == 1 && v < len(o.Charset):
			b.WriteByte(o.Charset[v])
		default:
			fmt.Fprintf(&b, "%*d", cw, v)
		}
	}
	return b.String()
}

// termPalette is the ARC palette (arcPalette) as RGB for terminal colours.
var termPalette = [10][3]uint8{
	{0x00, 0x00, 0x00}, {0x00, 0x74, 0xD9}, {0xFF, 0x41, 0x36}, {0x2E, 0xCC, 0x40}, {0xFF, 0xDC, 0x00},
	{0xAA, 0xAA, 0xAA}, {0xF0, 0x12, 0xBE}, {0xFF, 0x85, 0x1B}, {0x7F, 0xDB, 0xFF}, {0x87, 0x0C, 0x25},
}
