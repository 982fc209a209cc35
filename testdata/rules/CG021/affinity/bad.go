// Positive cases for CG021: finalizers and cleanups that call thread-affine
// C functions.
package affinity

/*
#include <stdlib.h>

// Prototypes of the thread-affine APIs (declared here, not linked).
void glDeleteTextures(int n, const unsigned int *textures);
void glDeleteBuffers(int n, const unsigned int *buffers);
int eglMakeCurrent(void *display, void *draw, void *read, void *context);
unsigned long ERR_get_error(void);

// A library wrapper that deletes GL buffers: its summary lists the call.
static void mesh_destroy(unsigned int id) { glDeleteBuffers(1, &id); }

// A library whose per-thread state lives in a __thread variable.
static __thread int last_status;
static void session_close(void *s) { free(s); last_status = 0; }
*/
import "C"

import (
	"runtime"
	"unsafe"
)

type Texture struct{ id C.uint }

func NewTexture(id C.uint) *Texture {
	t := &Texture{id: id}
	runtime.SetFinalizer(t, func(t *Texture) { C.glDeleteTextures(1, &t.id) }) // want CG021
	return t
}

type Context struct{ ctx unsafe.Pointer }

func (c *Context) release() {
	C.eglMakeCurrent(nil, nil, nil, nil)
}

func NewContext(p unsafe.Pointer) *Context {
	c := &Context{ctx: p}
	runtime.SetFinalizer(c, (*Context).release) // want CG021
	return c
}

type Mesh struct{ id C.uint }

func NewMesh(id C.uint) *Mesh {
	m := &Mesh{id: id}
	runtime.SetFinalizer(m, freeMesh) // want CG021
	return m
}

func freeMesh(m *Mesh) { C.mesh_destroy(m.id) }

type Session struct{ s unsafe.Pointer }

func NewSession() *Session {
	s := &Session{s: C.malloc(16)}
	runtime.AddCleanup(s, func(p unsafe.Pointer) { C.session_close(p) }, s.s) // want CG021
	return s
}

type Conn struct{ p unsafe.Pointer }

// The finalizer reaches the error queue through a helper.
func drainErrors() {
	for C.ERR_get_error() != 0 {
	}
}

func (c *Conn) finalize() {
	C.free(c.p)
	drainErrors()
}

func NewConn() *Conn {
	c := &Conn{p: C.malloc(8)}
	runtime.SetFinalizer(c, (*Conn).finalize) // want CG021
	return c
}

type Framebuffer struct{ id C.uint }

// Locking the finalizer's goroutine picks no particular thread: the GL
// context is still not current there.
func (f *Framebuffer) free() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.glDeleteBuffers(1, &f.id)
}

func NewFramebuffer(id C.uint) *Framebuffer {
	f := &Framebuffer{id: id}
	runtime.SetFinalizer(f, (*Framebuffer).free) // want CG021
	return f
}
