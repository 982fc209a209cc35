// The library keeps its current context per thread, like OpenGL: the C
// summaries see that ctx_make_current and ctx_draw use thread-local state.
#include <dlfcn.h>
#include <stdlib.h>

#include "lib.h"

struct ctx {
    int frames;
};

static _Thread_local ctx *current;

ctx *ctx_new(void) { return calloc(1, sizeof(ctx)); }

void ctx_make_current(ctx *c) { current = c; }

void ctx_draw(int n) {
    if (current) current->frames += n;
}

/* Opens and reads the error in one C call: both on the same thread. */
int ctx_open_or_error(const char *path, const char **msg) {
    void *h = dlopen(path, RTLD_NOW);
    if (!h) *msg = dlerror();
    return h != NULL;
}

/* A codec with an error helper of its own that happens to carry an OpenSSL
 * name (zstd's ERR_isError): the package's function, not the error queue. */
static int ERR_isError(long code) { return code < 0; }
long codec_compress(long n) { return ERR_isError(n) ? 0 : n; }
long codec_decompress(long n) { return ERR_isError(n) ? 0 : n / 2; }
/* Like sqlite: the VFS's last-error getter, read by the same C call that
 * failed (store_os_error), never across cgo calls. */
static int os_errno;
int vfsGetLastError(void) { return os_errno; }
static int store_os_error(void) { return vfsGetLastError(); }
int db_step(int n) {
    if (n < 0) return store_os_error();
    return n;
}
