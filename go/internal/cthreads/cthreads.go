// Package cthreads is test support for the cgoguard binding: C code that
// plays the C side of each primitive — pthreads that Go did not create
// posting to a mailbox, a C thread holding a handle while Go frees it, C
// keeping a snapshot after Go let go. Test files cannot use cgo themselves,
// so the C parts live here.
package cthreads

/*
#cgo pkg-config: --static cgoguard-static
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cgoguard/handle.h>
#include <cgoguard/mailbox.h>
#include <cgoguard/snapshot.h>
#include <cgoguard/arena.h>

// ---- Mailbox producers: message = u32 producer, u32 seq, pattern bytes.
typedef struct producer {
	cg_mailbox *mb;
	uint32_t id, count, size;
	uint32_t ok;
	uint64_t full;
	int other; // first unexpected status, or 0
} producer;

static void *produce(void *arg) {
	producer *p = arg;
	unsigned char msg[4096];
	for (uint32_t seq = 0; seq < p->count;) {
		memcpy(msg, &p->id, 4);
		memcpy(msg + 4, &seq, 4);
		for (uint32_t i = 8; i < p->size; i++) msg[i] = (unsigned char)(p->id + seq + i);
		cg_mailbox_status st = cg_mailbox_post(p->mb, msg, p->size);
		if (st == CG_MAILBOX_OK) { p->ok++; seq++; continue; }
		if (st == CG_MAILBOX_FULL) { p->full++; sched_yield(); continue; }
		if (st != CG_MAILBOX_CLOSED) p->other = (int)st;
		break;
	}
	cg_mailbox_release(p->mb);
	return NULL;
}

typedef struct producers {
	int n;
	pthread_t threads[64];
	producer p[64];
} producers;

static producers *start_producers(void *mb, int n, uint32_t count, uint32_t size) {
	if (n > 64 || size < 8 || size > 4096) return NULL;
	producers *ps = calloc(1, sizeof(*ps));
	ps->n = n;
	for (int i = 0; i < n; i++) {
		ps->p[i] = (producer){mb, (uint32_t)i, count, size, 0, 0, 0};
		cg_mailbox_retain(mb); // the thread's own reference
		pthread_create(&ps->threads[i], NULL, produce, &ps->p[i]);
	}
	return ps;
}

static void join_producers(producers *ps) {
	for (int i = 0; i < ps->n; i++) pthread_join(ps->threads[i], NULL);
}

// ---- Handles: objects with a value; destroy counts.
typedef struct object { int magic; int value; } object;
static _Atomic long destroyed;
static void destroy_object(void *obj, void *ctx) {
	(void)ctx;
	object *o = obj;
	o->magic = 0;
	free(o);
	atomic_fetch_add(&destroyed, 1);
}
static void *new_object(int value) {
	object *o = malloc(sizeof(*o));
	o->magic = 0x600d;
	o->value = value;
	return o;
}
static void *destroy_fn(void) { return (void *)destroy_object; }
static long destroyed_count(void) { return atomic_load(&destroyed); }

// A C thread that acquires a handle, waits for permission, reads, releases.
typedef struct holder {
	cg_handle_table *t;
	cg_handle h;
	_Atomic int acquired, proceed;
	int status, seen_value, seen_magic;
	pthread_t thread;
} holder;

static void *hold(void *arg) {
	holder *hd = arg;
	void *obj;
	hd->status = (int)cg_handle_acquire(hd->t, hd->h, &obj);
	atomic_store(&hd->acquired, 1);
	if (hd->status != CG_HANDLE_OK) return NULL;
	while (!atomic_load(&hd->proceed)) sched_yield();
	object *o = obj;
	hd->seen_magic = o->magic;
	hd->seen_value = o->value;
	hd->status = (int)cg_handle_release(hd->t, hd->h);
	return NULL;
}

static holder *start_holder(void *t, uint64_t h) {
	holder *hd = calloc(1, sizeof(*hd));
	hd->t = t;
	hd->h = h;
	pthread_create(&hd->thread, NULL, hold, hd);
	while (!atomic_load(&hd->acquired)) sched_yield();
	return hd;
}
static void finish_holder(holder *hd) {
	atomic_store(&hd->proceed, 1);
	pthread_join(hd->thread, NULL);
}

// ---- Snapshots: C keeps one after Go released it.
static cg_snapshot *kept;
static void keep_snapshot(void *s) { cg_snapshot_retain(s); kept = s; }
static void drop_snapshot(void) { cg_snapshot_release(kept); kept = NULL; }
static int kept_get(const char *key, size_t n, char *out, size_t out_len) {
	cg_snapshot_str v;
	cg_snapshot_status st = cg_snapshot_get(kept, key, n, &v);
	if (st != CG_SNAPSHOT_OK) return -(int)st;
	size_t m = v.len < out_len ? v.len : out_len;
	memcpy(out, v.data, m);
	return (int)m;
}

// ---- Scratch: what a C function does with its temporary buffers.
static size_t scratch_used(void) {
	cg_scratch_stats st;
	cg_scratch_get_stats(&st);
	return st.used;
}
*/
import "C"

