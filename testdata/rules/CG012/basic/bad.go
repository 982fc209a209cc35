// Positive cases for CG012: per-thread C state read across cgo calls
// without runtime.LockOSThread.
package render

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include "lib.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

//cgoguard:thread-error-api vendor_errstr

// dlerror reads the error of the calling thread's last dl* call.
func load(path string) (unsafe.Pointer, error) {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	h := C.dlopen(cs, C.RTLD_NOW)
	if h == nil {
		return nil, errors.New(C.GoString(C.dlerror())) // want CG012
	}
	return h, nil
}

// A library's *_last_error getter is per thread.
func openLib(path string) error {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	if C.mylib_open(cs) == nil {
		return errors.New(C.GoString(C.mylib_last_error())) // want CG012
	}
	return nil
}

// OpenSSL's error queue is per thread.
func connect(s *C.SSL) uint64 {
	if C.SSL_connect(s) != 1 {
		return uint64(C.ERR_get_error()) // want CG012
	}
	return 0
}

// Declared with //cgoguard:thread-error-api in this package.
func openVendor(path string) string {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	if C.vendor_open(cs) < 0 {
		return C.GoString(C.vendor_errstr()) // want CG012
	}
	return ""
}

// The context made current in one call is read by the next.
func frame(c *C.ctx) {
	C.ctx_make_current(c)
	C.ctx_draw(1) // want CG012
}

// The function locks, but the goroutine it starts is not locked.
func renderAsync(c *C.ctx) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	go func() {
		C.ctx_make_current(c)
		C.ctx_draw(2) // want CG012
	}()
}

// The error is read in a helper: the two cgo calls are in different functions.
func openWithHelper(path string) error {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	if C.mylib_open(cs) == nil {
		return lastError() // want CG012
	}
	return nil
}

func lastError() error {
	return errors.New(C.GoString(C.mylib_last_error()))
}

// Each error read is its own finding.
func openAndFind(path, sym string) error {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	h := C.dlopen(cs, C.RTLD_NOW)
	if h == nil {
		return errors.New(C.GoString(C.dlerror())) // want CG012
	}
	ss := C.CString(sym)
	defer C.free(unsafe.Pointer(ss))
	if C.dlsym(h, ss) == nil {
		return errors.New(C.GoString(C.dlerror())) // want CG012
	}
	return nil
}

// The open and the error read are in a Go function of their own, still two cgo calls.
func openThenRead(path string) string {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	C.mylib_open(cs)
	return C.GoString(C.mylib_last_error()) // want CG012
}

// The calls are on two branches, but a loop runs both, one after the other.
func alternating(c *C.ctx, n int) {
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			C.ctx_make_current(c)
		} else {
			C.ctx_draw(4) // want CG012
		}
	}
}
