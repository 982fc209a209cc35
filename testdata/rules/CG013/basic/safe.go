// Look-alike safe cases for CG013: they must stay silent.
package basic

/*
#include <stdlib.h>

typedef int (*cmp_fn)(const void *, const void *);
static int cmp_ints(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int cmp_typed(const int *a, const int *b) { return *a - *b; }

static void sort_ints(int *v, size_t n) {
	// safe: the comparator has exactly qsort's type; the cast changes nothing.
	qsort(v, n, sizeof *v, (cmp_fn)cmp_ints);
	// safe: the types differ only in what the pointers point to: same ABI on every cgo target.
	qsort(v, n, sizeof *v, (int (*)(const void *, const void *))cmp_typed);
}

typedef void (*any_fn)(void);
static any_fn slots[4];
static void store_any(int i, any_fn f) { slots[i] = f; }
static double twice(double x) { return 2 * x; }
static double call_slot(int i, double x) { return ((double (*)(double))slots[i])(x); }
static void setup_slots(void) {
	// safe: stored as the generic void (*)(void) and cast back to its real type before the call.
	store_any(0, (any_fn)twice);
}

static unsigned long next_id(unsigned long v) { return v + 1; }
static long advance(long v) {
	// safe: long and unsigned long are passed and returned in the same register.
	return ((long (*)(long))next_id)(v);
}

static double call_local_generic(double x) {
	// safe: a local of the generic type, cast back to the real type at the call.
	any_fn g = (any_fn)twice;
	return ((double (*)(double))g)(x);
}

// GLib's cleanup idiom (g_list_free_full(l, (GDestroyNotify)(void (*)(void))g_object_unref)).
typedef void (*destroy_fn)(void *);
void obj_unref(void *obj);
void list_free_full(void *l, destroy_fn f);
static inline void clear_list(void *l) {
	// safe: cast through the generic void (*)(void) on the way; obj_unref's own type is destroy_fn's.
	list_free_full(l, (destroy_fn) (void (*)(void)) obj_unref);
}

// A parameter of the generic type cast back to what every caller passes.
static int inc(int x) { return x + 1; }
static int apply_generic(void (*f)(void), int x) {
	// safe: every caller passes inc, whose type is exactly int (*)(int)
	return ((int (*)(int))f)(x);
}
static int apply_inc(int x) { return apply_generic((void (*)(void))inc, x); }

static void *keep_fn;
static void remember_fn(void) {
	// safe: converted to a data pointer for storage, not to another function type.
	keep_fn = (void *)twice;
}
*/
import "C"

func useSafe(v []C.int) {
	C.sort_ints(&v[0], C.size_t(len(v)))
	C.setup_slots()
	_ = C.call_slot(0, 1.5)
	_ = C.call_local_generic(2.5)
	_ = C.advance(1)
	C.remember_fn()
	C.clear_list(nil)
	_ = C.apply_inc(1)
	_ = C.apply_generic((*[0]byte)(C.inc), 2)
}
