/*
 * CG020 finalizer-use-race: a Go object whose finalizer or cleanup releases
 * a C resource held in one of its fields is dead while C still uses that
 * resource.
 *
 * The registrations (runtime.SetFinalizer, runtime.AddCleanup) say which
 * fields of which type are released: the finalizer passes param.f to a C
 * function, or the cleanup gets obj.f as its argument and passes it to C.
 * Every C call whose argument is (derived from) obj.f, where obj is a local
 * of type *T (or reached through a local's fields, h.obj.f), must keep
 * obj alive past the call: a later use of obj
 * (runtime.KeepAlive(obj), a field access, a return), a use in a deferred
 * call, or a use in the loop that encloses the call. Otherwise obj is dead
 * during the C call; the collector may free it and queue the finalizer,
 * which the finalizer goroutine runs while C is still inside the call.
 *
 * The object dies only when nothing else references it, so the rule looks
 * up the calls (up to three levels): in an unexported function whose owner
 * is a parameter or the receiver, it stays silent when every call of the
 * function in the package keeps the argument alive after the call (and when
 * nothing in the package calls it). A registration in the
 * same function must be able to run before the C call (a C object freed on
 * an error path before its finalizer is set is not raced). The finding is a
 * warning: it bites only when the collector runs during the call and the
 * caller has dropped its last reference.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../gofront/gocfg.h"
#include "../model/finalizer.h"
#include "check.h"

enum { MAX_HOPS = 8 };

typedef struct released {
    const char *owner; /* Go type T */
    const char *field; /* the field of T holding the C resource */
    cg_finalizer fin;
    cg_gn release; /* the C call in the finalizer/cleanup that releases it */
} released;

typedef CG_VEC(released) released_vec;

/* The selector param.f (through conversions, &, indexing and deeper
 * selectors) at the root of expr, or a null node. */
static cg_gn field_of(cg_package *pkg, cg_gofile *file, cg_gn expr, const char *param) {
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        expr = cg_x_strip_conversions(pkg, file, expr);
        if (cg_gn_is(expr, CG_GK_UNARY_EXPRESSION)) {
            expr = cg_gn_field(expr, CG_GF_OPERAND);
        } else if (cg_gn_is(expr, CG_GK_INDEX_EXPRESSION) || cg_gn_is(expr, CG_GK_SLICE_EXPRESSION)) {
            expr = cg_gn_field(expr, CG_GF_OPERAND);
        } else if (cg_gn_is(expr, CG_GK_SELECTOR_EXPRESSION)) {
            cg_gn base = cg_gn_unparen(cg_gn_field(expr, CG_GF_OPERAND));
            if (cg_gn_is(base, CG_GK_IDENTIFIER) && (!param || cg_node_text_eq(file, base, param)))
                return expr;
            expr = base;
        } else {
            break;
        }
    }
    return NULL;
}

typedef struct release_walk {
    cg_check_ctx *ctx;
    const cg_finalizer *fin;
    released_vec *out; /* SetFinalizer: every param.f passed to C is released */
    cg_gn hit_call;   /* AddCleanup: the C call that receives the parameter */
} release_walk;

static void add_released(released_vec *out, const cg_finalizer *fin, const char *field, cg_gn call) {
    released r = {fin->owner, field, *fin, call};
    cg_vec_push(out, r);
}

static cg_walk_action visit_release(cg_gn n, void *arg) {
    release_walk *w = arg;
    cg_gofile *file = w->fin->func_file;
    if (!cg_c_callee(w->ctx->pkg, file, n)) return CG_WALK_CONTINUE;
    cg_gn args = cg_gn_field(n, CG_GF_ARGUMENTS);
    for (uint32_t i = 0; i < cg_gn_count(args); i++) {
        cg_gn a = cg_gn_child(args, i);
        if (w->fin->is_cleanup) {
            cg_gn s = cg_x_strip_conversions(w->ctx->pkg, file, a);
            if (cg_gn_is(s, CG_GK_IDENTIFIER) && cg_node_text_eq(file, s, w->fin->param)) {
                w->hit_call = n;
                return CG_WALK_STOP;
            }
            continue;
        }
        cg_gn sel = field_of(w->ctx->pkg, file, a, w->fin->param);
        if (sel)
            add_released(w->out, w->fin, cg_node_text(file, cg_gn_field(sel, CG_GF_FIELD)), n);
    }
    return CG_WALK_CONTINUE;
}

