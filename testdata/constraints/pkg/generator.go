//go:build ignore

package pkg

import "C"

import "unsafe"

// safe: files behind the `ignore` tag are never built.
func generated(m map[int]int) {
	C.consume(unsafe.Pointer(&m))
}
