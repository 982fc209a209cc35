/*
 * cfacts.h: the facts of one C function body, as the summaries need them,
 * and the internal interface between the libclang walker (cfront.c), the
 * extraction of those facts (cfacts.c) and the fixed point (csummary.c).
 *
 * libclang cursors die with their translation unit, so each body is turned
 * into this small, clang-free form while the unit is alive: which locals may
 * hold which pointer values (assignments), stores through pointers, calls
 * with the origin of each argument, returns, setjmp/longjmp sites,
 * function-pointer casts, thread-local uses. A pointer value's origin is a
 * set of "atoms" (the function's parameters, the heap blocks it allocates,
 * and "reachable from a global") plus locals and call results whose atoms
 * are only known during the fixed point.
 */
#ifndef CG_CFACTS_H
#define CG_CFACTS_H

#include <clang-c/Index.h>
#include <stdint.h>

#include "cfront_internal.h"
#include "csummary.h"

/* Atom bits: parameters 0..CF_MAX_PARAMS-1, then heap blocks, then GLOBAL.
 * Parameters or allocations beyond the limits are not tracked. */
enum {
    CF_MAX_PARAMS = 40,
    CF_HEAP_BASE = CF_MAX_PARAMS,
    CF_MAX_HEAPS = 23,
    CF_ATOM_GLOBAL = 63,
};
#define CF_BIT(n) ((uint64_t)1 << (n))
#define CF_NO_VAR UINT32_MAX

typedef struct cf_origin {
    uint64_t atoms;
    const uint32_t *vars; /* locals (indices into cg_cfacts.var_names) */
    uint32_t nvars;
    const uint32_t *calls; /* calls whose result flows in */
    uint32_t ncalls;
    /* Values read through these pointers (*p, p->f): reachable from a
     * global when the pointer is, or what was stored into a heap block. */
    const struct cf_origin *loads;
    uint32_t nloads;
} cf_origin;

typedef struct cf_assign {
    uint32_t var;
    cf_origin value;
} cf_assign;

/* *base = value, base->f = value, g = value (base is then GLOBAL). */
typedef struct cf_store {
    cf_origin base;
    cf_origin value;
    cg_location loc;
    const char *target;  /* the left-hand side as written */
    bool to_global_var;  /* `g = value` itself, not through a pointer */
} cf_store;

typedef struct cf_call {
    const char *callee; /* NULL: through a function pointer */
    /* Through a function pointer variable whose initializer names a function
     * (static void (*hook)(int) = goEvent; hook(v)): the variable and that
     * function, which the call may reach; else NULL. */
    const char *pointer_var;
    const char *pointer_target;
    cg_location loc;
    unsigned offset; /* source order inside the function */
    cf_origin *args;
    const char **arg_funcs; /* per argument: the function it names, or NULL */
    uint32_t nargs;
    int heap_atom; /* >= 0: the call allocates this heap block */
    /* pthread_create: the stack size its attribute object was given by an
     * earlier pthread_attr_setstacksize in the function (0: default). */
    unsigned long long thread_stack_size;
    cg_location thread_stack_size_loc;
} cf_call;

/* pthread_attr_setstacksize(&attr, N) with a constant N. */
typedef struct cf_stack_size {
    const char *attr; /* the attribute object, as written without '&' ("attr", "t->attr") */
    unsigned long long size;
    cg_location loc;
} cf_stack_size;

typedef struct cf_return {
    cf_origin value;
    cg_location loc;
} cf_return;

typedef struct cf_jump {
    cg_cjump_kind kind;
    const char *buffer;
    cg_location loc;
    unsigned offset;
} cf_jump;

/* A cast of parameter `param` to a pointer to a record. */
typedef struct cf_view {
    uint32_t param;
    cg_cview view;
} cf_view;

/* A function named somewhere that registers it: `sa.sa_handler = h`. */
typedef struct cf_role_reg {
    const char *func;
    unsigned role;
    cg_location loc;
} cf_role_reg;

struct cg_cfacts {
    const cg_cfunc *func;
    uint32_t nparams;
    uint32_t nheaps;
    CG_VEC(const char *) var_names; /* params first, then locals */
    /* Per local: CF_NO_VAR, or the local whose field it is (s.title is a
     * local of its own, so that s.title = p does not put p in s.size). */
    CG_VEC(uint32_t) var_parent;
    CG_VEC(cf_assign) assigns;
    CG_VEC(cf_store) stores;
    CG_VEC(cf_call) calls;
    CG_VEC(cf_return) returns;
    CG_VEC(cf_jump) jumps;
    CG_VEC(cf_role_reg) roles;
    CG_VEC(cg_cfnptr_cast) casts;
    CG_VEC(cf_view) views;
    bool uses_tls;
    cg_location tls_loc;
    const char *tls_what;
    CG_VEC(cf_stack_size) stack_sizes; /* in source order */
    /* Every function the body names (called, passed, stored, cast): where
     * control may go from here, for "reached from Go". */
    CG_VEC(const char *) func_refs;
};

/* Walks the body of func (the definition cursor def) and stores its facts
 * in model->facts. tu_ctx is cfront.c's per-unit state, passed back to the
 * helpers below. */
void cg_cfacts_collect(cg_cmodel *model, void *tu_ctx, CXCursor def, const cg_cfunc *func);
/* Frees the heap parts of every cg_cfacts in model->facts. */
void cg_cfacts_release(cg_cmodel *model);

/* Helpers that cfront.c exports to cfacts.c. */
cg_location cg_cfront_cursor_location(void *tu_ctx, CXCursor c);
/* A key that names the cursor's declaration, statement or expression
 * uniquely while the unit lives (caller frees); see cfront.c. */
char *cg_cfront_cursor_key(CXCursor c);
CXTranslationUnit cg_cfront_tu(void *tu_ctx);

#endif /* CG_CFACTS_H */
