// CG014: C reads a Go map through a copy of the runtime's map header. The
// struct below is the hmap of Go 1.21-1.23 (runtime/map.go): a count, the
// bucket shift B, and a pointer to 2^B buckets of 8 tophash bytes, 8 keys and
// 8 elems. Go 1.24 replaced that map with Swiss tables
// (internal/runtime/maps: Map{used, seed, dirPtr, dirLen, ...}, groups of a
// control word and key/elem slots), so on the installed Go the same C code
// reads a count that happens to line up and "keys" that are keys and values
// interleaved. The program compares what C computed with the truth and
// exits 1 with the mismatch.
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

struct bmap_int64 {      // a bucket of map[int64]int64 in that layout
	uint8_t tophash[8];
	int64_t keys[8];
	int64_t elems[8];
	void *overflow;
};

static long map_len(struct hmap *h) { return h->count; }

// Sums the keys of a map small enough to fit in bucket 0 (count <= 8).
static int64_t sum_keys(struct hmap *h) {
	struct bmap_int64 *b = h->buckets;
	int64_t sum = 0;
	for (long i = 0; i < h->count; i++) sum += b->keys[i];
	return sum;
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"
)

func main() {
	m := map[int64]int64{1: 100, 2: 200, 3: 300}
	h := (*C.struct_hmap)(*(*unsafe.Pointer)(unsafe.Pointer(&m))) // want CG014
	n, sum := C.map_len(h), C.sum_keys(h)
	var want int64
	for k := range m {
		want += k
	}
	fmt.Printf("%s: C read the map as a Go 1.21-1.23 hmap: count=%d, keys sum to %d\n", runtime.Version(), n, sum)
	if int64(sum) != want || int(n) != len(m) {
		fmt.Printf("layout mismatch: the map has %d entries whose keys sum to %d\n", len(m), want)
		os.Exit(1)
	}
	fmt.Println("the old layout still matches")
}
