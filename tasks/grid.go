package tasks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// MaxARCSide is the largest ARC grid side (ARC grids are 1–30 × 1–30).
const MaxARCSide = 30

// Grid is a rectangular H×W grid of small symbols stored row-major.
// ARC cells are colours 0–9; Sudoku cells are 0 (blank) or digits 1–9; Maze
// cells are indices into MazeCharset.
type Grid struct {
	H, W  int
	Cells []uint8 // [H*W], row-major
}

// NewGrid returns an all-zero h×w grid.
func NewGrid(h, w int) Grid { return Grid{H: h, W: w, Cells: make([]uint8, h*w)} }

// At returns the cell in row r, column c.
func (g Grid) At(r, c int) uint8 { return g.Cells[r*g.W+c] }

// Set writes the cell in row r, column c.
func (g Grid) Set(r, c int, v uint8) { g.Cells[r*g.W+c] = v }

// Clone returns a deep copy.
func (g Grid) Clone() Grid {
	return Grid{H: g.H, W: g.W, Cells: append([]uint8(nil), g.Cells...)}
}

// Equal reports whether both grids have the same shape and cells.
func (g Grid) Equal(o Grid) bool {
	if g.H != o.H || g.W != o.W {
		return false
	}
	return string(g.Cells) == string(o.Cells)
}

// Rows returns the grid as a list of rows of ints, the shape of ARC JSON.
func (g Grid) Rows() [][]int {
	rows := make([][]int, g.H)
	for r := range rows {
		row := make([]int, g.W)
		for c := range row {
			row[c] = int(g.At(r, c))
		}
		rows[r] = row
	}
	return rows
}

// MarshalJSON writes the grid as ARC JSON: a list of rows of ints.
func (g Grid) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('[')
	for r := 0; r < g.H; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for c := 0; c < g.W; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, g.At(r, c))
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return []byte(b.String()), nil
}

// Hash is the official builders' grid hash: the hex sha256 of the two shape
// bytes (rows, cols) followed by the raw cells. The TRM evaluator identifies
// test inputs and predictions by it, so it must not change.
func (g Grid) Hash() string {
	h := sha256.New()
	h.Write([]byte{byte(g.H), byte(g.W)})
	h.Write(g.Cells)
	return hex.EncodeToString(h.Sum(nil))
}

// String renders the grid as rows of digits, for messages and tests.
func (g Grid) String() string {
	var b strings.Builder
	for r := 0; r < g.H; r++ {
		for c := 0; c < g.W; c++ {
			b.WriteByte('0' + g.At(r, c)%10)
		}
		if r < g.H-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
