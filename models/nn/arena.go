package nn

import "unsafe"

// Arena hands out float32 scratch slices for one forward (or training)
// pass. Slices stay valid until Reset; after the first pass the arena holds
// chunks enough for a pass like it, so later passes allocate nothing.
type Arena struct {
	chunks [][]float32
	cur    int // index of the chunk being filled
	off    int // used part of chunks[cur]
	peak   int // most floats in use at once
	inUse  int
}

// minChunk is the smallest chunk the arena allocates (256 KiB).
const minChunk = 1 << 16

// maxMerge: Reset merges the chunks of an arena holding at most this many
// floats (64 MiB) into one chunk of the peak size; larger arenas keep theirs.
const maxMerge = 1 << 24

// Get returns n zeroed floats.
func (a *Arena) Get(n int) []float32 {
	s := a.GetRaw(n)
	clear(s)
	return s
}

// GetRawBF16 returns n bf16 values (uint16) with undefined contents, in
// the space of ⌈n/2⌉ floats: training in bf16 keeps activations there.
func (a *Arena) GetRawBF16(n int) []uint16 {
	f := a.GetRaw((n + 1) / 2)
	return unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(f))), n)
}

// GetRaw returns n floats with undefined contents, for buffers the caller
// overwrites completely (GEMM outputs, copies).
func (a *Arena) GetRaw(n int) []float32 {
	for a.cur < len(a.chunks) && a.off+n > len(a.chunks[a.cur]) {
		a.cur++
		a.off = 0
	}
	if a.cur == len(a.chunks) {
		// Chunks double (each as large as all before it): few chunk ends
		// where a request that did not fit leaves the rest of a chunk
		// unused, and pages a pass never touches cost no memory.
		a.chunks = append(a.chunks, make([]float32, max(n, minChunk, a.Size())))
		adviseHuge(a.chunks[len(a.chunks)-1])
		a.off = 0
	}
	s := a.chunks[a.cur][a.off : a.off+n : a.off+n]
	a.off += n
	a.inUse += n
	a.peak = max(a.peak, a.inUse)
	return s
}

// Reset releases every slice handed out. A small arena that needed more
// than one chunk gets one chunk of the peak size instead (the tightest
// heap). A large one keeps its chunks: a pass that asks for the same sizes
// in the same order walks them as the first pass did and allocates
// nothing, and a merged chunk would be held together with the old ones
// until every slice of the last pass is dropped (a training pass's block
// states are hundreds of megabytes, and their owners keep them).
func (a *Arena) Reset() {
	if len(a.chunks) > 1 && a.Size() <= maxMerge {
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

// Chunks returns how many chunks the arena holds.
func (a *Arena) Chunks() int { return len(a.chunks) }

// Mark returns the current position, for releasing temporaries with Release.
func (a *Arena) Mark() (int, int, int) { return a.cur, a.off, a.inUse }

// Release returns to a position from Mark, freeing everything after it.
func (a *Arena) Release(cur, off, inUse int) { a.cur, a.off, a.inUse = cur, off, inUse }
