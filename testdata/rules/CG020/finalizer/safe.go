// Look-alike safe cases for CG020: they must stay silent.
package finalizer

/*
#include <stdlib.h>
typedef struct widget { int n; } widget;
static widget *widget_new(void) { return calloc(1, sizeof(widget)); }
static void widget_free(widget *w) { free(w); }
static int widget_do(widget *w) { return w->n; }
*/
import "C"

import "runtime"

type Widget struct {
	w     *C.widget
	calls int
}

func NewWidget() *Widget {
	x := &Widget{w: C.widget_new()}
	runtime.SetFinalizer(x, (*Widget).release)
	// safe: x is returned after the call, so it is alive during it.
	C.widget_do(x.w)
	return x
}

// safe: the finalizer itself runs with the object reachable.
func (x *Widget) release() { C.widget_free(x.w) }

// safe: runtime.KeepAlive after the call keeps x alive until C returns.
func (x *Widget) Do() int {
	r := C.widget_do(x.w)
	runtime.KeepAlive(x)
	return int(r)
}

// safe: a later field access keeps x alive.
func (x *Widget) Count() {
	C.widget_do(x.w)
	x.calls++
}

// safe: a deferred KeepAlive runs after the call.
func (x *Widget) Deferred() {
	defer runtime.KeepAlive(x)
	C.widget_do(x.w)
}

// safe: Close clears the finalizer after freeing, a use after the call.
func (x *Widget) Close() {
	C.widget_free(x.w)
	runtime.SetFinalizer(x, nil)
}

// safe: a use in the enclosing loop keeps x live across every iteration's call.
func (x *Widget) Loop(n int) {
	for i := 0; i < n && x.calls >= 0; i++ {
		C.widget_do(x.w)
	}
}

// safe: a package-level variable is always reachable.
var global = NewWidget()

func useGlobal() {
	C.widget_do(global.w)
}

// safe: a type without a finalizer owns nothing the collector releases.
type plain struct{ w *C.widget }

func (p *plain) Do() { C.widget_do(p.w) }

// safe: the object is stored in a package-level registry before the call,
// which keeps it reachable.
var registry = map[int]*Widget{}

func register(id int) {
	x := NewWidget()
	registry[id] = x
	C.widget_do(x.w)
}

type widgetHolder struct{ x *Widget }

// safe: the holder is kept alive after the call, and the Widget with it.
func useHolderKept(h *widgetHolder) int {
	r := C.widget_do(h.x.w)
	runtime.KeepAlive(h)
	return int(r)
}

// safe: a later use of the Widget through the holder keeps it alive.
func useHolderThenCount(h *widgetHolder) {
	C.widget_do(h.x.w)
	h.x.calls++
}

// safe: the helper's only caller keeps the object alive after the call
func (x *Widget) peek() int { return int(C.widget_do(x.w)) }

func PeekAndKeep(x *Widget) int {
	n := x.peek()
	runtime.KeepAlive(x)
	return n
}

// safe: the C object is freed on the error path before any finalizer is
// set for it (the registration comes after, on the other path)
func OpenChecked() *Widget {
	x := &Widget{w: C.widget_new()}
	if C.widget_do(x.w) < 0 {
		C.widget_free(x.w)
		return nil
	}
	runtime.SetFinalizer(x, (*Widget).release)
	return x
}

// safe: nothing in the package calls this unexported helper (dead code)
func (x *Widget) unused() int { return int(C.widget_do(x.w)) }

type widgetIter struct {
	owner *Widget
	n     int
}

// safe: the iterator built around x is returned after the call, so x stays
// reachable through it
func (x *Widget) Iter() *widgetIter {
	it := &widgetIter{owner: x}
	C.widget_do(x.w)
	return it
}

// safe: two call levels up, the exported caller keeps x alive after the
// helpers return (gozstd's pooled contexts: compress -> compressInternal)
func (x *Widget) inner() int  { return int(C.widget_do(x.w)) }
func (x *Widget) middle() int { return x.inner() }

func Outer(x *Widget) int {
	n := x.middle()
	runtime.KeepAlive(x)
	return n
}

// safe: the promoted helper's caller keeps the outer object (and so the
// embedded *Widget) alive after the call
type widgetView struct {
	*Widget
	views int
}

func (x *Widget) look() int { return int(C.widget_do(x.w)) }

func (v *widgetView) Look() int {
	n := v.look()
	runtime.KeepAlive(v)
	return n
}
