package gen

import (
	"arceval/tasks"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Maze cells are bytes of the Maze-Hard charset MazeCharset, row-major in an
// N×N grid (cell index = row*N + col). The model token of a cell is
// 1 + its index in MazeCharset (0 is padding), matching the HRM/TRM
// build_maze_dataset.py encoding.
const (
	MazeCharset = tasks.MazeCharset

	Wall  = '#' // impassable cell
	Open  = ' ' // passable cell
	Start = 'S' // path start (exactly one per maze)
	Goal  = 'G' // path goal (exactly one per maze)
	Mark  = 'o' // open cell on the marked shortest path (answers only)
)

// Maze defaults: Maze-Hard's side, and Lehnert et al.'s range of wall
// probabilities (one uniform draw per maze). After the Maze-Hard path
// filter the realised wall fraction averages ≈ 0.37, as in the real data.
const (
	DefaultMazeN   = 30
	WallDensityLow = 0.30
	WallDensityHi  = 0.50
)

var (
	// ErrBadMaze reports a malformed maze question or answer, or an answer
	// whose marked cells are not a simple S→G path.
	ErrBadMaze = errors.New("gen: invalid maze")
)

// neighbours appends the 4-neighbours of cell c in an n×n grid in the fixed
// order down (row+1), left, right, up; this order is the tie-break of
// ShortestPath and reproduces the Maze-Hard labels exactly.
func neighbours(dst []int, c, n int) []int {
	r, col := c/n, c%n
	if r < n-1 {
		dst = append(dst, c+n)
	}
	if col > 0 {
		dst = append(dst, c-1)
	}
	if col < n-1 {
		dst = append(dst, c+1)
	}
	if r > 0 {
		dst = append(dst, c-n)
	}
	return dst
}

// findSG returns the indices of the single 'S' and single 'G' in q, or an
// error if either is missing or repeated.
func findSG(q []byte) (s, g int, err error) {
	s, g = -1, -1
	for i, ch := range q {
		switch ch {
		case Start:
			if s >= 0 {
				return -1, -1, fmt.Errorf("%w: more than one %q", ErrBadMaze, Start)
			}
			s = i
		case Goal:
			if g >= 0 {
				return -1, -1, fmt.Errorf("%w: more than one %q", ErrBadMaze, Goal)
			}
			g = i
		}
	}
	if s < 0 || g < 0 {
		return -1, -1, fmt.Errorf("%w: need exactly one %q and one %q", ErrBadMaze, Start, Goal)
	}
	return s, g, nil
}

// ShortestPath returns one shortest S→G path of the n×n maze q (row-major,
// len n*n; every byte other than '#' is passable) as cell indices from S to
// G inclusive, so len(path)-1 is the path length in moves. Moves go to the
// 4 neighbours. ok is false if q has no unique S and G or G is unreachable.
//
// Tie-breaking is deterministic: distances to G are computed by BFS, then
// the path is walked from S, always stepping to the first neighbour in the
// order down (row+1), left, right, up that is one move closer to G. This
// reproduces the 'o' marks of all 1000 Maze-Hard test labels exactly.
func ShortestPath(q []byte, n int) (path []int, ok bool) {
	if n <= 0 || len(q) != n*n {
		return nil, false
	}
	s, g, err := findSG(q)
	if err != nil {
		return nil, false
	}
	// Distances to G through non-wall cells (the project's BFS, tasks.MazeDistances).
	grid := tasks.NewGrid(n, n)
	for i, ch := range q {
		if ch != Wall {
			grid.Cells[i] = tasks.MazeOpen
		}
	}
	return walkPath(tasks.MazeDistances(grid, g), n, s)
}

// walkPath follows strictly decreasing distances (to the goal) from s.
func walkPath(dist []int, n, s int) ([]int, bool) {
	if dist[s] < 0 {
		return nil, false
	}
	path := make([]int, 0, dist[s]+1)
	path = append(path, s)
	var nb [4]int
	for c := s; dist[c] > 0; {
		next := -1
		for _, m := range neighbours(nb[:0], c, n) {
			if dist[m] == dist[c]-1 {
				next = m
				break
			}
		}
		c = next
		path = append(path, c)
	}
	return path, true
}

// MazeOptions configures GenerateMaze. The zero value gives Maze-Hard-like
// 30×30 mazes without a path-length filter.
type MazeOptions struct {
	// N is the side length (default DefaultMazeN = 30).
	N int
	// MinPathLen is the minimum shortest S→G path length in moves (values
	// below 1 mean 1: S and G differ). Maze-Hard's published filter is
	// "difficulty > 110"; its shortest paths are 109–153 moves (110–154
	// cells incl. S and G), so 109 mimics it and 110 gives "≥ 110 moves".
	MinPathLen int
	// WallDensity, if > 0, is the fixed probability that a cell is a wall
	// (must be < 1). If 0, each maze draws its wall probability uniformly
	// from [WallDensityLow, WallDensityHi] = [0.30, 0.50] as Lehnert et al.
	// (2024) do; with N=30 and MinPathLen 109 this reproduces Maze-Hard's
	// realised wall fraction (mean ≈ 0.37, sd ≈ 0.027), which a fixed 0.37
	// does not (sd ≈ 0.016).
	WallDensity float64
	// Candidates is the number of qualifying wall layouts drawn per maze,
	// of which one is kept with probability proportional to its share of
	// long (S, G) pairs (sampling-importance-resampling; default 8). 1 is
	// fastest but over-represents layouts with few long pairs, i.e. paths
	// just above MinPathLen; larger values approach exact rejection sampling.
	Candidates int
	// MaxAttempts bounds the total number of wall layouts drawn (default
	// 500000). If it runs out with at least one qualifying layout found the
	// maze is built from those found; with none an error is returned.
	MaxAttempts int
}

// GenerateMaze returns a random n×n maze (question, row-major, bytes of
// "# SG") and its answer: the question with the open cells of the shortest
// S→G path chosen by ShortestPath marked 'o'. pathLen is its length in moves.
//
// Target distribution (Maze-Hard: Lehnert et al. 2024 plus HRM's
// path-length filter): every cell is a wall independently with the wall
// probability, S and G are a uniformly random ordered pair of distinct open
// cells, conditioned on BFS distance ≥ MinPathLen. Rejection sampling that
// literally accepts ~1 in 10^5 samples at N=30, MinPathLen=109, so instead:
//  1. a layout is drawn and its largest open component is found; pairs are
//     only taken from it (immaterial for long paths, where no other
//     component is big enough; for short ones it slightly favours it);
//  2. BFS eccentricities of a few landmark cells give upper bounds on every
//     cell's eccentricity; layouts whose bound rules out any long pair are
//     rejected, otherwise the long pairs are counted exactly by BFS from
//     each cell whose bound allows one;
//  3. among Candidates layouts with at least one long pair, one is kept with
//     probability ∝ (long ordered pairs)/(open·(open−1)) — its exact
//     acceptance probability under rejection sampling — and (S, G) is a
//     uniform long pair of it.
//
// Apart from step 1's restriction, only step 3's finite pool makes this
// approximate: with the default 8 candidates, N=30 and MinPathLen 109 the
// mean shortest path is ≈112.9 moves (Maze-Hard test: 113.5; exact: ≈113.7).
// The output is a deterministic function of rng's state.
func GenerateMaze(rng *rand.Rand, opt MazeOptions) (question, answer []byte, pathLen int, err error) {
	n := opt.N
	if n == 0 {
		n = DefaultMazeN
	}
	pool := opt.Candidates
	if pool <= 0 {
		pool = 8
	}
	attempts := opt.MaxAttempts
	if attempts <= 0 {
		attempts = 500_000
	}
	minLen := max(opt.MinPathLen, 1)
	switch {
	case n < 2:
		return nil, nil, 0, fmt.Errorf("gen: maze size %d < 2", n)
	case opt.WallDensity < 0 || opt.WallDensity >= 1:
		return nil, nil, 0, fmt.Errorf("gen: wall density %v outside [0,1)", opt.WallDensity)
	case minLen > n*n-1:
		return nil, nil, 0, fmt.Errorf("gen: MinPathLen %d impossible in a %d×%d maze", minLen, n, n)
	}
	ms := newMazeSampler(n, int32(minLen))
	type candidate struct {
		grid   []byte
		weight float64
		cells  []int32 // possible endpoints, ascending
		counts []int   // long partners per cell
		total  int
	}
	var cands []candidate
	var wsum float64
	for range attempts {
		if len(cands) == pool {
			break
		}
		p := opt.WallDensity
		if p == 0 {
			p = WallDensityLow + (WallDensityHi-WallDensityLow)*rng.Float64()
		}
		ms.drawLayout(rng, p)
		if !ms.screen() {
			continue
		}
		total := ms.countLongPairs()
		if total == 0 {
			continue
		}
		w := float64(total) / (float64(ms.open) * float64(ms.open-1))
		cands = append(cands, candidate{
			grid: slices.Clone(ms.grid), weight: w, total: total,
			cells: slices.Clone(ms.cand), counts: slices.Clone(ms.counts),
		})
		wsum += w
	}
	if len(cands) == 0 {
		return nil, nil, 0, fmt.Errorf("gen: no %d×%d layout with a shortest path ≥ %d moves in %d attempts",
			n, n, minLen, attempts)
	}
	k, r := 0, rng.Float64()*wsum
	for k < len(cands)-1 && r >= cands[k].weight {
		r -= cands[k].weight
		k++
	}
	c := cands[k]
	question = make([]byte, n*n)
	for r := range n {
		copy(question[r*n:], c.grid[(r+1)*ms.w+1:(r+1)*ms.w+1+n])
	}
	for i, ch := range c.grid {
		ms.tmpl[i] = farWall
		if ch == Open {
			ms.tmpl[i] = -1
		}
	}
	s, g := ms.pickPair(rng, c.cells, c.counts, c.total)
	question[ms.unpad(s)], question[ms.unpad(g)] = Start, Goal
	path, ok := ShortestPath(question, n)
	if !ok {
		panic("gen: GenerateMaze: chosen pair is disconnected")
	}
	answer = slices.Clone(question)
	for _, c := range path[1 : len(path)-1] {
		answer[c] = Mark
	}
	return question, answer, len(path) - 1, nil
}

// mazeSampler holds scratch state for GenerateMaze. Cells live in a padded
// (n+2)×(n+2) grid with a wall border so BFS needs no bounds checks.
// Distance arrays hold -1 for unvisited open cells and farWall for walls,
// so BFS tests a single int32 per neighbour.
type mazeSampler struct {
	n, w    int
	minLen  int32
	grid    []byte  // padded layout: Wall or Open
	tmpl    []int32 // fresh distance array for grid: -1 open, farWall wall
	open    int     // open cells in grid
	queue   []int32
	land    [3][]int32 // BFS distances from landmark cells
	landEcc [3]int32
	cand    []int32 // cells whose eccentricity bound allows a long pair
	counts  []int   // long partners of each cand cell
	scratch []int32
}

// farWall marks walls in distance arrays; it is ≥ any real distance.
const farWall = 1 << 30

func newMazeSampler(n int, minLen int32) *mazeSampler {
	w := n + 2
	ms := &mazeSampler{n: n, w: w, minLen: minLen,
		grid: make([]byte, w*w), tmpl: make([]int32, w*w),
		queue: make([]int32, w*w), scratch: make([]int32, w*w)}
	for i := range ms.land {
		ms.land[i] = make([]int32, w*w)
	}
	for i := range ms.grid {
		ms.grid[i], ms.tmpl[i] = Wall, farWall
	}
	return ms
}

// unpad maps a padded cell index to the row-major n×n index.
func (ms *mazeSampler) unpad(c int) int { return (c/ms.w-1)*ms.n + c%ms.w - 1 }

// drawLayout makes each interior cell a wall with probability p, using one
// 32-bit uniform per cell (branch-free: this runs ~10^2 times per maze).
func (ms *mazeSampler) drawLayout(rng *rand.Rand, p float64) {
	t := uint64(p * (1 << 32))
	var bits uint64
	walls := 0
	for r := 1; r <= ms.n; r++ {
		base := r*ms.w + 1
		row, tm := ms.grid[base:base+ms.n], ms.tmpl[base:base+ms.n]
		for i := range row {
			if i&1 == 0 {
				bits = rng.Uint64()
			}
			wall := int((bits&0xffffffff - t) >> 63) // 1 iff the uniform < t
			bits >>= 32
			row[i] = byte(Open + wall*(Wall-Open))
			tm[i] = int32(wall*(farWall+1) - 1)
			walls += wall
		}
	}
	ms.open = ms.n*ms.n - walls
}

// reset prepares dist for a BFS on the current layout.
func (ms *mazeSampler) reset(dist []int32) { copy(dist, ms.tmpl) }

// bfs extends dist (prepared by reset) with distances from src and returns
// the eccentricity of src, a farthest cell (the last one reached) and the
// number of cells reached.
func (ms *mazeSampler) bfs(src int, dist []int32) (ecc int32, far, reached int) {
	q, w := ms.queue, ms.w
	offs := [4]int{-w, -1, 1, w}
	dist[src] = 0
	q[0] = int32(src)
	head, tail := 0, 1
	for head < tail {
		c := int(q[head])
		head++
		d := dist[c] + 1
		for _, o := range offs {
			m := c + o
			v := dist[m]
			isNew := int32(uint32(v) >> 31) // 1 iff unvisited (-1)
			dist[m] = v + isNew*(d-v)
			q[tail] = int32(m)
			tail += int(isNew)
		}
	}
	last := int(q[tail-1])
	return dist[last], last, tail
}

// screen finds the largest open component (lowest first cell on ties) and
// returns false if BFS bounds prove it has no pair at distance ≥ minLen.
// It leaves landmark distances in land for countLongPairs: from the
// component's first cell x0, from the cell a farthest from x0 (land[1] is
// also the membership test: ≥ 0 and < farWall), and from the midpoint c of a
// shortest path from a to a cell farthest from a. Every cell s then has
// ecc(s) ≤ d(s,L) + ecc(L) for each landmark L, and diameter ≤ 2·ecc(L).
func (ms *mazeSampler) screen() bool {
	d0 := ms.land[0]
	ms.reset(d0)
	var bestSize, visited int
	var bestEcc int32
	bestFar := -1
	for i, v := range d0 {
		if v != -1 {
			continue
		}
		ecc, far, size := ms.bfs(i, d0)
		visited += size
		if size > bestSize {
			bestSize, bestEcc, bestFar = size, ecc, far
		}
		if bestSize >= ms.open-visited {
			break // no unvisited component can be larger
		}
	}
	if int32(bestSize-1) < ms.minLen || 2*bestEcc < ms.minLen {
		return false
	}
	ms.landEcc[0] = bestEcc
	da := ms.land[1]
	ms.reset(da)
	eccA, c, _ := ms.bfs(bestFar, da)
	ms.landEcc[1] = eccA
	// Walk from the far end halfway back towards a.
	offs := [4]int{-ms.w, -1, 1, ms.w}
	for da[c] > eccA/2 {
		for _, o := range offs {
			if da[c+o] == da[c]-1 {
				c += o
				break
			}
		}
	}
	ms.reset(ms.land[2])
	eccC, _, _ := ms.bfs(c, ms.land[2])
	ms.landEcc[2] = eccC
	return eccA >= ms.minLen || 2*eccC >= ms.minLen
}

// countLongPairs counts ordered pairs of the largest component at distance
// ≥ minLen, BFS-ing only from cells whose landmark bound allows one; it
// fills cand/counts and returns the total.
func (ms *mazeSampler) countLongPairs() (total int) {
	ms.cand, ms.counts = ms.cand[:0], ms.counts[:0]
	for i, v := range ms.land[1] {
		if v < 0 || v >= farWall {
			continue
		}
		ub := int32(farWall)
		for l := range ms.land {
			ub = min(ub, ms.land[l][i]+ms.landEcc[l])
		}
		if ub >= ms.minLen {
			ms.cand = append(ms.cand, int32(i))
		}
	}
	for _, s := range ms.cand {
		ms.reset(ms.scratch)
		ms.bfs(int(s), ms.scratch)
		k := 0
		for _, g := range ms.cand {
			if ms.scratch[g] >= ms.minLen {
				k++
			}
		}
		ms.counts = append(ms.counts, k)
		total += k
	}
	return total
}

// pickPair draws an ordered pair uniformly from the total long pairs
// described by cells/counts of the current grid (tmpl must match it).
func (ms *mazeSampler) pickPair(rng *rand.Rand, cells []int32, counts []int, total int) (s, g int) {
	r := rng.IntN(total)
	k := 0
	for r >= counts[k] {
		r -= counts[k]
		k++
	}
	s = int(cells[k])
	ms.reset(ms.scratch)
	ms.bfs(s, ms.scratch)
	for _, m := range cells {
		if ms.scratch[m] >= ms.minLen {
			if r == 0 {
				return s, int(m)
			}
			r--
		}
	}
	panic("gen: pickPair: pair count changed")
}
