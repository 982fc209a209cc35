// Positive cases for CG003: exported functions that return Go pointers to C.
package basic

/*
#include <stdlib.h>
struct point { int x; int y; };
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"
)

//export Greeting
func Greeting(n C.int) string {
	return strings.Repeat("hi ", int(n)) // want CG003
}

//export Buffer
func Buffer() []byte {
	buf := make([]byte, 64)
	return buf // want CG003
}

//export NewCounter
func NewCounter() *C.int {
	return new(C.int) // want CG003
}

//export Lookup
func Lookup() map[string]int {
	return map[string]int{"a": 1} // want CG003
}

//export Check
func Check(code C.int) (C.int, error) {
	if code != 0 {
		return code, fmt.Errorf("code %d", int(code)) // want CG003
	}
	return 0, errors.New("unreachable") // want CG003
}

//export Points
func Points(n C.int) unsafe.Pointer {
	pts := make([]C.struct_point, int(n))
	return unsafe.Pointer(&pts[0]) // want CG003
}

//export Name
func Name(p *C.char) string {
	return C.GoString(p) // want CG003
}

type config struct {
	name string
}

//export DefaultConfig
func DefaultConfig() *config { // want CG003
	return &config{name: "x"}
}

// A bare return hands C the named results.
//
//export Describe
func Describe(n C.int) (text string, ok bool) {
	if n > 0 {
		text = strings.Repeat("x", int(n))
		ok = true
	}
	return // want CG003
}

// A Go copy of the caller's data is Go memory.
//
//export Clone
func Clone(data []byte) []byte {
	out := make([]byte, len(data))
	copy(out, data)
	return out // want CG003
}

// A closure that captures a variable lives in the Go heap.
//
//export Adder
func Adder(n C.int) func(int) int {
	return func(x int) int { return x + int(n) } // want CG003
}

func nameAndOK() (string, bool) { return strings.Repeat("n", 2), true }

// `return f()` of a multi-value call: f's returns are what C gets.
//
//export Forward
func Forward() (string, bool) {
	return nameAndOK() // want CG003
}
