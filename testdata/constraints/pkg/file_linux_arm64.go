package pkg

import "C"

import "unsafe"

// safe: a _linux_arm64.go file is not built for linux/amd64.
func armOnly(m map[int]int) {
	C.consume(unsafe.Pointer(&m))
}
