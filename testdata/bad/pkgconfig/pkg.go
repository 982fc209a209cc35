package pkgconfig

/*
// want-next CG000
#cgo pkg-config: cgoguard-no-such-package-for-tests
#cgo CFLAGS: -DCG_FROM_CFLAGS=1
#ifndef CG_FROM_CFLAGS
#error the #cgo CFLAGS were not applied
#endif
void consume(void *p) { (void)p; }
*/
import "C"

import "unsafe"

// A pkg-config package that is not installed is a note; the CFLAGS next to
// it still apply (otherwise the #error above becomes a CG000 warning).
func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001
}
