package cgoguard

// Snapshot: the Go side of cgoguard/snapshot.h. The Go data is encoded into
// one Go byte slice and copied by C in a single cgo call; C builds its own
// block and keeps no pointer into Go memory.

/*
#include <cgoguard/snapshot.h>
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Errors of snapshot operations.
var (
	ErrNotFound       = errors.New("cgoguard: not found in snapshot")
	ErrWrongKind      = errors.New("cgoguard: wrong snapshot kind for this lookup")
	ErrSnapshotTooBig = errors.New("cgoguard: snapshot too big")
	ErrSnapReleased   = errors.New("cgoguard: snapshot already released")
)

func snapshotError(st C.cg_snapshot_status) error {
	switch st {
	case C.CG_SNAPSHOT_OK:
		return nil
	case C.CG_SNAPSHOT_NOT_FOUND:
		return ErrNotFound
	case C.CG_SNAPSHOT_WRONG_KIND:
		return ErrWrongKind
	case C.CG_SNAPSHOT_TOO_BIG:
		return ErrSnapshotTooBig
	case C.CG_SNAPSHOT_NOMEM:
		return ErrNoMemory
	}
	return ErrInvalid
}

// Snapshot is an immutable copy of Go data in C memory. Go holds one
// reference, dropped by Release (or by the garbage collector if Release is
// never called); C code that keeps the snapshot past the call that received
// it takes its own with cg_snapshot_retain.
type Snapshot struct {
	c        *C.cg_snapshot
	released atomic.Bool
}

type encoder struct{ buf []byte }

func (e *encoder) str(s string) {
	e.buf = binary.NativeEndian.AppendUint32(e.buf, uint32(len(s)))
	e.buf = append(e.buf, s...)
}

func build(kind C.cg_snapshot_kind, e *encoder, count int) (*Snapshot, error) {
	var c *C.cg_snapshot
	var st C.cg_snapshot_status
	// e.buf holds no Go pointers; C copies it and does not keep it.
	if len(e.buf) == 0 {
		st = C.cg_snapshot_build(kind, nil, 0, C.size_t(count), &c)
	} else {
		st = C.cg_snapshot_build(kind, unsafe.Pointer(&e.buf[0]), C.size_t(len(e.buf)), C.size_t(count), &c)
	}
	if st != C.CG_SNAPSHOT_OK {
		return nil, snapshotError(st)
	}
	s := &Snapshot{c: c}
	runtime.SetFinalizer(s, (*Snapshot).Release)
	return s, nil
}

func checkLen(n int) error {
	if n > math.MaxUint32 {
		return ErrSnapshotTooBig
	}
	return nil
}

// NewStringMapSnapshot copies m into C memory.
func NewStringMapSnapshot(m map[string]string) (*Snapshot, error) {
	size := 0
	for k, v := range m {
		if checkLen(len(k)) != nil || checkLen(len(v)) != nil {
			return nil, ErrSnapshotTooBig
		}
		size += 8 + len(k) + len(v)
	}
	e := encoder{buf: make([]byte, 0, size)}
	for k, v := range m {
		e.str(k)
		e.str(v)
	}
	return build(C.CG_SNAPSHOT_STRING_MAP, &e, len(m))
}

// NewInt64MapSnapshot copies m into C memory.
func NewInt64MapSnapshot(m map[string]int64) (*Snapshot, error) {
	size := 0
	for k := range m {
		if checkLen(len(k)) != nil {
			return nil, ErrSnapshotTooBig
		}
		size += 12 + len(k)
	}
	e := encoder{buf: make([]byte, 0, size)}
	for k, v := range m {
		e.str(k)
		e.buf = binary.NativeEndian.AppendUint64(e.buf, uint64(v))
	}
	return build(C.CG_SNAPSHOT_INT_MAP, &e, len(m))
}

// NewListSnapshot copies list into C memory, keeping its order.
func NewListSnapshot(list []string) (*Snapshot, error) {
	size := 0
	for _, s := range list {
		if checkLen(len(s)) != nil {
			return nil, ErrSnapshotTooBig
		}
		size += 4 + len(s)
	}
	e := encoder{buf: make([]byte, 0, size)}
	for _, s := range list {
		e.str(s)
	}
	return build(C.CG_SNAPSHOT_LIST, &e, len(list))
}

// Ptr returns the C snapshot (a *C.cg_snapshot) to pass to C. C may use it
// during the call; to keep it longer, C calls cg_snapshot_retain and later
// cg_snapshot_release. Nil after Release.
func (s *Snapshot) Ptr() unsafe.Pointer {
	if s.released.Load() {
		return nil
	}
	return unsafe.Pointer(s.c)
}

// Release drops Go's reference. The C block is freed when C holds none
// either. Idempotent.
func (s *Snapshot) Release() {
	if s.released.CompareAndSwap(false, true) {
		C.cg_snapshot_release(s.c)
		runtime.SetFinalizer(s, nil)
	}
}

// Len is the number of entries (maps) or elements (lists).
func (s *Snapshot) Len() int {
	if s.released.Load() {
		return 0
	}
	n := C.cg_snapshot_len(s.c)
	runtime.KeepAlive(s)
	return int(n)
}

// keyArg passes a Go string's bytes to C for the duration of one call.
func keyArg(key string) (*C.char, C.size_t) {
	if len(key) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(key))), C.size_t(len(key))
}

// Get looks key up in a string-map snapshot (the same lookup C code does).
func (s *Snapshot) Get(key string) (string, error) {
	if s.released.Load() {
		return "", ErrSnapReleased
	}
	k, n := keyArg(key)
	var v C.cg_snapshot_str
	st := C.cg_snapshot_get(s.c, k, n, &v)
	var out string
	if st == C.CG_SNAPSHOT_OK {
		out = C.GoStringN(v.data, C.int(v.len))
	}
	runtime.KeepAlive(s)
	return out, snapshotError(st)
}

// GetInt looks key up in an int64-map snapshot.
func (s *Snapshot) GetInt(key string) (int64, error) {
	if s.released.Load() {
		return 0, ErrSnapReleased
	}
	k, n := keyArg(key)
	var v C.int64_t
	st := C.cg_snapshot_get_int(s.c, k, n, &v)
	runtime.KeepAlive(s)
	return int64(v), snapshotError(st)
}

// Contains reports whether key is a key (maps) or an element (lists).
func (s *Snapshot) Contains(key string) bool {
	if s.released.Load() {
		return false
	}
	k, n := keyArg(key)
	ok := C.cg_snapshot_contains(s.c, k, n)
	runtime.KeepAlive(s)
	return bool(ok)
}

// At returns the i-th key (maps; Go map order at build time) or element
// (lists; slice order), and for string maps its value.
func (s *Snapshot) At(i int) (key, value string, err error) {
	if s.released.Load() {
		return "", "", ErrSnapReleased
	}
	if i < 0 {
		return "", "", ErrNotFound
	}
	var k, v C.cg_snapshot_str
	st := C.cg_snapshot_at(s.c, C.size_t(i), &k, &v)
	if st == C.CG_SNAPSHOT_OK {
		key = C.GoStringN(k.data, C.int(k.len))
		if v.data != nil {
			value = C.GoStringN(v.data, C.int(v.len))
		}
	}
	runtime.KeepAlive(s)
	return key, value, snapshotError(st)
}
