package checkpoint

import (
	"errors"
	"math/big"
	"strings"
	"testing"
)

// malicious pickles: each would run a command under Python's pickle.load.
func maliciousPickles() map[string][]byte {
	out := map[string][]byte{}
	// The classic: os.system("touch /tmp/pwned") via GLOBAL + REDUCE.
	var p pk
	p.proto(2).global("os", "system").str("touch /tmp/arceval-pwned").op(opTuple1, opReduce, opStop)
	out["os.system"] = p.Bytes()
	// builtins.eval through STACK_GLOBAL (protocol 4).
	var q pk
	q.proto(4).str("builtins").str("eval").op(opStackGlobal).str("__import__('os').system('id')").op(opTuple1, opReduce, opStop)
	out["builtins.eval"] = q.Bytes()
	// subprocess.Popen hidden as a tensor's value inside a real-looking state_dict.
	var r pk
	r.proto(2).op(opEmptyDict, opMark).str("weight").global("subprocess", "Popen").
		op(opMark).str("id").op(opTuple, opReduce, opSetItems, opStop)
	out["subprocess.Popen"] = r.Bytes()
	// A persistent id naming a non-storage class as its storage type.
	var s pk
	s.proto(2).op(opMark).str("storage").global("posix", "system").str("0").str("cpu").int(1).op(opTuple, opBinPersID, opStop)
	out["posix.system"] = s.Bytes()
	// An allowed-looking module with a forbidden name.
	var u pk
	u.proto(2).global("torch", "load").op(opStop)
	out["torch.load"] = u.Bytes()
	return out
}

// TestMaliciousGlobals checks that forbidden globals are refused with an
// error naming the global and the file, both in a bare pickle and inside a
// zip checkpoint. Nothing can run: globals are never resolved to code.
func TestMaliciousGlobals(t *testing.T) {
	for name, pkl := range maliciousPickles() {
		t.Run(name, func(t *testing.T) {
			_, _, err := unpickle(pkl, Limits{}, nil)
			if !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), name) {
				t.Fatalf("unpickle: %v", err)
			}
			data := torchZipBytes("evil", []zipRecord{{name: "data.pkl", raw: pkl}, {name: "version", raw: []byte("3\n")}})
			_, err = openBytes(t, data)
			if !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), `"`+name+`"`) || !strings.HasPrefix(err.Error(), "mem.pt: evil/data.pkl: offset ") {
				t.Fatalf("open: %v", err)
			}
		})
	}
}

