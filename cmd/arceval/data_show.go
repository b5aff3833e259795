package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"arceval/tasks"
)

// arcPalette is the standard ARC colour palette (RGB) for colours 0..9.
var arcPalette = [10][3]uint8{
	{0x00, 0x00, 0x00}, {0x00, 0x74, 0xD9}, {0xFF, 0x41, 0x36}, {0x2E, 0xCC, 0x40}, {0xFF, 0xDC, 0x00},
	{0xAA, 0xAA, 0xAA}, {0xF0, 0x12, 0xBE}, {0xFF, 0x85, 0x1B}, {0x7F, 0xDB, 0xFF}, {0x87, 0x0C, 0x25},
}

func runDataShow(c *cli, args []string) error {
	fs := c.newFlags("data show", "data show SET ID [--data DIR] [--colour auto|always|never]")
	root := dataFlag(fs)
	colour := fs.String("colour", "auto", "ARC palette colours: auto (terminal, NO_COLOR unset), always, never")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError{"data show: want SET and task ID"}
	}
	if err := checkChoice("colour", *colour, "auto", "always", "never"); err != nil {
		return err
	}
	set, err := tasks.LoadSet(tasks.DataRoot(*root), fs.Arg(0))
	if err != nil {
		return err
	}
	t, ok := set.Find(fs.Arg(1))
	if !ok {
		return fmt.Errorf("%s: no task %q", set.Name, fs.Arg(1))
	}
	useColour := *colour == "always"
	if *colour == "auto" {
		if f, ok := c.stdout.(*os.File); ok && os.Getenv("NO_COLOR") == "" {
			useColour = term.IsTerminal(int(f.Fd()))
		}
	}
	fmt.Fprintf(c.stdout, "%s %s (%s)", set.Name, t.ID, t.Kind)
	if t.Rating >= 0 {
		fmt.Fprintf(c.stdout, " rating %d", t.Rating)
	}
	fmt.Fprintln(c.stdout)
	for _, part := range []struct {
		name  string
		pairs []tasks.Pair
	}{{"train", t.Train}, {"test", t.Test}} {
		for i, p := range part.pairs {
			fmt.Fprintf(c.stdout, "\n%s[%d]  input %d×%d → output %d×%d\n", part.name, i, p.Input.H, p.Input.W, p.Output.H, p.Output.W)
			renderSideBySide(c.stdout, t.Kind, p.Input, p.Output, useColour)
		}
	}
	return nil
}

// renderSideBySide prints two grids next to each other.
func renderSideBySide(w io.Writer, kind tasks.Kind, a, b tasks.Grid, colour bool) {
	left, right := renderGrid(kind, a, colour), renderGrid(kind, b, colour)
	width := 2 * a.W
	if kind != tasks.ARC || !colour {
		width = cellWidth(kind) * a.W
	}
	for i := 0; i < max(len(left), len(right)); i++ {
		l, r := strings.Repeat(" ", width), ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		fmt.Fprintf(w, "%s   %s\n", l, r)
	}
}

func cellWidth(kind tasks.Kind) int {
	if kind == tasks.Maze {
		return 1
	}
	return 2
}

// renderGrid returns one string per row: ARC colours as coloured blocks (or
// digits), Sudoku digits with '.' for blanks, mazes in "# SGo".
func renderGrid(kind tasks.Kind, g tasks.Grid, colour bool) []string {
	rows := make([]string, g.H)
	for r := 0; r < g.H; r++ {
		var b strings.Builder
		for c := 0; c < g.W; c++ {
			v := g.At(r, c)
			switch {
			case kind == tasks.Maze:
				b.WriteByte(tasks.MazeCharset[v])
			case kind == tasks.Sudoku && v == 0:
				b.WriteString(" .")
			case kind == tasks.ARC && colour:
				p := arcPalette[v%10]
				fmt.Fprintf(&b, "\x1b[48;2;%d;%d;%dm  \x1b[0m", p[0], p[1], p[2])
			default:
				fmt.Fprintf(&b, " %d", v)
			}
		}
		rows[r] = b.String()
	}
	return rows
}
