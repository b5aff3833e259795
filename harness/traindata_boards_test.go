package harness

import (
	"slices"
	"strings"
	"testing"

	"arceval/tasks"
)

// validSudoku reports whether 81 label tokens (digit+1) are a solved board.
func validSudoku(lab []int32) bool {
	for i := range 9 {
		var row, col, box [10]bool
		for j := range 9 {
			r := lab[i*9+j] - 1
			c := lab[j*9+i] - 1
			b := lab[(i/3*3+j/3)*9+i%3*3+j%3] - 1
			if r < 1 || r > 9 || c < 1 || c > 9 || b < 1 || b > 9 || row[r] || col[c] || box[b] {
				return false
			}
			row[r], col[c], box[b] = true, true, true
		}
	}
	return true
}

// Each Sudoku group is the original (member 0) and NumAug fixed copies: the
// same member is the same puzzle whenever it is drawn, and the sampler
// draws every member, the original included, uniformly.
func TestSudokuFixedPool(t *testing.T) {
	set := sudokuSet(t, 5, 11)
	d, err := NewTaskData([]*tasks.Set{set}, TaskDataOptions{NumAug: 3, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	pool := map[string][2]int{} // tokens → (group, member)
	for g := range d.Groups() {
		if d.Members(g) != 4 {
			t.Fatalf("group %d has %d members, want 1 + 3", g, d.Members(g))
		}
		orig := boardTokens(set.Tasks[g].Test[0])
		for k := range 4 {
			ex := d.Puzzle(g, k)
			if len(ex) != 1 || ex[0].PuzzleID != 0 || !validSudoku(ex[0].Labels) {
				t.Fatalf("group %d member %d: %d examples, id %d, valid solution %v", g, k, len(ex), ex[0].PuzzleID, validSudoku(ex[0].Labels))
			}
			if again := d.Puzzle(g, k); !slices.Equal(again[0].Inputs, ex[0].Inputs) || !slices.Equal(again[0].Labels, ex[0].Labels) {
				t.Fatalf("group %d member %d changes between draws", g, k)
			}
			if isOrig := slices.Equal(ex[0].Inputs, orig); isOrig != (k == 0) {
				t.Fatalf("group %d member %d: equal to the original %v", g, k, isOrig)
			}
			key := string(int32Bytes(ex[0].Inputs))
			if _, dup := pool[key]; dup {
				t.Fatalf("group %d member %d repeats another member", g, k)
			}
			pool[key] = [2]int{g, k}
		}
	}
	s := newSampler(d, 2, EpochsPerIterBoards)
	counts := map[[2]int]int{}
	for range 400 {
		batch, err := s.next(5) // one epoch per batch
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range batch {
			gk, ok := pool[string(int32Bytes(ex.Inputs))]
			if !ok {
				t.Fatal("the sampler drew a puzzle outside the fixed pool")
			}
			counts[gk]++
		}
	}
	for g := range 5 {
		for k := range 4 {
			if c := counts[[2]int{g, k}]; c < 60 || c > 140 {
				t.Errorf("group %d member %d drawn %d times in 400 epochs, want ≈100", g, k, c)
			}
		}
	}
}

// Mazes are not augmented unless asked; with augmentation each maze is the
// group of its 8 dihedral transforms, member k = transform k.
func TestMazeDihedralGroupOnlyWhenAsked(t *testing.T) {
	set, err := tasks.LoadSet("", "../tasks/testdata/maze_tiny.csv")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := NewTaskData([]*tasks.Set{set}, TaskDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	aug, err := NewTaskData([]*tasks.Set{set}, TaskDataOptions{NumAug: 1})
	if err != nil {
		t.Fatal(err)
	}
	for g, tk := range set.Tasks {
		p := tk.Test[0]
		if plain.Members(g) != 1 || !slices.Equal(plain.Puzzle(g, 0)[0].Inputs, boardTokens(p)) {
			t.Fatalf("maze %d without augmentation: %d members", g, plain.Members(g))
		}
		if aug.Members(g) != tasks.NumDihedral {
			t.Fatalf("maze %d with augmentation: %d members, want 8", g, aug.Members(g))
		}
		for k := range tasks.NumDihedral {
			want := boardTokens(tasks.Pair{Input: tasks.Dihedral(p.Input, k)})
			if !slices.Equal(aug.Puzzle(g, k)[0].Inputs, want) {
				t.Fatalf("maze %d member %d is not dihedral transform %d", g, k, k)
			}
		}
	}
}

// boardTokens encodes a pair's input as int32 tokens.
func boardTokens(p tasks.Pair) []int32 {
	tok := make([]uint8, len(p.Input.Cells))
	tasks.EncodeBoard(p.Input, tok)
	out := make([]int32, len(tok))
	for i, v := range tok {
		out[i] = int32(v)
	}
	return out
}

func int32Bytes(v []int32) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

// A board set whose puzzle has no question/answer pair — the first one
// included — is an error naming the set and the puzzle, not a panic.
func TestBoardDataPuzzleWithoutPair(t *testing.T) {
	for _, at := range []int{0, 2} {
		set := sudokuSet(t, 4, 3)
		set.Tasks[at].Test = nil
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("puzzle %d without a pair: panic %v", at, r)
				}
			}()
			_, err := NewTaskData([]*tasks.Set{set}, TaskDataOptions{})
			if want := set.Name + ": puzzle " + set.Tasks[at].ID + " has 0 question/answer pairs"; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("puzzle %d without a pair: %v, want %q", at, err, want)
			}
		}()
	}
}
