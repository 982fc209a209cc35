// Look-alike safe cases for CG021: they must stay silent.
package affinity

/*
#include <stdlib.h>
void glDeleteFramebuffers(int n, const unsigned int *ids);
unsigned long ERR_get_error(void);
static void transport_unregister(void *p) { free(p); }
static int released;
static void global_release(void *p) { free(p); released++; }
*/
import "C"

import (
	"runtime"
	"unsafe"
)

type Blob struct{ p unsafe.Pointer }

// safe: free has no thread affinity.
func NewBlob() *Blob {
	b := &Blob{p: C.malloc(32)}
	runtime.SetFinalizer(b, func(b *Blob) { C.free(b.p) })
	return b
}

// safe: the finalizer only queues the id; the render goroutine (locked to
// its thread) deletes it.
var deleteQueue = make(chan C.uint, 64)

type Framebuffer struct{ id C.uint }

func NewFramebuffer(id C.uint) *Framebuffer {
	f := &Framebuffer{id: id}
	runtime.SetFinalizer(f, func(f *Framebuffer) { deleteQueue <- f.id })
	return f
}

func renderLoop() {
	runtime.LockOSThread()
	for id := range deleteQueue {
		C.glDeleteFramebuffers(1, &id)
	}
}

// safe: an explicit Close runs on the caller's (render) thread, not a finalizer.
func (f *Framebuffer) Close() {
	C.glDeleteFramebuffers(1, &f.id)
	runtime.SetFinalizer(f, nil)
}

// safe: "global_release" starts with "gl" but is not an OpenGL entry point,
// and its static (not thread-local) counter is shared by all threads.
type Pool struct{ p unsafe.Pointer }

func NewPool() *Pool {
	p := &Pool{p: C.malloc(64)}
	runtime.SetFinalizer(p, func(p *Pool) { C.global_release(p.p) })
	return p
}

type Transport struct{ p unsafe.Pointer }

// safe: the finalizer locks its goroutine to its thread first, so the
// failing call and the error read after it run on one thread (git2go's
// RegisteredSmartTransport.Free)
func (t *Transport) Free() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.transport_unregister(t.p)
	_ = C.ERR_get_error()
}

func NewTransport() *Transport {
	t := &Transport{p: C.malloc(8)}
	runtime.SetFinalizer(t, (*Transport).Free)
	return t
}
