//+build lua52

package pkg

import "C"

import "unsafe"

// safe: "//+build lua52" (no space after //) is a build constraint too, as
// go/build reads it (golua's lua5x files): the tag is not set, so this file
// is not part of the build.
func legacyNoSpace(m map[int]int) {
	C.consume(unsafe.Pointer(&m))
}
