package checkpoint

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the restricted unpickler. It interprets the subset of the
// pickle virtual machine that torch.save emits for a state_dict and builds
// inert Go values from it. Globals are looked up in a fixed allowlist and
// are only ever markers: "calling" one (REDUCE) dispatches to Go code that
// validates the arguments, nothing else. The value model is:
//
//	None → pyNone, bool, int64, *big.Int, float64, string, pyBytes,
//	tuple → pyTuple, list → *pyList, dict/OrderedDict → *pyDict,
//	GLOBAL → pyGlobal, persistent storage → *storage, tensor → *tensorRef.

type (
	pyNone   struct{}
	pyBytes  []byte
	pyTuple  []any
	pyList   struct{ items []any }
	pyGlobal struct{ module, name string }
	pyDict   struct {
		keys, vals []any
		index      map[any]int // hashable form of a key → position
	}
)

func (g pyGlobal) String() string { return g.module + "." + g.name }

func newDict() *pyDict { return &pyDict{index: map[any]int{}} }

// set inserts or replaces k, keeping first-insertion order as Python does.
func (d *pyDict) set(k, v any) error {
	h, err := hashKey(k)
	if err != nil {
		return err
	}
	if i, ok := d.index[h]; ok {
		d.vals[i] = v
		return nil
	}
	d.index[h] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
	return nil
}

// hashKey maps a dict key to a comparable Go value with Python's equality
// for the key types a checkpoint uses (True == 1, as in Python).
func hashKey(k any) (any, error) {
	switch k := k.(type) {
	case string, int64, pyNone:
		return k, nil
	case bool:
		if k {
			return int64(1), nil
		}
		return int64(0), nil
	case float64:
		if k == math.Trunc(k) && math.Abs(k) < 1<<62 {
			return int64(k), nil
		}
		return k, nil
	case *big.Int:
		return "\x00big:" + k.String(), nil
	case pyBytes:
		return "\x00bytes:" + string(k), nil
	}
	return nil, fmt.Errorf("dict key of type %s is not supported", typeName(k))
}

// typeName names the Python type of an unpickled value for error messages.
func typeName(v any) string {
	switch v := v.(type) {
	case pyNone:
		return "None"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case pyBytes:
		return "bytes"
	case pyTuple:
		return "tuple"
	case *pyList:
		return "list"
	case *pyDict:
		return "dict"
	case pyGlobal:
		return "global " + v.String()
	case *storage:
		return "storage"
	case *tensorRef:
		return "tensor"
	}
	return fmt.Sprintf("%T", v)
}

// pickleReader reads a pickle stream, counting consumed bytes and refusing
// to read (or allocate for) more than max bytes in total.
type pickleReader struct {
	br        *bufio.Reader
	pos       int64 // bytes consumed so far
	max       int64 // bytes that may be consumed
	capByData bool  // max is the data available (else the MaxPickleBytes limit)
}

var errTruncated = errors.New("pickle is truncated")

func (p *pickleReader) short(n int64) error {
	if p.capByData {
		return fmt.Errorf("%w: %d more bytes needed, %d left", errTruncated, n, p.max-p.pos)
	}
	return kerr(ErrLimit, "pickle longer than the limit of %d bytes", p.max)
}

func (p *pickleReader) readByte() (byte, error) {
	if p.pos >= p.max {
		return 0, p.short(1)
	}
	b, err := p.br.ReadByte()
	if err != nil {
		return 0, noEOF(err)
	}
	p.pos++
	return b, nil
}

