// Positive cases for CG002 in the shape of a binding: a Go type wraps a C
// object, and its field only ever holds what the C constructor returned.
package wrapper

/*
#include <stdlib.h>
struct widget { void *user; const char **labels; struct widget *parent; };
static struct widget *widget_new(void) { return calloc(1, sizeof(struct widget)); }
*/
import "C"

import (
	"runtime"
	"unsafe"
)

type Widget struct {
	c *C.struct_widget
}

func NewWidget() *Widget {
	w := &Widget{c: C.widget_new()}
	runtime.SetFinalizer(w, func(w *Widget) { C.free(unsafe.Pointer(w.c)) })
	return w
}

// The field holds C memory: storing Go data into the C object is the bug.
func (w *Widget) SetUser(data []string) {
	w.c.user = unsafe.Pointer(&data) // want CG002
}

func (w *Widget) SetLabels(labels []*C.char) {
	w.c.labels = &labels[0] // want CG002
}

// Through a local copy of the field.
func (w *Widget) Adopt(child *Widget) {
	c := w.c
	c.parent = (*C.struct_widget)(unsafe.Pointer(child)) // want CG002
}

// A C array inside C memory, reached through the wrapper.
type Table struct {
	cells *[16]unsafe.Pointer
}

func NewTable() *Table {
	return &Table{cells: (*[16]unsafe.Pointer)(C.calloc(16, 8))}
}

func (t *Table) Put(i int, v *int) {
	t.cells[i] = unsafe.Pointer(v) // want CG002
}
