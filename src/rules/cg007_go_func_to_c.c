/*
 * CG007 go-func-to-c: a Go func value, closure or method value, or a pointer
 * to one, reaches C: as a C call argument, converted to a C function pointer
 * type (*[0]byte or a C function-pointer typedef), or stored into a C struct.
 *
 * C cannot call Go code except through an //export wrapper: the func value's
 * code pointer is compiled for Go's internal ABI (arguments in Go's
 * registers, the closure context in RDX on amd64, a g in R14) and runs only
 * on a goroutine stack; a C call through it crashes or corrupts state. Each
 * func value is reported once, at the place it crosses (funcval.h finds the
 * unsafe routes: &f, *(*unsafe.Pointer)(...), reflect.ValueOf(f).Pointer()).
 */
#include <string.h>

#include "../model/funcval.h"
#include "check.h"

/* The func values already reported (file, start byte): each is reported once. */
typedef struct seen_key {
    const cg_gofile *file;
    uint32_t start;
} seen_key;
typedef struct seen_set {
    CG_VEC(seen_key) keys;
} seen_set;

static bool first_time(seen_set *seen, const cg_gofile *file, cg_gn source) {
    seen_key key = {file, cg_gn_start(source)};
    for (size_t i = 0; i < seen->keys.len; i++)
        if (seen->keys.items[i].file == file && seen->keys.items[i].start == key.start) return false;
    cg_vec_push(&seen->keys, key);
    return true;
}

static const char *fix_text =
    "C can call Go only through an //export function: declare `//export goCallback` (callable "
    "from C as goCallback, passed as (*[0]byte)(C.goCallback) or via a C wrapper), and pass "
    "the Go state it needs as a cgo.Handle (cgo.NewHandle(f), C.uintptr_t(h); the callback "
    "calls cgo.Handle(h).Value() and h.Delete() when done)";

static void report(cg_check_ctx *ctx, seen_set *seen, cg_gofile *file, cg_gn at, cg_gn source,
                   const char *how, const char *where) {
    if (!first_time(seen, file, source)) return;
    cg_diag *d = cg_check_report(ctx, file, at,
                                 "%s %s: a Go func runs only on a goroutine stack with Go's internal "
                                 "ABI and closure context, so C calling through it crashes",
                                 how, where);
    cg_check_note(ctx, d, cg_check_loc(file, source), "the Go func value");
    cg_check_fix(ctx, d, "%s", fix_text);
}

/* ---- C call arguments ---- */

static void check_calls(cg_check_ctx *ctx, seen_set *seen) {
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        if (strcmp(call->name, "free") == 0) continue;
        for (uint32_t a = 0; a < call->arg_count; a++) {
            cg_gn arg = cg_gn_child(call->args, a);
            const char *how;
            bool code;
            cg_gn src = cg_x_go_func_source(ctx->pkg, call->file, arg, &how, &code);
            if (!src || !first_time(seen, call->file, src)) continue;
            const cg_cfunc *fn = call->cfunc;
            bool as_function = code || (fn && a < fn->param_count &&
                                        fn->params[a].type.kind == CG_CTYPE_FUNC_POINTER);
            cg_diag *d = cg_check_report(
                ctx, call->file, arg, "C.%s receives %s: %s", call->name, how,
                as_function ? "a Go func runs only on a goroutine stack with Go's internal ABI and "
                              "closure context, so C calling through it crashes"
                            : "C can neither call the func behind it (Go's internal ABI, no goroutine "
                              "on the C side) nor keep it (Go memory holding a Go pointer)");
            if (fn && a < fn->param_count)
                cg_check_note(ctx, d, fn->params[a].loc, "C parameter '%s' (%s) of %s receives it%s",
                              cg_check_param_name(ctx, fn, a), fn->params[a].type.spelling, fn->name,
                              fn->params[a].type.kind == CG_CTYPE_FUNC_POINTER
                                  ? " as a C function pointer"
                                  : "");
            cg_check_note(ctx, d, cg_check_loc(call->file, src), "the Go func value");
            cg_check_fix(ctx, d, "%s", fix_text);
        }
    }
}

/* ---- Conversions to C function pointers and stores into C structs ---- */

typedef struct sink_walk {
    cg_check_ctx *ctx;
    seen_set *seen;
    cg_gofile *file;
} sink_walk;

/* Is the target of a conversion a C function pointer: *[0]byte (what cgo
 * maps every C function pointer type to) or a C typedef of one? */
