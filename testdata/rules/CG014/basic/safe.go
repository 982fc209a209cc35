// Look-alike safe cases for CG014: they must stay silent.
package basic

/*
#include <stdint.h>
#include <stdlib.h>

long map_len_any(void *m); // bad.go

struct table { long count; void *buckets; int size; };
long table_count(struct table *t) { return t->count; }
void take(void *p) { (void)p; }
// Views its void * parameter as the table it really is.
long table_count_any(void *p) { struct table *t = p; return t->count; }
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

// safe: a C hash table that happens to have a count and buckets is C's own structure.
func cTable(t *C.struct_table) int {
	return int(C.table_count(t))
}

// safe: len() is the public way to count a map's entries.
func mapLen(m map[string]int) int {
	return len(m)
}

type point struct{ x, y int32 }

// safe: unsafe casts of plain structs are not runtime internals.
func pointWords(p *point) *[2]int32 {
	return (*[2]int32)(unsafe.Pointer(p))
}

// safe: a slice's element address is ordinary data.
func firstByte(b []byte) {
	C.take(unsafe.Pointer(&b[0]))
}

//go:linkname localName
func localName() {}

// safe: exported runtime functions are API; a linkname to them is odd but not private.
//go:linkname numGoroutine runtime.NumGoroutine
func numGoroutine() int

var routes map[string]int

// safe: an atomic load of the map variable reads one pointer word, not the runtime's map structure.
func loadRoutes() map[string]int {
	p := atomic.LoadPointer((*unsafe.Pointer)(unsafe.Pointer(&routes)))
	return *(*map[string]int)(unsafe.Pointer(&p))
}

// safe: the C function casts its void * parameter to a plain C table, and gets a C table
func tableAny(t *C.struct_table) int {
	return int(C.table_count_any(unsafe.Pointer(t)))
}

// safe: map_len_any (bad.go) reads its argument as a map header, but this one is a C allocation of that struct
func cMapCopy() int {
	h := C.calloc(1, 64)
	defer C.free(h)
	return int(C.map_len_any(h))
}
