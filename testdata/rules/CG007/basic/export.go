// The //export half of the safe cases: a file with //export may only have
// declarations in its preamble, so the exported function lives here.
package basic

import "C"

//export goHandler
func goHandler(code C.int) { _ = code }
