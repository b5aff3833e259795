package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Format is an output format of the report, compare and check commands.
type Format string

// The output formats. HTML is written by WriteHTML, not through Table.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	CSV      Format = "csv"
	JSON     Format = "json"
)

// ParseFormat accepts text, markdown (or md), csv and json.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "text", "":
		return Text, nil
	case "markdown", "md":
		return Markdown, nil
	case "csv":
		return CSV, nil
	case "json":
		return JSON, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, markdown, csv or json)", s)
}

// Align is a column's alignment.
type Align int

const (
	Left Align = iota
	Right
)

// Table is a titled table of text cells with notes printed under it. It is
// the one place that talks to tablewriter: text tables are plain aligned
// columns (benchstat style, no borders), Markdown tables are GitHub pipe
// tables, and CSV is written with encoding/csv (title and notes omitted).
type Table struct {
	Title  string
	Header []string
	Align  []Align // per column; missing entries are Left
	Rows   [][]string
	Banner []string // lines printed between the title and the table (SUBSET warnings)
	Notes  []string // lines printed under the table
}

// AddRow appends a row.
func (t *Table) AddRow(cells ...string) { t.Rows = append(t.Rows, cells) }

// Write renders the table in format f (Text, Markdown or CSV).
func (t *Table) Write(w io.Writer, f Format) error {
	switch f {
	case Text:
		return t.writeText(w)
	case Markdown:
		return t.writeMarkdown(w)
	case CSV:
		cw := csv.NewWriter(w)
		cw.Write(t.Header)
		cw.WriteAll(t.Rows)
		return cw.Error()
	}
	return fmt.Errorf("table: format %q not supported", f)
}

func (t *Table) aligns() []tw.Align {
	out := make([]tw.Align, len(t.Header))
	for i := range out {
		out[i] = tw.AlignLeft
		if i < len(t.Align) && t.Align[i] == Right {
			out[i] = tw.AlignRight
		}
	}
	return out
}

func (t *Table) render(w io.Writer, r tw.Renderer, cell func(string) string) error {
	tab := tablewriter.NewTable(w,
		tablewriter.WithRenderer(r),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: t.aligns()}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: t.aligns()}),
	)
	conv := func(cells []string) []string {
		out := make([]string, len(t.Header))
		for i := range out {
			if i < len(cells) {
				out[i] = cell(cells[i])
			}
		}
		return out
	}
	tab.Header(conv(t.Header))
	for _, row := range t.Rows {
		if err := tab.Append(conv(row)); err != nil {
			return err
		}
	}
	return tab.Render()
}

func (t *Table) writeText(w io.Writer) error {
	var buf bytes.Buffer
	if t.Title != "" {
		fmt.Fprintln(w, t.Title)
	}
	for _, b := range t.Banner {
		fmt.Fprintln(w, b)
	}
	r := renderer.NewBlueprint(tw.Rendition{
		Borders:  tw.BorderNone,
		Symbols:  tw.NewSymbols(tw.StyleNone),
		Settings: tw.Settings{Lines: tw.LinesNone, Separators: tw.SeparatorsNone},
	})
	if err := t.render(&buf, r, func(s string) string { return s }); err != nil {
		return err
	}
	// Cells are padded one space on each side: drop the table's leading
	// space and every line's trailing blanks.
	for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		fmt.Fprintln(w, strings.TrimRight(strings.TrimPrefix(line, " "), " "))
	}
	for _, n := range t.Notes {
		fmt.Fprintln(w, n)
	}
	return nil
}

func (t *Table) writeMarkdown(w io.Writer) error {
	if t.Title != "" {
		fmt.Fprintf(w, "**%s**\n\n", mdEscape(t.Title))
	}
	for _, b := range t.Banner {
		fmt.Fprintf(w, "> **%s**\n\n", mdEscape(b))
	}
	if err := t.render(w, renderer.NewMarkdown(), mdEscape); err != nil {
		return err
	}
	if len(t.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range t.Notes {
			fmt.Fprintf(w, "%s  \n", mdEscape(n))
		}
	}
	return nil
}

// mdEscape makes a string safe inside a Markdown table cell: pipes and the
// characters that would start emphasis or code are escaped.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '|', '*', '_', '`', '\\', '<', '>':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
