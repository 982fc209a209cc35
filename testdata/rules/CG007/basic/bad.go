// Positive cases for CG007: a Go func value, or a pointer to one, reaches C.
package basic

/*
#include <stdint.h>

typedef void (*callback_t)(int);
struct ops { callback_t on_event; void *ctx; };

static int registrations;
void register_cb(callback_t cb) { registrations += cb != 0; }
void keep(void *p) { (void)p; }
void install(struct ops *o) { registrations += o->on_event != 0; }
*/
import "C"

import (
	"reflect"
	"unsafe"
)

// The address of a closure variable, as an untyped pointer.
func passClosureAddress(n int) {
	f := func(v int) { n += v }
	C.keep(unsafe.Pointer(&f)) // want CG007
}

// The address of a func variable, reinterpreted as a C function pointer.
func registerFuncAddress() {
	var handler func(int) = func(int) {}
	C.register_cb((*[0]byte)(unsafe.Pointer(&handler))) // want CG007
}

func onEvent(code int) { _ = code }

// The code pointer of a package function, via reflect, as a C typedef.
func registerViaReflect() {
	C.register_cb((C.callback_t)(unsafe.Pointer(reflect.ValueOf(onEvent).Pointer()))) // want CG007
}

// The closure pointer read out of a func value.
func passClosurePointer(f func()) {
	C.keep(*(*unsafe.Pointer)(unsafe.Pointer(&f))) // want CG007 CG014
}

// Stored into a field of a C struct, then handed to C.
func storeInCStruct(f func(int)) {
	var o C.struct_ops
	o.on_event = (*[0]byte)(unsafe.Pointer(&f)) // want CG007
	C.install(&o) // want CG001 (o now holds a Go pointer: cgocheck panics first)
}

// A C struct literal with a Go func in its function-pointer field.
func literalWithFunc() {
	cb := func(int) {}
	C.install(&C.struct_ops{on_event: (*[0]byte)(unsafe.Pointer(reflect.ValueOf(cb).Pointer()))}) // want CG007
}

type server struct{ hits int }

func (s *server) Handle(code int) { s.hits += code }

// A method value (it carries its receiver in the closure) through a local.
func passMethodValue(s *server) {
	m := s.Handle
	p := unsafe.Pointer(&m)
	C.keep(p) // want CG007
}

type job struct {
	id     int
	onDone func()
}

// A pointer to a func field: the field is a pointer to a closure.
func passFuncField(j *job) {
	C.keep(unsafe.Pointer(&j.onDone)) // want CG007
}

// Converted to a C function pointer without a call yet: C gets it later.
func convertOnly() C.callback_t {
	fn := (*[0]byte)(unsafe.Pointer(reflect.ValueOf(onEvent).Pointer())) // want CG007
	return fn
}
