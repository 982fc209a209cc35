// CG014 with the default GODEBUG=cgocheck=1: C is handed the runtime's map
// header through a copy of the Go 1.21-1.23 hmap struct. On Go 1.24+ the
// header (internal/runtime/maps.Map) holds Go pointers (dirPtr), so the
// runtime's cgoCheckPointer panics at the call, before C reads anything.
package main

/*
#include <stdint.h>

struct hmap {            // Go 1.21-1.23 runtime.hmap
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

static long map_len(struct hmap *h) { return h->count; }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func main() {
	m := map[string]int{"answer": 42}
	h := (*C.struct_hmap)(*(*unsafe.Pointer)(unsafe.Pointer(&m))) // want CG014
	fmt.Println("C sees", C.map_len(h), "entries")
}
