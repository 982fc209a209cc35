// Positive cases for CG006: Go pointers handed to C as integers.
package basic

/*
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

struct job { uintptr_t ctx; long tag; };
static struct job *new_job(void) { return calloc(1, sizeof(struct job)); }
static void keep_addr(uintptr_t addr) { (void)addr; }
static void keep_size(size_t addr) { (void)addr; }
static void keep_long(long addr) { (void)addr; }
static void run_job(struct job *j) { (void)j; }
static long read_buf(uintptr_t p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    long s = 0;
    for (size_t i = 0; i < n; i++) s += b[i];
    return s;
}
*/
import "C"

import (
	"reflect"
	"unsafe"
)

type state struct {
	name  string
	count int
}

// Directly as an argument.
func passAddress(s *state) {
	C.keep_addr(C.uintptr_t(uintptr(unsafe.Pointer(s)))) // want CG006
}

// Through a local variable.
func passThroughLocal() {
	buf := make([]byte, 128)
	addr := uintptr(unsafe.Pointer(&buf[0]))
	C.keep_size(C.size_t(addr)) // want CG006
}

// With uintptr arithmetic: an offset into the object is still an address.
func passWithOffset(s *state) {
	C.keep_long(C.long(uintptr(unsafe.Pointer(s)) + unsafe.Offsetof(s.count))) // want CG006
}

// Stored into C memory.
func storeIntoC() {
	st := &state{name: "job"}
	j := C.new_job()
	j.ctx = C.uintptr_t(uintptr(unsafe.Pointer(st))) // want CG006
}

// Through a local assigned later.
func assignedLater(s *state) {
	var u uintptr
	u = uintptr(unsafe.Pointer(s))
	C.keep_addr(C.uintptr_t(u)) // want CG006
}

// Inside a C struct passed by pointer.
func passInStruct(s *state) {
	C.run_job(&C.struct_job{ctx: C.uintptr_t(uintptr(unsafe.Pointer(s))), tag: 1}) // want CG006
}

// reflect.Value.Pointer returns the address as a uintptr.
func passReflectPointer(s *state) {
	C.keep_addr(C.uintptr_t(reflect.ValueOf(s).Pointer())) // want CG006
}

// Returned to the C caller of an exported function.
//
//export StateAddress
func StateAddress() C.uintptr_t {
	st := &state{name: "exported"}
	return C.uintptr_t(uintptr(unsafe.Pointer(st))) // want CG006
}

// The buffer is dead during the call (nothing uses b afterwards): C reads
// memory the collector may already have freed.
func sumDropped(n int) {
	b := make([]byte, n)
	C.read_buf(C.uintptr_t(uintptr(unsafe.Pointer(&b[0]))), C.size_t(n)) // want CG006
}
