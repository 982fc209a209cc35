package basic

// void setup_keys(void); // keys.c
import "C"

import "unsafe"

//export goKey
func goKey(win unsafe.Pointer, key, scancode, action C.int) {}

func setupKeys() { C.setup_keys() }
