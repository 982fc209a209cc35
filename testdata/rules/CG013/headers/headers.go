// A package whose module includes a library header from outside it: only
// the header code it runs can hold its findings.
package headers

// #cgo CFLAGS: -I${SRCDIR}/../libheaders
// #include "widget.h"
import "C"

func clear(p *C.char) {
	C.widget_clear_used(nil)
	C.widget_clear_via(nil)
}
