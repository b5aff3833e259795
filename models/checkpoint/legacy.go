package checkpoint

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
)

// legacyMagic and legacyProtocol open every legacy (pre-1.6) torch.save
// file (torch/serialization.py MAGIC_NUMBER, PROTOCOL_VERSION).
var legacyMagic, _ = new(big.Int).SetString("1950a86a20f9469cfc6c", 16)

const legacyProtocol = 1001

// openTorchLegacy reads the legacy torch.save layout: five pickles in a
// row (magic number, protocol version, sys_info, the state_dict, the sorted
// list of storage keys), then for each key in that list an int64
// little-endian element count followed by the storage's raw little-endian
// bytes. Storages are located by reading only the 8-byte counts.
func openTorchLegacy(src *source, lim Limits) (*File, error) {
	off := int64(0)
	next := func(what string, pl func(any) (any, error)) (any, error) {
		max, capByData := src.size-off, true
		if max > lim.MaxPickleBytes {
			max, capByData = lim.MaxPickleBytes, false
		}
		br := bufio.NewReaderSize(io.NewSectionReader(src.ra, off, max), 64<<10)
		v, n, err := unpickleReader(br, off, max, capByData, lim, pl)
		if err != nil {
			return nil, wrapErr(src.name, what, err)
		}
		off += n
		return v, nil
	}

	magic, err := next("magic number pickle", nil)
	if err != nil {
		return nil, err
	}
	if m, ok := magic.(*big.Int); !ok || m.Cmp(legacyMagic) != 0 {
		return nil, errf(src.name, "magic number pickle", ErrFormat, "magic number is %s, not a torch.save file", describe(magic))
	}
	proto, err := next("protocol pickle", nil)
	if err != nil {
		return nil, err
	}
	if p, ok := proto.(int64); !ok || p != legacyProtocol {
		return nil, errf(src.name, "protocol pickle", ErrFormat, "protocol version %s, want %d", describe(proto), legacyProtocol)
	}
	sysInfo, err := next("sys_info pickle", nil)
	if err != nil {
		return nil, err
	}
	if d, ok := sysInfo.(*pyDict); ok {
		if i, ok := d.index["little_endian"]; ok && d.vals[i] == false {
			return nil, errf(src.name, "sys_info pickle", ErrFormat, "written on a big-endian machine: not supported")
		}
	} else {
		return nil, errf(src.name, "sys_info pickle", ErrFormat, "sys_info is %s, not a dict", typeName(sysInfo))
	}

	roots := map[string]*storage{} // root storages by key, as the pickle declares them
	type view struct {
		st   *storage
		root *storage
		off  int64 // elements
	}
	views := map[string]*view{}
	persistentLoad := func(pid any) (any, error) {
		t, ok := pid.(pyTuple)
		if !ok || len(t) != 6 || t[0] != "storage" {
			return nil, kerr(ErrFormat, "persistent id %s is not ('storage', type, key, location, numel, view)", describe(pid))
		}
		dt, key, numel, err := storageID(t[:5])
		if err != nil {
			return nil, err
		}
		root, ok := roots[key]
		if !ok {
			if _, ok := mulCheck(numel, int64(dt.Size())); !ok || numel > src.size {
				return nil, kerr(ErrLimit, "storage %q declares %d elements, more than the file holds", key, numel)
			}
			root = &storage{key: key, dtype: dt, numel: numel}
			roots[key] = root
		} else if root.dtype != dt || root.numel != numel {
			return nil, kerr(ErrFormat, "storage %q declared twice, as %d×%s and %d×%s", key, root.numel, root.dtype, numel, dt)
		}
		if t[5] == (pyNone{}) {
			return root, nil
		}
		// Storage views (PyTorch < 1.0): (view_key, offset, size) in elements.
		vm, ok := t[5].(pyTuple)
		if !ok || len(vm) != 3 {
			return nil, kerr(ErrFormat, "storage %q view metadata is %s", key, typeName(t[5]))
		}
		vkey, ok1 := vm[0].(string)
		voff, ok2 := vm[1].(int64)
		vsize, ok3 := vm[2].(int64)
		if !ok1 || !ok2 || !ok3 || voff < 0 || vsize < 0 || voff > numel || vsize > numel-voff {
			return nil, kerr(ErrFormat, "storage %q has a bad view (%s, %s, %s) for %d elements", key, describe(vm[0]), describe(vm[1]), describe(vm[2]), numel)
		}
		if v, ok := views[vkey]; ok {
			return v.st, nil
		}
		v := &view{st: &storage{key: vkey, dtype: dt, numel: vsize, byteOff: voff * int64(dt.Size())}, root: root, off: voff}
		views[vkey] = v
		return v.st, nil
	}
	root, err := next("state_dict pickle", persistentLoad)
	if err != nil {
		return nil, err
	}
	keysObj, err := next("storage keys pickle", nil)
	if err != nil {
		return nil, err
	}
	keyList, ok := keysObj.(*pyList)
	if !ok {
		return nil, errf(src.name, "storage keys pickle", ErrFormat, "storage keys are %s, not a list", typeName(keysObj))
	}
	for i, k := range keyList.items {
		key, ok := k.(string)
		if !ok {
			return nil, errf(src.name, "storage keys pickle", ErrFormat, "key %d is %s, not a string", i, typeName(k))
		}
		where := fmt.Sprintf("storage %q at offset %d", key, off)
		st, ok := roots[key]
		if !ok {
			return nil, errf(src.name, where, ErrFormat, "storage is listed but not used by the state_dict")
		}
		if st.blob != nil {
			return nil, errf(src.name, where, ErrFormat, "storage is listed twice")
		}
		var cnt [8]byte
		if n, _ := src.ra.ReadAt(cnt[:], off); n != 8 || off > src.size-8 {
			return nil, errf(src.name, where, ErrFormat, "file ends before the storage's element count")
		}
		count := int64(binary.LittleEndian.Uint64(cnt[:]))
		if count != st.numel {
			return nil, errf(src.name, where, ErrFormat, "storage holds %d elements, the state_dict declares %d", count, st.numel)
		}
		nbytes := count * int64(st.dtype.Size()) // checked against the file size when declared
		if nbytes > src.size-off-8 {
			return nil, errf(src.name, where, ErrFormat, "storage of %d bytes extends past the end of the file (%d bytes)", nbytes, src.size)
		}
		st.blob = &blob{src: src, name: fmt.Sprintf("storage %q", key), off: off + 8, size: nbytes}
		off += 8 + nbytes
	}
	for _, key := range sortedKeys(roots) {
		if roots[key].blob == nil {
			return nil, errf(src.name, fmt.Sprintf("storage %q", key), ErrFormat, "storage has no data (missing from the storage key list)")
		}
	}
	for _, v := range views {
		v.st.blob = v.root.blob
		v.st.byteOff = v.root.byteOff + v.off*int64(v.root.dtype.Size())
	}
	return fromStateDict(src, FormatTorchLegacy, root, lim)
}
