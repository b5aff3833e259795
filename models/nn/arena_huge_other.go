//go:build !linux

package nn

// adviseHuge does nothing outside Linux (see arena_huge_linux.go).
func adviseHuge([]float32) {}
