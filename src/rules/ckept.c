/*
 * ckept.c: Go-call-site helpers of the rules that read C summaries (see
 * ckept.h). Only those rules need them, so they stay out of check.c.
 */
#include "ckept.h"

#include "../model/funcval.h"

#include <string.h>

const cg_csummary *cg_ckept_summary(cg_check_ctx *ctx, const cg_ccall *call) {
    if (!call->cfunc || !call->cfunc->has_body) return NULL;
    return cg_cmodel_summary(ctx->pkg->c, call->name);
}

/* A _GoString_ parameter (cgo's view of a Go string: pointer and length). */
static bool is_gostring_param(const cg_cfunc *fn, uint32_t index) {
    return fn && index < fn->param_count && fn->params[index].type.spelling &&
           strstr(fn->params[index].type.spelling, "_GoString_") != NULL;
}

bool cg_ckept_arg_is_go_pointer(cg_check_ctx *ctx, cg_cmem *cm, const cg_ccall *call, uint32_t index,
                                cg_gn arg, const char **what) {
    cg_package *pkg = ctx->pkg;
    cg_gofile *file = call->file;
    if (is_gostring_param(call->cfunc, index)) {
        /* String constants live in read-only data, not in the Go heap:
         * cg_cmem_value_go_pointer says NO for them, YES for built strings. */
        cg_gotype *st = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, arg));
        if (!st || st->kind != CG_GT_STRING) return false;
        const char *why = "";
        cg_gn culprit;
        if (cg_cmem_value_go_pointer(cm, file, arg, st, &why, &culprit) != CG_YES) return false;
        *what = cg_arena_printf(&pkg->arena, "the bytes of the Go string %s are Go memory",
                                cg_node_text(file, arg));
        return true;
    }
    cg_gotype *type = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, file, arg));
    if (!type || (type->kind != CG_GT_POINTER && type->kind != CG_GT_UNSAFE_POINTER &&
                  type->kind != CG_GT_C && type->kind != CG_GT_UNKNOWN))
        return false;
    /* C.uintptr_t(uintptr(p)) is an integer: CG006's laundering, not ours. */
    cg_ctype ct;
    if (type->kind == CG_GT_C && cg_x_ctype(pkg, type, &ct) &&
        (ct.kind == CG_CTYPE_INTEGER || ct.kind == CG_CTYPE_FLOAT))
        return false;
    if (cg_x_origin(pkg, file, arg) != CG_ORIGIN_GO) return false;
    /* unsafe.Pointer(&h) of a cgo.Handle is CG015's finding (handle-misuse):
     * the fix there is to pass the handle value. */
    char addr_kind = 0;
    cg_gn target = cg_x_address_of(pkg, file, arg, &addr_kind);
    if (target) {
        cg_gotype *tt = cg_gopkg_type_of_expr(pkg->go, file, target);
        if (tt->kind == CG_GT_UINTPTR && strcmp(tt->name, "cgo.Handle") == 0) return false;
    }
    /* A pointer to a func value is CG007's finding (go-func-to-c). */
    const char *func_how = NULL;
    if ((cg_x_go_func_source(pkg, file, arg, &func_how, NULL))) return false;
    *what = cg_arena_printf(&pkg->arena, "%s points into Go memory", cg_node_text(file, arg));
    return true;
}

const char *cg_ckept_param_name(cg_check_ctx *ctx, const cg_csummary *s, size_t index) {
    if (index < s->param_count && s->params[index].name && *s->params[index].name)
        return s->params[index].name;
    return cg_arena_printf(&ctx->pkg->arena, "#%zu", index + 1);
}

static const char *keep_text(cg_ckeep_kind kind) {
    switch (kind) {
    case CG_KEEP_GLOBAL: return "is stored in global or static memory";
    case CG_KEEP_HEAP: return "is stored in malloc'd memory that is itself kept";
    case CG_KEEP_THREAD_ARG: return "is handed to a new thread as its start argument";
    case CG_KEEP_THREAD_LOCAL: return "is set as thread-specific data";
    case CG_KEEP_CALLBACK_ARG: return "is registered as callback data";
    case CG_KEEP_NONE: break;
    }
    return "is kept";
}

const cg_ctrace *cg_ckept_outlives(cg_check_ctx *ctx, cg_cmem *cm, const cg_ccall *call, const cg_csummary *s,
                                   uint32_t index, const cg_gn *args, uint32_t n, bool count_returned,
                                   const char **how) {
    const cg_cparam_summary *ps = &s->params[index];
    if (ps->kept_kind != CG_KEEP_NONE && ps->kept.len) {
        *how = keep_text(ps->kept_kind);
        return &ps->kept;
    }
    /* dst->p = p keeps p exactly when dst is C memory (csummary.h). */
    int into = ps->stored_into_param;
    if (ps->stored_into.len && into >= 0 && (uint32_t)into < n &&
        cg_cmem_pointer_origin(cm, call->file, args[into]) == CG_ORIGIN_C) {
        *how = cg_arena_printf(&ctx->pkg->arena, "is stored into the C memory that parameter '%s' (argument %s) "
                               "points to", cg_ckept_param_name(ctx, s, (size_t)into),
                               cg_node_text(call->file, args[into]));
        return &ps->stored_into;
    }
    if (count_returned && ps->returned.len) {
        *how = "is returned to Go";
        return &ps->returned;
    }
    return NULL;
}

void cg_ckept_note_param(cg_check_ctx *ctx, cg_diag *d, const cg_csummary *s, uint32_t index) {
    const cg_cfunc *fn = s->func;
    if (index >= fn->param_count) return;
    cg_check_note(ctx, d, fn->params[index].loc, "C parameter '%s' (%s) of %s receives it",
                  cg_ckept_param_name(ctx, s, index), fn->params[index].type.spelling, fn->name);
}

void cg_ckept_each_call(cg_check_ctx *ctx, cg_ckept_call_fn fn) {
    cg_cmem *cm = NULL;
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        const cg_csummary *s = cg_ckept_summary(ctx, call);
        if (!s) continue;
        if (!cm) cm = cg_cmem_new(ctx->pkg);
        fn(ctx, cm, call, s);
    }
    cg_cmem_free(cm);
}
