// Command crashprog is the Go test program for the crash guard: each mode
// makes C code (or Go code) crash in one of the ways the crash guard must
// report, see tests/crashguard/CMakeLists.txt.
package main

/*
#include "crash.h"
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"
)

//export goCallback
func goCallback() {
	C.crash_in_callback()
}

var nilPtr *int

func init() {
	// Keeps the main goroutine on the main thread, so that other goroutines
	// run on threads the Go runtime creates (mode gothread).
	runtime.LockOSThread()
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: crashprog null|overflow|abort|cthread|cthread-overflow|callback|cthread-callback|gothread|gonil|jit|guarded-go")
		os.Exit(2)
	}
	if installLinked != nil {
		installLinked()
	}
	switch os.Args[1] {
	case "null":
		C.crash_null()
	case "overflow":
		C.crash_recurse(0)
	case "abort":
		C.crash_abort()
	case "cthread":
		C.crash_on_c_thread()
	case "cthread-overflow":
		C.overflow_on_c_thread()
	case "callback":
		C.crash_via_callback()
	case "cthread-callback":
		C.crash_via_callback_on_c_thread()
	case "gothread":
		// The main goroutine is locked to the main thread (init), so this
		// one runs on a thread the Go runtime created.
		done := make(chan bool)
		go func() {
			C.crash_null()
			done <- true
		}()
		<-done
	case "gonil":
		// A nil dereference in Go is a recoverable panic; the crash guard
		// must leave it exactly that.
		func() {
			defer func() { fmt.Println("recovered:", recover()) }()
			fmt.Println(*nilPtr)
		}()
		runtime.GC()
		fmt.Println("still running")
		return
	case "jit":
		fmt.Println("jit handled", C.jit_run(), "faults")
		// A Go nil dereference must still reach Go through the JIT's chain.
		func() {
			defer func() { fmt.Println("recovered:", recover() != nil) }()
			fmt.Println(*nilPtr)
		}()
		return
	case "guarded-go":
		// Go code (the runtime's memmove) reads a page that the guarded
		// allocator claims: the crash guard describes it, then Go reports.
		p := C.guarded_page()
		registerFakeDescriber(p)
		src := unsafe.Slice((*byte)(p), 64)
		dst := make([]byte, 64)
		copy(dst, src)
		fmt.Println(dst[0])
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
	fmt.Println("not reached")
	os.Exit(1)
}
