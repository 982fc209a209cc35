// Input of tests/lifetime/test_lifetime.c: registrations and C functions
// whose thread affinity only their C summary reveals.
package pkg

/*
#include <stdlib.h>
void glDeleteBuffers(int n, const unsigned int *buffers);
static __thread int last_status;
static void session_close(void *s) { free(s); last_status = 0; }
static void mesh_destroy(unsigned int id) { glDeleteBuffers(1, &id); }
static int counter;
static void plain_release(void *p) { free(p); counter++; }
*/
import "C"

import (
	"runtime"
	"unsafe"
)

type W struct{ p unsafe.Pointer }

func (w *W) free() { C.plain_release(w.p) }

func freeW(w *W) { C.plain_release(w.p) }

func register(w *W, v *W) {
	runtime.SetFinalizer(w, (*W).free)
	runtime.SetFinalizer(v, freeW)
	runtime.AddCleanup(w, func(p unsafe.Pointer) { C.session_close(p) }, w.p)
	runtime.SetFinalizer(w, nil)
	use(w)
}

func use(w *W) {
	C.mesh_destroy(1)
	x := w.p
	C.plain_release(x)
	runtime.KeepAlive(w)
}
