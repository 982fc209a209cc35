/*
 * capis.c: the table of thread-affine C APIs (see capis.h).
 *
 * Exact names come first, then prefixes and suffixes, so that an API family
 * (every gl* entry point acts on the calling thread's current context) is
 * one row. Each row says why, because that text ends up in findings.
 */
#include "capis.h"

#include <ctype.h>
#include <string.h>

#include "../base/base.h"

typedef struct affine_row {
    const char *name;
    cg_affinity kind;
    const char *why;
} affine_row;

static const affine_row exact[] = {
    /* Making a context current binds it to the calling thread. */
    {"glXMakeCurrent", CG_AFFINE_CONTEXT, "binds the GLX context to the calling thread"},
    {"glXMakeContextCurrent", CG_AFFINE_CONTEXT, "binds the GLX context to the calling thread"},
    {"eglMakeCurrent", CG_AFFINE_CONTEXT, "binds the EGL context to the calling thread"},
    {"wglMakeCurrent", CG_AFFINE_CONTEXT, "binds the WGL context to the calling thread"},
    {"eglReleaseThread", CG_AFFINE_CONTEXT, "releases the calling thread's EGL state"},
    /* Thread-local error state. */
    {"dlerror", CG_AFFINE_ERROR_STATE, "reads the calling thread's dlerror state"},
    {"glGetError", CG_AFFINE_ERROR_STATE, "reads the error flag of the thread's current GL context"},
    {"eglGetError", CG_AFFINE_ERROR_STATE, "reads the calling thread's EGL error"},
    {"GetLastError", CG_AFFINE_ERROR_STATE, "reads the calling thread's last-error value"},
    {"SetLastError", CG_AFFINE_ERROR_STATE, "sets the calling thread's last-error value"},
    {"WSAGetLastError", CG_AFFINE_ERROR_STATE, "reads the calling thread's last socket error"},
    {"__errno_location", CG_AFFINE_ERROR_STATE, "returns the calling thread's errno"},
    {"SSL_get_error", CG_AFFINE_ERROR_STATE, "consults the calling thread's OpenSSL error queue"},
    {"SDL_GetError", CG_AFFINE_ERROR_STATE, "reads the calling thread's SDL error message"},
    {"SDL_ClearError", CG_AFFINE_ERROR_STATE, "clears the calling thread's SDL error message"},
    {"git_error_last", CG_AFFINE_ERROR_STATE, "reads libgit2's per-thread last error"},
    {"giterr_last", CG_AFFINE_ERROR_STATE, "reads libgit2's per-thread last error"},
    {"zmq_errno", CG_AFFINE_ERROR_STATE, "reads the calling thread's errno through libzmq"},
    /* Thread-specific data. */
    {"pthread_getspecific", CG_AFFINE_THREAD_STATE, "reads the calling thread's thread-specific data"},
    {"pthread_setspecific", CG_AFFINE_THREAD_STATE, "sets the calling thread's thread-specific data"},
    {"tss_get", CG_AFFINE_THREAD_STATE, "reads the calling thread's thread-specific storage"},
    {"tss_set", CG_AFFINE_THREAD_STATE, "sets the calling thread's thread-specific storage"},
    /* Other per-thread state. */
    {"setns", CG_AFFINE_THREAD_STATE, "moves only the calling thread into the namespace"},
    {"unshare", CG_AFFINE_THREAD_STATE, "unshares namespaces of the calling thread only"},
    {"uselocale", CG_AFFINE_THREAD_STATE, "sets the calling thread's locale"},
    {"pthread_sigmask", CG_AFFINE_THREAD_STATE, "changes the calling thread's signal mask"},
    {"sigprocmask", CG_AFFINE_THREAD_STATE, "changes the calling thread's signal mask"},
    {"PyGILState_Ensure", CG_AFFINE_THREAD_STATE, "ties the Python thread state to the calling thread"},
    {"PyGILState_Release", CG_AFFINE_THREAD_STATE, "must run on the thread that called PyGILState_Ensure"},
    {"PyEval_SaveThread", CG_AFFINE_THREAD_STATE, "saves the Python thread state of the calling thread"},
    {"PyEval_RestoreThread", CG_AFFINE_THREAD_STATE, "must run on the thread that saved the state"},
};

/* A prefix followed by an upper-case letter or '_' (so "gl" matches
 * glDeleteTextures but not global_init). */
static const affine_row prefixes[] = {
    {"ERR_", CG_AFFINE_ERROR_STATE, "uses OpenSSL's per-thread error queue"},
    {"PyErr_", CG_AFFINE_ERROR_STATE, "uses the error indicator of the calling thread's Python state"},
    {"glX", CG_AFFINE_CONTEXT, "acts on the calling thread's current GLX context"},
    {"egl", CG_AFFINE_CONTEXT, "acts on the calling thread's EGL state"},
    {"wgl", CG_AFFINE_CONTEXT, "acts on the calling thread's current WGL context"},
    {"gl", CG_AFFINE_CONTEXT, "acts on the calling thread's current OpenGL context"},
    {"glfw", CG_AFFINE_CONTEXT, "GLFW requires its main thread or the context's current thread"},
    {"SDL_GL_", CG_AFFINE_CONTEXT, "acts on the calling thread's current SDL GL context"},
};

/* Library error getters: foo_last_error(), FooGetLastError(), ... */
static const char *const error_suffixes[] = {"_last_error", "_get_last_error", "GetLastError",
                                             "_errmsg_thread", "_last_error_message"};

static bool prefix_matches(const char *name, const char *prefix) {
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0) return false;
    /* "ERR_" and "SDL_GL_" end in '_' already; "gl" needs GL's capital letter. */
    if (prefix[n - 1] == '_') return name[n] != '\0';
    return isupper((unsigned char)name[n]) || name[n] == '_';
}

cg_affinity cg_thread_affine_api(const char *c_function, const char **why) {
    if (why) *why = NULL;
    if (!c_function) return CG_AFFINE_NONE;
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        if (strcmp(c_function, exact[i].name) == 0) {
            if (why) *why = exact[i].why;
            return exact[i].kind;
        }
    }
    for (size_t i = 0; i < sizeof error_suffixes / sizeof error_suffixes[0]; i++) {
        if (cg_str_has_suffix(c_function, error_suffixes[i]) &&
            strlen(c_function) > strlen(error_suffixes[i])) {
            if (why) *why = "reads a library's per-thread last-error state";
            return CG_AFFINE_ERROR_STATE;
        }
    }
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        if (prefix_matches(c_function, prefixes[i].name)) {
            if (why) *why = prefixes[i].why;
            return prefixes[i].kind;
        }
    }
    return CG_AFFINE_NONE;
}

bool cg_thread_affine_error_api(const char *c_function) {
    return cg_thread_affine_api(c_function, NULL) == CG_AFFINE_ERROR_STATE;
}

