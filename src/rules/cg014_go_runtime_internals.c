/*
 * CG014 go-runtime-internals: code that reaches into the Go runtime's private
 * data structures or symbols across the cgo boundary.
 *
 * Three shapes:
 *  - a Go value whose representation the runtime owns (map, chan, interface,
 *    func) viewed through unsafe as some other pointer type:
 *    (*hmap)(unsafe.Pointer(&m)), *(*unsafe.Pointer)(unsafe.Pointer(&m)),
 *    (*[2]uintptr)(unsafe.Pointer(&iface));
 *  - such a value handed to C as a pointer to a C struct that copies a
 *    runtime layout (named hmap/bmap/hchan/iface/..., or with fields such as
 *    tophash, hash0, buckets+oldbuckets, dataqsiz);
 *  - //go:linkname pulling a private symbol of the runtime into a package
 *    that uses cgo.
 * Those layouts and symbols are not API: Go 1.24 replaced the map
 * implementation, and Go 1.23's linker refuses linknames the runtime does not
 * push. Each Go value is reported once, at the most specific site.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "../cfront/csummary.h"
#include "../model/goroot.h"
#include "check.h"
#include "../model/gofacts.h"

/* ---- Runtime-like C records ---- */

static const char *const runtime_type_names[] = {
    "hmap", "bmap", "hchan", "hiter", "mapextra", "eface", "iface", "itab", "funcval",
    "stringstruct", "sudog", "waitq", "maptype", "chantype", "rtype", "_type", "gobuf",
    "swissmap", "groupreference", "ctrlgroup",
};

/* Field names that only the runtime's map/chan headers use. */
static const char *const strong_fields[] = {"tophash", "hash0", "nevacuate", "oldbuckets", "noverflow",
                                            "dataqsiz", "globalshift", "dirptr"};
static const char *const weak_fields[] = {"buckets", "qcount", "sendx", "recvx", "recvq", "sendq",
                                          "elemsize", "dirlen", "globaldepth", "tab", "fun"};

static bool in_list(const char *const *list, size_t n, const char *s) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0) return true;
    return false;
}

/* Lowercases and drops "go"/"go_" prefixes and a "_t" suffix: GoHmap, go_hmap_t -> hmap. */
static void normalize(const char *in, char *out, size_t size) {
    size_t n = 0;
    if (strncasecmp(in, "go_", 3) == 0) in += 3;
    else if (strncasecmp(in, "go", 2) == 0 && isupper((unsigned char)in[2])) in += 2;
    for (; *in && n + 1 < size; in++) out[n++] = (char)tolower((unsigned char)*in);
    out[n] = '\0';
    if (n > 2 && strcmp(out + n - 2, "_t") == 0) out[n - 2] = '\0';
}

/* Why a C record looks like a runtime structure (for the message), or NULL. */
static const char *runtime_like(cg_package *pkg, const cg_crecord *r) {
    char name[64];
    normalize(r->tag, name, sizeof name);
    if (in_list(runtime_type_names, sizeof runtime_type_names / sizeof *runtime_type_names, name))
        return cg_arena_printf(&pkg->arena, "%s is named like the runtime's %s", r->spelling, name);
    unsigned strong = 0, weak = 0;
    const char *first = NULL;
    for (size_t i = 0; i < r->field_count; i++) {
        char field[64];
        normalize(r->fields[i].name, field, sizeof field);
        if (in_list(strong_fields, sizeof strong_fields / sizeof *strong_fields, field)) strong++;
        else if (in_list(weak_fields, sizeof weak_fields / sizeof *weak_fields, field)) weak++;
        else continue;
        if (!first) first = r->fields[i].name;
    }
    if (strong >= 1 || weak >= 2)
        return cg_arena_printf(&pkg->arena, "%s has runtime map/chan header fields (%s, ...)",
                               r->spelling, first);
    return NULL;
}

