// CG020: a finalizer frees a C resource while a C call still uses it.
//
// Thing wraps a C object and frees it in a finalizer. Do passes t.p to C and
// never uses t afterwards, so t is dead for the collector during the call.
// thing_do calls back into Go, which runs runtime.GC(): the collection finds
// t unreachable and queues its finalizer; the finalizer goroutine runs it on
// another thread while thing_do is still executing. The C side marks the
// object instead of freeing it and reports the use after the release
// (exit status 1). With runtime.KeepAlive(t) after the call, nothing is
// reported (verified with that variant: "no race observed", status 0).
package main

/*
#include "thing.h"
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
)

type Thing struct{ p *C.thing }

func NewThing(id int) *Thing {
	t := &Thing{p: C.thing_new(C.int(id))}
	runtime.SetFinalizer(t, (*Thing).free)
	return t
}

func (t *Thing) free() { C.thing_free(t.p) }

// Do reports whether C saw its object released during the call.
func (t *Thing) Do() bool {
	return C.thing_do(t.p) != 0 // want CG020
}

//export goCollect
func goCollect() { runtime.GC() }

func main() {
	for i := 1; i <= 5; i++ {
		if NewThing(i).Do() {
			os.Exit(1)
		}
	}
	fmt.Println("no race observed")
}
