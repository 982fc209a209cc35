//go:build linux && (amd64 || arm64) && cgo && go1.21

package pkg

// #include <stdlib.h>
import "C"

import "unsafe"

func linuxOnly(m map[int]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001
}
