//go:build !cgoguard_dynamic

package cgoguard

// Static linking (the default): libcgoguard.a goes into the program, so a
// Go binary that uses this package needs no libcgoguard.so at run time.
// pkg-config finds cgoguard-static.pc (installed next to cgoguard.pc, or
// cgoguard-static-uninstalled.pc in a build tree); --static adds the system
// libraries it needs. Build with -tags cgoguard_dynamic to link the shared
// library instead (link_dynamic.go).

/*
#cgo pkg-config: --static cgoguard-static
*/
import "C"
