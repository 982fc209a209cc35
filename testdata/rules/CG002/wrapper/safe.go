// Look-alike safe cases for CG002 wrappers: they must stay silent.
package wrapper

/*
#include <stdlib.h>
struct node { void *data; };
static struct node *node_new(void) { return calloc(1, sizeof(struct node)); }
*/
import "C"

import "unsafe"

// safe: the field sometimes holds Go memory, so its provenance is unknown.
type Mixed struct {
	n *C.struct_node
}

func NewMixedC() *Mixed { return &Mixed{n: C.node_new()} }
func NewMixedGo() *Mixed { return &Mixed{n: new(C.struct_node)} }

func (m *Mixed) Set(v *int) {
	m.n.data = unsafe.Pointer(v)
}

// safe: the C object receives C memory only.
type Owner struct {
	n *C.struct_node
}

func NewOwner() *Owner { return &Owner{n: C.node_new()} }

func (o *Owner) SetData(size int) {
	o.n.data = C.malloc(C.size_t(size))
}

// safe: the field is never set in this package: nothing is known about it.
type Foreign struct {
	n *C.struct_node
}

func (f *Foreign) Set(v *int) {
	f.n.data = unsafe.Pointer(v)
}

// safe: storing into the Go wrapper itself is a Go store.
func (o *Owner) Replace(n *C.struct_node) {
	o.n = n
}
