//go:build !race

package parity

// RaceEnabled reports a race-detector build: the detector makes sync.Pool
// drop items on purpose, so allocation counts mean nothing there.
const RaceEnabled = false
