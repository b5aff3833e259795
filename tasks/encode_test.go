package tasks

import (
	"fmt"
	"testing"
)

// refCanvas is the builder's np_grid_to_seq_translational_augment written
// out: a 30×30 canvas of PAD, the grid as colour+2 at (pr, pc), EOS on the
// row below (grid columns only) and the column right of it (grid rows only).
func refCanvas(g Grid, pr, pc int) [30][30]uint8 {
	var c [30][30]uint8
	for r := 0; r < g.H; r++ {
		for k := 0; k < g.W; k++ {
			c[pr+r][pc+k] = g.At(r, k) + 2
		}
	}
	if pr+g.H < 30 {
		for k := pc; k < pc+g.W; k++ {
			c[pr+g.H][k] = 1
		}
	}
	if pc+g.W < 30 {
		for r := pr; r < pr+g.H; r++ {
			c[r][pc+g.W] = 1
		}
	}
	return c
}

func flatCanvas(c [30][30]uint8) []uint8 {
	out := make([]uint8, 0, 900)
	for _, row := range c {
		out = append(out, row[:]...)
	}
	return out
}

// shiftBack moves the canvas content up by pr rows and left by pc columns,
// filling with PAD: the canvas the grid would have at offset (0, 0) except
// for EOS cells that fell off the canvas edge.
func shiftBack(tokens []uint8, pr, pc int) []uint8 {
	out := make([]uint8, ARCSeqLen)
	for r := 0; r+pr < 30; r++ {
		for c := 0; c+pc < 30; c++ {
			out[r*30+c] = tokens[(r+pr)*30+c+pc]
		}
	}
	return out
}

func TestEncodeARCCanonicalRoundTrip(t *testing.T) {
	r := newRand(8)
	dst := make([]uint8, ARCSeqLen)
	for h := 1; h <= MaxARCSide; h++ {
		for w := 1; w <= MaxARCSide; w++ {
			g := randGrid(r, h, w, 9)
			EncodeARC(g, 0, 0, dst)
			if want := flatCanvas(refCanvas(g, 0, 0)); string(dst) != string(want) {
				t.Fatalf("%d×%d: canvas differs from the builder's layout", h, w)
			}
			if got := CropARC(dst); !got.Equal(g) {
				t.Fatalf("%d×%d: CropARC(EncodeARC(g)) is %d×%d, want g", h, w, got.H, got.W)
			}
		}
	}
}

// TestEncodeARCTranslated documents the official crop on translated
// canvases: it crops from the top-left corner, so a grid placed at any offset
// other than (0, 0) crops to an empty 0×0 grid (the top-left token is PAD).
// Shifting the canvas back to the corner recovers the grid.
func TestEncodeARCTranslated(t *testing.T) {
	r := newRand(9)
	dst := make([]uint8, ARCSeqLen)
	for iter := 0; iter < 3000; iter++ {
		h, w := 1+r.IntN(30), 1+r.IntN(30)
		pr, pc := r.IntN(31-h), r.IntN(31-w)
		g := randGrid(r, h, w, 9)
		EncodeARC(g, pr, pc, dst)
		if want := flatCanvas(refCanvas(g, pr, pc)); string(dst) != string(want) {
			t.Fatalf("%d×%d at (%d,%d): canvas differs from the builder's layout", h, w, pr, pc)
		}
		crop := CropARC(dst)
		if pr == 0 && pc == 0 {
			if !crop.Equal(g) {
				t.Fatalf("%d×%d at (0,0): crop is not the grid", h, w)
			}
		} else if crop.H != 0 || crop.W != 0 || len(crop.Cells) != 0 {
			t.Fatalf("%d×%d at (%d,%d): crop is %d×%d, the official crop gives 0×0", h, w, pr, pc, crop.H, crop.W)
		}
		if back := CropARC(shiftBack(dst, pr, pc)); !back.Equal(g) {
			t.Fatalf("%d×%d at (%d,%d): crop of the canvas shifted back is %d×%d, want the grid", h, w, pr, pc, back.H, back.W)
		}
	}
}

func TestEncodeARCPanicsOutsideCanvas(t *testing.T) {
	tests := []struct {
		name   string
		h, w   int
		pr, pc int
		n      int
	}{
		{"too-low", 5, 5, 26, 0, 900},
		{"too-right", 5, 5, 0, 26, 900},
		{"negative", 1, 1, -1, 0, 900},
		{"short-dst", 1, 1, 0, 0, 899},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("EncodeARC did not panic")
				}
			}()
			EncodeARC(NewGrid(tc.h, tc.w), tc.pr, tc.pc, make([]uint8, tc.n))
		})
	}
}

