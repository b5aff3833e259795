package gen

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// Maze cells are bytes of the Maze-Hard charset MazeCharset, row-major in an
// N×N grid (cell index = row*N + col). The model token of a cell is
// 1 + its index in MazeCharset (0 is padding), matching the HRM/TRM
// build_maze_dataset.py encoding.
const (
	MazeCharset = "# SGo"

	Wall  = '#' // impassable cell
	Open  = ' ' // passable cell
	Start = 'S' // path start (exactly one per maze)
	Goal  = 'G' // path goal (exactly one per maze)
	Mark  = 'o' // open cell on the marked shortest path (answers only)
)

// Maze defaults, taken from the Maze-Hard data (30×30, walls ≈ 37 %).
const (
	DefaultMazeN       = 30
	DefaultWallDensity = 0.37
)

var (
	// ErrBadMaze reports a malformed maze question or answer, or an answer
	// whose marked cells are not a simple S→G path.
	ErrBadMaze = errors.New("gen: invalid maze")
	// ErrNotShortest reports an answer whose marked path is a valid simple
	// S→G path but longer than the BFS shortest path.
	ErrNotShortest = errors.New("gen: maze path is not a shortest path")
)

// neighbours appends the 4-neighbours of cell c in an n×n grid in the fixed
// order up, left, right, down; this order is the tie-break of ShortestPath.
func neighbours(dst []int, c, n int) []int {
	r, col := c/n, c%n
	if r > 0 {
		dst = append(dst, c-n)
	}
	if col > 0 {
		dst = append(dst, c-1)
	}
	if col < n-1 {
		dst = append(dst, c+1)
	}
	if r < n-1 {
		dst = append(dst, c+n)
	}
	return dst
}

