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
