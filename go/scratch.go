package cgoguard

// WithScratch: Go access to the calling thread's scratch arena
// (cgoguard/arena.h) for temporary C buffers passed to C during a call.

/*
#include <cgoguard/arena.h>
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// ErrScratchFull reports that the thread's scratch arena cannot hold an
// allocation (its size is CG_SCRATCH_DEFAULT_SIZE unless C code changed it).
var ErrScratchFull = errors.New("cgoguard: scratch arena full")

// Scratch allocates C memory from the calling thread's arena; it is only
// valid inside the WithScratch call that provided it.
type Scratch struct {
	open bool
}

// WithScratch runs fn with a scratch scope on the current OS thread. The
// goroutine is locked to its thread for the duration (the arena is per
// thread), and everything fn allocated is released when fn returns. Memory
// from the scope must not be used after WithScratch returns, and C must not
// keep it.
func WithScratch(fn func(s *Scratch) error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	mark := C.cg_scratch_begin()
	s := &Scratch{open: true}
	defer func() {
		s.open = false
		C.cg_scratch_end(mark)
	}()
	return fn(s)
}

// Alloc returns n bytes of C memory, 16-byte aligned, uninitialised.
func (s *Scratch) Alloc(n int) (unsafe.Pointer, error) {
	if !s.open || n < 0 {
		return nil, ErrInvalid
	}
	p := C.cg_scratch_alloc(C.size_t(n))
	if p == nil {
		return nil, ErrScratchFull
	}
	return p, nil
}

// Bytes copies b into the arena and returns the C copy as a byte slice
// backed by C memory (pass &out[0] to C).
func (s *Scratch) Bytes(b []byte) ([]byte, error) {
	p, err := s.Alloc(len(b))
	if err != nil {
		return nil, err
	}
	out := unsafe.Slice((*byte)(p), len(b))
	copy(out, b)
	return out, nil
}

// CString copies str plus a terminating NUL into the arena: C.CString
// without the malloc and the matching free.
func (s *Scratch) CString(str string) (unsafe.Pointer, error) {
	p, err := s.Alloc(len(str) + 1)
	if err != nil {
		return nil, err
	}
	dst := unsafe.Slice((*byte)(p), len(str)+1)
	copy(dst, str)
	dst[len(str)] = 0
	return p, nil
}
