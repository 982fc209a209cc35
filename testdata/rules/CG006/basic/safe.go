// Look-alike safe cases for CG006: they must stay silent.
package basic

/*
#include <stdint.h>
#include <stdlib.h>
static void take_ptr(void *p) { (void)p; }
static void take_handle(uintptr_t h) { (void)h; }
static void take_n(size_t n) { (void)n; }
struct prog { int len; };
struct hdr { long caplen; };
static int filter(struct prog *p, uintptr_t h) { return p->len + (int)((struct hdr *)h)->caplen; }
static long sum_buf(uintptr_t p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    long s = 0;
    for (size_t i = 0; i < n; i++) s += b[i];
    return s;
}
*/
import "C"

import (
	"reflect"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// safe: a cgo.Handle is an integer index into a Go-side table, not an address.
func passHandle(v *int) {
	h := cgo.NewHandle(v)
	defer h.Delete()
	C.take_handle(C.uintptr_t(h))
}

// safe: the address of C memory as an integer hides nothing from the Go collector.
func passCAddress() {
	p := C.malloc(16)
	defer C.free(p)
	C.take_handle(C.uintptr_t(uintptr(p)))
}

// safe: unsafe.Pointer rule 3: arithmetic converted back to a pointer in the same expression.
func passPointerArithmetic(buf []byte) {
	C.take_ptr(unsafe.Pointer(uintptr(unsafe.Pointer(&buf[0])) + 4))
}

// safe: plain numbers, including sizes computed with unsafe.Sizeof.
func passNumbers(buf []byte) {
	C.take_n(C.size_t(len(buf)))
	C.take_n(C.size_t(unsafe.Sizeof(buf)))
}

// safe: a pointer of unknown provenance (an unsafe.Pointer parameter) is not reported alone.
func passUnknown(p unsafe.Pointer) {
	C.take_handle(C.uintptr_t(uintptr(p)))
}

// safe: the integer stays in Go; only the length crosses.
func localOnly(buf []byte) {
	addr := uintptr(unsafe.Pointer(&buf[0]))
	_ = addr
	C.take_n(C.size_t(len(buf)))
}

// safe: an exported function returning a handle, and an integer computed from a C pointer.
//
//export NewHandle
func NewHandle(v *int) (C.uintptr_t, C.uintptr_t) {
	p := C.malloc(8)
	return C.uintptr_t(cgo.NewHandle(v)), C.uintptr_t(uintptr(p))
}

// safe: reflect.Value.Pointer of C memory is the address of C memory.
func reflectCMemory() {
	p := (*C.char)(C.malloc(16))
	defer C.free(unsafe.Pointer(p))
	C.take_handle(C.uintptr_t(reflect.ValueOf(p).Pointer()))
}

// safe: reflect.Value.Len is a number, not an address.
func reflectLen(v []int) {
	C.take_n(C.size_t(reflect.ValueOf(v).Len()))
}

// safe: gozstd's pattern: the buffer holds no pointers, C only reads it
// during the call, and runtime.KeepAlive keeps it alive until C returns
func sumKept(b []byte) int {
	r := C.sum_buf(C.uintptr_t(uintptr(unsafe.Pointer(&b[0]))), C.size_t(len(b)))
	runtime.KeepAlive(b)
	return int(r)
}

type bpf struct {
	prog C.struct_prog
	hdr  C.struct_hdr
}

// safe: gopacket's pattern: hdr points into b, which the first argument
// hands C as a real pointer, and cgo keeps pointer arguments alive for the
// duration of the call; struct hdr holds no pointers and filter keeps nothing
func (b *bpf) match(n int) bool {
	hdr := (*C.struct_hdr)(&b.hdr)
	hdr.caplen = C.long(n)
	return C.filter(&b.prog, C.uintptr_t(uintptr(unsafe.Pointer(hdr)))) != 0
}

func Match(b *bpf) bool { return b.match(1) }
