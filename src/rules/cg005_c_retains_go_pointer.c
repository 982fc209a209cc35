/*
 * CG005 c-retains-go-pointer: C code keeps a copy of a Go pointer after the
 * call returns (cmd/cgo, "Passing pointers": "C code may not keep a copy of
 * a Go pointer after the call returns, unless the memory it points to is
 * pinned with runtime.Pinner and the Pinner is not unpinned while the Go
 * pointer is stored in C memory").
 *
 * At each Go call C.f(args): when the summary of f (csummary.h) says that a
 * parameter is kept (stored in a global, in kept malloc'd memory, handed to
 * a thread, set as thread-specific data) or stored into the object another
 * argument points to while that argument is C memory, and the argument is a
 * Go pointer (Go provenance, or a built Go string to a _GoString_), the
 * finding traces Go call -> C parameter -> each C call -> the keeping line.
 *
 * Pinning: a value pinned with runtime.Pinner.Pin in the function stays
 * silent unless the same Pinner is unpinned after the call (or by a defer)
 * with no other C call in between that could make C drop the pointer: then
 * C still holds it when the pin ends. Strings cannot be pinned. Calls to
 * `#cgo noescape` functions are CG018's finding when the directive exists.
 */
#include "ckept.h"
#include "cside.h"

#include <string.h>

typedef struct pin_find {
    cg_package *pkg;
    cg_gofile *file;
    const char *object;  /* text of the pinned object ("x" for Pin(&x)) */
    cg_gn pinner;       /* receiver of the matching Pin call */
    uint32_t after;      /* byte offset: end of the C call */
    cg_gn unpin;        /* first Unpin of that pinner that ends the pin too early */
    bool unpin_deferred;
} pin_find;

/* The object a Pin argument names: Pin(&x), Pin(unsafe.Pointer(&x)), Pin(p). */
static const char *pinned_object(cg_package *pkg, cg_gofile *file, cg_gn arg) {
    arg = cg_x_strip_conversions(pkg, file, arg);
    if (cg_gn_is(arg, CG_GK_UNARY_EXPRESSION) && cg_gn_op(arg) == CG_GOP_AMP)
        arg = cg_gn_field(arg, CG_GF_OPERAND);
    return cg_node_text(file, arg);
}

static bool is_method_call(cg_gofile *file, cg_gn call, const char *method, cg_gn *recv) {
    cg_gn callee = cg_gn_field(call, CG_GF_FUNCTION);
    if (!cg_gn_is(callee, CG_GK_SELECTOR_EXPRESSION) ||
        !cg_node_text_eq(file, cg_gn_field(callee, CG_GF_FIELD), method))
        return false;
    *recv = cg_gn_field(callee, CG_GF_OPERAND);
    return true;
}

static cg_walk_action visit_pin(cg_gn n, void *arg) {
    pin_find *pf = arg;
    if (!cg_gn_is(n, CG_GK_CALL_EXPRESSION)) return CG_WALK_CONTINUE;
    cg_gn args = cg_gn_field(n, CG_GF_ARGUMENTS), recv;
    if (is_method_call(pf->file, n, "Pin", &recv) && cg_gn_count(args) == 1 &&
        strcmp(pinned_object(pf->pkg, pf->file, cg_gn_child(args, 0)), pf->object) == 0)
        pf->pinner = recv;
    return CG_WALK_CONTINUE;
}

static bool inside_defer(cg_gn n) {
    for (cg_gn p = cg_gn_parent(n); p; p = cg_gn_parent(p)) {
        if (cg_gn_is(p, CG_GK_DEFER_STATEMENT)) return true;
        if (cg_gn_is(p, CG_GK_FUNC_LITERAL) || cg_gn_is(p, CG_GK_FUNCTION_DECLARATION)) return false;
    }
    return false;
}

static cg_walk_action visit_unpin(cg_gn n, void *arg) {
    pin_find *pf = arg;
    if (!cg_gn_is(n, CG_GK_CALL_EXPRESSION) || pf->unpin) return CG_WALK_CONTINUE;
    cg_gn recv;
    if (!is_method_call(pf->file, n, "Unpin", &recv) ||
        strcmp(cg_node_text(pf->file, recv), cg_node_text(pf->file, pf->pinner)) != 0)
        return CG_WALK_CONTINUE;
    bool deferred = inside_defer(n);
    if (deferred || cg_gn_start(n) >= pf->after) {
        pf->unpin = n;
        pf->unpin_deferred = deferred;
    }
    return CG_WALK_CONTINUE;
}

/* Is `arg` pinned for as long as C keeps it? Sets *unpin_early to the Unpin
 * that ends the pin while C may still hold the pointer. */