/* Every field each finalizer/cleanup of the package releases. */
static void collect(cg_check_ctx *ctx, released_vec *out) {
    for (size_t i = 0; i < ctx->facts->calls.len; i++) {
        const cg_noderef *ref = &ctx->facts->calls.items[i];
        cg_finalizer fin;
        if (!cg_finalizer_at(ctx->pkg, ref->file, ref->node, &fin)) continue;
        if (!fin.owner || !fin.func || !fin.param) continue;
        release_walk w = {.ctx = ctx, .fin = &fin, .out = out};
        cg_gn body = cg_gn_field(fin.func, CG_GF_BODY);
        if (!fin.is_cleanup) {
            cg_walk(body, visit_release, &w);
            continue;
        }
        /* AddCleanup(obj, f, obj.field): f receives the field's value. */
        cg_gn sel = field_of(ctx->pkg, ref->file, fin.arg, NULL);
        if (!sel) continue;
        if (cg_walk(body, visit_release, &w)) continue; /* the cleanup does not hand it to C */
        add_released(out, &fin, cg_node_text(ref->file, cg_gn_field(sel, CG_GF_FIELD)), w.hit_call);
    }
}

/* The byte range of a finalizer body, for "is this C call inside one?". */
typedef struct body_range {
    const cg_gofile *file;
    uint32_t start, end;
} body_range;

typedef CG_VEC(body_range) range_vec;

static int range_cmp(const void *a, const void *b) {
    const body_range *x = a, *y = b;
    if (x->file != y->file) return (uintptr_t)x->file < (uintptr_t)y->file ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Is the C call inside the body of one of the finalizers (or of a func
 * literal nested in one)? Binary search for the last body starting before
 * the call; a few predecessors cover bodies nested in other bodies. */
static bool in_finalizer(const range_vec *bodies, const cg_ccall *call) {
    uint32_t at = cg_gn_start(call->call);
    size_t lo = 0, hi = bodies->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const body_range *r = &bodies->items[mid];
        bool before = (uintptr_t)r->file < (uintptr_t)call->file || (r->file == call->file && r->start <= at);
        if (before) lo = mid + 1;
        else hi = mid;
    }
    for (size_t k = 0; k < 8 && k < lo; k++) {
        const body_range *r = &bodies->items[lo - 1 - k];
        if (r->file != call->file) break;
        if (at >= r->start && at < r->end) return true;
    }
    return false;
}

/* "Owner.field" -> the first released entry for it. */
static void released_key(char *buf, size_t size, const char *owner, const char *field) {
    snprintf(buf, size, "%s.%s", owner, field);
}

static const released *find_released(cg_check_ctx *ctx, const cg_strmap *by_field, cg_gofile *file,
                                     cg_gn sel) {
    cg_gn obj = cg_gn_unparen(cg_gn_field(sel, CG_GF_OPERAND));
    cg_gotype *t = cg_gopkg_type_of_expr(ctx->pkg->go, file, obj);
    if (!t || t->kind != CG_GT_POINTER || !t->elem || t->elem->kind != CG_GT_NAMED) return NULL;
    char key[512];
    released_key(key, sizeof key, t->elem->name, cg_node_text(file, cg_gn_field(sel, CG_GF_FIELD)));
    return cg_strmap_get(by_field, key);
}

/* The selector obj.f inside arg (through conversions, &, indexing, deeper
 * selectors and a local's single initializer: `p := w.p`) whose field f a
 * finalizer or cleanup of obj's type releases; the outermost such selector
 * (h.thing.p: thing.p). Sets *out to the entry. */
