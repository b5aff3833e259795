package checkpoint

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"
)

// openTorchZip reads a torch.save zip archive: all records live under one
// top-level folder <stem>/ (named after the file torch.save wrote, e.g.
// "step_518071/"), the state_dict pickle is <stem>/data.pkl and storage key
// k is the record <stem>/data/k. Other records (version, byteorder,
// .data/serialization_id, .format_version, .storage_alignment) are
// informational; byteorder "big" makes storages big-endian.
func openTorchZip(src *source, lim Limits) (*File, error) {
	zr, err := zip.NewReader(src.ra, src.size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Insecure names only matter when extracting; records are looked
		// up by exact name here.
		return nil, errf(src.name, "zip", ErrFormat, "%v", err)
	}
	if len(zr.File) == 0 {
		return nil, errf(src.name, "zip", ErrFormat, "archive is empty")
	}
	records := make(map[string]*zip.File, len(zr.File))
	for _, zf := range zr.File {
		if _, dup := records[zf.Name]; dup {
			return nil, errf(src.name, "zip", ErrFormat, "record %q occurs twice", zf.Name)
		}
		records[zf.Name] = zf
	}
	// PyTorch's reader takes the folder of the first record as the stem.
	first := zr.File[0].Name
	slash := strings.IndexByte(first, '/')
	if slash < 0 {
		return nil, errf(src.name, "zip", ErrFormat, "record %q is not inside a folder, not a torch.save archive", first)
	}
	stem := first[:slash+1]
	if _, ok := records[stem+"constants.pkl"]; ok {
		return nil, errf(src.name, "zip", ErrFormat, "TorchScript archive (torch.jit.save), not a state_dict")
	}
	pkl, ok := records[stem+"data.pkl"]
	if !ok {
		return nil, errf(src.name, "zip", ErrFormat, "no record %sdata.pkl, not a torch.save archive", stem)
	}

	bigEndian := false
	if bo, ok := records[stem+"byteorder"]; ok {
		b, err := readRecord(src, bo, 16)
		if err != nil {
			return nil, wrapErr(src.name, bo.Name, err)
		}
		switch string(b) {
		case "little":
		case "big":
			bigEndian = true
		default:
			return nil, errf(src.name, bo.Name, ErrFormat, "unknown byte order %q", b)
		}
	}

	data, err := readRecord(src, pkl, lim.MaxPickleBytes)
	if err != nil {
		return nil, wrapErr(src.name, pkl.Name, err)
	}

	blobs := map[string]*blob{}
	persistentLoad := func(pid any) (any, error) {
		t, ok := pid.(pyTuple)
		if !ok || len(t) != 5 || t[0] != "storage" {
			return nil, kerr(ErrFormat, "persistent id %s is not ('storage', type, key, location, numel)", describe(pid))
		}
		dt, key, numel, err := storageID(t)
		if err != nil {
			return nil, err
		}
		b, ok := blobs[key]
		if !ok {
			zf, ok := records[stem+"data/"+key]
			if !ok {
				return nil, kerr(ErrFormat, "storage %q has no record %sdata/%s", key, stem, key)
			}
			if b, err = recordBlob(src, zf); err != nil {
				return nil, err
			}
			b.bigEndian = bigEndian
			blobs[key] = b
		}
		nbytes, ok := mulCheck(numel, int64(dt.Size()))
		if !ok || nbytes > b.size {
			return nil, kerr(ErrLimit, "storage %q declares %d elements of %s (%d bytes) but record %s has %d bytes", key, numel, dt, nbytes, b.name, b.size)
		}
		return &storage{key: key, dtype: dt, numel: numel, blob: b}, nil
	}
	root, _, err := unpickle(data, lim, persistentLoad)
	if err != nil {
		return nil, wrapErr(src.name, pkl.Name, err)
	}
	return fromStateDict(src, FormatTorchZip, root, lim)
}