/* The runtime-like record a C type points to (or is), or NULL. */
static const cg_crecord *runtime_record(cg_package *pkg, const cg_ctype *t, const char **why) {
    if (!t->record_tag || (t->kind != CG_CTYPE_POINTER && t->kind != CG_CTYPE_RECORD)) return NULL;
    const cg_crecord *r = cg_cmodel_record(pkg->c, t->record_tag, t->record_is_union);
    if (!r) return NULL;
    *why = runtime_like(pkg, r);
    return *why ? r : NULL;
}

/* ---- Go values the runtime owns ---- */

static const char *runtime_kind(cg_package *pkg, cg_gotype *t) {
    t = cg_gotype_underlying(pkg->go, t);
    if (!t) return NULL;
    switch (t->kind) {
    case CG_GT_MAP: return "map";
    case CG_GT_CHAN: return "channel";
    case CG_GT_INTERFACE: return "interface";
    case CG_GT_FUNC: return "func";
    default: return NULL;
    }
}

/* unsafe.Pointer(&x) (parentheses allowed) where x is a map, chan, interface
 * or func: returns x and sets *kind; else a null node. */
static cg_gn runtime_value_address(cg_package *pkg, cg_gofile *file, cg_gn expr, const char **kind) {
    expr = cg_gn_unparen(expr);
    cg_gn operand;
    cg_gotype *t = cg_gopkg_conversion(pkg->go, file, expr, &operand);
    if (!t || t->kind != CG_GT_UNSAFE_POINTER) return NULL;
    cg_gn addr = cg_gn_unparen(operand);
    if (!cg_gn_is(addr, CG_GK_UNARY_EXPRESSION) || cg_gn_op(addr) != CG_GOP_AMP)
        return NULL;
    cg_gn x = cg_gn_unparen(cg_gn_field(addr, CG_GF_OPERAND));
    *kind = runtime_kind(pkg, cg_gopkg_type_of_expr(pkg->go, file, x));
    return *kind ? x : NULL;
}

/* Looks through conversions and dereferences for unsafe.Pointer(&x). */
static cg_gn find_runtime_value(cg_package *pkg, cg_gofile *file, cg_gn expr, const char **kind) {
    for (int i = 0; i < 8 && expr; i++) {
        cg_gn x = runtime_value_address(pkg, file, expr, kind);
        if (x) return x;
        expr = cg_gn_unparen(expr);
        cg_gn operand;
        if (cg_gopkg_conversion(pkg->go, file, expr, &operand)) expr = operand;
        else if (cg_gn_is(expr, CG_GK_UNARY_EXPRESSION) &&
                 cg_gn_op(expr) == CG_GOP_STAR)
            expr = cg_gn_field(expr, CG_GF_OPERAND);
        else break;
    }
    return NULL;
}

typedef struct seen_key {
    const cg_gofile *file;
    uint32_t start;
} seen_key;
typedef CG_VEC(seen_key) seen_vec;

static bool first_time(seen_vec *seen, const cg_gofile *file, cg_gn node) {
    seen_key key = {file, cg_gn_start(node)};
    for (size_t i = 0; i < seen->len; i++)
        if (seen->items[i].file == file && seen->items[i].start == key.start) return false;
    cg_vec_push(seen, key);
    return true;
}

static const char *layout_history(const char *kind) {
    return strcmp(kind, "map") == 0 ? " (Go 1.24 replaced hmap/bmap with Swiss tables)" : "";
}

static const char *fix_text(const char *kind) {
    if (strcmp(kind, "map") == 0)
        return "pass C the data, not the runtime's structure: copy the entries into C memory (or a "
               "libcgoguard snapshot) or export Go accessors (//export) that C calls";
    if (strcmp(kind, "interface") == 0)
        return "pass the dynamic value itself (or a cgo.Handle for it), not the interface's words";
    if (strcmp(kind, "func") == 0)
        return "use an //export function and a cgo.Handle instead of the func value's words";
    return "use Go code (or //export functions called from C) to operate on the channel";
}

/* A cast in C's body of parameter a of fn to a runtime-like record
 * (`struct hmap *h = *(struct hmap **)m` with `void *m`), or NULL. */
