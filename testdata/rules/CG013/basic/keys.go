package basic

// void setup_keys(void); // keys.c
// void setup_data(void);
import "C"

import "unsafe"

//export goKey
func goKey(win unsafe.Pointer, key, scancode, action C.int) {}

// goData receives a cgo.Handle's value.
//
//export goData
func goData(h uintptr) {}

// goIndex receives an index into a Go table as C's void * user data.
//
//export goIndex
func goIndex(idx int) {}

// goSmall's int is 32 bits: the upper half of the pointer's register is lost.
//
//export goSmall
func goSmall(h C.int) {}

func setupKeys() {
	C.setup_keys()
	C.setup_data()
}
