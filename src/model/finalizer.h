/*
 * finalizer.h: the facts the lifetime and ownership rules (CG020-CG024)
 * share. It recognizes the registration of a finalizer or cleanup
 * (runtime.SetFinalizer(obj, f), runtime.AddCleanup(obj, f, arg)) and
 * resolves what runs when the object dies: the function body (a func
 * literal, a package function or a method expression such as (*W).free),
 * the name its parameter has there, and the Go type that owns it.
 *
 * Lifetime rules (CG020 finalizer-use-race, CG021 finalizer-thread-affinity)
 * start from these registrations. It also answers the small local questions
 * those rules ask: is a local used after a call (so still alive), what is
 * the one value a local ever gets, what variable does an lvalue chain store
 * into, is a node deferred. Unknown parts stay unknown (null nodes, NULL
 * names): callers must not report on them alone.
 */
#ifndef CG_FINALIZER_H
#define CG_FINALIZER_H

#include "xlang.h"

typedef struct cg_finalizer {
    cg_gofile *file; /* the registration */
    cg_gn call;     /* the runtime.SetFinalizer / runtime.AddCleanup call */
    bool is_cleanup; /* AddCleanup (Go 1.24+): the function gets `arg`, not the object */
    cg_gn object;   /* first argument */
    cg_gn arg;      /* AddCleanup: the third argument; null otherwise */
    /* The named Go type T when the object has type *T (or T), else NULL. */
    const char *owner;
    /* What runs: func_literal, function_declaration or method_declaration,
     * null when it cannot be resolved (a variable, another package). */
    cg_gofile *func_file;
    cg_gn func;
    const char *func_name; /* "(*W).free", "freeW", "func literal" */
    /* Name of the parameter (the receiver for a method expression) that
     * receives the object (SetFinalizer) or arg (AddCleanup); NULL when
     * unnamed or unresolved. */
    const char *param;
} cg_finalizer;

/* When call is runtime.SetFinalizer(obj, f) with a non-nil f, or
 * runtime.AddCleanup(obj, f, arg), fills *out and returns true. */
bool cg_finalizer_at(cg_package *pkg, cg_gofile *file, cg_gn call, cg_finalizer *out);

/* When call is C.name(...) (a call, not a conversion to a C type), returns
 * name (arena string); NULL otherwise. */
const char *cg_c_callee(cg_package *pkg, cg_gofile *file, cg_gn call);


/* The ancestors of a node, outermost first: from the top-level function
 * that contains it (or the file's root) down to its parent. */
enum { CG_NODE_PATH_MAX = 96 };
typedef struct cg_node_path {
    cg_gn nodes[CG_NODE_PATH_MAX];
    size_t len; /* 0 when the node is the root, or nested deeper than the maximum */
} cg_node_path;

void cg_node_path_of(cg_package *pkg, cg_gofile *file, cg_gn node, cg_node_path *out);

/* True when node is inside a defer statement of its function (including a
 * deferred func literal). */
bool cg_node_in_defer(cg_package *pkg, cg_gofile *file, cg_gn node);

#endif /* CG_FINALIZER_H */
