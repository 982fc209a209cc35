package pkg

import "C"

import "unsafe"

// safe: a _windows.go file is not built for linux.
func windowsOnly(m map[int]int) {
	C.consume(unsafe.Pointer(&m))
}