static const cg_cview *runtime_view(cg_package *pkg, const cg_cfunc *fn, uint32_t a,
                                    const cg_crecord **r, const char **why) {
    const cg_csummary *s = fn->has_body ? cg_cmodel_summary(pkg->c, fn->name) : NULL;
    for (size_t v = 0; s && a < s->param_count && v < s->params[a].view_count; v++) {
        const cg_cview *view = &s->params[a].views[v];
        *r = cg_cmodel_record(pkg->c, view->record_tag, view->is_union);
        if (*r && (*why = runtime_like(pkg, *r)) != NULL) return view;
    }
    return NULL;
}

/* C call arguments whose C parameter points to a runtime-like record, or
 * that the C function casts to one. */
static void check_calls(cg_check_ctx *ctx, seen_vec *seen) {
    cg_package *pkg = ctx->pkg;
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        const cg_cfunc *fn = call->cfunc;
        for (uint32_t a = 0; fn && a < call->arg_count && a < fn->param_count; a++) {
            const char *why, *kind;
            const cg_crecord *r = runtime_record(pkg, &fn->params[a].type, &why);
            const cg_cview *view = r ? NULL : runtime_view(pkg, fn, a, &r, &why);
            if (!r) continue;
            cg_gn arg = cg_gn_child(call->args, a);
            cg_gn x = find_runtime_value(pkg, call->file, arg, &kind);
            if (!x || !first_time(seen, call->file, x)) continue;
            cg_diag *d = cg_check_report(
                ctx, call->file, arg,
                "C.%s reads the Go %s %s as %s, a copy of a Go runtime structure: the runtime's "
                "layouts are private and change between Go versions%s",
                call->name, kind, cg_node_text(call->file, x),
                view ? view->type : fn->params[a].type.spelling, layout_history(kind));
            if (view)
                cg_check_note(ctx, d, view->loc, "%s casts its parameter '%s' to %s: %s", fn->name,
                              cg_check_param_name(ctx, fn, a), view->type, why);
            else
                cg_check_note(ctx, d, fn->params[a].loc, "C parameter '%s' of %s: %s",
                              cg_check_param_name(ctx, fn, a), fn->name, why);
            cg_check_note(ctx, d, r->loc, "the C copy of the runtime layout");
            cg_check_fix(ctx, d, "%s", fix_text(kind));
        }
    }
}

typedef struct cast_walk {
    cg_check_ctx *ctx;
    seen_vec *seen;
    cg_gofile *file;
} cast_walk;

/* cgo's documented export types are an ABI, not a peek at the runtime. */
static bool is_cgo_abi_type(cg_gotype *t) {
    return t->kind == CG_GT_C && t->name &&
           (strcmp(t->name, "GoInterface") == 0 || strcmp(t->name, "GoString") == 0 ||
            strcmp(t->name, "GoSlice") == 0);
}

/* (*[0]byte)(...) or a C function-pointer typedef: a func value turned into
 * a C function pointer is CG007's finding (C calling it), not a layout peek. */
static bool is_c_func_pointer_target(cast_walk *w, cg_gn conv, cg_gotype *target) {
    cg_ctype ct;
    if (target->kind == CG_GT_C) return cg_x_ctype(w->ctx->pkg, target, &ct) && ct.kind == CG_CTYPE_FUNC_POINTER;
    cg_gn type = cg_gn_field(conv, CG_GF_TYPE);
    if (!type) type = cg_gn_field(conv, CG_GF_FUNCTION);
    return strstr(cg_node_text(w->file, type), "[0]byte") != NULL;
}

/* atomic.LoadPointer((*unsafe.Pointer)(unsafe.Pointer(&m))) and friends
 * access the variable itself, one pointer word, atomically; they never read
 * the structure it points to. */
static bool is_atomic_pointer_argument(cg_gofile *file, cg_gn conv) {
    cg_gn args = cg_gn_parent(conv);
    if (!cg_gn_is(args, CG_GK_ARGUMENT_LIST)) return false;
    cg_gn fn = cg_gn_unparen(cg_gn_field(cg_gn_parent(args), CG_GF_FUNCTION));
    static const char *const ops[] = {"LoadPointer", "StorePointer", "SwapPointer", "CompareAndSwapPointer"};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (cg_node_is_qualified(file, fn, "atomic", ops[i])) return true;
    return false;
}

