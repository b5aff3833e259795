package tasks

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"

	mstats "github.com/montanaflynn/stats"
)

// Summary is min / mean / max of a quantity.
type Summary struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
	N    int     `json:"n"`
}

// summarize describes xs with montanaflynn/stats (the zero Summary when xs
// is empty). Its mean is the sum over n, exact when that is representable:
// the running mean this replaced gave 13.250000000000002 for grids of heights
// 15 14 4 6 20 14 29 4, printed "13.3" where 13.25 prints "13.2".
func summarize(xs []float64) Summary {
	if len(xs) == 0 {
		return Summary{}
	}
	lo, _ := mstats.Min(xs)
	mean, _ := mstats.Mean(xs)
	hi, _ := mstats.Max(xs)
	return Summary{Min: lo, Mean: mean, Max: hi, N: len(xs)}
}

// RatingBuckets are the Sudoku-Extreme rating buckets of the official test
// histogram (tdoku guesses): r0, r1-4, r5-19, r20-49, r50-99, r100+.
var RatingBuckets = []struct {
	Name     string
	Min, Max int
}{{"r0", 0, 0}, {"r1-4", 1, 4}, {"r5-19", 5, 19}, {"r20-49", 20, 49}, {"r50-99", 50, 99}, {"r100+", 100, math.MaxInt}}

// RatingBucket names the bucket of a Sudoku rating ("" when unknown).
func RatingBucket(r int) string {
	for _, b := range RatingBuckets {
		if r >= b.Min && r <= b.Max {
			return b.Name
		}
	}
	return ""
}

// SetStats describes a loaded set (`arceval data stats`).
type SetStats struct {
	Set                   string         `json:"set"`
	Kind                  string         `json:"kind"`
	Path                  string         `json:"path"`
	Tasks                 int            `json:"tasks"`
	TestInputs            int            `json:"test_inputs"`
	TrainPairs            int            `json:"train_pairs"`
	TasksWithSeveralTests int            `json:"tasks_with_several_tests"`
	Height                *Summary       `json:"grid_height,omitempty"`
	Width                 *Summary       `json:"grid_width,omitempty"`
	Colours               []int          `json:"colour_cells,omitempty"` // ARC: cells per colour 0..9
	Ratings               map[string]int `json:"rating_buckets,omitempty"`
	Rating                *Summary       `json:"rating,omitempty"`
	Givens                *Summary       `json:"givens,omitempty"`      // Sudoku clues
	PathLength            *Summary       `json:"path_length,omitempty"` // Maze: shortest path, moves
	Fingerprint           string         `json:"fingerprint"`
}

// Stats computes the statistics of a set.
func Stats(s *Set) SetStats {
	st := SetStats{Set: s.Name, Kind: s.Kind.String(), Path: s.Path, Tasks: len(s.Tasks), Fingerprint: Fingerprint(s)}
	var h, w, rating, givens, path []float64
	colours := make([]int, 10)
	ratings := map[string]int{}
	grid := func(g Grid) {
		h = append(h, float64(g.H))
		w = append(w, float64(g.W))
		if s.Kind == ARC {
			for _, v := range g.Cells {
				if int(v) < len(colours) {
					colours[v]++
				}
			}
		}
	}
	for _, t := range s.Tasks {
		st.TestInputs += len(t.Test)
		st.TrainPairs += len(t.Train)
		if len(t.Test) > 1 {
			st.TasksWithSeveralTests++
		}
		for p := range t.Pairs() {
			grid(p.Input)
			grid(p.Output)
		}
		switch s.Kind {
		case Sudoku:
			if t.Rating >= 0 {
				rating = append(rating, float64(t.Rating))
				ratings[RatingBucket(t.Rating)]++
			}
			n := 0
			for _, v := range t.Test[0].Input.Cells {
				if v != 0 {
					n++
				}
			}
			givens = append(givens, float64(n))
		case Maze:
			q := t.Test[0].Input
			if start, goal, msg := mazeEndpoints(q); msg == "" {
				path = append(path, float64(MazeDistances(q, start)[goal]))
			}
		}
	}
	if len(h) > 0 {
		hs, ws := summarize(h), summarize(w)
		st.Height, st.Width = &hs, &ws
	}
	switch s.Kind {
	case ARC:
		st.Colours = colours
	case Sudoku:
		gs := summarize(givens)
		st.Givens = &gs
		if len(rating) > 0 {
			rs := summarize(rating)
			st.Rating, st.Ratings = &rs, ratings
		}
	case Maze:
		ps := summarize(path)
		st.PathLength = &ps
	}
	return st
}

// Fingerprint identifies a set's content: the sha256 (first 16 hex digits)
// over kind, task ids and every grid, in set order. Run files record it so
// results are never compared across different data.
func Fingerprint(s *Set) string {
	h := sha256.New()
	var buf [8]byte
	num := func(v int) {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	num(int(s.Kind))
	for _, t := range s.Tasks {
		num(len(t.ID))
		h.Write([]byte(t.ID))
		for _, list := range [][]Pair{t.Train, t.Test} {
			num(len(list))
			for _, p := range list {
				for _, g := range []Grid{p.Input, p.Output} {
					num(g.H)
					num(g.W)
					h.Write(g.Cells)
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
