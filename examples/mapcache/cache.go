// Package mapcache keeps lookup tables on the C side so that a C library
// can consult them from its own callbacks. The first version handed C the Go
// map itself: it compiles, often passes tests with cgocheck off, and corrupts
// memory once the collector moves on.
package mapcache

/*
#include <stdlib.h>
#include <string.h>

struct config {
	const char *name;
	int *limits;
	int nlimits;
};

static void *current_table;
static struct config *current_config;

// Keeps the table for lookups made later from C callbacks.
static void cache_set_table(void *table) { current_table = table; }

static void cache_set_config(struct config *cfg) { current_config = cfg; }

static int cache_limit(int i) {
	if (!current_config || i >= current_config->nlimits) return -1;
	return current_config->limits[i];
}
*/
import "C"

import "unsafe"

// Table is a name -> score map the C side consults.
type Table map[string]int

// Install hands the table to the C library.
func Install(t Table) {
	C.cache_set_table(unsafe.Pointer(&t))
}

// Configure passes limits that the C side reads on every lookup.
func Configure(name string, limits []int32) {
	cname := C.CString(name)
	cfg := C.struct_config{
		name:    cname,
		limits:  (*C.int)(unsafe.Pointer(&limits[0])),
		nlimits: C.int(len(limits)),
	}
	C.cache_set_config(&cfg)
}

// Limit reads one limit back through C.
func Limit(i int) int {
	return int(C.cache_limit(C.int(i)))
}