static void check_cast(cast_walk *w, cg_gn conv) {
    cg_package *pkg = w->ctx->pkg;
    cg_gn operand;
    cg_gotype *target = cg_gopkg_conversion(pkg->go, w->file, conv, &operand);
    if (!target || target->kind != CG_GT_POINTER || !target->elem) return;
    const char *kind;
    cg_gn x = runtime_value_address(pkg, w->file, operand, &kind);
    if (!x) {
        /* (*C.struct_hmap)(*(*unsafe.Pointer)(unsafe.Pointer(&m))): the C struct
         * is the more telling site, but only when it copies a runtime layout. */
        x = find_runtime_value(pkg, w->file, operand, &kind);
        cg_ctype ct;
        const char *why;
        if (!x || !cg_x_ctype(pkg, target->elem, &ct) || !runtime_record(pkg, &ct, &why))
            return;
    }
    if (strcmp(kind, "func") == 0 && is_c_func_pointer_target(w, conv, target)) return; /* CG007's */
    if (is_atomic_pointer_argument(w->file, conv)) return;
    cg_gotype *xt = cg_gopkg_type_of_expr(pkg->go, w->file, x);
    if (is_cgo_abi_type(target->elem) ||
        strcmp(cg_gotype_string(pkg->go, target->elem), cg_gotype_string(pkg->go, xt)) == 0)
        return; /* cgo's ABI types, or the value's own type */
    /* Outer casts of an already reported inner one stay quiet. */
    if (!first_time(w->seen, w->file, x)) return;
    const char *tname = cg_gotype_string(pkg->go, target);
    cg_diag *d = cg_check_report(
        w->ctx, w->file, conv,
        "the Go %s %s is reinterpreted as %s: that reads the Go runtime's private representation "
        "of the %s, which changes between Go versions%s",
        kind, cg_node_text(w->file, x), tname, kind, layout_history(kind));
    cg_ctype ct;
    const char *why;
    const cg_crecord *r = cg_x_ctype(pkg, target->elem, &ct) ? runtime_record(pkg, &ct, &why) : NULL;
    if (r) cg_check_note(w->ctx, d, r->loc, "%s: a copy of a runtime layout", why);
    cg_check_fix(w->ctx, d, "%s", fix_text(kind));
}

static cg_walk_action visit_cast(cg_gn n, void *arg) {
    cast_walk *w = arg;
    if (cg_gn_is(n, CG_GK_TYPE_CONVERSION_EXPRESSION) || cg_gn_is(n, CG_GK_CALL_EXPRESSION)) check_cast(w, n);
    return CG_WALK_CONTINUE;
}

/* ---- //go:linkname ---- */

static bool is_runtime_private(const char *target) {
    const char *sym = NULL;
    if (strncmp(target, "runtime.", 8) == 0) sym = target + 8;
    else if (strncmp(target, "internal/runtime/", 17) == 0 || strncmp(target, "runtime/internal/", 17) == 0)
        return true; /* internal packages: nothing in them is API */
    if (!sym || !*sym) return false;
    /* Methods (runtime.(*T).m) and unexported names are private. */
    return *sym == '(' || !isupper((unsigned char)*sym);
}

/* What the installed Go's linker does with a pull of target: decided by
 * whether its runtime pushes the symbol (model/goroot.h). */