static cg_gn released_selector(cg_check_ctx *ctx, const cg_strmap *by_field, cg_gofile *file, cg_gn arg,
                                const released **out) {
    cg_package *pkg = ctx->pkg;
    cg_gn expr = arg;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        expr = cg_x_strip_conversions(pkg, file, expr);
        if (cg_gn_is(expr, CG_GK_UNARY_EXPRESSION) || cg_gn_is(expr, CG_GK_INDEX_EXPRESSION) ||
            cg_gn_is(expr, CG_GK_SLICE_EXPRESSION)) {
            expr = cg_gn_field(expr, CG_GF_OPERAND);
        } else if (cg_gn_is(expr, CG_GK_SELECTOR_EXPRESSION)) {
            if ((*out = find_released(ctx, by_field, file, expr)) != NULL) return expr;
            expr = cg_gn_unparen(cg_gn_field(expr, CG_GF_OPERAND));
        } else if (cg_gn_is(expr, CG_GK_IDENTIFIER)) {
            cg_gobinding *b = cg_gopkg_binding(pkg->go, file, expr);
            cg_gn value = b ? cg_binding_single_value(b) : NULL;
            if (!value) break;
            expr = value;
        } else {
            break;
        }
    }
    return NULL;
}

/* Is the object stored where it outlives the statement (a package variable,
 * a field, a map or slice element: `registry[id] = t`, `all = append(all,
 * t)`) before the call? Then something else keeps it reachable. */
typedef struct stored_walk {
    cg_package *pkg;
    cg_gofile *file;
    cg_gobinding *binding;
    uint32_t before;
    cg_gn call;
    bool found;
} stored_walk;

