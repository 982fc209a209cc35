// Positive cases for CG020: the owner of a C resource is dead during the C
// call that uses the resource, so its finalizer or cleanup may free it.
package finalizer

/*
#include <stdlib.h>

typedef struct thing { int n; char *name; } thing;

static thing *thing_new(void) { return calloc(1, sizeof(thing)); }
static void thing_free(thing *t) { free(t); }
static int thing_do(thing *t) { return t->n; }
static int thing_read(char *buf, int n) { (void)buf; return n; }
static void buf_free(void *p) { free(p); }
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// The typical shape: a wrapper with a method-expression finalizer.
type Thing struct {
	p *C.thing
}

func NewThing() *Thing {
	t := &Thing{p: C.thing_new()}
	runtime.SetFinalizer(t, (*Thing).free)
	return t
}

func (t *Thing) free() { C.thing_free(t.p) }

func (t *Thing) Do() int {
	return int(C.thing_do(t.p)) // want CG020
}

// Derived: a local copy of the field is what reaches C.
func (t *Thing) DoViaLocal() {
	p := t.p
	C.thing_do(p) // want CG020
}

// Not a method: any local of type *Thing.
func UseThing(t *Thing) {
	C.thing_do(t.p) // want CG020
}

// A func-literal finalizer releasing one of two fields.
type Buffer struct {
	data unsafe.Pointer
	size int
}

func NewBuffer(n int) *Buffer {
	b := &Buffer{data: C.malloc(C.size_t(n)), size: n}
	runtime.SetFinalizer(b, func(b *Buffer) { C.buf_free(b.data) })
	return b
}

func (b *Buffer) Fill() int {
	n := b.size // read before the call: no later use of b
	return int(C.thing_read((*C.char)(b.data), C.int(n))) // want CG020
}

// runtime.AddCleanup (Go 1.24+): the cleanup gets the field's value.
type Handle struct {
	t *C.thing
}

func NewHandle() *Handle {
	h := &Handle{t: C.thing_new()}
	runtime.AddCleanup(h, func(t *C.thing) { C.thing_free(t) }, h.t)
	return h
}

func (h *Handle) Run() {
	C.thing_do(h.t) // want CG020
}

// A deeper field of the C object still lives in the released memory.
func (t *Thing) Name() {
	C.thing_read(t.p.name, 4) // want CG020
}

// The owner is reached through another object's field (h.thing.p): h is
// dead after the argument is read, and the Thing with it.
type holder struct{ thing *Thing }

func UseThroughHolder(h *holder) {
	C.thing_do(h.thing.p) // want CG020
}

// Overwriting the variable after the call is not a use: the object is dead.
func UseAndDrop(t *Thing) {
	C.thing_do(t.p) // want CG020
	t = nil
}

// An unexported helper whose only caller drops the object at the call: the
// temporary from NewThing() is dead while C.thing_do runs.
func (t *Thing) count() int {
	return int(C.thing_do(t.p)) // want CG020:warning "t is not used after the call"
}

func CountFresh() int {
	return NewThing().count()
}

// The helper is reached through embedding (go-openssl's GCM contexts embed
// *cipherCtx): the caller's outer object is dead at the call too.
type sealer struct {
	*Thing
	tag int
}

func (t *Thing) ctrl() int {
	return int(C.thing_do(t.p)) // want CG020:warning "t is not used after the call"
}

func (s *sealer) Tag() int {
	return s.ctrl()
}
