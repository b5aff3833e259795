//go:build linux

package nn

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugeChunk is the smallest chunk adviseHuge marks (8 MiB of floats).
const hugeChunk = 1 << 21

// adviseHuge asks the kernel to back the 2 MiB-aligned interior of a large
// chunk with transparent huge pages (MADV_HUGEPAGE; without effect where
// THP is off, and on memory the runtime has already touched). A training
// pass streams hundreds of megabytes of block states through the arena:
// 4 KiB pages cost a TLB miss per 4 KiB of it, and a page fault each on the
// first pass. The contents do not change.
func adviseHuge(s []float32) {
	if len(s) < hugeChunk {
		return
	}
	const huge = 2 << 20
	p := uintptr(unsafe.Pointer(&s[0]))
	lo := (p + huge - 1) &^ (huge - 1)
	hi := (p + uintptr(len(s))*4) &^ (huge - 1)
	if hi <= lo {
		return
	}
	from, to := (lo-p)/4, (hi-p)/4 // in floats
	_ = unix.Madvise(unsafe.Slice((*byte)(unsafe.Pointer(&s[from])), (to-from)*4), unix.MADV_HUGEPAGE)
}
