package cgoguard

// HandleTable: the Go side of cgoguard/handle.h, for C objects that Go (or
// other C code) refers to by a generation-checked handle instead of a raw
// pointer. The package doc explains when to use runtime/cgo.Handle instead.

/*
#include <cgoguard/handle.h>
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// Handle names a C object registered in a HandleTable. The zero Handle is
// never valid.
type Handle uint64

// Errors of handle operations.
var (
	// ErrStale: the handle was freed (use after free, or a double free).
	ErrStale = errors.New("cgoguard: stale handle (already freed)")
	// ErrInvalidHandle: the table never issued this handle, or Release
	// without a matching Acquire.
	ErrInvalidHandle = errors.New("cgoguard: invalid handle")
	// ErrTableFull: the table holds its maximum number of live handles.
	ErrTableFull = errors.New("cgoguard: handle table full")
	// ErrHandleLimit: too many concurrent acquires of one handle.
	ErrHandleLimit = errors.New("cgoguard: too many concurrent acquires of one handle")
	// ErrTableClosed: the table was closed.
	ErrTableClosed = errors.New("cgoguard: handle table closed")
)

func handleError(st C.cg_handle_status) error {
	switch st {
	case C.CG_HANDLE_OK:
		return nil
	case C.CG_HANDLE_STALE:
		return ErrStale
	case C.CG_HANDLE_FULL:
		return ErrTableFull
	case C.CG_HANDLE_LIMIT:
		return ErrHandleLimit
	case C.CG_HANDLE_NOMEM:
		return ErrNoMemory
	}
	return ErrInvalidHandle
}

// HandleTable is a table of C objects. Its methods are safe for concurrent
// use, from Go and (through Ptr) from C threads.
type HandleTable struct {
	c *C.cg_handle_table
}

// NewHandleTable creates a table for up to maxHandles live objects.
// destroy is a C function pointer of type cg_handle_destroy_fn (e.g.
// unsafe.Pointer(C.my_free_object)) called once per object when it is freed
// and no longer acquired, with ctx as its second argument; nil means the
// table does not own the objects. ctx must not be a Go pointer.
func NewHandleTable(maxHandles int, destroy, ctx unsafe.Pointer) (*HandleTable, error) {
	if maxHandles <= 0 || maxHandles > 1<<30 {
		return nil, ErrInvalid
	}
	var c *C.cg_handle_table
	st := C.cg_handle_table_new(C.uint32_t(maxHandles), C.cg_handle_destroy_fn(destroy), ctx, &c)
	if st != C.CG_HANDLE_OK {
		return nil, handleError(st)
	}
	return &HandleTable{c: c}, nil
}

// Ptr returns the C table (a *C.cg_handle_table) for C code to acquire
// and release handles. Valid until Close.
func (t *HandleTable) Ptr() unsafe.Pointer { return unsafe.Pointer(t.c) }

// Close destroys every object still registered and frees the table. No
// other use of the table, from Go or C, may happen during or after Close;
// a second Close returns ErrTableClosed.
func (t *HandleTable) Close() error {
	if t.c == nil {
		return ErrTableClosed
	}
	C.cg_handle_table_free(t.c)
	t.c = nil
	return nil
}

// New registers obj (a C pointer, not a Go pointer) and returns its handle.
func (t *HandleTable) New(obj unsafe.Pointer) (Handle, error) {
	var h C.cg_handle
	if st := C.cg_handle_new(t.c, obj, &h); st != C.CG_HANDLE_OK {
		return 0, handleError(st)
	}
	return Handle(h), nil
}

// Acquire returns the object and keeps it alive until the matching Release.
func (t *HandleTable) Acquire(h Handle) (unsafe.Pointer, error) {
	var obj unsafe.Pointer
	st := C.cg_handle_acquire(t.c, C.cg_handle(h), &obj)
	return obj, handleError(st)
}

// Release ends an Acquire; when the handle was freed meanwhile and this was
// the last reference, the destructor runs now, on this thread.
func (t *HandleTable) Release(h Handle) error {
	return handleError(C.cg_handle_release(t.c, C.cg_handle(h)))
}

// Free unregisters the handle. Later Acquires fail with ErrStale; a second
// Free returns ErrStale. The destructor runs now, or at the last Release
// of an Acquire that is still in progress.
func (t *HandleTable) Free(h Handle) error {
	return handleError(C.cg_handle_free(t.c, C.cg_handle(h)))
}

// With acquires h, runs fn with the object and releases it, so that the
// object cannot be destroyed while fn runs.
func (t *HandleTable) With(h Handle, fn func(obj unsafe.Pointer) error) error {
	obj, err := t.Acquire(h)
	if err != nil {
		return err
	}
	defer t.Release(h) //nolint:errcheck // cannot fail after a successful Acquire
	return fn(obj)
}

// Live is the number of handles registered and not freed.
func (t *HandleTable) Live() int {
	n := C.cg_handle_table_live(t.c)
	runtime.KeepAlive(t)
	return int(n)
}
