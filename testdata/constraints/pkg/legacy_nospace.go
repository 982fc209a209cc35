//+build lua52

package pkg

import "C"

import "unsafe"

// safe: "//+build" without a space is a constraint too for the go tool (golua's lua52 files): excluded without the tag.
func legacyNoSpace(m map[int]int) {
	C.consume(unsafe.Pointer(&m))
}
