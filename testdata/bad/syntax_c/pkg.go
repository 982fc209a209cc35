package syntaxc

/*
void consume(void *p) { (void)p; }
int broken(int x) { return x +; } // want CG000
*/
import "C"

import "unsafe"

func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m)) // want CG001
}