func TestUnpickleErrors(t *testing.T) {
	build := func(f func(p *pk)) []byte { var p pk; f(&p); return p.Bytes() }
	tight := Limits{MaxObjects: 100, MaxDepth: 8}
	tests := []struct {
		name string
		pkl  []byte
		lim  Limits
		kind error
		want string
	}{
		{"unknown opcode", build(func(p *pk) { p.proto(2).op(opNone, 0xff) }), Limits{}, ErrNotAllowed, "offset 3: opcode 0xff"},
		{"INST unsupported", build(func(p *pk) { p.proto(2).op('i') }), Limits{}, ErrNotAllowed, "offset 2: opcode 'i'"},
		{"truncated", build(func(p *pk) { p.proto(2).op(opBinUnicode, 10, 0, 0, 0, 'a') }), Limits{}, errTruncated, "offset 2"},
		{"huge string length", build(func(p *pk) { p.proto(2).op(opBinUnicode8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f) }), Limits{}, errTruncated, "offset 2"},
		{"huge LONG4", build(func(p *pk) { p.proto(2).op(opLong4, 0, 0, 0, 0x10) }), Limits{}, ErrLimit, "integer of"},
		{"no STOP", build(func(p *pk) { p.proto(2).op(opNone) }), Limits{}, errTruncated, "offset 3"},
		{"stack underflow", build(func(p *pk) { p.proto(2).op(opTuple1) }), Limits{}, ErrFormat, "underflow"},
		{"pop across mark", build(func(p *pk) { p.proto(2).op(opNone, opMark, opPop) }), Limits{}, ErrFormat, "underflow"},
		{"missing memo", build(func(p *pk) { p.proto(2).op(opBinGet, 7) }), Limits{}, ErrFormat, "memo entry 7"},
		{"deep marks", build(func(p *pk) {
			p.proto(2)
			for range 9 {
				p.op(opMark)
			}
		}), tight, ErrLimit, "nested MARKs"},
		{"many objects", build(func(p *pk) {
			p.proto(2).op(opNone)
			for range 200 {
				p.op(opDup)
			}
		}), tight, ErrLimit, "more than 100"},
		{"memo flood", build(func(p *pk) {
			p.proto(2).op(opNone)
			for i := range 200 {
				p.op(opLongBinPut, byte(i), 0, 0, 0)
			}
		}), tight, ErrLimit, "more than 100"},
		{"append to dict", build(func(p *pk) { p.proto(2).op(opEmptyDict, opNone, opAppend) }), Limits{}, ErrFormat, "APPEND to dict"},
		{"unhashable key", build(func(p *pk) { p.proto(2).op(opEmptyDict, opEmptyList, opNone, opSetItem) }), Limits{}, nil, "dict key of type list"},
		{"reduce non-global", build(func(p *pk) { p.proto(2).op(opNone, opEmptyTuple, opReduce) }), Limits{}, ErrNotAllowed, "cannot call None"},
		{"call storage type", build(func(p *pk) { p.proto(2).global("torch", "FloatStorage").op(opEmptyTuple, opReduce) }), Limits{}, ErrNotAllowed, "cannot be called"},
		{"OrderedDict with args", build(func(p *pk) { p.proto(2).global("collections", "OrderedDict").op(opEmptyList, opTuple1, opReduce) }), Limits{}, ErrNotAllowed, "1 arguments"},
		{"BUILD on list", build(func(p *pk) { p.proto(2).op(opEmptyList, opEmptyDict, opBuild) }), Limits{}, ErrNotAllowed, "BUILD on list"},
		{"persid without handler", build(func(p *pk) { p.proto(2).str("x").op(opBinPersID) }), Limits{}, ErrFormat, "persistent id"},
		{"bad protocol", build(func(p *pk) { p.proto(9) }), Limits{}, ErrFormat, "protocol 9"},
		{"pickle limit", build(func(p *pk) { p.proto(2).str(strings.Repeat("x", 100)).op(opStop) }), Limits{MaxPickleBytes: 50}, ErrLimit, ""},
		{"long GLOBAL line", build(func(p *pk) { p.proto(2).op(opGlobal).WriteString(strings.Repeat("a", maxLineLen+1)) }), Limits{}, ErrLimit, "text argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.lim.MaxPickleBytes > 0 {
				data := torchZipBytes("x", []zipRecord{{name: "data.pkl", raw: tc.pkl}})
				_, err = NewFile(bytesReaderAt(data), int64(len(data)), "x.pt", tc.lim)
			} else {
				_, _, err = unpickle(tc.pkl, tc.lim, nil)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Errorf("error %v is not %v", err, tc.kind)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestUnpickleValues(t *testing.T) {
	var p pk
	p.proto(2).op(opMark)
	p.int(5).int(300).int(-7).int(1 << 40)
	p.op(opLong1, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19) // torch's magic number
	p.op(opLong1, 1, 0xff)                                                        // -1
	p.op(opBinFloat, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0)                                // 1.5
	p.op(opFloat).WriteString("2.25\n")
	p.op(opInt).WriteString("01\n")
	p.op(opInt).WriteString("-12\n")
	p.op(opLong).WriteString("123456789012345678901234567890L\n")
	p.op(opUnicode).WriteString(`caf\u00e9` + "\n")
	p.op(opShortBinUni, 2, 'h', 'i')
	p.op(opShortBinBytes, 2, 1, 2)
	p.op(opNone, opNewTrue, opNewFalse)
	p.op(opTuple, opBinPut, 0, opBinGet, 0, opTuple2, opStop)
	v, n, err := unpickle(p.Bytes(), Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(p.Len()) {
		t.Errorf("consumed %d of %d bytes", n, p.Len())
	}
	outer := v.(pyTuple)
	got := outer[0].(pyTuple)
	if len(got) != 17 {
		t.Fatalf("got %d values: %v", len(got), got)
	}
	big30, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	want := []any{int64(5), int64(300), int64(-7), int64(1 << 40), legacyMagic, int64(-1), 1.5, 2.25, true, int64(-12), big30, "café", "hi", pyBytes{1, 2}, pyNone{}, true, false}
	for i := range want {
		switch w := want[i].(type) {
		case *big.Int:
			if g, ok := got[i].(*big.Int); !ok || g.Cmp(w) != 0 {
				t.Errorf("value %d = %v, want %v", i, got[i], w)
			}
		case pyBytes:
			if string(got[i].(pyBytes)) != string(w) {
				t.Errorf("value %d = %v, want %v", i, got[i], w)
			}
		default:
			if got[i] != want[i] {
				t.Errorf("value %d = %#v, want %#v", i, got[i], want[i])
			}
		}
	}
}

func TestDictSemantics(t *testing.T) {
	// SETITEMS with a repeated key keeps the first position and the last
	// value, as Python does.
	var p pk
	p.proto(2).op(opEmptyDict, opMark).str("a").int(1).str("b").int(2).str("a").int(3).op(opSetItems, opStop)
	v, _, err := unpickle(p.Bytes(), Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*pyDict)
	if len(d.keys) != 2 || d.keys[0] != "a" || d.vals[0] != int64(3) || d.keys[1] != "b" {
		t.Errorf("dict %v %v", d.keys, d.vals)
	}
}

func TestCyclicStateDict(t *testing.T) {
	// d["self"] = d: flattening must stop at MaxDepth, not loop.
	var p pk
	p.proto(2).op(opEmptyDict, opBinPut, 0).str("self").op(opBinGet, 0, opSetItem, opStop)
	data := torchZipBytes("c", []zipRecord{{name: "data.pkl", raw: p.Bytes()}})
	_, err := openBytes(t, data)
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("cyclic dict: %v", err)
	}
	// A DAG that doubles at each level: bounded by MaxObjects visits.
	var q pk
	q.proto(2).op(opEmptyDict)
	for range 40 {
		q.op(opBinPut, 0, opEmptyDict, opMark).str("a").op(opBinGet, 0).str("b").op(opBinGet, 0).op(opSetItems)
	}
	q.op(opStop)
	data = torchZipBytes("c", []zipRecord{{name: "data.pkl", raw: q.Bytes()}})
	_, err = NewFile(bytesReaderAt(data), int64(len(data)), "dag.pt", Limits{MaxDepth: 100})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("exponential DAG: %v", err)
	}
}
