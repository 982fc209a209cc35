//go:build cgoguard_dynamic

package cgoguard

// Dynamic linking, with -tags cgoguard_dynamic: the program loads
// libcgoguard.so at run time (cgoguard.pc embeds an rpath to its directory).

/*
#cgo pkg-config: cgoguard
*/
import "C"
