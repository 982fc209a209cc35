// Input of the golden output tests (tests/scan/golden): one finding with a
// two-language trace, one suppressed finding, one suppression without a reason.
package pkg

/*
struct node { int *value; int count; };
void consume(void *p) { (void)p; }
void consume_node(struct node *n) { (void)n; }
*/
import "C"

import "unsafe"

func passMap(m map[string]int) {
	C.consume(unsafe.Pointer(&m))
}

func passLiteral() {
	//cgoguard:ignore CG001 the test pins this suppression in the golden files
	C.consume_node(&C.struct_node{value: new(C.int)})
}

func unexplained(s []*string) {
	C.consume(unsafe.Pointer(&s[0])) //cgoguard:ignore CG001
}
