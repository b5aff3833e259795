package tasks

import "fmt"

// Token layouts of the official builders (trm-spec §2):
//
//	ARC     [900] = 30×30 canvas; 0 PAD, 1 EOS, 2..11 colours 0..9; vocab 12
//	Sudoku  [81]  row-major; 1 blank, 2..10 digits 1..9; vocab 11 (0 PAD unused)
//	Maze    [N*N] row-major; 1..5 = "# SGo"; vocab 6 (0 PAD unused)
const (
	PadToken       = 0
	ARCEOSToken    = 1
	ARCColourToken = 2 // token of colour 0
	ARCSeqLen      = MaxARCSide * MaxARCSide
	ARCVocab       = 12
	SudokuVocab    = 11
	MazeVocab      = 6
)

// Layout is the token geometry of one benchmark.
type Layout struct {
	Kind   Kind
	Side   int // board side (30 for ARC's canvas)
	SeqLen int
	Vocab  int
}

// LayoutFor returns the layout of kind; side is the board side for Maze
// (ignored for ARC and Sudoku).
func LayoutFor(kind Kind, side int) Layout {
	switch kind {
	case ARC:
		return Layout{ARC, MaxARCSide, ARCSeqLen, ARCVocab}
	case Sudoku:
		return Layout{Sudoku, SudokuSide, SudokuSide * SudokuSide, SudokuVocab}
	default:
		return Layout{Maze, side, side * side, MazeVocab}
	}
}

// EncodeBoard writes a Sudoku or Maze board as tokens (value + 1) into dst,
// which must have len g.H*g.W.
func EncodeBoard(g Grid, dst []uint8) {
	for i, v := range g.Cells {
		dst[i] = v + 1
	}
}

// DecodeBoard turns Sudoku/Maze tokens back into a side×side board of values
// (token − 1). ok is false when a token is PAD or ≥ vocab, i.e. the sequence
// is not a board (a model may predict that).
func DecodeBoard(tokens []uint8, side, vocab int) (g Grid, ok bool) {
	g = NewGrid(side, side)
	ok = len(tokens) == side*side
	for i := range g.Cells {
		if i >= len(tokens) {
			break
		}
		t := tokens[i]
		if t == PadToken || int(t) >= vocab {
			ok = false
			continue
		}
		g.Cells[i] = t - 1
	}
	return g, ok
}

// EncodeARC writes grid g into a 30×30 token canvas dst (len 900) at offset
// (padR, padC): colours become colour+2, everything else PAD (0), and EOS (1)
// marks the row just below the grid (its columns only) and the column just
// right of it (its rows only) when those lie inside the canvas. This is the
// official builder's translational encoding; (0, 0) is the canonical one.
func EncodeARC(g Grid, padR, padC int, dst []uint8) {
	if len(dst) != ARCSeqLen || padR < 0 || padC < 0 || padR+g.H > MaxARCSide || padC+g.W > MaxARCSide {
		panic(fmt.Sprintf("tasks.EncodeARC: %d×%d grid at (%d,%d) does not fit a 30×30 canvas of %d tokens", g.H, g.W, padR, padC, len(dst)))
	}
	clear(dst)
	for r := 0; r < g.H; r++ {
		row := dst[(padR+r)*MaxARCSide+padC:]
		for c := 0; c < g.W; c++ {
			row[c] = g.Cells[r*g.W+c] + ARCColourToken
		}
	}
	if eosRow := padR + g.H; eosRow < MaxARCSide {
		for c := padC; c < padC+g.W; c++ {
			dst[eosRow*MaxARCSide+c] = ARCEOSToken
		}
	}
	if eosCol := padC + g.W; eosCol < MaxARCSide {
		for r := padR; r < padR+g.H; r++ {
			dst[r*MaxARCSide+eosCol] = ARCEOSToken
		}
	}
}

// CropARC is the official evaluator's crop of a 30×30 token canvas: the
// largest top-left rectangle of colour tokens, found by walking rows and
// shrinking the column limit at the first non-colour token (first maximum
// area wins). The result may be empty (0×0) when the top-left token is not a
// colour.
func CropARC(tokens []uint8) Grid {
	if len(tokens) != ARCSeqLen {
		panic(fmt.Sprintf("tasks.CropARC: %d tokens, want %d", len(tokens), ARCSeqLen))
	}
	bestArea, bestR, bestC := 0, 0, 0
	numC := MaxARCSide
	for r := 1; r <= MaxARCSide; r++ {
		for c := 1; c <= numC; c++ {
			x := tokens[(r-1)*MaxARCSide+c-1]
			if x < ARCColourToken || x > ARCColourToken+arcMaxColour {
				numC = c - 1
				break
			}
		}
		if area := r * numC; area > bestArea {
			bestArea, bestR, bestC = area, r, numC
		}
	}
	g := NewGrid(bestR, bestC)
	for r := 0; r < bestR; r++ {
		for c := 0; c < bestC; c++ {
			g.Cells[r*bestC+c] = tokens[r*MaxARCSide+c] - ARCColourToken
		}
	}
	return g
}