static const char *link_outcome(cg_check_ctx *ctx, const char *target) {
    const char *generic = cg_arena_printf(&ctx->pkg->arena,
                                          "since Go 1.23 the linker rejects such references (\"invalid reference to "
                                          "%s\") unless the runtime keeps the symbol linkname-able for compatibility",
                                          target);
    const char *sym = strncmp(target, "runtime.", 8) == 0 ? target + 8 : NULL;
    if (!sym || strchr(sym, '.') || !ctx->opts->goroot || !ctx->opts->go_minor) return generic;
    const char *file;
    bool readable;
    bool pushed = cg_goroot_runtime_pushes(ctx->opts->goroot, &ctx->pkg->opts->target, sym, &file, &readable);
    if (!readable) return generic;
    unsigned minor = ctx->opts->go_minor;
    if (pushed)
        return cg_arena_printf(&ctx->pkg->arena,
                               "the installed Go 1.%u still links it only because its runtime pushes the symbol "
                               "for compatibility (//go:linkname %s in runtime/%s): the name is kept, its "
                               "behaviour is not promised",
                               minor, sym, file);
    if (!cg_go_linker_checks_linkname(minor))
        return cg_arena_printf(&ctx->pkg->arena,
                               "Go 1.23 and later refuse to link it (\"invalid reference to %s\"): the "
                               "runtime of the installed Go 1.%u does not push it",
                               target, minor);
    return cg_arena_printf(&ctx->pkg->arena,
                           "the installed Go 1.%u refuses to link it (\"link: <package>: invalid reference to "
                           "%s\"): its runtime does not push the symbol with //go:linkname",
                           minor, target);
}

static void check_linknames(cg_check_ctx *ctx) {
    cg_gopkg *go = ctx->pkg->go;
    bool uses_cgo = false;
    for (size_t i = 0; i < go->files.len; i++) uses_cgo = uses_cgo || go->files.items[i]->imports_c;
    if (!uses_cgo) return;
    for (size_t i = 0; i < go->files.len; i++) {
        cg_gofile *file = go->files.items[i];
        for (size_t j = 0; j < file->linknames.len; j++) {
            const cg_go_linkname *l = &file->linknames.items[j];
            if (!is_runtime_private(l->target)) continue;
            /* Reported at the declaration the directive names (the line a
             * reader fixes), with the directive as a note. */
            cg_location directive = {file->path, l->line, l->column, l->line, l->end_column};
            const cg_godecl *decl = cg_gopkg_decl(go, l->local);
            cg_gn at = NULL;
            if (decl && decl->file == file && (decl->kind == CG_GODECL_FUNC || decl->kind == CG_GODECL_VAR))
                at = decl->node;
            /* A function with a body or a variable with a value defines the
             * symbol (a push into the runtime): the linker checks only
             * references (cmd/link/internal/loader, checkLinkname). */
            bool defines = decl && decl->file == file &&
                           ((decl->kind == CG_GODECL_FUNC && (cg_gn_field(decl->node, CG_GF_BODY))) ||
                            (decl->kind == CG_GODECL_VAR && decl->value));
            const char *outcome = defines ? cg_arena_printf(&ctx->pkg->arena,
                                                            "this package defines it for the runtime (a push, "
                                                            "which the linker does not check against %s)",
                                                            l->target)
                                          : link_outcome(ctx, l->target);
            const char *fmt = "%s is linknamed to %s, a private runtime symbol, in a package that uses cgo: its "
                              "signature and behaviour are not API and change between Go versions, and %s";
            cg_diag *d = at ? cg_check_report(ctx, file, at, fmt, l->local, l->target, outcome)
                            : cg_check_report_at(ctx, directive, fmt, l->local, l->target, outcome);
            if (at) cg_check_note(ctx, d, directive, "the //go:linkname directive");
            cg_check_fix(ctx, d,
                         "use the public API that covers it (runtime, runtime/debug, time, sync, "
                         "runtime/cgo), or do the work in C; -ldflags=-checklinkname=0 only hides "
                         "the breakage");
        }
    }
}

static void check(cg_check_ctx *ctx) {
    seen_vec seen = {0};
    check_calls(ctx, &seen);
    for (size_t i = 0; i < ctx->pkg->go->files.len; i++) {
        cast_walk w = {ctx, &seen, ctx->pkg->go->files.items[i]};
        cg_walk(w.file->root, visit_cast, &w);
    }
    cg_vec_free(&seen);
    check_linknames(ctx);
}

const cg_rule cg_rule_CG014 = {
    .id = "CG014",
    .name = "go-runtime-internals",
    .severity = CG_SEV_ERROR,
    .summary = "private Go runtime layouts or symbols used with cgo",
    .check = check,
};