func TestCropARCCases(t *testing.T) {
	colour := func(v uint8) uint8 { return v + ARCColourToken }
	tests := []struct {
		name  string
		build func(c *[30][30]uint8)
		want  Grid
	}{
		{"all-pad", func(c *[30][30]uint8) {}, Grid{Cells: []uint8{}}},
		{"all-colour", func(c *[30][30]uint8) {
			for r := range c {
				for k := range c[r] {
					c[r][k] = colour(uint8((r + k) % 10))
				}
			}
		}, func() Grid {
			g := NewGrid(30, 30)
			for i := range g.Cells {
				g.Cells[i] = uint8((i/30 + i%30) % 10)
			}
			return g
		}()},
		// Rows of widths 5, 3: areas 5 then 6, so 2×3 wins.
		{"staircase", func(c *[30][30]uint8) {
			for k := 0; k < 5; k++ {
				c[0][k] = colour(1)
			}
			for k := 0; k < 3; k++ {
				c[1][k] = colour(2)
			}
		}, gridOf("111", "222")},
		// Widths 4, 2: areas 4 and 4; the first maximum (1×4) wins.
		{"first-max-wins", func(c *[30][30]uint8) {
			for k := 0; k < 4; k++ {
				c[0][k] = colour(3)
			}
			c[1][0], c[1][1] = colour(4), colour(4)
		}, gridOf("3333")},
		// An EOS inside the second row stops the column scan there.
		{"eos-inside", func(c *[30][30]uint8) {
			for r := 0; r < 3; r++ {
				for k := 0; k < 3; k++ {
					c[r][k] = colour(5)
				}
			}
			c[1][2] = ARCEOSToken
		}, gridOf("55", "55", "55")},
		// Tokens above 11 (out of vocabulary) are not colours either.
		{"out-of-vocab", func(c *[30][30]uint8) {
			c[0][0], c[0][1], c[0][2] = colour(9), 200, colour(9)
		}, gridOf("9")},
		// Once the column limit drops to 0 the crop never grows again.
		{"gap-row", func(c *[30][30]uint8) {
			c[0][0] = colour(7)
			for k := 0; k < 30; k++ {
				c[2][k] = colour(8)
				c[3][k] = colour(8)
			}
		}, gridOf("7")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c [30][30]uint8
			tc.build(&c)
			got := CropARC(flatCanvas(c))
			if got.H != tc.want.H || got.W != tc.want.W || string(got.Cells) != string(tc.want.Cells) {
				t.Errorf("crop %d×%d\n%v\nwant %d×%d\n%v", got.H, got.W, got, tc.want.H, tc.want.W, tc.want)
			}
		})
	}
	t.Run("wrong-length-panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("CropARC of 899 tokens did not panic")
			}
		}()
		CropARC(make([]uint8, 899))
	})
}

func TestEncodeDecodeBoard(t *testing.T) {
	r := newRand(10)
	tests := []struct {
		name     string
		side     int
		maxValue uint8
		vocab    int
	}{
		{"sudoku", SudokuSide, 9, SudokuVocab},
		{"maze30", 30, MazePath, MazeVocab},
		{"maze5", 5, MazePath, MazeVocab},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for iter := 0; iter < 500; iter++ {
				g := randGrid(r, tc.side, tc.side, tc.maxValue)
				tok := make([]uint8, tc.side*tc.side)
				EncodeBoard(g, tok)
				for i, v := range tok {
					if v != g.Cells[i]+1 || v == PadToken || int(v) >= tc.vocab {
						t.Fatalf("token %d is %d for value %d", i, v, g.Cells[i])
					}
				}
				back, ok := DecodeBoard(tok, tc.side, tc.vocab)
				if !ok || !back.Equal(g) {
					t.Fatalf("DecodeBoard(EncodeBoard(g)) = %v, ok=%v", back, ok)
				}
			}
		})
	}
	bad := []struct {
		name   string
		tokens []uint8
	}{
		{"pad", append([]uint8{0}, make81(2)[1:]...)},
		{"vocab", append([]uint8{11}, make81(2)[1:]...)},
		{"short", make81(2)[:80]},
		{"long", append(make81(2), 2)},
	}
	for _, tc := range bad {
		t.Run("bad-"+tc.name, func(t *testing.T) {
			g, ok := DecodeBoard(tc.tokens, SudokuSide, SudokuVocab)
			if ok {
				t.Error("DecodeBoard accepted a non-board")
			}
			if g.H != 9 || g.W != 9 || len(g.Cells) != 81 {
				t.Errorf("DecodeBoard returned a %d×%d grid", g.H, g.W)
			}
		})
	}
}

func make81(v uint8) []uint8 {
	out := make([]uint8, 81)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestLayoutFor(t *testing.T) {
	tests := []struct {
		kind Kind
		side int
		want Layout
	}{
		{ARC, 0, Layout{ARC, 30, 900, 12}},
		{Sudoku, 0, Layout{Sudoku, 9, 81, 11}},
		{Maze, 30, Layout{Maze, 30, 900, 6}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.kind), func(t *testing.T) {
			if got := LayoutFor(tc.kind, tc.side); got != tc.want {
				t.Errorf("LayoutFor = %+v, want %+v", got, tc.want)
			}
		})
	}
}
