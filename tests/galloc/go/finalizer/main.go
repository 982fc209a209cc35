// Program finalizer: case (4) of issue 6. A finalizer frees a C object when
// its Go wrapper becomes unreachable, but the program kept the raw C
// pointer and passes it to C later.
//
// Without the guarded allocator the C call reads a stale field from the
// freed chunk and the program exits 0. With CGOGUARD_SAMPLE=1 the C read
// faults: heap-use-after-free at offset 8 (the field `count`) of a 16-byte
// block allocated by widget_new (from NewWidget) and freed by widget_free
// from the finalizer, which the Go runtime runs on its finalizer goroutine
// (runtime.runfinq).
package main

/*
#include <stdlib.h>

struct widget {
	long id;
	long count;
};

static struct widget *widget_new(long id) {
	struct widget *w = malloc(sizeof *w);
	w->id = id;
	w->count = 1;
	return w;
}

static void widget_free(struct widget *w) {
	free(w);
}

static long widget_count(const struct widget *w) {
	return w->count;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

type Widget struct {
	w *C.struct_widget
}

var finalized atomic.Bool

//go:noinline
func NewWidget(id int) *Widget {
	w := &Widget{C.widget_new(C.long(id))}
	runtime.SetFinalizer(w, func(w *Widget) {
		C.widget_free(w.w)
		finalized.Store(true)
	})
	return w
}

//go:noinline
func rawHandle() *C.struct_widget {
	return NewWidget(7).w // the wrapper is garbage as soon as this returns
}

func main() {
	raw := rawHandle()
	for i := 0; i < 200 && !finalized.Load(); i++ {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	if !finalized.Load() {
		fmt.Println("finalizer did not run")
		return
	}
	fmt.Printf("count after finalizer: %d\n", C.widget_count(raw))
}