static cg_walk_action visit_value_use(cg_gn n, void *arg) {
    stored_walk *w = arg;
    if (cg_gn_is(n, CG_GK_SELECTOR_EXPRESSION)) {
        /* t.p reads a field; only the operand's own operands matter. */
        return CG_WALK_SKIP_CHILDREN;
    }
    if (cg_gn_is(n, CG_GK_IDENTIFIER) && cg_gopkg_binding(w->pkg->go, w->file, n) == w->binding) {
        w->found = true;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

/* A local that holds an object built around the owner (iter :=
 * &Iterator{cfg: c}) and is read after the call keeps the owner reachable. */
static bool holder_read_after(stored_walk *w, cg_gn left) {
    for (uint32_t i = 0; i < cg_gn_count(left); i++) {
        cg_gn l = cg_gn_unparen(cg_gn_child(left, i));
        cg_gobinding *holder = cg_gn_is(l, CG_GK_IDENTIFIER) ? cg_gopkg_binding(w->pkg->go, w->file, l) : NULL;
        if (holder && holder != w->binding && cg_cfg_read_after(w->pkg->go, w->file, holder, w->call)) return true;
    }
    return false;
}

static cg_walk_action visit_store(cg_gn n, void *arg) {
    stored_walk *w = arg;
    if (cg_gn_start(n) >= w->before) return CG_WALK_STOP;
    if (!cg_gn_is(n, CG_GK_ASSIGNMENT_STATEMENT) && !cg_gn_is(n, CG_GK_SHORT_VAR_DECLARATION))
        return CG_WALK_CONTINUE;
    cg_gn left = cg_gn_field(n, CG_GF_LEFT);
    bool outliving = false;
    for (uint32_t i = 0; i < cg_gn_count(left) && cg_gn_is(n, CG_GK_ASSIGNMENT_STATEMENT); i++) {
        cg_gn l = cg_gn_unparen(cg_gn_child(left, i));
        /* A plain local is not a place that outlives the function. */
        if (!cg_gn_is(l, CG_GK_IDENTIFIER) || !cg_gopkg_binding(w->pkg->go, w->file, l)) outliving = true;
    }
    cg_gn right = cg_gn_field(n, CG_GF_RIGHT);
    if (outliving) cg_walk(right, visit_value_use, w);
    /* Built into a composite literal that a live local holds. */
    if (!w->found && cg_gn_is(cg_lvalue_root(cg_gn_child(right, 0)), CG_GK_COMPOSITE_LITERAL)) {
        cg_walk(right, visit_value_use, w);
        if (w->found && !holder_read_after(w, left)) w->found = false;
    }
    return w->found ? CG_WALK_STOP : CG_WALK_SKIP_CHILDREN;
}

static bool stored_before(cg_package *pkg, cg_gofile *file, cg_gn obj, cg_gn call) {
    cg_gobinding *b = cg_gopkg_binding(pkg->go, file, obj);
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, call);
    if (!b || !fn) return false;
    stored_walk w = {pkg, file, b, cg_gn_start(call), call, false};
    cg_walk(cg_gn_field(fn->node, CG_GF_BODY), visit_store, &w);
    return w.found;
}

typedef struct registration_walk {
    cg_check_ctx *ctx;
    cg_gofile *file;
    const cg_gobinding *owner;
    cg_gn call;
    bool registers; /* a registration for the owner in this function */
    bool precedes;  /* ... that may run before the call */
} registration_walk;

static cg_walk_action visit_registration(cg_gn n, void *arg) {
    registration_walk *w = arg;
    if (cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_SKIP_CHILDREN;
    cg_finalizer fin;
    if (!cg_gn_is(n, CG_GK_CALL_EXPRESSION) || !cg_finalizer_at(w->ctx->pkg, w->file, n, &fin)) return CG_WALK_CONTINUE;
    cg_gn root = cg_lvalue_root(cg_x_strip_conversions(w->ctx->pkg, w->file, fin.object));
    if (!cg_gn_is(root, CG_GK_IDENTIFIER) || cg_gopkg_binding(w->ctx->pkg->go, w->file, root) != w->owner)
        return CG_WALK_CONTINUE;
    w->registers = true;
    if (cg_cfg_may_precede(w->ctx->pkg->go, w->file, n, w->call)) w->precedes = true;
    return CG_WALK_CONTINUE;
}

/* May the owner have its finalizer when the C call runs? When the function
 * registers one for it, that registration must be able to run first; an
 * object the function makes itself (&T{...}, new(T)) without registering
 * one has none. Otherwise (a parameter, the result of a constructor): yes. */
static bool may_have_finalizer(cg_check_ctx *ctx, cg_gofile *file, const cg_gobinding *owner, cg_gn call) {
    const cg_cfg *cfg = cg_cfg_around(ctx->pkg->go, file, call);
    if (!cfg) return true;
    registration_walk w = {ctx, file, owner, call, false, false};
    cg_walk(cg_go_func_body(cfg->func), visit_registration, &w);
    if (w.registers) return w.precedes;
    cg_gn v = cg_gn_unparen(cg_binding_single_value(owner));
    if (cg_gn_is(cg_go_addr_operand(v), CG_GK_COMPOSITE_LITERAL)) return false;
    if (cg_gn_is(v, CG_GK_CALL_EXPRESSION)) {
        cg_gn fn = cg_gn_unparen(cg_go_call_func(v));
        if (cg_gn_is(fn, CG_GK_IDENTIFIER) && cg_node_text_eq(file, fn, "new") &&
            !cg_gopkg_decl(ctx->pkg->go, "new") && !cg_gopkg_binding(ctx->pkg->go, file, fn))
            return false;
    }
    return true;
}

enum { MAX_CALLER_LEVELS = 3 };

typedef struct keep_alive {
    cg_check_ctx *ctx;
    int level;
    bool all;
} keep_alive;

static bool callers_keep_alive(cg_check_ctx *ctx, cg_gofile *file, const cg_gobinding *b, int level);

/* A local argument must be read after the call (or, when it is a parameter
 * of an unexported function itself, be kept alive by that function's
 * callers: compress hands gozstd's pooled context to compressInternal, and
 * its caller puts it back into the pool after); a temporary (NewT().M()) is
 * not kept; a field or a package variable is held by something else. */
static bool caller_keeps_alive(cg_gofile *file, cg_gn call, cg_gn arg, void *arg_ctx) {
    keep_alive *k = arg_ctx;
    cg_gn root = cg_lvalue_root(cg_x_strip_conversions(k->ctx->pkg, file, arg));
    cg_gobinding *held = cg_gn_is(root, CG_GK_IDENTIFIER) ? cg_gopkg_binding(k->ctx->pkg->go, file, root) : NULL;
    if (!arg || cg_gn_is(root, CG_GK_CALL_EXPRESSION) || cg_gn_is(root, CG_GK_COMPOSITE_LITERAL) ||
        (held && !cg_cfg_read_after(k->ctx->pkg->go, file, held, call) &&
         !callers_keep_alive(k->ctx, file, held, k->level + 1)))
        k->all = false;
    return k->all;
}

/* Does every call of the unexported function that declares the owner (a
 * parameter or the receiver) keep the object it passes alive after the
 * call, up to a few levels up? (With no call at all, the function is dead
 * code: nothing races.) */
static bool callers_keep_alive(cg_check_ctx *ctx, cg_gofile *file, const cg_gobinding *b, int level) {
    if (level >= MAX_CALLER_LEVELS) return false;
    keep_alive k = {ctx, level, true};
    return cg_check_each_caller(ctx, file, b, caller_keeps_alive, &k) && k.all;
}

static void check_call(cg_check_ctx *ctx, const cg_strmap *by_field, const cg_ccall *call) {
    cg_gofile *file = call->file;
    for (uint32_t a = 0; a < call->arg_count; a++) {
        cg_gn arg = cg_gn_child(call->args, a);
        const released *r = NULL;
        cg_gn sel = released_selector(ctx, by_field, file, arg, &r);
        if (!sel) continue;
        cg_gn obj = cg_gn_unparen(cg_gn_field(sel, CG_GF_OPERAND));
        /* The owner itself, or reached through fields of a local
         * (h.thing.p): then the local keeps it reachable, while it lives. */
        cg_gn root = cg_gn_is(obj, CG_GK_SELECTOR_EXPRESSION) ? cg_lvalue_root(obj) : obj;
        cg_gobinding *b = cg_gn_is(root, CG_GK_IDENTIFIER) ? cg_gopkg_binding(ctx->pkg->go, file, root) : NULL;
        if (!b) continue; /* a package variable stays reachable */
        if (cg_cfg_read_after(ctx->pkg->go, file, b, call->call)) continue;
        if (stored_before(ctx->pkg, file, root, call->call)) continue;
        if (!may_have_finalizer(ctx, file, b, call->call)) continue;
        if (callers_keep_alive(ctx, file, b, 0)) continue;
        const char *o = cg_node_text(file, obj);
        const char *kind = r->fin.is_cleanup ? "cleanup" : "finalizer";
        cg_diag *d = cg_check_report(
            ctx, file, arg,
            "C.%s uses %s.%s, a C resource that the %s of *%s releases, but %s is not used after the "
            "call: the collector may free %s and run the %s while C.%s is still running",
            call->name, o, r->field, kind, r->owner, o, o, kind, call->name);
        cg_check_note(ctx, d, cg_check_loc(r->fin.file, r->fin.call), "runtime.%s registers %s here",
                      r->fin.is_cleanup ? "AddCleanup" : "SetFinalizer", r->fin.func_name);
        cg_check_note(ctx, d, cg_check_loc(r->fin.func_file, r->release),
                      "the %s releases the resource here, %s", kind,
                      r->fin.is_cleanup ? "on a runtime cleanup goroutine" : "on the runtime's finalizer goroutine");
        if (call->cfunc && call->cfunc->has_body)
            cg_check_note(ctx, d, call->cfunc->body_loc,
                          "%s keeps using its argument until it returns", call->cfunc->name);
        cg_check_fix(ctx, d,
                     "keep %s reachable until C is done: add runtime.KeepAlive(%s) after the call "
                     "(or `defer runtime.KeepAlive(%s)`)",
                     o, o, o);
    }
}

static void check(cg_check_ctx *ctx) {
    released_vec rel = {0};
    collect(ctx, &rel);
    range_vec bodies = {0};
    for (size_t i = 0; i < rel.len; i++) {
        cg_gn f = rel.items[i].fin.func;
        body_range r = {rel.items[i].fin.func_file, cg_gn_start(f), cg_gn_end(f)};
        cg_vec_push(&bodies, r);
    }
    if (bodies.len) qsort(bodies.items, bodies.len, sizeof bodies.items[0], range_cmp);
    cg_strmap by_field;
    cg_strmap_init(&by_field);
    char key[512];
    for (size_t i = 0; i < rel.len; i++) {
        released_key(key, sizeof key, rel.items[i].owner, rel.items[i].field);
        if (!cg_strmap_get(&by_field, key)) cg_strmap_put(&by_field, key, &rel.items[i]);
    }
    for (size_t i = 0; rel.len && i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        if (!in_finalizer(&bodies, call)) check_call(ctx, &by_field, call);
    }
    cg_strmap_free(&by_field);
    cg_vec_free(&bodies);
    cg_vec_free(&rel);
}

const cg_rule cg_rule_CG020 = {
    .id = "CG020",
    .name = "finalizer-use-race",
    .severity = CG_SEV_WARNING,
    .summary = "object with a C-freeing finalizer dies during a C call",
    .check = check,
};
