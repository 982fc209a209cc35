//go:build !linked

package main

import "unsafe"

// Without the `linked` tag the program knows nothing of cgoguard: the crash
// guard comes from LD_PRELOAD.
var installLinked func()

func registerFakeDescriber(unsafe.Pointer) {}