static bool is_c_func_pointer_conversion(sink_walk *w, cg_gn conv, cg_gotype *target) {
    cg_package *pkg = w->ctx->pkg;
    if (target->kind == CG_GT_C) {
        cg_ctype ct;
        return cg_x_ctype(pkg, target, &ct) && ct.kind == CG_CTYPE_FUNC_POINTER;
    }
    if (target->kind != CG_GT_POINTER || !target->elem || target->elem->kind != CG_GT_ARRAY) return false;
    cg_gn type = cg_gn_field(conv, CG_GF_TYPE);
    if (!type) type = cg_gn_field(conv, CG_GF_FUNCTION);
    const char *text = cg_node_text(w->file, type);
    return strstr(text, "[0]byte") != NULL;
}

static bool is_c_type(cg_package *pkg, cg_gotype *t) {
    t = cg_gotype_underlying(pkg->go, t);
    if (t && t->kind == CG_GT_POINTER) t = cg_gotype_underlying(pkg->go, t->elem);
    return t && t->kind == CG_GT_C;
}

static void check_value(sink_walk *w, cg_gn value, const char *where) {
    const char *how;
    cg_gn src = cg_x_go_func_source(w->ctx->pkg, w->file, value, &how, NULL);
    if (src) report(w->ctx, w->seen, w->file, value, src, how, where);
}

static void check_assignment(sink_walk *w, cg_gn n) {
    cg_package *pkg = w->ctx->pkg;
    cg_gn left = cg_gn_field(n, CG_GF_LEFT), right = cg_gn_field(n, CG_GF_RIGHT);
    uint32_t count = cg_gn_count(left);
    if (count != cg_gn_count(right)) return;
    for (uint32_t i = 0; i < count; i++) {
        cg_gn target = cg_gn_child(left, i);
        if (!cg_gn_is(target, CG_GK_SELECTOR_EXPRESSION)) continue;
        cg_gn base = cg_gn_field(target, CG_GF_OPERAND);
        if (!is_c_type(pkg, cg_gopkg_type_of_expr(pkg->go, w->file, base))) continue;
        const char *where = cg_arena_printf(&pkg->arena, "is stored into the C struct field %s",
                                            cg_node_text(w->file, target));
        check_value(w, cg_gn_child(right, i), where);
    }
}

static void check_literal(sink_walk *w, cg_gn lit) {
    cg_package *pkg = w->ctx->pkg;
    cg_gotype *t = cg_gotype_underlying(pkg->go, cg_gopkg_type_of_expr(pkg->go, w->file, lit));
    if (!t || t->kind != CG_GT_C) return;
    cg_gn body = cg_gn_field(lit, CG_GF_BODY);
    uint32_t n = cg_gn_count(body);
    for (uint32_t i = 0; i < n; i++) {
        cg_gn el = cg_gn_child(body, i);
        cg_gn value = el;
        const char *where = "is stored into a C struct";
        if (cg_gn_is(el, CG_GK_KEYED_ELEMENT)) {
            value = cg_gn_field(el, CG_GF_VALUE);
            where = cg_arena_printf(&pkg->arena, "is stored into the C struct field %s",
                                    cg_node_text(w->file, cg_gn_field(el, CG_GF_KEY)));
        }
        if (cg_gn_is(value, CG_GK_LITERAL_ELEMENT)) value = cg_gn_child(value, 0);
        check_value(w, value, where);
    }
}

static cg_walk_action visit_sink(cg_gn n, void *arg) {
    sink_walk *w = arg;
    cg_package *pkg = w->ctx->pkg;
    if (cg_gn_is(n, CG_GK_ASSIGNMENT_STATEMENT)) {
        check_assignment(w, n);
    } else if (cg_gn_is(n, CG_GK_COMPOSITE_LITERAL)) {
        check_literal(w, n);
    } else if (cg_gn_is(n, CG_GK_TYPE_CONVERSION_EXPRESSION) || cg_gn_is(n, CG_GK_CALL_EXPRESSION)) {
        cg_gn operand;
        cg_gotype *target = cg_gopkg_conversion(pkg->go, w->file, n, &operand);
        if (target && is_c_func_pointer_conversion(w, n, target))
            check_value(w, n, "is converted to a C function pointer");
    }
    return CG_WALK_CONTINUE;
}

static void check(cg_check_ctx *ctx) {
    seen_set seen = {0};
    /* Calls first: a func value passed to C is best reported at the argument. */
    check_calls(ctx, &seen);
    for (size_t i = 0; i < ctx->pkg->go->files.len; i++) {
        sink_walk w = {ctx, &seen, ctx->pkg->go->files.items[i]};
        cg_walk(w.file->root, visit_sink, &w);
    }
    cg_vec_free(&seen.keys);
}

const cg_rule cg_rule_CG007 = {
    .id = "CG007",
    .name = "go-func-to-c",
    .severity = CG_SEV_ERROR,
    .summary = "func value, closure or pointer to one passed to C",
    .check = check,
};
