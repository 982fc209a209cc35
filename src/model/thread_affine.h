/*
 * thread_affine.h: C functions whose effect or result belongs to the calling
 * OS thread, so that calling them from an arbitrary goroutine (a finalizer,
 * a cleanup, or any goroutine that did not runtime.LockOSThread) acts on the
 * wrong thread.
 *
 * Two sources, one answer:
 *  - a table of well-known APIs (cg_thread_affine_api): the current-context
 *    graphics APIs (OpenGL gl*, GLX, EGL, WGL, GLFW, SDL_GL_*), thread-local
 *    error reporting (dlerror, OpenSSL ERR_*, glGetError, GetLastError and
 *    library *_last_error / *GetLastError functions), thread-specific data
 *    (pthread_getspecific/setspecific, tss_get/tss_set), and calls that change
 *    per-thread state (setns, unshare, uselocale, pthread_sigmask, the Python
 *    GIL state API);
 *  - the package's own C functions whose summary (csummary.h) uses
 *    thread-local state, or that call a table API (cg_thread_affine_func).
 *
 * Shared by CG021 (finalizer-thread-affinity) and the thread-affinity rule
 * of the C-side rules (CG012), which reuses cg_thread_affine_error_api for
 * "error state read in a separate cgo call".
 */
#ifndef CG_THREAD_AFFINE_H
#define CG_THREAD_AFFINE_H

#include <stdbool.h>

#include "../cfront/capis.h"
#include "package.h"

/* Either a table API, or a function of the package whose C summary uses
 * thread-local state or that calls a table API (external callees recorded
 * by its summary). *why gets an arena string of pkg; *where, when not NULL,
 * the C location that decides (zeroed for a table API). */
cg_affinity cg_thread_affine_func(cg_package *pkg, const char *c_function, const char **why,
                                  cg_location *where);

/* The runtime.LockOSThread call in func's own body (not in nested func
 * literals) that may run before `before` on the function's control flow
 * (any, when before is NULL); NULL when there is none. */
cg_gn cg_os_lock_in(cg_gopkg *go, cg_gofile *file, cg_gn func, cg_gn before);

/* Is the goroutine that runs `call` locked to its thread by then: a
 * LockOSThread that may run before it in its function, or, for a func
 * literal called in place or passed on (not started with `go`), in the
 * enclosing function before the literal? */
bool cg_os_locked_before(cg_gopkg *go, cg_gofile *file, cg_gn call);

/* Per-package additions to the table, for a library's own thread-affine
 * APIs. They are comment directives in any Go file of the package, at the
 * start of a line, one or more C function names each:
 *     //cgoguard:thread-error-api mylib_errstr mylib_errcode
 *     //cgoguard:thread-affine mylib_make_current
 * The first kind is read like dlerror (CG_AFFINE_ERROR_STATE), the second
 * like an OpenGL call (CG_AFFINE_CONTEXT). A binding package knows its C
 * library, so the knowledge lives next to the code, and the scan needs no
 * option for it. Owns its name map. */
typedef struct cg_affine_config {
    cg_strmap names; /* C name -> (void *)(uintptr_t)cg_affinity */
} cg_affine_config;

void cg_affine_config_load(cg_affine_config *cfg, const cg_package *pkg);
void cg_affine_config_free(cg_affine_config *cfg);
/* The declared kind of a name, CG_AFFINE_NONE when not declared. */
cg_affinity cg_affine_config_lookup(const cg_affine_config *cfg, const char *c_function);

#endif /* CG_THREAD_AFFINE_H */
