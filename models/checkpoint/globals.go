package checkpoint

// This file holds the unpickler's whole allowlist and what each allowed
// global does when "called". A global is only ever a marker value; calling
// one runs the Go code below, which validates its arguments and builds an
// inert value. Nothing from the file is ever executed or imported.

// globalKind says what an allowed global stands for.
type globalKind uint8

const (
	gOrderedDict globalKind = iota + 1
	gRebuildTensorV2
	gRebuildTensor
	gRebuildParameter
	gRebuildParameterWithState
	gStorageType
)

// allowedGlobal reports whether module.name may appear in a checkpoint
// pickle, and what it stands for. This is the whole allowlist.
func allowedGlobal(module, name string) (globalKind, bool) {
	switch module + "." + name {
	case "collections.OrderedDict":
		return gOrderedDict, true
	case "torch._utils._rebuild_tensor_v2":
		return gRebuildTensorV2, true
	case "torch._utils._rebuild_tensor":
		return gRebuildTensor, true
	case "torch._utils._rebuild_parameter":
		return gRebuildParameter, true
	case "torch._utils._rebuild_parameter_with_state":
		return gRebuildParameterWithState, true
	case "torch.storage.UntypedStorage":
		return gStorageType, true
	}
	if module == "torch" {
		if _, ok := torchStorageTypes[name]; ok {
			return gStorageType, true
		}
	}
	return 0, false
}

// storageDType returns the element type of an allowed storage-type global.
func storageDType(g pyGlobal) (DType, bool) {
	if k, ok := allowedGlobal(g.module, g.name); !ok || k != gStorageType {
		return InvalidDType, false
	}
	dt, ok := torchStorageTypes[g.name]
	return dt, ok
}

// global pushes the marker for an allowed global, or fails naming it.
func (u *unpickler) global(module, name string) error {
	if _, ok := allowedGlobal(module, name); !ok {
		return kerr(ErrNotAllowed, "global %q is not allowed (only the globals a state_dict needs are accepted)", module+"."+name)
	}
	return u.push(pyGlobal{module: module, name: name})
}

// call applies an allowed global to its arguments, as REDUCE (or NEWOBJ)
// would, without running anything but the Go code below.
func (u *unpickler) call(g pyGlobal, args pyTuple, newobj bool) (any, error) {
	kind, _ := allowedGlobal(g.module, g.name)
	if newobj && kind != gOrderedDict {
		return nil, kerr(ErrNotAllowed, "NEWOBJ of %s", g)
	}
	switch kind {
	case gOrderedDict:
		if len(args) != 0 {
			return nil, kerr(ErrNotAllowed, "%s called with %d arguments", g, len(args))
		}
		return newDict(), nil
	case gRebuildTensorV2:
		// (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
		if len(args) != 6 && len(args) != 7 {
			return nil, kerr(ErrFormat, "%s called with %d arguments, want 6 or 7", g, len(args))
		}
		return u.rebuildTensor(args[:4])
	case gRebuildTensor:
		// (storage, storage_offset, size, stride)
		if len(args) != 4 {
			return nil, kerr(ErrFormat, "%s called with %d arguments, want 4", g, len(args))
		}
		return u.rebuildTensor(args)
	case gRebuildParameter, gRebuildParameterWithState:
		// (data, requires_grad, backward_hooks[, state])
		want := 3
		if kind == gRebuildParameterWithState {
			want = 4
		}
		if len(args) != want {
			return nil, kerr(ErrFormat, "%s called with %d arguments, want %d", g, len(args), want)
		}
		t, ok := args[0].(*tensorRef)
		if !ok {
			return nil, kerr(ErrFormat, "%s of %s, not a tensor", g, typeName(args[0]))
		}
		return t, nil
	}
	return nil, kerr(ErrNotAllowed, "%s cannot be called", g)
}

// rebuildTensor validates (storage, storage_offset, size, stride) and makes
// a tensor view of the storage.
func (u *unpickler) rebuildTensor(args pyTuple) (*tensorRef, error) {
	st, ok := args[0].(*storage)
	if !ok {
		return nil, kerr(ErrFormat, "tensor storage is %s", typeName(args[0]))
	}
	off, ok := args[1].(int64)
	if !ok {
		return nil, kerr(ErrFormat, "storage offset is %s", typeName(args[1]))
	}
	shape, err := intTuple(args[2], "size", u.lim.MaxDims)
	if err != nil {
		return nil, err
	}
	strides, err := intTuple(args[3], "stride", u.lim.MaxDims)
	if err != nil {
		return nil, err
	}
	if len(shape) != len(strides) {
		return nil, kerr(ErrFormat, "size has %d dimensions, stride %d", len(shape), len(strides))
	}
	t := &tensorRef{st: st, offset: off, shape: shape, strides: strides}
	if err := t.check(); err != nil {
		return nil, err
	}
	return t, nil
}

func intTuple(v any, what string, maxDims int) ([]int64, error) {
	t, ok := v.(pyTuple)
	if !ok {
		return nil, kerr(ErrFormat, "%s is %s, not a tuple", what, typeName(v))
	}
	if len(t) > maxDims {
		return nil, kerr(ErrLimit, "%s has %d dimensions, more than %d", what, len(t), maxDims)
	}
	out := make([]int64, len(t))
	for i, x := range t {
		n, ok := x.(int64)
		if !ok {
			return nil, kerr(ErrFormat, "%s[%d] is %s", what, i, typeName(x))
		}
		out[i] = n
	}
	return out, nil
}
