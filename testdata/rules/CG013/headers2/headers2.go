// A second package calling the same library helper: its finding is one
// place in one header, reported once.
package headers2

// #cgo CFLAGS: -I${SRCDIR}/../libheaders
// #include "widget.h"
import "C"

func clearToo() { C.widget_clear_used(nil) }
