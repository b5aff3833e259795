package tasks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// refHash is the official grid_hash written out: sha256 over one byte per
// shape dimension (rows, cols) followed by the raw uint8 cells.
func refHash(h, w int, cells []uint8) string {
	buf := append([]byte{byte(h), byte(w)}, cells...)
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

func TestGridHash(t *testing.T) {
	tests := []struct {
		name string
		g    Grid
		want string
	}{
		// sha256(b"\x01\x01\x00") (printf '\x01\x01\x00' | sha256sum), the
		// hash of the official dummy output [[0]].
		{"dummy", gridOf("0"), "9f44ac6acb8a37b00b615dc89259d306035be82dee7db2b472e4c48326195440"},
		{"2x3", gridOf("123", "456"), refHash(2, 3, []uint8{1, 2, 3, 4, 5, 6})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.g.Hash(); got != tc.want {
				t.Errorf("Hash = %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("shape-matters", func(t *testing.T) {
		a, b := gridOf("12", "34"), gridOf("1234")
		if a.Hash() == b.Hash() {
			t.Error("2×2 and 1×4 grids with the same cells hash alike")
		}
	})
	t.Run("random", func(t *testing.T) {
		r := newRand(4)
		for iter := 0; iter < 1000; iter++ {
			g := randGrid(r, 1+r.IntN(30), 1+r.IntN(30), 9)
			if got, want := g.Hash(), refHash(g.H, g.W, g.Cells); got != want {
				t.Fatalf("%d×%d: Hash %s, independent sha256 %s", g.H, g.W, got, want)
			}
		}
	})
}

func TestGridBasics(t *testing.T) {
	g := gridOf("120", "345")
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"At", g.At(1, 2), uint8(5)},
		{"String", g.String(), "120\n345"},
		{"Equal-self", g.Equal(g.Clone()), true},
		{"Equal-shape", g.Equal(gridOf("120345")), false},
		{"Equal-cell", g.Equal(gridOf("120", "346")), false},
		{"NewGrid", NewGrid(2, 3).String(), "000\n000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	t.Run("Clone-is-deep", func(t *testing.T) {
		c := g.Clone()
		c.Set(0, 0, 9)
		if g.At(0, 0) != 1 {
			t.Error("Clone shares cells with the original")
		}
	})
	t.Run("JSON", func(t *testing.T) {
		data, err := json.Marshal(Pair{Input: g, Output: gridOf("7")})
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"input":[[1,2,0],[3,4,5]],"output":[[7]]}`; string(data) != want {
			t.Errorf("json %s, want %s", data, want)
		}
		var rows [][]int
		if err := json.Unmarshal([]byte(must(g.MarshalJSON())), &rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || len(rows[0]) != 3 || rows[1][2] != 5 {
			t.Errorf("MarshalJSON rows %v", rows)
		}
		if got := g.Rows(); len(got) != 2 || got[1][0] != 3 {
			t.Errorf("Rows %v", got)
		}
	})
}

func must(b []byte, err error) string {
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestKindAndParseKind(t *testing.T) {
	for _, k := range []Kind{ARC, Sudoku, Maze} {
		t.Run(k.String(), func(t *testing.T) {
			got, err := ParseKind(k.String())
			if err != nil || got != k {
				t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		_, err := ParseKind("chess")
		wantErr(t, err, `unknown task kind "chess"`)
		if s := Kind(9).String(); s != "Kind(9)" {
			t.Errorf("Kind(9).String() = %q", s)
		}
	})
}