// bfs fills dist (len n*n) with the number of 4-neighbour moves from src
// through non-wall cells, -1 where unreachable. queue is scratch of len n*n.
func bfs(q []byte, n, src int, dist, queue []int32) {
	for i := range dist {
		dist[i] = -1
	}
	dist[src] = 0
	queue[0] = int32(src)
	head, tail := 0, 1
	for head < tail {
		c := int(queue[head])
		head++
		d := dist[c] + 1
		r, col := c/n, c%n
		// Inline neighbour expansion (hot loop of maze generation).
		if r > 0 && dist[c-n] < 0 && q[c-n] != Wall {
			dist[c-n] = d
			queue[tail] = int32(c - n)
			tail++
		}
		if col > 0 && dist[c-1] < 0 && q[c-1] != Wall {
			dist[c-1] = d
			queue[tail] = int32(c - 1)
			tail++
		}
		if col < n-1 && dist[c+1] < 0 && q[c+1] != Wall {
			dist[c+1] = d
			queue[tail] = int32(c + 1)
			tail++
		}
		if r < n-1 && dist[c+n] < 0 && q[c+n] != Wall {
			dist[c+n] = d
			queue[tail] = int32(c + n)
			tail++
		}
	}
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
// order up, left, right, down that is one move closer to G.
func ShortestPath(q []byte, n int) (path []int, ok bool) {
	if n <= 0 || len(q) != n*n {
		return nil, false
	}
	s, g, err := findSG(q)
	if err != nil {
		return nil, false
	}
	dist := make([]int32, n*n)
	bfs(q, n, g, dist, make([]int32, n*n))
	return walkPath(dist, n, s)
}

// walkPath follows strictly decreasing distances (to the goal) from s.
func walkPath(dist []int32, n, s int) ([]int, bool) {
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

// MazeOptions configures GenerateMaze. The zero value gives a 30×30 maze
// with wall density 0.37 and any S≠G reachable pair.
type MazeOptions struct {
	// N is the side length (default DefaultMazeN = 30).
	N int
	// MinPathLen is the minimum shortest S→G path length in moves.
	// Maze-Hard's published filter is "difficulty > 110" and its shortest
	// paths are 109–153 moves (110–154 cells incl. S and G), so use 109 to
	// mimic it, 110 for strictly "≥ 110 moves".
	MinPathLen int
	// WallDensity is the probability that a cell is a wall
	// (default DefaultWallDensity = 0.37). Must be in [0, 1).
	WallDensity float64
	// DensitySpread, if > 0, draws each maze's wall probability uniformly
	// from [WallDensity-DensitySpread, WallDensity+DensitySpread] (clamped to
	// [0, 0.95]) instead of using WallDensity exactly.
	DensitySpread float64
	// MaxAttempts bounds the number of (wall layout, S, G) samples tried
	// (default 1e6, enough for N=30 at MinPathLen 110 with a wide margin).
	MaxAttempts int
}

// GenerateMaze returns a random n×n maze (question) and its answer, which
// is the question with the open cells of one shortest S→G path (as chosen by
// ShortestPath) marked 'o'; pathLen is that path's length in moves.
//
// Sampling mirrors Maze-Hard (Lehnert et al. 2024 with a difficulty filter):
// every cell is a wall independently with the wall probability; S is a
// uniformly random open cell and G a uniformly random other open cell; the
// sample is rejected unless G is reachable and the BFS distance is at least
// MinPathLen, and a fresh sample is drawn. The result is thus exactly the
// unfiltered distribution conditioned on the path-length filter. The output
// is a deterministic function of rng's state.
func GenerateMaze(rng *rand.Rand, opt MazeOptions) (question, answer []byte, pathLen int, err error) {
	n := opt.N
	if n == 0 {
		n = DefaultMazeN
	}
	p := opt.WallDensity
	if p == 0 {
		p = DefaultWallDensity
	}
	attempts := opt.MaxAttempts
	if attempts <= 0 {
		attempts = 1_000_000
	}
	switch {
	case n < 2:
		return nil, nil, 0, fmt.Errorf("gen: maze size %d < 2", n)
	case p < 0 || p >= 1:
		return nil, nil, 0, fmt.Errorf("gen: wall density %v outside [0,1)", p)
	case opt.DensitySpread < 0:
		return nil, nil, 0, fmt.Errorf("gen: negative density spread %v", opt.DensitySpread)
	case opt.MinPathLen > n*n-1:
		return nil, nil, 0, fmt.Errorf("gen: MinPathLen %d impossible in a %d×%d maze", opt.MinPathLen, n, n)
	}
	cells := n * n
	q := make([]byte, cells)
	open := make([]int32, 0, cells)
	dist := make([]int32, cells)
	queue := make([]int32, cells)
	for range attempts {
		pw := p
		if opt.DensitySpread > 0 {
			pw = p + opt.DensitySpread*(2*rng.Float64()-1)
			pw = min(max(pw, 0), 0.95)
		}
		open = open[:0]
		for i := range q {
			if rng.Float64() < pw {
				q[i] = Wall
			} else {
				q[i] = Open
				open = append(open, int32(i))
			}
		}
		if len(open) < 2 {
			continue
		}
		s := int(open[rng.IntN(len(open))])
		g := int(open[rng.IntN(len(open)-1)])
		if g == s { // uniform over open cells other than s
			g = int(open[len(open)-1])
		}
		bfs(q, n, g, dist, queue)
		if dist[s] < 0 || int(dist[s]) < opt.MinPathLen {
			continue
		}
		q[s], q[g] = Start, Goal
		path, _ := walkPath(dist, n, s)
		answer = append([]byte(nil), q...)
		for _, c := range path[1 : len(path)-1] {
			answer[c] = Mark
		}
		return q, answer, len(path) - 1, nil
	}
	return nil, nil, 0, fmt.Errorf("gen: no %d×%d maze with wall density %v and shortest path ≥ %d moves in %d attempts",
		n, n, p, opt.MinPathLen, attempts)
}

// ValidMazeAnswer checks an n×n maze answer against its question (both
// row-major, len n*n):
//   - the question uses only "# SG" with exactly one 'S' and one 'G';
//   - the answer equals the question except that some open ' ' cells are 'o';
//   - the 'o' cells plus S and G induce a simple path from S to G: S and G
//     each have exactly one 4-neighbour in the set, every 'o' exactly two,
//     and the set is connected (a self-touching non-shortest path therefore
//     fails here; a shortest path never touches itself);
//   - the path length (number of 'o' + 1 moves) equals the BFS distance.
//
// A failure of the last check alone returns an error wrapping ErrNotShortest;
// all other failures wrap ErrBadMaze. nil means the answer is a correct
// Maze-Hard label (any shortest path is accepted, not only ShortestPath's).
func ValidMazeAnswer(question, answer []byte, n int) error {
	if n <= 0 || len(question) != n*n || len(answer) != n*n {
		return fmt.Errorf("%w: want %d cells, question has %d, answer %d", ErrBadMaze, n*n, len(question), len(answer))
	}
	for i, ch := range question {
		switch ch {
		case Wall, Open, Start, Goal:
		default:
			return fmt.Errorf("%w: question cell %d is %q", ErrBadMaze, i, ch)
		}
	}
	s, g, err := findSG(question)
	if err != nil {
		return err
	}
	inPath := make([]bool, n*n)
	inPath[s], inPath[g] = true, true
	marks := 0
	for i, ch := range answer {
		if ch == question[i] {
			continue
		}
		if ch != Mark || question[i] != Open {
			return fmt.Errorf("%w: answer cell %d is %q, question has %q", ErrBadMaze, i, ch, question[i])
		}
		inPath[i] = true
		marks++
	}
	var nb [4]int
	for c, on := range inPath {
		if !on {
			continue
		}
		deg := 0
		for _, m := range neighbours(nb[:0], c, n) {
			if inPath[m] {
				deg++
			}
		}
		want := 2
		if c == s || c == g {
			want = 1
		}
		if deg != want {
			return fmt.Errorf("%w: path cell %d has %d path neighbours, want %d", ErrBadMaze, c, deg, want)
		}
	}
	// With those degrees the component of S is a simple S…G path; it must
	// cover every marked cell (no detached cycles).
	visited, prev := 1, -1
	for c := s; c != g; {
		next := -1
		for _, m := range neighbours(nb[:0], c, n) {
			if inPath[m] && m != prev {
				next = m
				break
			}
		}
		prev, c = c, next
		visited++
	}
	if visited != marks+2 {
		return fmt.Errorf("%w: %d marked cells are not on the S→G path", ErrBadMaze, marks+2-visited)
	}
	dist := make([]int32, n*n)
	bfs(question, n, s, dist, make([]int32, n*n))
	if int(dist[g]) != marks+1 {
		return fmt.Errorf("%w: marked path has %d moves, shortest has %d", ErrNotShortest, marks+1, dist[g])
	}
	return nil
}
