/*
 * CG013 fnptr-cast-mismatch: a function pointer converted to a function
 * type whose calling convention differs, and then called or passed on
 * (e.g. `void (*)(void)` given to pthread_create as `void *(*)(void *)`).
 *
 * Calling a function through an incompatible type is undefined behaviour
 * (C11 6.3.2.3p8); in practice the ABI decides what goes wrong: a double
 * parameter read from a register that holds a float, a result read from a
 * register the function never set, a missing argument read from stale
 * state. The C front-end records every cast between incompatible function
 * types (csummary.h cg_cfnptr_cast) with where its result goes. This rule
 * keeps those whose types differ in the ABI (number of parameters,
 * variadic-ness, or the class of a parameter/result: void, integer,
 * float, double, long double, pointer, struct), and stays silent when they
 * differ only in what pointers point to (int (*)(const int *, const int *)
 * given to qsort works on every ABI cgo supports), and for the generic
 * `void (*)(void)` when the result is only stored or passed on (C allows
 * converting back to the right type before the call), and for the cast
 * back from it when the function behind the value is not known.
 *
 * The finding is at the cast (a .c line or a preamble line) with a note at
 * the Go call C.f(...) that runs the C function making the cast.
 */
#include <ctype.h>
#include <string.h>

#include "cside.h"

enum { MAX_PARAMS = 32 };

/* ABI class of one C type spelling (canonical clang spelling). */
typedef enum abi_class {
    ABI_VOID,
    ABI_INT,   /* integers up to 64 bits, enums, _Bool */
    ABI_INT128,
    ABI_FLOAT,
    ABI_DOUBLE,
    ABI_LDOUBLE,
    ABI_POINTER,
    ABI_OTHER, /* struct/union/complex by value: compared by spelling */
} abi_class;

typedef struct fn_shape {
    abi_class result;
    const char *result_text;
    size_t result_len;
    abi_class params[MAX_PARAMS];
    const char *param_text[MAX_PARAMS];
    size_t param_len[MAX_PARAMS];
    size_t param_count;
    bool variadic;
    bool no_proto; /* "int ()": K&R declaration, parameters unknown */
} fn_shape;

static bool has_word(const char *s, size_t n, const char *word) {
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++) {
        if (memcmp(s + i, word, w) != 0) continue;
        bool left = i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_');
        bool right = i + w == n || !(isalnum((unsigned char)s[i + w]) || s[i + w] == '_');
        if (left && right) return true;
    }
    return false;
}

static abi_class classify(const char *s, size_t n) {
    if (memchr(s, '*', n) || memchr(s, '[', n)) return ABI_POINTER; /* arrays decay as parameters */
    if (has_word(s, n, "struct") || has_word(s, n, "union") || has_word(s, n, "_Complex")) return ABI_OTHER;
    if (has_word(s, n, "void")) return ABI_VOID;
    if (has_word(s, n, "float")) return ABI_FLOAT;
    if (has_word(s, n, "double")) return has_word(s, n, "long") ? ABI_LDOUBLE : ABI_DOUBLE;
    if (has_word(s, n, "__int128")) return ABI_INT128;
    return ABI_INT;
}

static const char *trim(const char *s, size_t *n) {
    while (*n && isspace((unsigned char)*s)) s++, (*n)--;
    while (*n && isspace((unsigned char)s[*n - 1])) (*n)--;
    return s;
}

/* Parses "R (*)(P1, P2, ...)" (or "R (P1, ...)"). False when the spelling
 * has a shape we do not understand: then the rule stays silent. */
static bool parse_shape(const char *spelling, fn_shape *out) {
    memset(out, 0, sizeof *out);
    if (!spelling) return false;
    size_t len = strlen(spelling);
    if (len == 0 || spelling[len - 1] != ')') return false;
    /* The parameter list is the last balanced (...) group. */
    int depth = 0;
    size_t open = len;
    for (size_t i = len; i-- > 0;) {
        if (spelling[i] == ')') depth++;
        else if (spelling[i] == '(' && --depth == 0) {
            open = i;
            break;
        }
    }
    if (open == len || open == 0) return false;
    /* The result is what comes before the first '(' that starts the
     * declarator: "void *(*)(void *)" -> "void *". */
    const char *paren = strchr(spelling, '(');
    if (!paren) return false;
    size_t rn = (size_t)(paren - spelling);
    out->result_text = trim(spelling, &rn);
    out->result_len = rn;
    if (rn == 0) return false;
    out->result = classify(out->result_text, rn);

    const char *p = spelling + open + 1;
    const char *end = spelling + len - 1;
    size_t pn = (size_t)(end - p);
    const char *all = trim(p, &pn);
    if (pn == 0) {
        out->no_proto = true;
        return true;
    }
    if (pn == 4 && memcmp(all, "void", 4) == 0) return true;
    const char *start = all;
    depth = 0;
    for (const char *q = all;; q++) {
        bool at_end = q == all + pn;
        if (!at_end && (*q == '(' || *q == '[')) depth++;
        if (!at_end && (*q == ')' || *q == ']')) depth--;
        if (at_end || (*q == ',' && depth == 0)) {
            size_t n = (size_t)(q - start);
            const char *t = trim(start, &n);
            if (n == 3 && memcmp(t, "...", 3) == 0) {
                out->variadic = true;
            } else {
                if (out->param_count == MAX_PARAMS) return false;
                out->param_text[out->param_count] = t;
                out->param_len[out->param_count] = n;
                out->params[out->param_count++] = classify(t, n);
            }
            if (at_end) break;
            start = q + 1;
        }
    }
    return true;
}

