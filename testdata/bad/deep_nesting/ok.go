package deepnesting

/*
void consume(void *p) { (void)p; }
*/
import "C"

import "unsafe"

// The files next to this one nest too deeply to analyse (found with
// hostile input); this finding must survive them.
func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001
}
