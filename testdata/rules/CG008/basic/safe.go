// Look-alike safe cases for CG008: they must stay silent.
package basic

/*
#include <stdlib.h>

static char *saved;
void keep_name(char *s) { saved = s; }
void consume(char *s) { free(s); }
void use_name(const char *s);
int name_len(const char *s) { int n = 0; while (s[n]) n++; return n; }
*/
import "C"

import "unsafe"

// safe: the deferred free runs on every path.
func deferred(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	if len(s) == 0 {
		return 0
	}
	return int(C.name_len(cs))
}

// safe: returned to the caller, who owns it now.
func returned(s string) *C.char {
	cs := C.CString(s)
	return cs
}

// safe: keep_name stores its parameter in a C global (the C summary says so).
func keptByC(s string) {
	C.keep_name(C.CString(s))
}

// safe: consume frees its parameter.
func freedByC(s string) {
	cs := C.CString(s)
	C.consume(cs)
}

func freeString(p *C.char) { C.free(unsafe.Pointer(p)) }

// safe: a package helper frees it.
func freedByHelper(s string) {
	cs := C.CString(s)
	C.name_len(cs)
	freeString(cs)
}

type registry struct{ names []*C.char }

// safe: stored into a field; the registry owns it.
func (r *registry) add(s string) {
	cs := C.CString(s)
	r.names = append(r.names, cs)
}

// safe: freed on both branches, and in a deferred func literal in the loop.
func bothBranches(s string, fast bool) {
	cs := C.CString(s)
	if fast {
		C.free(unsafe.Pointer(cs))
	} else {
		C.name_len(cs)
		C.free(unsafe.Pointer(cs))
	}
	for i := 0; i < 2; i++ {
		func() {
			ci := C.CString(s)
			defer func() { C.free(unsafe.Pointer(ci)) }()
			C.name_len(ci)
		}()
	}
}

// safe: use_name has no body in the package; it may keep the pointer, so a
// direct argument is not reported.
func unknownCallee(s string) {
	C.use_name(C.CString(s))
}

// safe: sent over a channel to the goroutine that frees it.
func handedToGoroutine(s string, ch chan *C.char) {
	cs := C.CString(s)
	ch <- cs
}

// safe: declared in an if initializer and freed in both branches.
func ifInitializerFreed(s string) bool {
	if cs := C.CString(s); C.name_len(cs) > 3 {
		C.free(unsafe.Pointer(cs))
		return true
	} else {
		C.free(unsafe.Pointer(cs))
	}
	return false
}

// safe: the labelled continue and break paths all reach the free after the loop.
func labelledContinue(rows [][]string) int {
	cs := C.CString("sep")
	n := 0
outer:
	for _, row := range rows {
		for _, cell := range row {
			if cell == "" {
				continue outer
			}
			if cell == "end" {
				break outer
			}
			n += int(C.name_len(cs))
		}
	}
	C.free(unsafe.Pointer(cs))
	return n
}

// safe: freed before the variable takes a new allocation, which is freed too.
func reusedAfterFree(a, b string) int {
	cs := C.CString(a)
	n := int(C.name_len(cs))
	C.free(unsafe.Pointer(cs))
	cs = C.CString(b)
	n += int(C.name_len(cs))
	C.free(unsafe.Pointer(cs))
	return n
}

// safe: the right-hand side hands the old value to C, which frees it,
// before the variable takes the new one.
func replacedAfterHandOver(a, b string) {
	cs := C.CString(a)
	cs = swapName(cs, b)
	C.free(unsafe.Pointer(cs))
}

func swapName(old *C.char, b string) *C.char {
	C.consume(old)
	return C.CString(b)
}

// safe: the free is deferred only where there is something to free; on the
// way where cs == nil there is nothing to leak.
func deferInsideNilCheck(s string) int {
	cs := C.CString(s)
	if cs != nil {
		defer C.free(unsafe.Pointer(cs))
	}
	return int(C.name_len(cs))
}

// safe: every way out, including the one through goto, frees it.
func gotoCleanup(s string, fail bool) int {
	cs := C.CString(s)
	n := int(C.name_len(cs))
	if fail {
		goto out
	}
	n++
out:
	C.free(unsafe.Pointer(cs))
	return n
}
