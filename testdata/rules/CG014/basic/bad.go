// Positive cases for CG014: Go runtime internals reached across the cgo boundary.
package basic

/*
#include <stdint.h>

// A copy of the Go 1.21-1.23 runtime.hmap.
struct hmap {
	long count;
	uint8_t flags;
	uint8_t B;
	uint16_t noverflow;
	uint32_t hash0;
	void *buckets;
	void *oldbuckets;
	uintptr_t nevacuate;
	void *extra;
};

// Named differently, but with the channel header's fields.
typedef struct {
	unsigned qcount;
	unsigned dataqsiz;
	void *buf;
} chan_header;

long map_count(struct hmap *h) { return h->count; }
// Takes any pointer, and reads it as the map variable it was given.
long map_len_any(void *m) {
	struct hmap *h = *(struct hmap **)m;
	return h ? h->count : 0;
}
unsigned chan_len(chan_header *c) { return c->qcount; }
*/
import "C"

import (
	"unsafe"
)

// A Go-side copy of the interface layout.
type eface struct {
	typ, data unsafe.Pointer
}

// The map header cast to the C copy of hmap.
func mapCount(m map[string]int) int {
	h := (*C.struct_hmap)(*(*unsafe.Pointer)(unsafe.Pointer(&m))) // want CG014
	return int(C.map_count(h))
}

// The map variable's address handed to C as a struct hmap pointer.
func mapToC(m map[int]int) {
	C.map_count((*C.struct_hmap)(unsafe.Pointer(&m))) // want CG014 CG001
}

// The map variable's address as a void *, reinterpreted by C.
func mapLenAny(m map[int]int) int {
	return int(C.map_len_any(unsafe.Pointer(&m))) // want CG014 CG001
}

// A channel read through a C struct with hchan's fields.
func chanLen(ch chan int) uint {
	p := *(*unsafe.Pointer)(unsafe.Pointer(&ch)) // want CG014
	return uint(C.chan_len((*C.chan_header)(p)))
}

// An interface split into its two words.
func ifaceWords(v any) uintptr {
	words := (*[2]uintptr)(unsafe.Pointer(&v)) // want CG014
	return words[0]
}

// An interface read through a Go copy of the runtime's eface.
func ifaceData(v any) unsafe.Pointer {
	return (*eface)(unsafe.Pointer(&v)).data // want CG014
}

//go:linkname nanotime runtime.nanotime
func nanotime() int64 // want CG014

//go:linkname procPin runtime.procPin
func procPin() int // want CG014