static bool pinned_while_kept(cg_check_ctx *ctx, const cg_ccall *call, cg_gn arg, cg_gn *unpin_early) {
    cg_package *pkg = ctx->pkg;
    *unpin_early = NULL;
    /* A string's bytes cannot be pinned (cmd/cgo: _GoString_ values may
     * not be retained); Pin(&s) pins the header variable only. */
    cg_gotype *t = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, call->file, arg));
    if (t && t->kind == CG_GT_STRING) return false;
    if (!cg_x_is_pinned(pkg, call->file, call->call, arg)) return false;
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, call->file, call->call);
    if (!fn) return false;
    pin_find pf = {.pkg = pkg, .file = call->file, .object = pinned_object(pkg, call->file, arg),
                   .after = cg_gn_end(call->call)};
    cg_walk(fn->node, visit_pin, &pf);
    if (!pf.pinner) return true; /* pinned by a form we do not follow: trust it */
    cg_walk(fn->node, visit_unpin, &pf);
    if (!pf.unpin) return true; /* never unpinned here: the pin outlives the call */
    /* Another C call between the keeping call and the Unpin may be the one
     * that makes C forget the pointer (a release/unregister call). */
    uint32_t end = pf.unpin_deferred ? cg_gn_end(fn->node) : cg_gn_start(pf.unpin);
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *other = &ctx->facts->ccalls.items[i];
        if (other->file != call->file) continue;
        uint32_t at = cg_gn_start(other->call);
        if (at >= pf.after && at < end && cg_gopkg_func_at(pkg->go, other->file, other->call) == fn)
            return true;
    }
    *unpin_early = pf.unpin;
    return false;
}

static void report(cg_check_ctx *ctx, const cg_ccall *call, const cg_csummary *s, uint32_t index, cg_gn arg,
                   const char *what, const cg_ctrace *trace, const char *how, cg_gn unpin) {
    const char *param = cg_ckept_param_name(ctx, s, index);
    cg_diag *d = cg_check_report(ctx, call->file, arg,
                                 "C.%s keeps a Go pointer after the call returns: %s, and "
                                 "parameter '%s' of %s %s%s",
                                 call->name, what, param, s->name, how,
                                 !unpin ? "; the garbage collector may free or reuse the memory "
                                                          "while C still holds it"
                                                        : "");
    const cg_cfunc *fn = s->func;
    cg_ckept_note_param(ctx, d, s, index);
    cg_cside_note_trace(ctx, d, trace, NULL, 16);
    if (unpin)
        cg_check_note(ctx, d, cg_check_loc(call->file, unpin),
                      "the Pinner is unpinned here while C still holds the pointer; nothing keeps the "
                      "memory alive after that");
    const char *assumed = s->params[index].assumed_unknown_callee;
    if (assumed)
        cg_check_note(ctx, d, fn->body_loc,
                      "%s also passes it to %s, whose behaviour is unknown (assumed not to keep)", fn->name,
                      assumed);
    bool has_pinner = ctx->opts->go_minor == 0 || ctx->opts->go_minor >= 21;
    cg_check_fix(ctx, d,
                 "give C its own copy (C.malloc/C.CBytes and copy, freed by C), pass a cgo.Handle, or %s",
                 has_pinner ? "pin the object with runtime.Pinner before the call and Unpin only after C has "
                              "dropped the pointer"
                            : "upgrade to Go 1.21+ for runtime.Pinner (the analysed Go version has none)");
}

static void check_call(cg_check_ctx *ctx, cg_cmem *cm, const cg_ccall *call, const cg_csummary *s) {
    bool noescape_owned = cg_strmap_get(&ctx->pkg->noescape, call->name) &&
                          (ctx->opts->go_minor == 0 || ctx->opts->go_minor >= 24);
    if (noescape_owned) return; /* CG018 reports it with the stack mechanism */
    cg_gn args[32];
    uint32_t n = cg_call_args(call->call, args, 32);
    for (uint32_t i = 0; i < n && i < s->param_count; i++) {
        const char *how, *what;
        const cg_ctrace *trace = cg_ckept_outlives(ctx, cm, call, s, i, args, n, false, &how);
        if (!trace || !cg_ckept_arg_is_go_pointer(ctx, cm, call, i, args[i], &what)) continue;
        cg_gn unpin = NULL;
        if (pinned_while_kept(ctx, call, args[i], &unpin)) continue;
        report(ctx, call, s, i, args[i], what, trace, how, unpin);
    }
}

static void check(cg_check_ctx *ctx) { cg_ckept_each_call(ctx, check_call); }

const cg_rule cg_rule_CG005 = {
    .id = "CG005",
    .name = "c-retains-go-pointer",
    .severity = CG_SEV_ERROR,
    .summary = "pointer to Go memory kept by C after the call returns",
    .check = check,
};
