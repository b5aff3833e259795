package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestExpStats(t *testing.T) {
	for _, o := range []MazeOptions{{MinPathLen: 109, Candidates: 1}, {MinPathLen: 109}, {MinPathLen: 109, Candidates: 32}} {
		rng := rand.New(rand.NewPCG(1, 2))
		var ws, ws2, pl, man float64
		plh := map[int]int{}
		t0 := time.Now()
		const K = 500
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
		fmt.Println(o, time.Since(t0)/K, "per maze; dens", m, math.Sqrt(ws2/K-m*m), "pl", pl/K, "man", man/K)
		for k := 109; k < 116; k++ {
			fmt.Printf("%d:%.3f ", k, float64(plh[k])/K)
		}
		fmt.Println()
	}
}