import (
	"unsafe"
)

// Producer is the outcome of one C producer thread.
type Producer struct {
	OK, Full uint64
	Other    int // first unexpected cg_mailbox_status, 0 if none
}

// Producers is a set of running C producer threads.
type Producers struct{ c *C.producers }

// StartProducers starts n pthreads that each post count messages of size
// bytes (id, seq, pattern) to the C mailbox mb, retrying on FULL and
// stopping at CLOSED. Each thread holds its own mailbox reference.
func StartProducers(mb unsafe.Pointer, n, count, size int) *Producers {
	ps := C.start_producers(mb, C.int(n), C.uint32_t(count), C.uint32_t(size))
	if ps == nil {
		panic("cthreads: bad producer parameters")
	}
	return &Producers{c: ps}
}

// Join waits for the producers and returns their outcomes.
func (p *Producers) Join() []Producer {
	C.join_producers(p.c)
	out := make([]Producer, int(p.c.n))
	for i := range out {
		cp := &p.c.p[i]
		out[i] = Producer{OK: uint64(cp.ok), Full: uint64(cp.full), Other: int(cp.other)}
	}
	C.free(unsafe.Pointer(p.c))
	return out
}

// NewObject mallocs a C object holding value.
func NewObject(value int) unsafe.Pointer { return C.new_object(C.int(value)) }

// DestroyFn is the C destructor for NewObject objects (cg_handle_destroy_fn).
func DestroyFn() unsafe.Pointer { return C.destroy_fn() }

// Destroyed counts objects destroyed by DestroyFn.
func Destroyed() int { return int(C.destroyed_count()) }

// ObjectValue reads the value of a NewObject object.
func ObjectValue(obj unsafe.Pointer) int { return int((*C.object)(obj).value) }

// Holder is a C thread that holds an acquired handle.
type Holder struct{ c *C.holder }

// StartHolder starts a C thread that acquires h in table t and returns once
// the acquire is done; the thread then waits for Finish.
func StartHolder(t unsafe.Pointer, h uint64) *Holder {
	return &Holder{c: C.start_holder(t, C.uint64_t(h))}
}

// Finish lets the thread read the object and release it, and waits for it.
// It returns the last cg_handle_status and the object's magic and value as
// the thread saw them (magic 0x600d means alive).
func (h *Holder) Finish() (status, magic, value int) {
	C.finish_holder(h.c)
	status, magic, value = int(h.c.status), int(h.c.seen_magic), int(h.c.seen_value)
	C.free(unsafe.Pointer(h.c))
	return
}

// KeepSnapshot makes C take its own reference to the snapshot s.
func KeepSnapshot(s unsafe.Pointer) { C.keep_snapshot(s) }

// DropSnapshot releases the reference KeepSnapshot took.
func DropSnapshot() { C.drop_snapshot() }

// KeptGet looks key up in the kept snapshot from C; ok is false if absent.
func KeptGet(key string) (string, bool) {
	k := C.CString(key)
	defer C.free(unsafe.Pointer(k))
	var out [256]C.char
	n := C.kept_get(k, C.size_t(len(key)), &out[0], C.size_t(len(out)))
	if n < 0 {
		return "", false
	}
	return C.GoStringN(&out[0], n), true
}

// Strlen is C's strlen, to check NUL-terminated buffers from Go.
func Strlen(p unsafe.Pointer) int { return int(C.strlen((*C.char)(p))) }

// ScratchUsed is the calling thread's scratch arena use in bytes.
func ScratchUsed() int { return int(C.scratch_used()) }
