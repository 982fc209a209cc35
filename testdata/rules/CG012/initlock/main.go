// CG012 with an init function that locks the main goroutine to the main
// thread (the pattern GUI and OpenGL bindings document): code on the main
// goroutine is locked, goroutines the program starts are not.
package main

/*
#include "lib.h"
*/
import "C"

import "runtime"

func init() {
	runtime.LockOSThread()
}

// safe: called from main, which runs on the main goroutine that init locked
func drawFrame() {
	C.gl_make_current()
	C.gl_draw()
}

// A worker goroutine is not the main goroutine: init's lock does not cover it.
func worker(done chan<- bool) {
	C.gl_make_current()
	C.gl_draw() // want CG012
	done <- true
}

func main() {
	drawFrame()
	done := make(chan bool)
	go worker(done)
	<-done
}
