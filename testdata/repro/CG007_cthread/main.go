// CG007 (C thread variant): C calls a Go func value through a pointer. The program takes the
// code pointer of a Go closure (reflect.ValueOf(f).Pointer(), the usual way
// this is attempted), converts it to a C function pointer, and C calls it
// later from a thread of its own, as C libraries do with callbacks. The code
// behind the pointer is compiled for Go's internal ABI: its prologue checks
// the stack bound of the goroutine in R14, and a C thread has no goroutine
// (R14 holds whatever C left there), so the process dies with SIGSEGV.
package main

/*
#include <pthread.h>

typedef long (*callback_fn)(long);

static callback_fn saved;
static long result;

static void *worker(void *arg) { result = saved((long)arg); return 0; }

static long call_later(callback_fn cb, long v) {
	pthread_t t;
	saved = cb;
	pthread_create(&t, 0, worker, (void *)v);
	pthread_join(t, 0);
	return result;
}
*/
import "C"

import (
	"fmt"
	"reflect"
	"strconv"
	"unsafe"
)

func main() {
	prefix := "got "
	callback := func(v int) int { return len(prefix + strconv.Itoa(v)) }
	fmt.Println("handing the Go closure to C")
	r := C.call_later((C.callback_fn)(unsafe.Pointer(reflect.ValueOf(callback).Pointer())), 2) // want CG007
	fmt.Println("not reached: C returned", r)
}
