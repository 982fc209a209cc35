/* Exported Go callbacks registered through their C function type. */
#include "_cgo_export.h"

typedef void (*key_fn)(void *win, int key, int scancode, int action);
static key_fn key_handler;
static void set_key_handler(key_fn f) { key_handler = f; }

void setup_keys(void) {
    /* safe: _cgo_export.h declares goKey(void *, int, int, int): `key, scancode, action C.int` are three parameters */
    set_key_handler((key_fn)goKey);
}

/* Callback data registered as void *: Go handles travel as uintptr. */
typedef void (*data_fn)(void *data);
static data_fn data_handler;
static void set_data_handler(data_fn f) { data_handler = f; }

void setup_data(void) {
    /* safe: goData takes a uintptr (GoUintptr): a pointer's size and register on every target cgo supports */
    set_data_handler((data_fn)goData);
    set_data_handler((data_fn)goSmall); /* want CG013 */
    /* safe: goIndex takes a Go int (GoInt, long long): a pointer's size on the 64-bit default target */
    set_data_handler((data_fn)goIndex);
}
