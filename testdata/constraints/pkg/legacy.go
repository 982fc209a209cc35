// +build !linux

package pkg

import "C"

import "unsafe"

// safe: the old // +build syntax excludes this file on linux.
func legacy(m map[int]int) {
	C.consume(unsafe.Pointer(&m))
}
