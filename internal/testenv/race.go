//go:build race

package testenv

// RaceEnabled reports a -race build: the race detector makes sync.Pool drop
// items on purpose, so allocation counts mean nothing there.
const RaceEnabled = true