/* The integers with a pointer's size on the target. long and unsigned long
 * (uintptr_t, intptr_t, size_t, ptrdiff_t, Go's GoUintptr in clang's
 * canonical spelling) on every target cgo supports but Windows (LLP64: 32
 * bits); long long (Go's GoInt and GoInt64 in _cgo_export.h) on 64-bit
 * targets. */
typedef struct int_sizes {
    bool long_is_pointer;
    bool long_long_is_pointer;
} int_sizes;

static bool is_pointer_sized_int(const char *t, size_t n, int_sizes sizes) {
    static const char *const longs[] = {"long", "unsigned long", "long int", "unsigned long int",
                                        "long unsigned int"};
    static const char *const long_longs[] = {"long long", "unsigned long long", "long long int",
                                             "unsigned long long int", "long long unsigned int"};
    for (size_t i = 0; sizes.long_is_pointer && i < sizeof longs / sizeof longs[0]; i++)
        if (strlen(longs[i]) == n && memcmp(t, longs[i], n) == 0) return true;
    for (size_t i = 0; sizes.long_long_is_pointer && i < sizeof long_longs / sizeof long_longs[0]; i++)
        if (strlen(long_longs[i]) == n && memcmp(t, long_longs[i], n) == 0) return true;
    return false;
}

static int_sizes target_int_sizes(cg_check_ctx *ctx) {
    const cg_build_target *t = ctx->pkg->opts ? &ctx->pkg->opts->target : NULL;
    const char *goos = t && t->goos ? t->goos : "linux";
    const char *arch = t && t->goarch ? t->goarch : "amd64";
    static const char *const bits64[] = {"amd64", "arm64", "ppc64", "ppc64le", "s390x", "riscv64",
                                         "loong64", "mips64", "mips64le", "sparc64", "wasm"};
    bool is64 = false;
    for (size_t i = 0; i < sizeof bits64 / sizeof bits64[0]; i++) is64 = is64 || strcmp(arch, bits64[i]) == 0;
    int_sizes sizes = {strcmp(goos, "windows") != 0 || !is64, is64};
    return sizes;
}

/* A pointer and a pointer-sized integer travel in the same general-purpose
 * register (or stack slot) in every calling convention cgo supports, as
 * arguments and as results: reading one as the other gets the same bits.
 * Strict C calls it undefined; no ABI makes it fail (docs/rules/CG013.md). */
static bool pointer_and_intptr(abi_class a, const char *at, size_t an, abi_class b, const char *bt,
                               size_t bn, int_sizes sizes) {
    return (a == ABI_POINTER && b == ABI_INT && is_pointer_sized_int(bt, bn, sizes)) ||
           (b == ABI_POINTER && a == ABI_INT && is_pointer_sized_int(at, an, sizes));
}

static bool same_class(abi_class a, const char *at, size_t an, abi_class b, const char *bt, size_t bn,
                       int_sizes sizes) {
    if (pointer_and_intptr(a, at, an, b, bt, bn, sizes)) return true;
    if (a != b) return false;
    if (a == ABI_OTHER) return an == bn && memcmp(at, bt, an) == 0;
    return true;
}

/* Why two function types differ in the ABI, or NULL when they do not (or
 * when the shape is not understood). */
