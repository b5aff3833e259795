package nn

import "runtime/debug"

// Arena hands out float32 scratch slices for one forward (or training)
// pass. Slices stay valid until Reset; after the first pass the arena holds
// one chunk large enough for everything, so later passes allocate nothing.
type Arena struct {
	chunks [][]float32
	cur    int // index of the chunk being filled
	off    int // used part of chunks[cur]
	peak   int // most floats in use at once
	inUse  int
}

// minChunk is the smallest chunk the arena allocates (4 MiB): few chunks in
// a first pass, so little is lost at the ends of chunks that a request
// skipped.
const minChunk = 1 << 20

// freeOSFloats: Reset returns chunks of this many floats (256 MiB) or more
// to the OS at once; smaller ones are left to the garbage collector.
const freeOSFloats = 1 << 26

// Get returns n zeroed floats.
func (a *Arena) Get(n int) []float32 {
	s := a.GetRaw(n)
	clear(s)
	return s
}

// GetRaw returns n floats with undefined contents, for buffers the caller
// overwrites completely (GEMM outputs, copies).
func (a *Arena) GetRaw(n int) []float32 {
	for a.cur < len(a.chunks) && a.off+n > len(a.chunks[a.cur]) {
		a.cur++
		a.off = 0
	}
	if a.cur == len(a.chunks) {
		a.chunks = append(a.chunks, make([]float32, max(n, minChunk)))
		a.off = 0
	}
	s := a.chunks[a.cur][a.off : a.off+n : a.off+n]
	a.off += n
	a.inUse += n
	a.peak = max(a.peak, a.inUse)
	return s
}

// Reset releases every slice handed out. If the last pass needed more than
// one chunk they are replaced by one chunk of the peak size. Large old
// chunks are returned to the OS before the new one is allocated, so that
// the process never holds both (a training pass's arena is gigabytes).
func (a *Arena) Reset() {
	if len(a.chunks) > 1 {
		large := a.Size() >= freeOSFloats
		a.chunks = nil
		if large {
			debug.FreeOSMemory()
		}
		a.chunks = [][]float32{make([]float32, a.peak)}
	}
	a.cur, a.off, a.inUse = 0, 0, 0
}

// Peak returns the most floats the arena has had in use at once.
func (a *Arena) Peak() int { return a.peak }

// Size returns the floats the arena holds (its chunks together).
func (a *Arena) Size() int {
	n := 0
	for _, c := range a.chunks {
		n += len(c)
	}
	return n
}

// Mark returns the current position, for releasing temporaries with Release.
func (a *Arena) Mark() (int, int, int) { return a.cur, a.off, a.inUse }

// Release returns to a position from Mark, freeing everything after it.
func (a *Arena) Release(cur, off, inUse int) { a.cur, a.off, a.inUse = cur, off, inUse }
