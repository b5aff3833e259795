//go:build !race

package testenv

// RaceEnabled reports a -race build (see race.go).
const RaceEnabled = false
