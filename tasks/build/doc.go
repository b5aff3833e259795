// Package build writes the official TRM/HRM built-dataset folders
// (identifiers.json, {train,test}/dataset.json and all__*.npy) from benchmark
// files, reproducing the official builders: the ARC build bit for bit
// (numpy's legacy RandomState stream, seed 42 by default), the Sudoku and Maze
// builds in format (their official builders are unseeded or deterministic).
//
// The ARC build is planned in memory first (PlanARC: groups, members with
// their augmentation and identifier, per-example offsets, no tokens), then
// written (WriteARC); training from raw ARC sets draws its examples from the
// same plan, so it sees exactly the build's data without writing it.
//
// A build is written to "<out>.partial" and renamed into place when complete,
// so an interrupted build never leaves a folder that looks finished.
package build
