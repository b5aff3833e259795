package checkpoint

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sort"

	"arceval/internal/userfile"
)

// Limits bounds what a checkpoint may make the reader allocate or walk.
// Zero fields take the value of DefaultLimits.
type Limits struct {
	// MaxPickleBytes bounds the state_dict pickle (data.pkl). Official
	// TRM/HRM checkpoints need a few KB.
	MaxPickleBytes int64
	// MaxObjects bounds the values a pickle creates (stack pushes and memo
	// entries) and the nodes visited when walking the result.
	MaxObjects int
	// MaxDepth bounds nested MARKs in a pickle and nested dicts in the
	// state_dict.
	MaxDepth int
	// MaxDims bounds the number of dimensions of a tensor.
	MaxDims int
	// MaxHeaderBytes bounds a safetensors JSON header (the reference
	// implementation refuses more than 100 MB).
	MaxHeaderBytes int64
}

// DefaultLimits are generous for any real state_dict yet keep a hostile
// file's cost to tens of megabytes.
var DefaultLimits = Limits{
	MaxPickleBytes: 64 << 20,
	MaxObjects:     1 << 20,
	MaxDepth:       64,
	MaxDims:        64,
	MaxHeaderBytes: 100_000_000,
}

func (l Limits) withDefaults() Limits {
	if l.MaxPickleBytes <= 0 {
		l.MaxPickleBytes = DefaultLimits.MaxPickleBytes
	}
	if l.MaxObjects <= 0 {
		l.MaxObjects = DefaultLimits.MaxObjects
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxDims <= 0 {
		l.MaxDims = DefaultLimits.MaxDims
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultLimits.MaxHeaderBytes
	}
	return l
}

// Format is the on-disk format of a checkpoint.
type Format uint8

// The formats Open recognises.
const (
	FormatTorchZip    Format = iota + 1 // torch.save, PyTorch >= 1.6 (zip archive)
	FormatTorchLegacy                   // torch.save(..., _use_new_zipfile_serialization=False)
	FormatSafetensors                   // safetensors (including native arceval checkpoints)
)

func (f Format) String() string {
	switch f {
	case FormatTorchZip:
		return "pytorch-zip"
	case FormatTorchLegacy:
		return "pytorch-legacy"
	case FormatSafetensors:
		return "safetensors"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// File is an opened checkpoint: the names, types and shapes of its tensors,
// with their data left in the file until read. Close it when done; tensors
// cannot be read afterwards.
type File struct {
	Path   string // as given to Open (or the name given to NewFile)
	Format Format

	keys     []string
	tensors  map[string]*Tensor
	skipped  []string
	metadata map[string]string
	closer   io.Closer
}

// Open opens the checkpoint at path, detecting its format (PyTorch zip,
// PyTorch legacy or safetensors) from its first bytes, with DefaultLimits.
// It reads the file's metadata only.
func Open(path string) (*File, error) { return OpenLimits(path, Limits{}) }

// OpenLimits is Open with explicit limits.
func OpenLimits(path string, lim Limits) (*File, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	cf, err := NewFile(f, fi.Size(), path, lim)
	if err != nil {
		f.Close()
		return nil, err
	}
	cf.closer = f
	return cf, nil
}

// NewFile reads a checkpoint of size bytes from r; name is used in errors.
// Tensors read from r later, so r must stay valid while they are used.
func NewFile(r io.ReaderAt, size int64, name string, lim Limits) (*File, error) {
	lim = lim.withDefaults()
	src := &source{name: name, ra: r, size: size}
	var head [16]byte
	n, err := r.ReadAt(head[:], 0)
	if n < len(head) && err != nil && err != io.EOF {
		return nil, wrapErr(name, "", err)
	}
	h := head[:n]
	switch {
	case bytes.HasPrefix(h, []byte("PK\x03\x04")):
		return openTorchZip(src, lim)
	case looksLikeSafetensors(h, size):
		// Before the pickle check: a header length whose low byte is 0x80
		// starts the file with the pickle PROTO opcode.
		return openSafetensors(src, lim)
	case len(h) >= 2 && h[0] == opProto:
		return openTorchLegacy(src, lim)
	case isTar(r, size):
		return nil, errf(name, "", ErrFormat, "tar-format PyTorch checkpoint (PyTorch < 0.4) is not supported; re-save it with a current PyTorch")
	case len(h) >= 9 && h[8] == '{':
		return openSafetensors(src, lim) // reports the impossible header length
	}
	return nil, errf(name, "", ErrFormat, "not a PyTorch (zip or legacy) or safetensors checkpoint")
}

// looksLikeSafetensors reports whether the first bytes are a safetensors
// header: a little-endian length that fits the file, then '{'.
func looksLikeSafetensors(h []byte, size int64) bool {
	if len(h) < 9 || h[8] != '{' {
		return false
	}
	n := binary.LittleEndian.Uint64(h[:8])
	return n >= 2 && n <= uint64(size-8)
}

// isTar reports whether r holds a POSIX tar archive (magic "ustar" at 257),
// the format of PyTorch < 0.4.
func isTar(r io.ReaderAt, size int64) bool {
	if size < 262 {
		return false
	}
	var m [5]byte
	n, _ := r.ReadAt(m[:], 257)
	return n == 5 && string(m[:]) == "ustar"
}

// Close releases the file. Tensors of f cannot be read afterwards.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	err := f.closer.Close()
	f.closer = nil
	return err
}

// Keys returns the tensor names in file order: state_dict order for PyTorch
// files, data order for safetensors.
func (f *File) Keys() []string { return append([]string(nil), f.keys...) }

// Tensor returns the tensor called name.
func (f *File) Tensor(name string) (*Tensor, bool) {
	t, ok := f.tensors[name]
	return t, ok
}

// Tensors returns all tensors in Keys order.
func (f *File) Tensors() []*Tensor {
	out := make([]*Tensor, len(f.keys))
	for i, k := range f.keys {
		out[i] = f.tensors[k]
	}
	return out
}

// Skipped names the state_dict entries that are not tensors (ints, floats,
// strings, None, lists): they are ignored. Nested dicts are flattened into
// "outer.inner" names instead.
func (f *File) Skipped() []string { return append([]string(nil), f.skipped...) }

// Metadata returns the safetensors __metadata__ map (nil for PyTorch files).
func (f *File) Metadata() map[string]string {
	if f.metadata == nil {
		return nil
	}
	m := make(map[string]string, len(f.metadata))
	for k, v := range f.metadata {
		m[k] = v
	}
	return m
}

func (f *File) add(t *Tensor) error {
	if _, dup := f.tensors[t.Name]; dup {
		return errf(f.Path, fmt.Sprintf("tensor %q", t.Name), ErrFormat, "name occurs twice")
	}
	f.keys = append(f.keys, t.Name)
	f.tensors[t.Name] = t
	return nil
}

// fromStateDict builds a File from an unpickled state_dict: a dict whose
// values are tensors, nested dicts (flattened with "."), or other values
// (skipped).
func fromStateDict(src *source, format Format, root any, lim Limits) (*File, error) {
	d, ok := root.(*pyDict)
	if !ok {
		return nil, errf(src.name, "", ErrFormat, "the pickled object is %s, not a state_dict (dict of tensors)", typeName(root))
	}
	f := &File{Path: src.name, Format: format, tensors: map[string]*Tensor{}}
	visits := 0
	var walk func(prefix string, d *pyDict, depth int) error
	walk = func(prefix string, d *pyDict, depth int) error {
		if depth > lim.MaxDepth {
			return errf(src.name, "", ErrLimit, "state_dict nested deeper than %d", lim.MaxDepth)
		}
		for i, k := range d.keys {
			visits++
			if visits > lim.MaxObjects {
				return errf(src.name, "", ErrLimit, "state_dict has more than %d entries", lim.MaxObjects)
			}
			name, ok := k.(string)
			if !ok {
				if depth == 0 {
					return errf(src.name, "", ErrFormat, "state_dict key %d is %s, not a string", i, typeName(k))
				}
				f.skipped = append(f.skipped, fmt.Sprintf("%s%v", prefix, k))
				continue
			}
			name = prefix + name
			switch v := d.vals[i].(type) {
			case *tensorRef:
				if err := f.add(newTensor(src.name, name, v)); err != nil {
					return err
				}
			case *pyDict:
				if err := walk(name+".", v, depth+1); err != nil {
					return err
				}
			default:
				f.skipped = append(f.skipped, name)
			}
		}
		return nil
	}
	if err := walk("", d, 0); err != nil {
		return nil, err
	}
	return f, nil
}

// sortedKeys returns the keys of m in sorted order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