static const char *abi_difference(cg_check_ctx *ctx, const char *from, const char *to) {
    fn_shape a, b;
    if (!parse_shape(from, &a) || !parse_shape(to, &b)) return NULL;
    if (a.no_proto || b.no_proto) return NULL; /* K&R: arguments are promoted, unknowable here */
    cg_arena *arena = &ctx->pkg->arena;
    int_sizes sizes = target_int_sizes(ctx);
    if (!same_class(a.result, a.result_text, a.result_len, b.result, b.result_text, b.result_len, sizes))
        return cg_arena_printf(arena, "the result is '%.*s' but the caller reads '%.*s'", (int)a.result_len,
                               a.result_text, (int)b.result_len, b.result_text);
    if (a.variadic != b.variadic)
        return a.variadic ? "the function is variadic but is called as a fixed-argument function"
                          : "a fixed-argument function is called as a variadic one";
    if (a.param_count != b.param_count)
        return cg_arena_printf(arena, "the function takes %zu parameter%s but is called with %zu",
                               a.param_count, a.param_count == 1 ? "" : "s", b.param_count);
    for (size_t i = 0; i < a.param_count; i++)
        if (!same_class(a.params[i], a.param_text[i], a.param_len[i], b.params[i], b.param_text[i],
                        b.param_len[i], sizes))
            return cg_arena_printf(arena, "parameter %zu is '%.*s' but the caller passes '%.*s'", i + 1,
                                   (int)a.param_len[i], a.param_text[i], (int)b.param_len[i],
                                   b.param_text[i]);
    return NULL;
}

static bool is_generic_fnptr(const char *to) {
    return to && (strcmp(to, "void (*)(void)") == 0 || strcmp(to, "void (*)()") == 0);
}

/* A function's own type, spelled as clang spells a pointer to it. */
static const char *fn_type_text(cg_check_ctx *ctx, const cg_cfunc *fn) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_strbuf_printf(&sb, "%s (*)(", fn->result.spelling ? fn->result.spelling : "int");
    for (size_t i = 0; i < fn->param_count; i++)
        cg_strbuf_printf(&sb, "%s%s", i ? ", " : "", fn->params[i].type.spelling ? fn->params[i].type.spelling : "int");
    if (fn->variadic) cg_strbuf_append(&sb, fn->param_count ? ", ..." : "...");
    else if (!fn->param_count) cg_strbuf_append(&sb, "void");
    cg_strbuf_append_char(&sb, ')');
    const char *out = cg_arena_strdup(&ctx->pkg->arena, sb.data);
    cg_strbuf_free(&sb);
    return out;
}

typedef struct passed_fn {
    const char *name;
    cg_location at;  /* where it is passed */
    const char *who; /* "start_worker" or "Go function F" */
} passed_fn;
typedef CG_VEC(passed_fn) passed_vec;

typedef struct c_fn_walk {
    cg_check_ctx *ctx;
    cg_gofile *file;
    const char *found;
} c_fn_walk;

static cg_walk_action find_c_function(cg_gn node, void *arg) {
    c_fn_walk *w = arg;
    if (w->found) return CG_WALK_STOP;
    if (!cg_gn_is(node, CG_GK_SELECTOR_EXPRESSION) || !cg_node_is_qualified(w->file, node, "C", NULL))
        return CG_WALK_CONTINUE;
    const char *name = cg_node_text(w->file, cg_gn_field(node, CG_GF_FIELD));
    const cg_cfunc *fn = cg_cmodel_func(w->ctx->pkg->c, name);
    if (fn) w->found = fn->name;
    return CG_WALK_SKIP_CHILDREN;
}

/* What the callers of s pass by name for its parameter p: C callers (the
 * summaries), Go calls C.f(..., (*[0]byte)(C.worker), ...). */
static void passed_functions(cg_check_ctx *ctx, const cg_csummary *s, int p, passed_vec *out) {
    const cg_cparam_summary *ps = &s->params[p];
    for (size_t i = 0; i < ps->fn_arg_count; i++) {
        passed_fn f = {ps->fn_args[i].func, ps->fn_args[i].loc, ps->fn_args[i].caller};
        cg_vec_push(out, f);
    }
    for (size_t i = 0; i < ctx->facts->ccalls.len; i++) {
        const cg_ccall *call = &ctx->facts->ccalls.items[i];
        if (!call->name || strcmp(call->name, s->name) != 0 || (uint32_t)p >= call->arg_count) continue;
        cg_gn arg = cg_gn_child(call->args, (uint32_t)p);
        c_fn_walk w = {ctx, call->file, NULL};
        cg_walk(arg, find_c_function, &w);
        if (!w.found) continue;
        const char *caller = cg_cside_go_caller(ctx, call);
        passed_fn f = {w.found, cg_check_loc(call->file, arg),
                       caller ? cg_arena_printf(&ctx->pkg->arena, "Go function %s", caller) : "Go code"};
        cg_vec_push(out, f);
    }
}

