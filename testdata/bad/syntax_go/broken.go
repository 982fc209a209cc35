package syntaxgo

/*
void consume(void *p) { (void)p; }
*/
import "C"

import "unsafe"

// This function is fine and its finding must survive the broken one below.
func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001
}

func broken( { // want CG000
	x := 
}
