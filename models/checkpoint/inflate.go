package checkpoint

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"sync"
)

// inflater reads a compressed zip record at arbitrary offsets. Deflate
// cannot seek, so it keeps one decompressor open across calls: reads that
// move forward (the 1 MiB chunks of Float32, consecutive Rows) continue
// where the last one stopped, and only a read behind the current position
// starts again from the record's first byte. Reading a whole record in
// chunks thus inflates it once instead of once per chunk, which made a
// 256 MB table take quadratic time. It is safe for concurrent use; readers
// of one record take turns.
type inflater struct {
	zf   *zip.File
	size int64 // uncompressed bytes, as declared

	mu  sync.Mutex
	rc  io.ReadCloser // nil when no stream is open
	pos int64         // uncompressed bytes rc has delivered
}

// readAt fills p with the record's bytes starting at off; the caller has
// checked that [off, off+len(p)) lies inside the record.
func (z *inflater) readAt(p []byte, off int64) error {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.rc == nil || off < z.pos {
		z.closeLocked()
		rc, err := z.zf.Open()
		if err != nil {
			return err
		}
		z.rc, z.pos = rc, 0
	}
	if skip := off - z.pos; skip > 0 {
		if _, err := io.CopyN(io.Discard, z.rc, skip); err != nil {
			z.closeLocked()
			return noEOF(err)
		}
		z.pos = off
	}
	if _, err := io.ReadFull(z.rc, p); err != nil {
		z.closeLocked()
		return noEOF(err)
	}
	z.pos += int64(len(p))
	if z.pos == z.size {
		return z.finishLocked()
	}
	return nil
}

// finishLocked ends a stream that has delivered the declared size: one
// more read must report the end of the record, which is also when the zip
// reader compares the CRC-32, so a whole-record read detects corrupted
// data and a record longer than declared.
func (z *inflater) finishLocked() error {
	var one [1]byte
	n, err := io.ReadFull(z.rc, one[:])
	z.closeLocked()
	switch {
	case n > 0:
		return fmt.Errorf("holds more than the declared %d bytes", z.size)
	case errors.Is(err, io.EOF):
		return nil
	}
	return err
}

// closeLocked drops the open stream, if any.
func (z *inflater) closeLocked() {
	if z.rc != nil {
		z.rc.Close()
		z.rc, z.pos = nil, 0
	}
}