// storageID decodes the (storage type, key, location, numel) fields of a
// storage persistent id; the location ("cpu", "cuda:0") is ignored because
// everything is loaded to host memory.
func storageID(t pyTuple) (DType, string, int64, error) {
	g, ok := t[1].(pyGlobal)
	if !ok {
		return 0, "", 0, kerr(ErrFormat, "storage type is %s", typeName(t[1]))
	}
	dt, ok := storageDType(g)
	if !ok {
		return 0, "", 0, kerr(ErrFormat, "%s is not a storage type", g)
	}
	key, ok := t[2].(string)
	if !ok {
		return 0, "", 0, kerr(ErrFormat, "storage key is %s", typeName(t[2]))
	}
	if _, ok := t[3].(string); !ok {
		return 0, "", 0, kerr(ErrFormat, "storage location is %s", typeName(t[3]))
	}
	numel, ok := t[4].(int64)
	if !ok || numel < 0 {
		return 0, "", 0, kerr(ErrFormat, "storage %q element count is %s", key, describe(t[4]))
	}
	return dt, key, numel, nil
}

// describe renders a small unpickled value for an error message.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		if len(v) > 64 {
			v = v[:64] + "…"
		}
		return fmt.Sprintf("%q", v)
	case int64, float64, bool:
		return fmt.Sprint(v)
	}
	return typeName(v)
}

// recordBlob locates the bytes of a zip record. Stored (uncompressed)
// records, which is what torch.save writes, are addressed in place;
// compressed ones are decompressed as a stream (see inflater).
func recordBlob(src *source, zf *zip.File) (*blob, error) {
	size := zf.UncompressedSize64
	if size > 1<<62 {
		return nil, kerr(ErrLimit, "record %s declares %d bytes", zf.Name, size)
	}
	b := &blob{src: src, name: zf.Name, size: int64(size)}
	if zf.Method != zip.Store {
		// The declared size of a compressed record is not backed by bytes
		// in the file. Deflate expands at most ~1032:1, so a larger claim
		// is a lie that would make readers allocate for data that cannot
		// exist.
		if zf.CompressedSize64 > uint64(src.size) || size/maxInflateRatio > zf.CompressedSize64 {
			return nil, kerr(ErrLimit, "compressed record %s claims %d bytes from %d", zf.Name, size, zf.CompressedSize64)
		}
		b.inflate = &inflater{zf: zf, size: b.size}
		return b, nil
	}
	if zf.CompressedSize64 != zf.UncompressedSize64 {
		return nil, kerr(ErrFormat, "stored record %s has compressed size %d and size %d", zf.Name, zf.CompressedSize64, zf.UncompressedSize64)
	}
	off, err := zf.DataOffset()
	if err != nil {
		return nil, kerr(ErrFormat, "record %s: %v", zf.Name, err)
	}
	if off < 0 || off > src.size || b.size > src.size-off {
		return nil, kerr(ErrFormat, "record %s (%d bytes at %d) extends past the end of the file (%d bytes)", zf.Name, b.size, off, src.size)
	}
	b.off = off
	return b, nil
}

// maxInflateRatio bounds uncompressed/compressed size for deflated
// records (deflate's own limit is about 1032).
const maxInflateRatio = 1100

// readRecord reads a whole zip record of at most max bytes.
func readRecord(src *source, zf *zip.File, max int64) ([]byte, error) {
	b, err := recordBlob(src, zf)
	if err != nil {
		return nil, err
	}
	if b.size > max {
		return nil, kerr(ErrLimit, "%d bytes, more than the limit of %d", b.size, max)
	}
	if b.inflate != nil {
		// Decompress through a limit: a forged size cannot make us read
		// more than declared.
		rc, err := zf.Open()
		if err != nil {
			return nil, kerr(ErrFormat, "%v", err)
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, b.size))
		if err != nil {
			return nil, kerr(ErrFormat, "%v", err)
		}
		if int64(len(data)) != b.size {
			return nil, kerr(ErrFormat, "record has %d bytes, declared %d", len(data), b.size)
		}
		return data, nil
	}
	data := make([]byte, b.size)
	if err := b.readAt(data, 0); err != nil {
		return nil, err
	}
	return data, nil
}
