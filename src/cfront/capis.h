/*
 * capis.h: well-known C APIs whose effect or result belongs to the calling OS
 * thread: the current-context graphics APIs (OpenGL gl*, GLX, EGL, WGL,
 * GLFW, SDL_GL_*), thread-local error reporting (dlerror, OpenSSL ERR_*,
 * glGetError, GetLastError and library *_last_error functions),
 * thread-specific data and calls that change per-thread state.
 *
 * It lives in the C front-end because both the C function summaries (a C
 * function that makes such a call uses thread-local state) and the rules
 * (src/model/thread_affine.h) ask it. Pure functions over names.
 */
#ifndef CG_CAPIS_H
#define CG_CAPIS_H

#include <stdbool.h>

typedef enum cg_affinity {
    CG_AFFINE_NONE = 0,
    CG_AFFINE_CONTEXT,      /* acts on the thread's current context (OpenGL, EGL, ...) */
    CG_AFFINE_ERROR_STATE,  /* reads or clears a per-thread error state */
    CG_AFFINE_THREAD_STATE, /* reads or changes other per-thread state */
} cg_affinity;

/* Looks a C function name up in the table. Returns CG_AFFINE_NONE for names
 * it does not know; otherwise sets *why (static text, may be NULL) to a
 * short reason ("reads the calling thread's dlerror state"). */
cg_affinity cg_thread_affine_api(const char *c_function, const char **why);

/* True for the error-reporting subset (CG_AFFINE_ERROR_STATE). */
bool cg_thread_affine_error_api(const char *c_function);

#endif /* CG_CAPIS_H */
