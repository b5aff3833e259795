package tasks

import "fmt"

// MazeDistances returns the BFS distance in moves (4-neighbour, through any
// non-wall cell) from cell src of an n×n maze to every cell; -1 = unreachable.
func MazeDistances(g Grid, src int) []int {
	n := g.W
	dist := make([]int, len(g.Cells))
	for i := range dist {
		dist[i] = -1
	}
	dist[src] = 0
	queue := []int{src}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		r, c := cur/n, cur%n
		for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			nr, nc := r+d[0], c+d[1]
			if nr < 0 || nc < 0 || nr >= g.H || nc >= n {
				continue
			}
			nxt := nr*n + nc
			if dist[nxt] < 0 && g.Cells[nxt] != MazeWall {
				dist[nxt] = dist[cur] + 1
				queue = append(queue, nxt)
			}
		}
	}
	return dist
}

// mazeEndpoints finds the single start and goal cells of a question.
func mazeEndpoints(q Grid) (start, goal int, msg string) {
	start, goal = -1, -1
	for i, v := range q.Cells {
		switch v {
		case MazeStart:
			if start >= 0 {
				return 0, 0, fmt.Sprintf("two starts 'S' (cells %d and %d)", start, i)
			}
			start = i
		case MazeGoal:
			if goal >= 0 {
				return 0, 0, fmt.Sprintf("two goals 'G' (cells %d and %d)", goal, i)
			}
			goal = i
		}
	}
	switch {
	case start < 0:
		return 0, 0, "no start 'S'"
	case goal < 0:
		return 0, 0, "no goal 'G'"
	}
	return start, goal, ""
}

// MazeProblem returns "" when a is a correct Maze-Hard answer to question q,
// else what is wrong: q must have one S and one G; a must equal q except for
// open cells marked as path; the path cells with S and G must form one simple
// connected S→G path whose length is the shortest possible.
func MazeProblem(q, a Grid) string {
	if msg := badMazeCell(q, MazeGoal, "question"); msg != "" {
		return msg
	}
	start, goal, msg := mazeEndpoints(q)
	if msg != "" {
		return "question has " + msg
	}
	if a.H != q.H || a.W != q.W {
		return fmt.Sprintf("answer is %d×%d, question %d×%d", a.H, a.W, q.H, q.W)
	}
	if msg := badMazeCell(a, MazePath, "answer"); msg != "" {
		return msg
	}
	n := q.W
	onPath := func(i int) bool { return i == start || i == goal || a.Cells[i] == MazePath }
	pathCells := 0
	for i, v := range a.Cells {
		qv := q.Cells[i]
		if v == qv {
			continue
		}
		if v == MazePath && qv == MazeOpen {
			pathCells++
			continue
		}
		return fmt.Sprintf("row %d, column %d is %q in the answer but %q in the question", i/n+1, i%n+1, MazeCharset[v], MazeCharset[qv])
	}
	// Degrees: endpoints 1, inner path cells 2; plus connectivity ⇒ a simple path.
	for i := range a.Cells {
		if !onPath(i) {
			continue
		}
		deg := 0
		r, c := i/n, i%n
		for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			nr, nc := r+d[0], c+d[1]
			if nr >= 0 && nc >= 0 && nr < a.H && nc < n && onPath(nr*n+nc) {
				deg++
			}
		}
		want := 2
		if i == start || i == goal {
			want = 1
		}
		if deg != want {
			return fmt.Sprintf("path is not a simple S→G path at row %d, column %d (%d path neighbours, want %d)", r+1, c+1, deg, want)
		}
	}
	// Walk from S along the path; it must reach G through every path cell.
	prev, cur, steps := -1, start, 0
	for cur != goal {
		r, c := cur/n, cur%n
		next := -1
		for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			nr, nc := r+d[0], c+d[1]
			if nr >= 0 && nc >= 0 && nr < a.H && nc < n && nr*n+nc != prev && onPath(nr*n+nc) {
				next = nr*n + nc
				break
			}
		}
		if next < 0 || steps > pathCells {
			return "path from S does not reach G"
		}
		prev, cur = cur, next
		steps++
	}
	if steps != pathCells+1 {
		return fmt.Sprintf("path cells are not connected: %d cells off the S→G path", pathCells+1-steps)
	}
	if best := MazeDistances(q, start)[goal]; steps != best {
		return fmt.Sprintf("path has %d moves, the shortest S→G path has %d", steps, best)
	}
	return ""
}

// badMazeCell describes the first cell of g above max (boards decoded from
// tokens may hold any value), else "".
func badMazeCell(g Grid, max uint8, what string) string {
	for i, v := range g.Cells {
		if v > max {
			return fmt.Sprintf("row %d, column %d of the %s holds %d, not a maze cell (0..%d = %q)", i/g.W+1, i%g.W+1, what, v, max, MazeCharset[:max+1])
		}
	}
	return ""
}
