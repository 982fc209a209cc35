// Positive cases for CG008: C.CString / C.CBytes memory leaks on some path.
package basic

/*
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lookup(const char *key) { return key[0] == 'a'; }
void log_line(const char *s) { fputs(s, stderr); }
void take_bytes(void *p, size_t n) { (void)p; (void)n; }
void ext_use(const char *s);
*/
import "C"

import (
	"errors"
	"unsafe"
)

// Never freed at all: the function just ends.
func neverFreed(s string) int {
	cs := C.CString(s) // want CG008
	return int(C.lookup(cs))
}

// An early return skips the free.
func earlyReturn(s string) error {
	cs := C.CString(s) // want CG008
	if C.lookup(cs) == 0 {
		return errors.New("not found")
	}
	C.free(unsafe.Pointer(cs))
	return nil
}

// Freed in one branch only.
func freedInOneBranch(s string, verbose bool) {
	cs := C.CString(s) // want CG008
	if verbose {
		C.log_line(cs)
		C.free(unsafe.Pointer(cs))
	}
}

// Allocated in a loop body, freed after the loop: every iteration leaks.
func leakPerIteration(lines []string) {
	for _, l := range lines {
		cl := C.CString(l) // want CG008
		C.log_line(cl)
	}
}

// Passed straight to a libc function that only reads it.
func passedToPuts(s string) {
	C.puts(C.CString(s)) // want CG008
}

// Passed straight to a package C function whose body neither frees nor keeps it.
func passedToLookup(s string) bool {
	return C.lookup(C.CString(s)) != 0 // want CG008
}

// C.CBytes, with a switch where one case returns without freeing.
func bytesSwitch(b []byte, mode int) int {
	p := C.CBytes(b) // want CG008
	switch mode {
	case 0:
		C.take_bytes(p, C.size_t(len(b)))
		return 0
	default:
		C.free(p)
	}
	return 1
}

// The deferred free is registered only after a return that skips it.
func deferTooLate(s string) string {
	cs := C.CString(s) // want CG008
	if C.lookup(cs) == 0 {
		return ""
	}
	defer C.free(unsafe.Pointer(cs))
	return C.GoString(cs)
}

// The result is thrown away.
func discarded(s string) {
	C.CString(s) // want CG008
}

// A package Go helper that only reads its parameter does not free it.
func helperThatLeaks(s string) {
	cs := C.CString(s) // want CG008
	logIt(cs)
}

func logIt(p *C.char) { C.log_line(p) }

// ext_use is defined outside the package (a library): it might keep the
// pointer, so the rule stays silent, although here it does not.
func externalCallee(s string) {
	cs := C.CString(s) // want CG008 known-to-fail
	C.ext_use(cs)
}

// Declared in an if statement's initializer: the if statement is its scope,
// and neither branch frees it.
func ifInitializer(s string) bool {
	if cs := C.CString(s); C.lookup(cs) != 0 { // want CG008
		return true
	}
	return false
}

// Overwritten before it is freed: the first allocation is lost.
func overwritten(a, b string) {
	cs := C.CString(a) // want CG008
	cs = C.CString(b)
	C.free(unsafe.Pointer(cs))
}

// A labelled break leaves both loops with the string still live, and the
// function returns without freeing it.
func labelledBreak(rows [][]string) int {
	cs := C.CString("sep") // want CG008
	n := 0
rows:
	for _, row := range rows {
		for _, cell := range row {
			if cell == "" {
				break rows
			}
			n += int(C.lookup(cs))
		}
	}
	if n > 0 {
		return n
	}
	C.free(unsafe.Pointer(cs))
	return 0
}

// The goto skips the free.
func gotoSkipsFree(s string, fail bool) int {
	cs := C.CString(s) // want CG008 "still live at the return"
	n := int(C.lookup(cs))
	if fail {
		goto out
	}
	C.free(unsafe.Pointer(cs))
out:
	return n
}

// A labelled continue leaves the inner loop's body with the allocation live.
func labelledContinue(rows [][]string) int {
	n := 0
outer:
	for _, row := range rows {
		for _, s := range row {
			cs := C.CString(s) // want CG008 "still live when its block ends"
			if C.lookup(cs) == 0 {
				continue outer
			}
			C.free(unsafe.Pointer(cs))
			n++
		}
	}
	return n
}
