package checkpoint

import (
	"errors"
	"fmt"
)

// Error is the error type returned for a malformed, unsafe or oversized
// checkpoint. It names the file and the place in it, e.g.
//
//	ckpt/step_100: step_100/data.pkl: offset 41: opcode 'c': global "os.system" is not allowed (...)
//	model.safetensors: header: tensor "lm_head.weight": data_offsets [0 96] give 96 bytes, dtype F32 and shape [7 32] need 896
type Error struct {
	File  string // path (or name) of the checkpoint
	Where string // the part of the file: "data.pkl: offset 41", `tensor "x"`, "header"; may be empty
	Err   error
}

func (e *Error) Error() string {
	if e.Where == "" {
		return e.File + ": " + e.Err.Error()
	}
	return e.File + ": " + e.Where + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Sentinel errors wrapped by *Error so that callers and tests can tell the
// classes of failure apart with errors.Is.
var (
	// ErrNotAllowed means the pickle names a global outside the allowlist,
	// uses an opcode outside the supported subset, or calls an allowed
	// global in a way a state_dict never does. Nothing is executed either
	// way.
	ErrNotAllowed = errors.New("not allowed")
	// ErrLimit means a declared size, count or depth exceeds what the file
	// holds or what Limits allow.
	ErrLimit = errors.New("limit exceeded")
	// ErrFormat means the bytes do not follow the format.
	ErrFormat = errors.New("malformed")
)

// errf builds an *Error at file/where wrapping kind (one of the sentinels)
// with a formatted message.
func errf(file, where string, kind error, format string, args ...any) *Error {
	return &Error{File: file, Where: where, Err: &kindError{kind: kind, msg: fmt.Sprintf(format, args...)}}
}

// kindError carries a message and the sentinel it belongs to; the sentinel
// is not repeated in the message.
type kindError struct {
	kind error
	msg  string
}

func (k *kindError) Error() string { return k.msg }
func (k *kindError) Unwrap() error { return k.kind }

// wrapErr attaches file and place to an underlying error (an I/O error, or
// a plain error from a helper), leaving an *Error unchanged.
func wrapErr(file, where string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{File: file, Where: where, Err: err}
}

// kerr returns an error of class kind (a sentinel) with a formatted
// message that does not repeat the sentinel's text.
func kerr(kind error, format string, args ...any) error {
	return &kindError{kind: kind, msg: fmt.Sprintf(format, args...)}
}
