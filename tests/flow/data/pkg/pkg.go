// Test package for tests/flow: directives declaring a library's own
// thread-affine APIs (read by cg_affine_config_load).
package pkg

/*
static int vendor_open(void) { return 0; }
static const char *vendor_errstr(void) { return ""; }
static void vendor_bind(void) {}
*/
import "C"

//cgoguard:thread-error-api vendor_errstr, vendor_errcode // trailing words after a comment are ignored
//cgoguard:thread-affine vendor_bind

// A directive must start its line: this one is prose.
// see //cgoguard:thread-affine not_declared

func use() {
	C.vendor_open()
	C.vendor_errstr()
	C.vendor_bind()
}