// readN returns the next n bytes; n is checked against max before any
// allocation.
func (p *pickleReader) readN(n int64) ([]byte, error) {
	if n < 0 || n > p.max-p.pos {
		return nil, p.short(n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(p.br, buf); err != nil {
		return nil, noEOF(err)
	}
	p.pos += n
	return buf, nil
}

// readLine returns the bytes up to the next '\n' (excluded) of a text
// opcode argument, at most maxLen bytes long.
func (p *pickleReader) readLine(maxLen int) (string, error) {
	var sb strings.Builder
	for {
		b, err := p.readByte()
		if err != nil {
			return "", err
		}
		if b == '\n' {
			return sb.String(), nil
		}
		if sb.Len() >= maxLen {
			return "", kerr(ErrLimit, "text argument longer than %d bytes", maxLen)
		}
		sb.WriteByte(b)
	}
}

func noEOF(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errTruncated
	}
	return err
}

// unpickler is the restricted pickle machine. persistentLoad resolves
// BINPERSID ids (storages); it may be nil, in which case BINPERSID is an
// error.
type unpickler struct {
	r              *pickleReader
	base           int64 // file offset of the pickle's first byte, for errors
	lim            Limits
	stack          []any
	marks          []int
	memo           map[uint64]any
	objects        int
	persistentLoad func(pid any) (any, error)
}

// Pickle opcodes (Python's Lib/pickle.py names).
const (
	opMark           = '('
	opStop           = '.'
	opPop            = '0'
	opPopMark        = '1'
	opDup            = '2'
	opFloat          = 'F'
	opInt            = 'I'
	opBinInt         = 'J'
	opBinInt1        = 'K'
	opLong           = 'L'
	opBinInt2        = 'M'
	opNone           = 'N'
	opBinPersID      = 'Q'
	opReduce         = 'R'
	opBinString      = 'T'
	opShortBinString = 'U'
	opUnicode        = 'V'
	opBinUnicode     = 'X'
	opAppend         = 'a'
	opBuild          = 'b'
	opGlobal         = 'c'
	opDict           = 'd'
	opEmptyDict      = '}'
	opAppends        = 'e'
	opGet            = 'g'
	opBinGet         = 'h'
	opLongBinGet     = 'j'
	opList           = 'l'
	opEmptyList      = ']'
	opPut            = 'p'
	opBinPut         = 'q'
	opLongBinPut     = 'r'
	opSetItem        = 's'
	opTuple          = 't'
	opEmptyTuple     = ')'
	opSetItems       = 'u'
	opBinFloat       = 'G'
	opProto          = 0x80
	opNewObj         = 0x81
	opTuple1         = 0x85
	opTuple2         = 0x86
	opTuple3         = 0x87
	opNewTrue        = 0x88
	opNewFalse       = 0x89
	opLong1          = 0x8a
	opLong4          = 0x8b
	opBinBytes       = 'B'
	opShortBinBytes  = 'C'
	opShortBinUni    = 0x8c
	opBinUnicode8    = 0x8d
	opBinBytes8      = 0x8e
	opMemoize        = 0x94
	opFrame          = 0x95
	opStackGlobal    = 0x93
)

const (
	maxLineLen  = 1 << 16 // text opcode arguments (GLOBAL names, INT, FLOAT)
	maxLongSize = 1 << 10 // bytes of a LONG1/LONG4 integer
)

// run executes the pickle until STOP and returns the resulting object. The
// error, if any, carries the byte offset of the opcode that failed (within
// data.pkl for zip archives, within the file for the legacy format).
func (u *unpickler) run() (any, error) {
	for {
		at := u.base + u.r.pos
		op, err := u.r.readByte()
		if err != nil {
			return nil, &opError{at: at, err: err}
		}
		done, err := u.step(op)
		if err != nil {
			return nil, &opError{at: at, op: op, hasOp: true, err: err}
		}
		if done {
			v, err := u.pop()
			if err != nil {
				return nil, &opError{at: at, op: op, hasOp: true, err: err}
			}
			return v, nil
		}
	}
}

// opError locates a failure at a byte offset of the pickle.
type opError struct {
	at    int64
	op    byte
	hasOp bool
	err   error
}

func (e *opError) Error() string {
	if e.hasOp {
		return fmt.Sprintf("offset %d: opcode %s: %v", e.at, opName(e.op), e.err)
	}
	return fmt.Sprintf("offset %d: %v", e.at, e.err)
}

func (e *opError) Unwrap() error { return e.err }

func opName(op byte) string {
	if op >= 0x20 && op < 0x7f {
		return fmt.Sprintf("%q", rune(op))
	}
	return fmt.Sprintf("0x%02x", op)
}

func (u *unpickler) push(v any) error {
	u.objects++
	if u.objects > u.lim.MaxObjects {
		return kerr(ErrLimit, "more than %d pickle objects", u.lim.MaxObjects)
	}
	u.stack = append(u.stack, v)
	return nil
}

func (u *unpickler) floor() int {
	if len(u.marks) == 0 {
		return 0
	}
	return u.marks[len(u.marks)-1]
}

func (u *unpickler) pop() (any, error) {
	if len(u.stack) <= u.floor() {
		return nil, kerr(ErrFormat, "stack underflow")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) <= u.floor() {
		return nil, kerr(ErrFormat, "stack underflow")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark returns the items pushed since the last MARK and removes them and
// the mark.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, kerr(ErrFormat, "no MARK on the stack")
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := append([]any(nil), u.stack[m:]...)
	u.stack = u.stack[:m]
	return items, nil
}

func (u *unpickler) memoPut(i uint64) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	if _, ok := u.memo[i]; !ok {
		u.objects++
		if u.objects > u.lim.MaxObjects {
			return kerr(ErrLimit, "more than %d pickle objects", u.lim.MaxObjects)
		}
	}
	u.memo[i] = v
	return nil
}

func (u *unpickler) memoGet(i uint64) error {
	v, ok := u.memo[i]
	if !ok {
		return kerr(ErrFormat, "memo entry %d was never stored", i)
	}
	return u.push(v)
}

func (u *unpickler) uint(n int64) (uint64, error) {
	b, err := u.r.readN(n)
	if err != nil {
		return 0, err
	}
	var x uint64
	for i := len(b) - 1; i >= 0; i-- {
		x = x<<8 | uint64(b[i])
	}
	return x, nil
}

// sized reads a length prefix of n bytes, then that many bytes.
func (u *unpickler) sized(n int64) ([]byte, error) {
	l, err := u.uint(n)
	if err != nil {
		return nil, err
	}
	if l > math.MaxInt64 {
		return nil, u.r.short(math.MaxInt64)
	}
	return u.r.readN(int64(l))
}

// step executes one opcode; done is true at STOP.
func (u *unpickler) step(op byte) (done bool, err error) {
	switch op {
	case opProto:
		v, err := u.r.readByte()
		if err != nil {
			return false, err
		}
		if v > 5 {
			return false, kerr(ErrFormat, "unsupported pickle protocol %d", v)
		}
	case opFrame:
		// Frames only group opcodes for buffered reading; the stream is
		// read sequentially anyway.
		if _, err := u.uint(8); err != nil {
			return false, err
		}
	case opStop:
		return true, nil

	case opMark:
		if len(u.marks) >= u.lim.MaxDepth {
			return false, kerr(ErrLimit, "more than %d nested MARKs", u.lim.MaxDepth)
		}
		u.marks = append(u.marks, len(u.stack))
	case opPop:
		_, err = u.pop()
	case opPopMark:
		_, err = u.popMark()
	case opDup:
		var v any
		if v, err = u.top(); err == nil {
			err = u.push(v)
		}

	case opNone:
		err = u.push(pyNone{})
	case opNewTrue:
		err = u.push(true)
	case opNewFalse:
		err = u.push(false)
	case opBinInt:
		var x uint64
		if x, err = u.uint(4); err == nil {
			err = u.push(int64(int32(uint32(x))))
		}
	case opBinInt1:
		var x uint64
		if x, err = u.uint(1); err == nil {
			err = u.push(int64(x))
		}
	case opBinInt2:
		var x uint64
		if x, err = u.uint(2); err == nil {
			err = u.push(int64(x))
		}
	case opLong1, opLong4:
		prefix := int64(1)
		if op == opLong4 {
			prefix = 4
		}
		n, err := u.uint(prefix)
		if err != nil {
			return false, err
		}
		if op == opLong4 && int32(uint32(n)) < 0 {
			return false, kerr(ErrFormat, "negative LONG4 size")
		}
		if n > maxLongSize {
			return false, kerr(ErrLimit, "integer of %d bytes", n)
		}
		b, err := u.r.readN(int64(n))
		if err != nil {
			return false, err
		}
		return false, u.push(decodeLong(b))
	case opInt:
		s, err := u.r.readLine(maxLineLen)
		if err != nil {
			return false, err
		}
		switch s {
		case "00":
			return false, u.push(false)
		case "01":
			return false, u.push(true)
		}
		v, err := parseIntText(s)
		if err != nil {
			return false, err
		}
		return false, u.push(v)
	case opLong:
		s, err := u.r.readLine(maxLineLen)
		if err != nil {
			return false, err
		}
		v, err := parseIntText(strings.TrimSuffix(s, "L"))
		if err != nil {
			return false, err
		}
		return false, u.push(v)
	case opBinFloat:
		var x uint64
		b, err := u.r.readN(8)
		if err != nil {
			return false, err
		}
		x = binary.BigEndian.Uint64(b)
		return false, u.push(math.Float64frombits(x))
	case opFloat:
		s, err := u.r.readLine(maxLineLen)
		if err != nil {
			return false, err
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return false, kerr(ErrFormat, "bad FLOAT %q", s)
		}
		return false, u.push(f)

	case opBinUnicode, opShortBinUni, opBinUnicode8, opBinString, opShortBinString:
		n := int64(4)
		switch op {
		case opShortBinUni, opShortBinString:
			n = 1
		case opBinUnicode8:
			n = 8
		}
		b, err := u.sized(n)
		if err != nil {
			return false, err
		}
		return false, u.push(string(b))
	case opUnicode:
		s, err := u.r.readLine(int(min(u.r.max, math.MaxInt32)))
		if err != nil {
			return false, err
		}
		return false, u.push(decodeRawUnicodeEscape(s))
	case opBinBytes, opShortBinBytes, opBinBytes8:
		n := int64(4)
		switch op {
		case opShortBinBytes:
			n = 1
		case opBinBytes8:
			n = 8
		}
		b, err := u.sized(n)
		if err != nil {
			return false, err
		}
		return false, u.push(pyBytes(b))

	case opEmptyTuple:
		err = u.push(pyTuple{})
	case opTuple1, opTuple2, opTuple3:
		n := int(op-opTuple1) + 1
		if len(u.stack)-u.floor() < n {
			return false, kerr(ErrFormat, "stack underflow")
		}
		t := append(pyTuple(nil), u.stack[len(u.stack)-n:]...)
		u.stack = u.stack[:len(u.stack)-n]
		err = u.push(t)
	case opTuple:
		items, err := u.popMark()
		if err != nil {
			return false, err
		}
		return false, u.push(pyTuple(items))
	case opEmptyList:
		err = u.push(&pyList{})
	case opList:
		items, err := u.popMark()
		if err != nil {
			return false, err
		}
		return false, u.push(&pyList{items: items})
	case opEmptyDict:
		err = u.push(newDict())
	case opDict:
		items, err := u.popMark()
		if err != nil {
			return false, err
		}
		d := newDict()
		if err := setPairs(d, items); err != nil {
			return false, err
		}
		return false, u.push(d)

	case opAppend:
		v, err := u.pop()
		if err != nil {
			return false, err
		}
		t, err := u.top()
		if err != nil {
			return false, err
		}
		l, ok := t.(*pyList)
		if !ok {
			return false, kerr(ErrFormat, "APPEND to %s", typeName(t))
		}
		l.items = append(l.items, v)
	case opAppends:
		items, err := u.popMark()
		if err != nil {
			return false, err
		}
		t, err := u.top()
		if err != nil {
			return false, err
		}
		l, ok := t.(*pyList)
		if !ok {
			return false, kerr(ErrFormat, "APPENDS to %s", typeName(t))
		}
		l.items = append(l.items, items...)
	case opSetItem:
		v, err := u.pop()
		if err != nil {
			return false, err
		}
		k, err := u.pop()
		if err != nil {
			return false, err
		}
		t, err := u.top()
		if err != nil {
			return false, err
		}
		d, ok := t.(*pyDict)
		if !ok {
			return false, kerr(ErrFormat, "SETITEM on %s", typeName(t))
		}
		return false, d.set(k, v)
	case opSetItems:
		items, err := u.popMark()
		if err != nil {
			return false, err
		}
		t, err := u.top()
		if err != nil {
			return false, err
		}
		d, ok := t.(*pyDict)
		if !ok {
			return false, kerr(ErrFormat, "SETITEMS on %s", typeName(t))
		}
		return false, setPairs(d, items)

	case opBinPut:
		var i uint64
		if i, err = u.uint(1); err == nil {
			err = u.memoPut(i)
		}
	case opLongBinPut:
		var i uint64
		if i, err = u.uint(4); err == nil {
			err = u.memoPut(i)
		}
	case opMemoize:
		err = u.memoPut(uint64(len(u.memo)))
	case opPut:
		var i uint64
		if i, err = u.textIndex(); err == nil {
			err = u.memoPut(i)
		}
	case opBinGet:
		var i uint64
		if i, err = u.uint(1); err == nil {
			err = u.memoGet(i)
		}
	case opLongBinGet:
		var i uint64
		if i, err = u.uint(4); err == nil {
			err = u.memoGet(i)
		}
	case opGet:
		var i uint64
		if i, err = u.textIndex(); err == nil {
			err = u.memoGet(i)
		}

	case opGlobal:
		module, err := u.r.readLine(maxLineLen)
		if err != nil {
			return false, err
		}
		name, err := u.r.readLine(maxLineLen)
		if err != nil {
			return false, err
		}
		return false, u.global(module, name)
	case opStackGlobal:
		nv, err := u.pop()
		if err != nil {
			return false, err
		}
		mv, err := u.pop()
		if err != nil {
			return false, err
		}
		module, ok1 := mv.(string)
		name, ok2 := nv.(string)
		if !ok1 || !ok2 {
			return false, kerr(ErrFormat, "STACK_GLOBAL needs two strings, got %s and %s", typeName(mv), typeName(nv))
		}
		return false, u.global(module, name)

	case opReduce, opNewObj:
		args, err := u.pop()
		if err != nil {
			return false, err
		}
		fn, err := u.pop()
		if err != nil {
			return false, err
		}
		tup, ok := args.(pyTuple)
		if !ok {
			return false, kerr(ErrFormat, "arguments are %s, not a tuple", typeName(args))
		}
		g, ok := fn.(pyGlobal)
		if !ok {
			return false, kerr(ErrNotAllowed, "cannot call %s", typeName(fn))
		}
		v, err := u.call(g, tup, op == opNewObj)
		if err != nil {
			return false, err
		}
		return false, u.push(v)
	case opBuild:
		state, err := u.pop()
		if err != nil {
			return false, err
		}
		t, err := u.top()
		if err != nil {
			return false, err
		}
		switch t.(type) {
		case *pyDict, *tensorRef:
			// An OrderedDict's BUILD state is its __dict__: state_dict()
			// attaches _metadata (module versions) there. Tensors may
			// carry Python attributes. Neither matters for the weights.
			_ = state
		default:
			return false, kerr(ErrNotAllowed, "BUILD on %s", typeName(t))
		}
	case opBinPersID:
		pid, err := u.pop()
		if err != nil {
			return false, err
		}
		if u.persistentLoad == nil {
			return false, kerr(ErrFormat, "persistent id in a pickle that may not have one")
		}
		v, err := u.persistentLoad(pid)
		if err != nil {
			return false, err
		}
		return false, u.push(v)

	default:
		return false, kerr(ErrNotAllowed, "unknown or unsupported opcode")
	}
	return false, err
}

// textIndex reads the decimal memo index of a PUT/GET text opcode.
func (u *unpickler) textIndex() (uint64, error) {
	s, err := u.r.readLine(maxLineLen)
	if err != nil {
		return 0, err
	}
	i, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, kerr(ErrFormat, "bad memo index %q", s)
	}
	return i, nil
}

