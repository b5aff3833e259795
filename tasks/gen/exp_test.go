//go:build genexp

package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestExpStats(t *testing.T) {
	for _, o := range []MazeOptions{{MinPathLen: 109, Candidates: 1}, {MinPathLen: 109}, {MinPathLen: 109, Candidates: 32}, {MinPathLen: 110}} {
		rng := rand.New(rand.NewPCG(1, 2))
		var ws, ws2, pl, man float64
		plh := map[int]int{}
		t0 := time.Now()
		const K = 1000
		for range K {
			q, a, l, err := GenerateMaze(rng, o)
			if err != nil {
				t.Fatal(err)
			}
			if err := ValidMazeAnswer(q, a, 30); err != nil {
				t.Fatal(err)
			}
			w := 0
			s, g := -1, -1
			for i, c := range q {
				if c == Wall {
					w++
				}
				if c == Start {
					s = i
				}
				if c == Goal {
					g = i
				}
			}
			f := float64(w) / 900
			ws += f
			ws2 += f * f
			plh[l]++
			pl += float64(l)
			man += math.Abs(float64(s/30-g/30)) + math.Abs(float64(s%30-g%30))
		}
		m := ws / K
		fmt.Printf("%+v total %v; dens %.4f sd %.4f; path mean %.2f; manhattan %.2f\n  ", o, time.Since(t0).Round(time.Millisecond), m, math.Sqrt(ws2/K-m*m), pl/K, man/K)
		for k := 109; k < 116; k++ {
			fmt.Printf("%d:%.3f ", k, float64(plh[k])/K)
		}
		fmt.Println()
	}
}

func TestExpSudokuTiming(t *testing.T) {
	for _, o := range []SudokuOptions{{}, {MinRating: 1}, {MaxRating: PropagationOnly}} {
		rng := rand.New(rand.NewPCG(1, 2))
		t0 := time.Now()
		hist := map[int]int{}
		clues := 0
		for range 1000 {
			p, _, r, err := GenerateSudoku(rng, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range p {
				if v != 0 {
					clues++
				}
			}
			switch {
			case r == 0:
				hist[0]++
			case r <= 4:
				hist[1]++
			case r <= 19:
				hist[5]++
			default:
				hist[20]++
			}
		}
		fmt.Printf("sudoku %+v: 1000 in %v, mean clues %.1f, rating buckets 0:%d 1-4:%d 5-19:%d 20+:%d\n", o, time.Since(t0).Round(time.Millisecond), float64(clues)/1000, hist[0], hist[1], hist[5], hist[20])
	}
	for _, sh := range []Shape{{2, 2}, {2, 3}, {3, 4}, {4, 4}} {
		rng := rand.New(rand.NewPCG(1, 2))
		t0 := time.Now()
		k := 100
		for range k {
			if _, _, _, err := GenerateGrid(rng, sh, SudokuOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		fmt.Printf("shape %v: %d minimal in %v\n", sh, k, time.Since(t0).Round(time.Millisecond))
	}
}
