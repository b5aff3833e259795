// Package tasks holds the benchmark puzzles of arceval: one grid/puzzle model
// for ARC-AGI, ConceptARC, Sudoku-Extreme and Maze-Hard, loaders for their file
// formats (per-task ARC JSON, Kaggle combined JSON, the Sudoku/Maze CSVs and the
// official TRM/HRM built-dataset folders), validation with precise errors, the
// token encodings and augmentations of the official dataset builders with their
// inverses, named sets under a data root, and fingerprints.
//
// It knows nothing about models: it turns files into validated puzzles and
// puzzles into token sequences, and back.
package tasks
