// Package gen builds deterministic puzzle data for the TRM benchmarks
// without downloads, for quickstart training sets and tests. It uses only
// the standard library and plain types, independent of the rest of arceval.
//
// Sudoku: grids are []uint8 (or [81]uint8 for 9×9) row-major, 0 = blank,
// 1..N digits. SolveGrid/SolveSudoku count solutions and rate difficulty by
// backtracking guesses (in the spirit of tdoku's rating of Sudoku-Extreme);
// GenerateGrid/GenerateSudoku make unique-solution puzzles, minimal or with
// a clue target, within a rating range. Any Shape of BoxRows×BoxCols boxes
// with side ≤ 16 works (4×4, 6×6, ...); 9×9 is the Shape{3, 3} case of the
// same code.
//
// Mazes: N×N row-major byte grids over the Maze-Hard charset "# SGo"
// ('#' wall, ' ' open, 'S' start, 'G' goal, 'o' shortest-path cell in
// answers; model token = 1 + index in the charset). GenerateMaze samples
// Maze-Hard-like mazes with a minimum shortest-path length, ShortestPath
// labels them exactly as the real data is labelled; answers are checked by
// the project's validator, tasks.MazeProblem.
//
// All generators take a caller-seeded *rand.Rand (math/rand/v2, e.g.
// rand.New(rand.NewPCG(seed, stream))) and are deterministic given its state.
package gen
