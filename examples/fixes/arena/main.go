// Example: temporary C buffers for a cgo call from the per-thread scratch
// arena instead of C.CString + free (or malloc/free inside C) per call.
//
// Before — every call allocates and must remember to free:
//
//	cdir := C.CString(dir); defer C.free(unsafe.Pointer(cdir))
//	cname := C.CString(name); defer C.free(unsafe.Pointer(cname))
//	C.open_in(cdir, cname)
//
// After — the strings go into the calling thread's scratch arena, and the
// whole scope is released at once when the call returns. C code uses the
// same arena for its own temporaries (cg_scratch_begin/alloc/end inside one
// C call). A guard page after the arena turns an overrun into an immediate
// fault instead of silent corruption.
package main

/*
#cgo pkg-config: --static cgoguard-static
#include <stdio.h>
#include <string.h>
#include <cgoguard/arena.h>

// A C function that needs a temporary buffer: it takes it from the arena
// and gives it back before returning.
static int join_path(const char *dir, const char *name, char *out, size_t out_len) {
	cg_scratch_mark m = cg_scratch_begin();
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *tmp = cg_scratch_alloc(n);
	int rc = -1;
	if (tmp) {
		snprintf(tmp, n, "%s/%s", dir, name);
		if (n <= out_len) {
			memcpy(out, tmp, n);
			rc = (int)n - 1;
		}
	}
	cg_scratch_end(m);
	return rc;
}

static size_t scratch_in_use(void) {
	cg_scratch_stats st;
	cg_scratch_get_stats(&st);
	return st.used;
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

func joinPath(dir, name string) (string, error) {
	var result string
	err := cgoguard.WithScratch(func(s *cgoguard.Scratch) error {
		cdir, err := s.CString(dir)
		if err != nil {
			return err
		}
		cname, err := s.CString(name)
		if err != nil {
			return err
		}
		out, err := s.Alloc(4096)
		if err != nil {
			return err
		}
		n := C.join_path((*C.char)(cdir), (*C.char)(cname), (*C.char)(out), 4096)
		if n < 0 {
			return fmt.Errorf("path too long")
		}
		result = C.GoStringN((*C.char)(out), n) // copy out before the scope ends
		return nil
	})
	return result, err
}

func main() {
	runtime.LockOSThread() // so that the usage check below reads this thread's arena
	for i := 0; i < 100000; i++ {
		p, err := joinPath("/var/lib", fmt.Sprintf("file-%d", i%10))
		if err != nil || p != fmt.Sprintf("/var/lib/file-%d", i%10) {
			fmt.Fprintln(os.Stderr, "joinPath:", p, err)
			os.Exit(1)
		}
	}
	p, _ := joinPath("/etc", "hosts")
	fmt.Printf("joined %q; scratch bytes in use after the calls: %d\n", p, int(C.scratch_in_use()))
	if C.scratch_in_use() != 0 {
		os.Exit(1)
	}
}