/* A parameter of the generic type cast to a specific one: the functions
 * callers pass for it decide (pthread_create(&t, 0, (void *(*)(void *))f, 0)
 * with start_thread(worker) and void worker(void)). */
static void check_param_cast(cg_check_ctx *ctx, const cg_csummary *s, const cg_cfnptr_cast *c, bool called) {
    if (c->from_param < 0 || (size_t)c->from_param >= s->param_count) return;
    passed_vec passed = {0};
    passed_functions(ctx, s, c->from_param, &passed);
    for (size_t i = 0; i < passed.len; i++) {
        const cg_cfunc *fn = cg_cmodel_func(ctx->pkg->c, passed.items[i].name);
        if (!fn) continue;
        const char *type = fn_type_text(ctx, fn);
        const char *why = abi_difference(ctx, type, c->to);
        if (!why) continue;
        const char *pname = cg_check_param_name(ctx, s->func, (uint32_t)c->from_param);
        cg_diag *d = cg_check_report_at(
            ctx, c->loc,
            "parameter '%s' of %s is cast to '%s' and %s, but %s passes %s, of type '%s', for it: %s, "
            "so the call reads arguments or its result from the wrong place (undefined behaviour)",
            pname, s->name, c->to, called ? "called through it" : c->use, passed.items[i].who, fn->name,
            type, why);
        cg_check_note(ctx, d, passed.items[i].at, "%s passes %s as '%s'", passed.items[i].who, fn->name, pname);
        cg_check_note(ctx, d, fn->has_body ? fn->body_loc : fn->decl_loc, "%s is defined with type '%s'",
                      fn->name, type);
        cg_cside_note_go_entry(ctx, d, s->name, "makes the cast");
        cg_check_fix(ctx, d,
                     "write a function with exactly the type '%s' that calls %s with the right types (a "
                     "small wrapper), and pass that instead",
                     c->to, fn->name);
        break; /* one finding per cast */
    }
    cg_vec_free(&passed);
}

static void check_cast(cg_check_ctx *ctx, const cg_csummary *s, const cg_cfnptr_cast *c) {
    bool called = c->use && strcmp(c->use, "called") == 0;
    bool passed = c->passed_to != NULL;
    if (!called && !passed) return;       /* stored: the conversion back is not tracked */
    if (!called && is_generic_fnptr(c->to)) return; /* the conventional "any function" type */
    if (is_generic_fnptr(c->from) && !c->target && c->from_param >= 0) {
        check_param_cast(ctx, s, c, called);
        return;
    }
    /* From the generic type without a named function: a value stored as
     * void (*)(void) cast back to what it really is; its type is unknown. */
    if (is_generic_fnptr(c->from) && !c->target) return;
    const char *why = abi_difference(ctx, c->from, c->to);
    if (!why) return;
    const char *what = c->target ? c->target : "a function";
    cg_diag *d = cg_check_report_at(ctx, c->loc,
                                    "%s of type '%s' is cast to '%s' and %s: %s, so the call reads "
                                    "arguments or its result from the wrong place (undefined behaviour)",
                                    what, c->from, c->to,
                                    called ? "called through it" : c->use, why);
    if (c->target) {
        const cg_cfunc *target = cg_cmodel_func(ctx->pkg->c, c->target);
        if (target)
            cg_check_note(ctx, d, target->has_body ? target->body_loc : target->decl_loc,
                          "%s is defined with type '%s'", c->target, c->from);
    }
    cg_cside_note_go_entry(ctx, d, s->name, "makes the cast");
    cg_check_fix(ctx, d,
                 "write a function with exactly the type '%s' that calls %s with the right types "
                 "(a small wrapper), and pass that instead of the cast",
                 c->to, what);
}

static void check(cg_check_ctx *ctx) {
    size_t n = cg_cmodel_func_count(ctx->pkg->c);
    for (size_t i = 0; i < n; i++) {
        const cg_cfunc *fn = cg_cmodel_func_at(ctx->pkg->c, i);
        const cg_csummary *s = fn->has_body ? cg_cmodel_summary(ctx->pkg->c, fn->name) : NULL;
        if (!s) continue;
        for (size_t k = 0; k < s->cast_count; k++) check_cast(ctx, s, &s->casts[k]);
    }
}

const cg_rule cg_rule_CG013 = {
    .id = "CG013",
    .name = "fnptr-cast-mismatch",
    .severity = CG_SEV_ERROR,
    .summary = "function pointer called through an ABI-incompatible type",
    .check = check,
};
