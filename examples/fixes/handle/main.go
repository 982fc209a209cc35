// Example fix for CG015 (handle-misuse) and CG020 (finalizer-use-race): Go
// refers to a C object through a generation-checked cgoguard handle instead
// of a raw C pointer, and C callbacks acquire the object while they use it.
//
// Before — the Go wrapper holds the raw pointer and frees it in a finalizer:
//
//	type Codec struct{ c *C.codec }
//	runtime.SetFinalizer(cd, func(cd *Codec) { C.codec_free(cd.c) }) // CG020
//
// A C worker thread that still runs a callback with that pointer uses freed
// memory when the finalizer runs, and a second Close frees twice (CG015).
//
// After — the object is registered in a cgoguard handle table. Close and the
// finalizer call Free; a C callback brackets its use with
// cg_handle_acquire/cg_handle_release, so the destructor runs only after the
// last user is done, and a stale or double-freed handle is an error value.
package main

/*
#cgo pkg-config: --static cgoguard-static
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <cgoguard/handle.h>

typedef struct codec { int rate; long frames; } codec;

static _Atomic int codecs_freed;
static void codec_destroy(void *obj, void *ctx) { (void)ctx; free(obj); atomic_fetch_add(&codecs_freed, 1); }
static void *codec_destroy_fn(void) { return (void *)codec_destroy; }
static int freed(void) { return atomic_load(&codecs_freed); }

static void *codec_new(int rate) {
	codec *c = calloc(1, sizeof(*c));
	c->rate = rate;
	return c;
}

// A callback on a C worker thread: it may run at any time, also while Go
// drops its last reference to the codec.
typedef struct job { cg_handle_table *t; cg_handle h; _Atomic int started, go_on; long result; int status; } job;

static void *worker(void *arg) {
	job *j = arg;
	void *obj;
	j->status = cg_handle_acquire(j->t, j->h, &obj);
	atomic_store(&j->started, 1);
	if (j->status != CG_HANDLE_OK) return NULL;
	while (!atomic_load(&j->go_on)) sched_yield(); // "long" callback
	codec *c = obj;
	c->frames += 480;
	j->result = c->frames * 1000 / c->rate;
	j->status = cg_handle_release(j->t, j->h); // may run the destructor
	return NULL;
}

static void let_go(job *j) { atomic_store(&j->go_on, 1); }

static job *start_worker(void *t, uint64_t h, pthread_t *thread) {
	job *j = calloc(1, sizeof(*j));
	j->t = t;
	j->h = h;
	pthread_create(thread, NULL, worker, j);
	while (!atomic_load(&j->started)) sched_yield();
	return j;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

var codecs *cgoguard.HandleTable

// Codec is the Go wrapper: it holds a handle, never the C pointer.
type Codec struct{ h cgoguard.Handle }

func NewCodec(rate int) (*Codec, error) {
	h, err := codecs.New(C.codec_new(C.int(rate)))
	if err != nil {
		return nil, err
	}
	cd := &Codec{h: h}
	runtime.SetFinalizer(cd, (*Codec).Close)
	return cd, nil
}

// Close frees the codec; a second Close reports ErrStale instead of a
// double free.
func (cd *Codec) Close() error {
	runtime.SetFinalizer(cd, nil)
	return codecs.Free(cd.h)
}

func main() {
	var err error
	codecs, err = cgoguard.NewHandleTable(1024, C.codec_destroy_fn(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer codecs.Close()

	cd, _ := NewCodec(48000)
	var thread C.pthread_t
	job := C.start_worker(codecs.Ptr(), C.uint64_t(cd.h), &thread)

	// Go closes the codec while the C callback still uses it: the object
	// stays alive until the callback releases it.
	if err := cd.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("closed while in use: destroyed so far %d\n", int(C.freed()))
	C.let_go(job)
	C.pthread_join(thread, nil)
	fmt.Printf("callback finished: status %d, %d ms of audio; destroyed %d\n",
		int(job.status), int(job.result), int(C.freed()))

	// Misuse is an error value, not a crash.
	if err := cd.Close(); !errors.Is(err, cgoguard.ErrStale) {
		fmt.Fprintln(os.Stderr, "double close:", err)
		os.Exit(1)
	}
	if _, err := codecs.Acquire(cd.h); !errors.Is(err, cgoguard.ErrStale) {
		fmt.Fprintln(os.Stderr, "use after close:", err)
		os.Exit(1)
	}
	fmt.Println("double close and use after close: ErrStale")
	ok := job.status == C.CG_HANDLE_OK && C.freed() == 1
	C.free(unsafe.Pointer(job))
	if !ok {
		os.Exit(1)
	}
}
