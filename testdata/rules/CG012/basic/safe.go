// Look-alike safe cases for CG012.
package render

/*
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

// safe: the goroutine is locked to its thread before the first call
func loadLocked(path string) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	if C.dlopen(cs, C.RTLD_NOW) == nil {
		return errors.New(C.GoString(C.dlerror()))
	}
	return nil
}

// safe: errno is captured inside the same cgo call by the two-result form
func query(q string) error {
	cs := C.CString(q)
	defer C.free(unsafe.Pointer(cs))
	_, err := C.db_query(cs)
	return err
}

// safe: db_errmsg is a per-connection message, not per-thread state
func queryMessage(q string) string {
	cs := C.CString(q)
	defer C.free(unsafe.Pointer(cs))
	if C.db_query(cs) != 0 {
		return C.GoString(C.db_errmsg())
	}
	return ""
}

// safe: open and error read happen in one C call
func openOrError(path string) string {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	var msg *C.char
	if C.ctx_open_or_error(cs, &msg) == 0 {
		return C.GoString(msg)
	}
	return ""
}

// safe: a literal called in place runs on the locked goroutine
func frameLocked(c *C.ctx) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	func() {
		C.ctx_make_current(c)
		C.ctx_draw(1)
	}()
}

// safe: only one thread-affine call in the function
func makeCurrent(c *C.ctx) {
	C.ctx_make_current(c)
}

func lastOpenError() error {
	return errors.New(C.GoString(C.mylib_last_error()))
}

// safe: the error helper runs while the caller's goroutine is locked to its thread
func openLockedWithHelper(path string) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	if C.mylib_open(cs) == nil {
		return lastOpenError()
	}
	return nil
}

// safe: no C call of this function ran before the helper reads the error
func reportStartup() error {
	return lastOpenError()
}

// safe: openThenRead (bad.go) makes its own failing call before reading the
// error, so it is checked on its own, and calling it is not an error read
func useOpenThenRead() string {
	C.mylib_open(nil)
	return openThenRead("x")
}

// safe: codec_compress calls the package's own ERR_isError (a pure function), not OpenSSL's per-thread queue
func roundTrip(n C.long) C.long {
	c := C.codec_compress(n)
	return C.codec_decompress(c)
}

// safe: the two thread-affine calls are on the two branches of an if: one
// run of the function makes only one of them
func oneOrTheOther(c *C.ctx, current bool) {
	if current {
		C.ctx_make_current(c)
	} else {
		C.ctx_draw(3)
	}
}

// safe: the error is read on the branch that made no C call before it
func errorOnOtherBranch(path string, skip bool) string {
	if !skip {
		C.mylib_open(nil)
		return ""
	} else {
		return C.GoString(C.mylib_last_error())
	}
}

// safe: ctx_open_or_error reads dlerror inside its own C call, so calling
// it twice carries no per-thread state from one cgo call to the next
func openBoth(a, b string) (string, string) {
	ca, cb := C.CString(a), C.CString(b)
	defer C.free(unsafe.Pointer(ca))
	defer C.free(unsafe.Pointer(cb))
	var ma, mb *C.char
	C.ctx_open_or_error(ca, &ma)
	C.ctx_open_or_error(cb, &mb)
	return C.GoString(ma), C.GoString(mb)
}

// safe: db_step reads the VFS's last error inside its own C call (through
// a helper), so two steps carry no per-thread state between cgo calls
func stepTwice() int {
	return int(C.db_step(1)) + int(C.db_step(-1))
}
