package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestExpDensity(t *testing.T) {
	for _, o := range []MazeOptions{{MinPathLen: 109}, {MinPathLen: 109, WallDensity: 0.4, DensitySpread: 0.1}, {MinPathLen: 109, WallDensity: 0.37, DensitySpread: 0.05}} {
		rng := rand.New(rand.NewPCG(1, 2))
		var ws, ws2, pl, man float64
		hist := map[int]int{}
		t0 := time.Now()
		const K = 1000
		for range K {
			q, _, l, err := GenerateMaze(rng, o)
			if err != nil {
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
			hist[int(math.Round(f*100))]++
			pl += float64(l)
			man += math.Abs(float64(s/30-g/30)) + math.Abs(float64(s%30-g%30))
		}
		m := ws / K
		fmt.Println(o, time.Since(t0), "dens", m, math.Sqrt(ws2/K-m*m), "pl", pl/K, "man", man/K)
		for k := 25; k < 50; k++ {
			fmt.Printf("%d:%d ", k, hist[k])
		}
		fmt.Println()
	}
}
