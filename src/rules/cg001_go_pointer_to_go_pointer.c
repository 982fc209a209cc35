/*
 * CG001 go-pointer-to-go-pointer: Go passes C a pointer to Go memory that
 * holds unpinned Go pointers (cmd/cgo, "Passing pointers").
 *
 * For each argument of a C call: if it points into Go memory (&x, &s[i],
 * &x.f, new(T), a composite literal, through unsafe.Pointer and C pointer
 * conversions), the memory the runtime checks (the whole variable, the whole
 * backing array for an element, only the field for a field) must not hold Go
 * pointers; C struct pointer fields count when a Go pointer is stored in them.
 * Values whose inner pointer is pinned with runtime.Pinner stay silent.
 */
#include <string.h>

#include "../model/funcval.h"
#include "check.h"
#include "../model/gofacts.h"

/* cgo's generated code checks each pointer argument by calling
 * _cgoCheckPointer; a local of that name declared before the call (blst:
 * `_cgoCheckPointer := func(...interface{}) {}`) shadows it, and cgocheck
 * no longer looks at the call. The rule is the same; only the runtime
 * check is gone. */
typedef struct shadow_search {
    cg_gopkg *pkg;
    cg_gofile *file;
    uint32_t before;
    cg_gn found;
} shadow_search;

static cg_walk_action find_shadow(cg_gn node, void *arg) {
    shadow_search *s = arg;
    if (cg_gn_start(node) >= s->before) return CG_WALK_SKIP_CHILDREN;
    if (cg_gn_is(node, CG_GK_IDENTIFIER) && strcmp(cg_node_text(s->file, node), "_cgoCheckPointer") == 0 &&
        cg_gopkg_declares(s->pkg, s->file, node)) {
        s->found = node;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

static cg_gn cgocheck_shadowed(cg_package *pkg, cg_gofile *file, cg_gn call) {
    cg_gofunc *fn = cg_gopkg_func_at(pkg->go, file, call);
    if (!fn || !cg_gofile_mentions(file, fn->node->start, cg_gn_start(call), "_cgoCheckPointer")) return NULL;
    shadow_search s = {pkg->go, file, cg_gn_start(call), NULL};
    cg_walk(fn->node, find_shadow, &s);
    return s.found;
}

static void check_argument(cg_check_ctx *ctx, const cg_ccall *call, uint32_t index, cg_gn arg) {
    cg_package *pkg = ctx->pkg;
    cg_gofile *file = call->file;
    cg_gotype *type = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, arg));
    if (!type || (type->kind != CG_GT_POINTER && type->kind != CG_GT_UNSAFE_POINTER &&
                  type->kind != CG_GT_C && type->kind != CG_GT_UNKNOWN))
        return;
    /* C.uintptr_t(uintptr(p)) is an integer: cgocheck does not look at it
     * (CG006 reports the laundering). */
    cg_ctype ct;
    if (type->kind == CG_GT_C && cg_x_ctype(pkg, type, &ct) &&
        (ct.kind == CG_CTYPE_INTEGER || ct.kind == CG_CTYPE_FLOAT))
        return;
    if (cg_x_origin(pkg, file, arg) != CG_ORIGIN_GO) return;
    /* A pointer to a func value is CG007's finding (C may call through it). */
    const char *func_how;
    if ((cg_x_go_func_source(pkg, file, arg, &func_how, NULL))) return;
    const char *why = "";
    cg_gn stored;
    if (cg_x_pointee_holds_go_pointers(pkg, file, arg, &why, &stored) != CG_YES) return;
    if (stored && cg_x_is_pinned(pkg, file, call->call, stored)) return;

    cg_diag *d = cg_check_report(ctx, file, arg,
                                 "C.%s receives a Go pointer to Go memory that holds Go pointers: %s",
                                 call->name, why);
    const cg_cfunc *fn = call->cfunc;
    if (fn && index < fn->param_count)
        cg_check_note(ctx, d, fn->params[index].loc, "C parameter '%s' (%s) of %s receives it",
                      cg_check_param_name(ctx, fn, index), fn->params[index].type.spelling, fn->name);
    cg_gn shadow = cgocheck_shadowed(pkg, file, call->call);
    if (shadow)
        cg_check_note(ctx, d, cg_check_loc(file, shadow),
                      "this local _cgoCheckPointer shadows the one cgo's generated code calls: cgocheck is off "
                      "for the call, the rule is not");
    else if (fn && fn->has_body)
        cg_check_note(ctx, d, fn->body_loc, "%s is defined here; cgocheck panics before it runs",
                      fn->name);
    if (stored)
        cg_check_note(ctx, d, cg_check_loc(file, stored), "the inner Go pointer comes from here");
    char pin[128];
    cg_check_fix(ctx, d,
                 "give C memory it may keep (C.malloc and copy), pass the inner data separately, "
                 "or %s; for maps, copy the entries into C memory (libcgoguard snapshots)",
                 cg_go_pin_advice(ctx->opts->go_minor, "every inner pointer", "for the duration of the call", pin,
                                  sizeof pin));
}

static void check(cg_check_ctx *ctx) {
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        for (uint32_t a = 0; a < call->arg_count; a++)
            check_argument(ctx, call, a, cg_gn_child(call->args, a));
    }
}

const cg_rule cg_rule_CG001 = {
    .id = "CG001",
    .name = "go-pointer-to-go-pointer",
    .severity = CG_SEV_ERROR,
    .summary = "pointer to Go memory with unpinned Go pointers passed to C",
    .check = check,
};
