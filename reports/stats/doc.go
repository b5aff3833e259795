// Package stats holds the statistics behind arceval's report, compare and
// check commands: confidence intervals for accuracies, paired tests between
// two runs on the same items, and the decision rule of the CI accuracy gate.
// It does the maths only; formatting lives elsewhere in reports.
//
// All accuracies and differences are proportions in [0, 1] (0.874, not
// 87.4); one percentage point is 0.01. Inputs are plain slices and counts,
// so the package depends on nothing else in arceval. The distributions come
// from gonum (stat/distuv: the binomial tail, normal quantiles and tail
// probabilities) and the bootstrap percentiles from montanaflynn/stats; what
// is written here is the statistics built on them.
//
//   - Wilson: score interval for k successes out of n independent items
//     (Sudoku, Maze). ARC test inputs are not independent (they cluster by
//     task): use the task bootstrap there.
//   - McNemarExact: exact two-sided test for two runs on the same items.
//   - BootstrapTaskMacro, BootstrapPaired: percentile bootstrap of ARC
//     task-macro accuracy and of the difference between two runs, resampling
//     tasks (a task's test inputs move together). Deterministic given a seed.
//   - DropCheck: "B is not worse than A by more than X points", decided by a
//     one-sided test against the margin X (Tango's score test for items, the
//     paired cluster bootstrap for ARC tasks).
//
// Errors are returned for invalid input (negative counts, an empty set, a
// level outside (0, 1), runs that do not pair up); nothing panics on data.
package stats