func setPairs(d *pyDict, items []any) error {
	if len(items)%2 != 0 {
		return kerr(ErrFormat, "odd number of items for a dict")
	}
	for i := 0; i < len(items); i += 2 {
		if err := d.set(items[i], items[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// decodeLong decodes a little-endian two's-complement integer (LONG1/LONG4)
// to int64 when it fits, else *big.Int.
func decodeLong(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) <= 8 {
		var x uint64
		for i := len(b) - 1; i >= 0; i-- {
			x = x<<8 | uint64(b[i])
		}
		shift := 64 - 8*uint(len(b))
		return int64(x<<shift) >> shift // sign-extend
	}
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	if v.IsInt64() {
		return v.Int64()
	}
	return v
}

func parseIntText(s string) (any, error) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, kerr(ErrFormat, "bad integer %q", s)
	}
	return v, nil
}

// decodeRawUnicodeEscape decodes Python's raw-unicode-escape encoding used by
// the UNICODE opcode: \uXXXX and \UXXXXXXXX escapes, other bytes Latin-1.
func decodeRawUnicodeEscape(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') {
			n := 4
			if s[i+1] == 'U' {
				n = 8
			}
			if i+2+n <= len(s) {
				if r, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32); err == nil && utf8.ValidRune(rune(r)) {
					sb.WriteRune(rune(r))
					i += 1 + n
					continue
				}
			}
		}
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// unpickle runs a restricted unpickler over data (the whole pickle in
// memory) and returns the object and the number of bytes consumed.
func unpickle(data []byte, lim Limits, persistentLoad func(any) (any, error)) (any, int64, error) {
	return unpickleReader(bufio.NewReader(bytes.NewReader(data)), 0, int64(len(data)), true, lim, persistentLoad)
}

// unpickleReader runs a restricted unpickler over br, which may yield at
// most max bytes (capByData: because the data end there, rather than
// because of Limits.MaxPickleBytes). base is the file offset of the first
// byte, used in error messages.
func unpickleReader(br *bufio.Reader, base, max int64, capByData bool, lim Limits, persistentLoad func(any) (any, error)) (any, int64, error) {
	u := &unpickler{
		r:              &pickleReader{br: br, max: max, capByData: capByData},
		base:           base,
		lim:            lim.withDefaults(),
		memo:           map[uint64]any{},
		persistentLoad: persistentLoad,
	}
	v, err := u.run()
	return v, u.r.pos, err
}
