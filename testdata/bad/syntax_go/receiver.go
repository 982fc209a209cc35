package syntaxgo

import "unsafe"

type widget struct{ p unsafe.Pointer }

// A method whose receiver list lost its parameter (found by fuzzing: the
// front-end once crashed on the empty list).
func () *widget) adopt(child *widget) { // want CG000
	_ = child
}
