//go:build genexp

package gen

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkExpMaze1(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		GenerateMaze(rng, MazeOptions{MinPathLen: 109, Candidates: 1})
	}
}

func BenchmarkExpRaw(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	ms := newMazeSampler(30, 109)
	pass := 0
	for b.Loop() {
		ms.drawLayout(rng, 0.3+0.2*rng.Float64())
		if ms.screen() {
			pass++
		}
	}
	b.ReportMetric(float64(pass)/float64(b.N), "pass")
}

func BenchmarkExpDraw(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	ms := newMazeSampler(30, 109)
	for b.Loop() {
		ms.drawLayout(rng, 0.3+0.2*rng.Float64())
	}
}
