// Package gen builds deterministic puzzle data for the TRM benchmarks without
// downloads: Sudoku generation, solving and difficulty rating (any
// BoxRows×BoxCols board, 9×9 by default), and Maze-Hard-style mazes with
// shortest-path labels. It depends only on the standard library.
package gen
