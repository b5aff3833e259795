package testenv

import "testing"

// sink keeps allocations alive past the compiler.
var sink []byte

// HeapPeak sees an allocation held while f runs, and sees little when f
// allocates nothing.
func TestHeapPeak(t *testing.T) {
	const size = 64 << 20
	got := HeapPeak(func() {
		sink = make([]byte, size)
	})
	sink = nil
	if got < size {
		t.Errorf("a %d MB allocation measured as %d MB", size>>20, got>>20)
	}
	if got := HeapPeak(func() {}); got > 4<<20 {
		t.Errorf("nothing allocated, measured %d MB", got>>20)
	}
}
