// Package reports turns run files into what users read: score tables with
// confidence intervals (Report), the TRM paper's tables with our numbers
// beside them (PaperReport), paired comparisons of two runs or two groups of
// seed runs (Compare), the CI accuracy gate (Check, WriteJUnit) and a
// self-contained HTML page with inline SVG plots and an ARC gallery
// (WriteHTML).
//
// Text, Markdown and CSV tables all go through Table, the one wrapper around
// tablewriter; JSON is written from plain structs. Output is deterministic:
// it depends only on the runs and Options (the bootstrap is seeded), so it
// is golden-tested. The statistics themselves live in reports/stats, the
// paper's reference numbers in reports/paper. Accuracies are proportions
// in [0, 1] internally and printed in percent; differences are printed in
// percentage points.
package reports
