/*
 * cfacts.c: turns one C function body (libclang cursors) into the
 * clang-free facts of cfacts.h, while its translation unit is alive.
 *
 * One walk over the body. Assignments to locals become "the local may hold
 * this origin"; assignments through pointers, to globals or to fields
 * become stores; every call is recorded once with the origin of each
 * argument (calls nested in expressions are created when the enclosing
 * expression needs their result, and found again by the walk). libclang 14
 * has no operator kinds in its C API, so the operator of a unary/binary
 * expression is read from the token between its operands.
 */
#include "cfacts.h"
#include "capis.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef CG_VEC(CXCursor) cursor_vec;
typedef CG_VEC(uint32_t) u32_vec;

typedef struct fctx {
    cg_cmodel *model;
    void *tu_ctx;
    CXTranslationUnit tu;
    cg_cfacts *facts;
    cg_strmap var_index;  /* declaration key -> index + 1 */
    cg_strmap call_index; /* expression key -> index + 1 */
    cg_strmap cast_seen;  /* expression key -> index + 1 in facts->casts, or -1 when not recorded */
    cg_strmap func_refs;  /* function name -> non-NULL, once in facts->func_refs */
    int depth;            /* of origin_into, see CF_MAX_EXPR_DEPTH */
} fctx;

enum { CF_MAX_EXPR_DEPTH = 200 };

/* An origin under construction. */
typedef struct origin_builder {
    uint64_t atoms;
    u32_vec vars;
    u32_vec calls;
    CG_VEC(cf_origin) loads;
} origin_builder;

/* ---- cursor helpers ---- */

static enum CXChildVisitResult push_child(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    cg_vec_push((cursor_vec *)data, c);
    return CXChildVisit_Continue;
}

static cursor_vec children_of(CXCursor c) {
    cursor_vec v = {0};
    clang_visitChildren(c, push_child, &v);
    return v;
}

static bool is_expr(CXCursor c) { return clang_isExpression(clang_getCursorKind(c)) != 0; }

/* The index-th expression child (TypeRefs and the like skipped), or null. */
static CXCursor expr_child(CXCursor c, unsigned index) {
    cursor_vec kids = children_of(c);
    CXCursor found = clang_getNullCursor();
    unsigned seen = 0;
    for (size_t i = 0; i < kids.len; i++) {
        if (!is_expr(kids.items[i])) continue;
        if (seen++ == index) {
            found = kids.items[i];
            break;
        }
    }
    cg_vec_free(&kids);
    return found;
}

static CXCursor last_expr_child(CXCursor c) {
    cursor_vec kids = children_of(c);
    CXCursor found = clang_getNullCursor();
    for (size_t i = 0; i < kids.len; i++)
        if (is_expr(kids.items[i])) found = kids.items[i];
    cg_vec_free(&kids);
    return found;
}

/* Skips parentheses and implicit conversions (UnexposedExpr in libclang). */
static CXCursor strip(CXCursor c) {
    for (int depth = 0; depth < 64 && !clang_Cursor_isNull(c); depth++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr) break;
        cursor_vec kids = children_of(c);
        CXCursor next = kids.len == 1 && is_expr(kids.items[0]) ? kids.items[0]
                                                                : clang_getNullCursor();
        cg_vec_free(&kids);
        if (clang_Cursor_isNull(next)) break;
        c = next;
    }
    return c;
}

static unsigned offset_of(CXCursor c) {
    CXFile file;
    unsigned line, col, offset;
    clang_getFileLocation(clang_getCursorLocation(c), &file, &line, &col, &offset);
    return offset;
}

static char *spelling(CXCursor c) {
    CXString s = clang_getCursorSpelling(c);
    char *copy = cg_xstrdup(clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    return copy;
}

static const char *arena_spelling(fctx *f, CXCursor c) {
    char *s = spelling(c);
    const char *copy = cg_arena_strdup(&f->model->arena, s);
    free(s);
    return copy;
}

/* The same range in file terms: an expression written as a macro call
 * (atomic_store(...)) has an extent in macro locations, which clang_tokenize
 * does not read; its expansion in the file is what was written. */
static CXSourceRange file_range(fctx *f, CXSourceRange r) {
    CXFile file_a, file_b;
    unsigned line, col, a, b;
    clang_getFileLocation(clang_getRangeStart(r), &file_a, &line, &col, &a);
    clang_getFileLocation(clang_getRangeEnd(r), &file_b, &line, &col, &b);
    if (!file_a || file_a != file_b || b < a) return r;
    return clang_getRange(clang_getLocationForOffset(f->tu, file_a, a),
                          clang_getLocationForOffset(f->tu, file_b, b));
}

/* The source text of a range, tokens joined (a space only between words). */
static const char *range_text(fctx *f, CXSourceRange range) {
    CXToken *tokens = NULL;
    unsigned n = 0;
    clang_tokenize(f->tu, range, &tokens, &n);
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    bool prev_word = false;
    for (unsigned i = 0; i < n && sb.len < 120; i++) {
        CXString s = clang_getTokenSpelling(f->tu, tokens[i]);
        const char *t = clang_getCString(s);
        enum CXTokenKind kind = clang_getTokenKind(tokens[i]);
        bool word = kind == CXToken_Identifier || kind == CXToken_Keyword ||
                    kind == CXToken_Literal;
        if (word && prev_word) cg_strbuf_append_char(&sb, ' ');
        cg_strbuf_append(&sb, t ? t : "");
        prev_word = word;
        clang_disposeString(s);
    }
    if (tokens) clang_disposeTokens(f->tu, tokens, n);
    const char *out = cg_arena_strdup(&f->model->arena, sb.data ? sb.data : "");
    cg_strbuf_free(&sb);
    return out;
}

static bool in_macro(CXSourceLocation loc);

/* The expression as written; inside a macro expansion, whose tokens cannot
 * be read, the name it refers to (a variable, a field) or a placeholder. */
static const char *cursor_text(fctx *f, CXCursor c) {
    CXSourceRange r = clang_getCursorExtent(c);
    if (!in_macro(clang_getRangeStart(r)) && !in_macro(clang_getRangeEnd(r))) return range_text(f, r);
    const char *name = arena_spelling(f, strip(c));
    return *name ? name : "(an expression in a macro)";
}

/* The first punctuation token in [from, to) that is not a parenthesis;
 * "" when there is none. Ranges in macro expansions are not read (in_macro). */
static char *punct_between(fctx *f, CXSourceLocation from, CXSourceLocation to) {
    CXToken *tokens = NULL;
    unsigned n = 0;
    clang_tokenize(f->tu, clang_getRange(from, to), &tokens, &n);
    char *op = NULL;
    for (unsigned i = 0; i < n && !op; i++) {
        if (clang_getTokenKind(tokens[i]) != CXToken_Punctuation) continue;
        CXString s = clang_getTokenSpelling(f->tu, tokens[i]);
        const char *t = clang_getCString(s);
        if (t && strcmp(t, "(") != 0 && strcmp(t, ")") != 0) op = cg_xstrdup(t);
        clang_disposeString(s);
    }
    if (tokens) clang_disposeTokens(f->tu, tokens, n);
    return op ? op : cg_xstrdup("");
}

static bool is_pointer_type(CXType t);

static bool same_type(CXType a, CXType b) {
    return clang_equalTypes(clang_getCanonicalType(a), clang_getCanonicalType(b)) != 0;
}

/* An expression that names storage: what an assignment's left side is. */
static bool is_lvalue_form(CXCursor e) {
    switch (clang_getCursorKind(strip(e))) {
    case CXCursor_DeclRefExpr:
    case CXCursor_MemberRefExpr:
    case CXCursor_ArraySubscriptExpr:
    case CXCursor_UnaryOperator:
        return true;
    default:
        return false;
    }
}

/* Code a macro expanded has no tokens clang_tokenize can read (libclang 14
 * has no operator kinds either), so the operator is told from the types,
 * where they decide it: pointer ± integer keeps the pointer's type; an
 * assignment has its left side's type, and with a pointer or a struct on
 * both sides nothing else does (two pointers do not add; `p, q` with a bare
 * variable on the left does nothing). Other cases stay unknown (""). */
static char *binary_op_from_types(CXCursor c, CXCursor lhs, CXCursor rhs) {
    CXType t = clang_getCursorType(c), lt = clang_getCursorType(strip(lhs)),
           rt = clang_getCursorType(strip(rhs));
    CXType canon = clang_getCanonicalType(t);
    bool record = canon.kind == CXType_Record;
    if (!is_pointer_type(t) && !record) return cg_xstrdup("");
    if (same_type(t, lt) && is_lvalue_form(lhs) && (record || is_pointer_type(rt)))
        return cg_xstrdup("=");
    if (is_pointer_type(t) && (same_type(t, lt) || same_type(t, rt))) return cg_xstrdup("+");
    return cg_xstrdup("");
}

/* Whether a location is inside a macro expansion (a macro's body or its
 * arguments): libclang 14 cannot say, but the location is clang's raw
 * SourceLocation, whose top bit marks macro locations (MacroIDBit). Tokens
 * read between two such locations are not the ones between the operands:
 * across `SET(g, q)` they are "g , q", across a macro body they are the
 * text around the macro's use. */
static bool in_macro(CXSourceLocation loc) { return (loc.int_data & 0x80000000u) != 0; }

static char *binary_op(fctx *f, CXCursor c) {
    CXCursor lhs = expr_child(c, 0), rhs = expr_child(c, 1);
    if (clang_Cursor_isNull(lhs) || clang_Cursor_isNull(rhs)) return cg_xstrdup("");
    CXSourceLocation from = clang_getRangeEnd(clang_getCursorExtent(lhs)),
                     to = clang_getRangeStart(clang_getCursorExtent(rhs));
    if (in_macro(from) || in_macro(to)) return binary_op_from_types(c, lhs, rhs);
    return punct_between(f, from, to);
}

/* As binary_op_from_types, for *p, &x and p++/--p, which the types tell
 * apart (the result is the pointee, a pointer to the operand, or the
 * operand's own pointer type). */
static char *unary_op_from_types(CXCursor c, CXCursor operand) {
    CXType t = clang_getCursorType(c), ot = clang_getCursorType(strip(operand));
    if (is_pointer_type(ot) && same_type(t, clang_getPointeeType(clang_getCanonicalType(ot))))
        return cg_xstrdup("*");
    if (is_pointer_type(t) && same_type(clang_getPointeeType(clang_getCanonicalType(t)), ot))
        return cg_xstrdup("&");
    if (is_pointer_type(t) && same_type(t, ot)) return cg_xstrdup("++");
    return cg_xstrdup("");
}

static char *unary_op(fctx *f, CXCursor c) {
    CXCursor operand = expr_child(c, 0);
    if (clang_Cursor_isNull(operand)) return cg_xstrdup("");
    CXSourceRange whole = clang_getCursorExtent(c), inner = clang_getCursorExtent(operand);
    if (in_macro(clang_getRangeStart(whole)) || in_macro(clang_getRangeEnd(whole)) ||
        in_macro(clang_getRangeStart(inner)) || in_macro(clang_getRangeEnd(inner)))
        return unary_op_from_types(c, operand);
    char *op = punct_between(f, clang_getRangeStart(whole), clang_getRangeStart(inner));
    if (*op) return op;
    free(op); /* postfix: p++ */
    return punct_between(f, clang_getRangeEnd(inner), clang_getRangeEnd(whole));
}

static bool is_pointer_type(CXType t) {
    t = clang_getCanonicalType(t);
    return t.kind == CXType_Pointer || t.kind == CXType_BlockPointer;
}

static bool is_array_type(CXType t) {
    t = clang_getCanonicalType(t);
    return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
           t.kind == CXType_VariableArray || t.kind == CXType_DependentSizedArray;
}

/* Global storage: file scope, static or extern (a static local counts). */
static bool is_global_var(CXCursor decl) {
    return clang_getCursorKind(decl) == CXCursor_VarDecl &&
           clang_Cursor_hasVarDeclGlobalStorage(decl) == 1;
}

static bool is_variable(CXCursor decl) {
    enum CXCursorKind k = clang_getCursorKind(decl);
    return k == CXCursor_VarDecl || k == CXCursor_ParmDecl;
}

/* ---- locals and origins ---- */

static uint32_t new_var(fctx *f, char *key, const char *name, uint32_t parent) {
    uintptr_t idx = (uintptr_t)cg_strmap_get(&f->var_index, key);
    if (!idx) {
        cg_vec_push(&f->facts->var_names, name);
        cg_vec_push(&f->facts->var_parent, parent);
        idx = f->facts->var_names.len;
        cg_strmap_put(&f->var_index, key, (void *)idx);
    }
    free(key);
    return (uint32_t)(idx - 1);
}

static uint32_t var_of(fctx *f, CXCursor decl) {
    return new_var(f, cg_cfront_cursor_key(decl), arena_spelling(f, decl), CF_NO_VAR);
}

/* The local that field access e (s.f, s.a.b on a local struct value s,
 * parameters included) stands for, or CF_NO_VAR when e reads through a
 * pointer, names a global, or has no field name (an anonymous member). */
static uint32_t local_field_var(fctx *f, CXCursor e) {
    e = strip(e);
    if (clang_getCursorKind(e) != CXCursor_MemberRefExpr) return CF_NO_VAR;
    CXCursor base = expr_child(e, 0);
    if (clang_Cursor_isNull(base) || is_pointer_type(clang_getCursorType(base))) return CF_NO_VAR;
    CXCursor b = strip(base);
    uint32_t parent = CF_NO_VAR;
    if (clang_getCursorKind(b) == CXCursor_DeclRefExpr) {
        CXCursor ref = clang_getCursorReferenced(b);
        if (!is_variable(ref) || is_global_var(ref)) return CF_NO_VAR;
        parent = var_of(f, ref);
    } else {
        parent = local_field_var(f, b);
    }
    if (parent == CF_NO_VAR) return CF_NO_VAR;
    char *field = spelling(e);
    uint32_t v = CF_NO_VAR;
    if (*field) {
        const char *name = cg_arena_printf(&f->model->arena, "%s.%s", f->facts->var_names.items[parent], field);
        v = new_var(f, cg_xasprintf("field:%u:%s", parent, field), name, parent);
    }
    free(field);
    return v;
}

static cf_origin finish_origin(fctx *f, origin_builder *b) {
    cf_origin o = {.atoms = b->atoms};
    cg_arena *a = &f->model->arena;
    if (b->vars.len) {
        uint32_t *vars = cg_arena_alloc(a, b->vars.len * sizeof(uint32_t));
        memcpy(vars, b->vars.items, b->vars.len * sizeof(uint32_t));
        o.vars = vars;
        o.nvars = (uint32_t)b->vars.len;
    }
    if (b->calls.len) {
        uint32_t *calls = cg_arena_alloc(a, b->calls.len * sizeof(uint32_t));
        memcpy(calls, b->calls.items, b->calls.len * sizeof(uint32_t));
        o.calls = calls;
        o.ncalls = (uint32_t)b->calls.len;
    }
    if (b->loads.len) {
        cf_origin *loads = cg_arena_alloc(a, b->loads.len * sizeof(cf_origin));
        memcpy(loads, b->loads.items, b->loads.len * sizeof(cf_origin));
        o.loads = loads;
        o.nloads = (uint32_t)b->loads.len;
    }
    cg_vec_free(&b->vars);
    cg_vec_free(&b->calls);
    cg_vec_free(&b->loads);
    return o;
}

static uint32_t call_of(fctx *f, CXCursor call);
static void origin_into(fctx *f, CXCursor e, origin_builder *b);
static cf_origin origin_of(fctx *f, CXCursor e);

/* The value read through pointer expression p (*p, p->f, p[i]). */
static void load_into(fctx *f, CXCursor p, origin_builder *b) {
    cf_origin through = origin_of(f, p);
    if (through.atoms || through.nvars || through.ncalls || through.nloads)
        cg_vec_push(&b->loads, through);
}

/* The address of lvalue x (&x). */
static void address_into(fctx *f, CXCursor x, origin_builder *b) {
    x = strip(x);
    switch (clang_getCursorKind(x)) {
    case CXCursor_DeclRefExpr: {
        CXCursor ref = clang_getCursorReferenced(x);
        if (is_global_var(ref)) b->atoms |= CF_BIT(CF_ATOM_GLOBAL);
        /* &local points at the frame: nothing the caller handed in. */
        return;
    }
    case CXCursor_MemberRefExpr: {
        CXCursor base = expr_child(x, 0);
        if (clang_Cursor_isNull(base)) return;
        if (is_pointer_type(clang_getCursorType(base)))
            origin_into(f, base, b);
        else
            address_into(f, base, b);
        return;
    }
    case CXCursor_ArraySubscriptExpr: {
        CXCursor base = strip(expr_child(x, 0));
        if (clang_Cursor_isNull(base)) return;
        if (is_array_type(clang_getCursorType(base)))
            address_into(f, base, b);
        else
            origin_into(f, base, b);
        return;
    }
    case CXCursor_UnaryOperator: {
        char *op = unary_op(f, x);
        if (strcmp(op, "*") == 0) origin_into(f, expr_child(x, 0), b);
        free(op);
        return;
    }
    default:
        origin_into(f, x, b);
    }
}

static void origin_kind_into(fctx *f, CXCursor e, origin_builder *b);

/* Depth-limited: generated code can nest expressions (a + b + c + ...)
 * thousands deep; past the limit the value is simply not tracked. */
static void origin_into(fctx *f, CXCursor e, origin_builder *b) {
    if (clang_Cursor_isNull(e) || f->depth > CF_MAX_EXPR_DEPTH) return;
    f->depth++;
    origin_kind_into(f, strip(e), b);
    f->depth--;
}

static void origin_kind_into(fctx *f, CXCursor e, origin_builder *b) {
    switch (clang_getCursorKind(e)) {
    case CXCursor_DeclRefExpr: {
        CXCursor ref = clang_getCursorReferenced(e);
        if (!is_variable(ref)) return;
        if (is_global_var(ref))
            b->atoms |= CF_BIT(CF_ATOM_GLOBAL);
        else
            cg_vec_push(&b->vars, var_of(f, ref));
        return;
    }
    case CXCursor_CStyleCastExpr:
        origin_into(f, last_expr_child(e), b);
        return;
    case CXCursor_UnaryOperator: {
        char *op = unary_op(f, e);
        CXCursor operand = expr_child(e, 0);
        if (strcmp(op, "&") == 0)
            address_into(f, operand, b);
        else if (strcmp(op, "*") == 0)
            load_into(f, operand, b);
        else if (strcmp(op, "++") == 0 || strcmp(op, "--") == 0)
            origin_into(f, operand, b);
        free(op);
        return;
    }
    case CXCursor_BinaryOperator: {
        char *op = binary_op(f, e);
        CXCursor lhs = expr_child(e, 0), rhs = expr_child(e, 1);
        /* end - start of two pointers is a length, not a pointer (sqlite
         * records such lengths in its global statistics). */
        bool difference = strcmp(op, "-") == 0 && is_pointer_type(clang_getCursorType(lhs)) &&
                          is_pointer_type(clang_getCursorType(rhs));
        if (!difference && (strcmp(op, "+") == 0 || strcmp(op, "-") == 0)) {
            origin_into(f, lhs, b);
            origin_into(f, rhs, b);
        } else if (strcmp(op, "=") == 0 || strcmp(op, ",") == 0) {
            origin_into(f, expr_child(e, 1), b);
        }
        free(op);
        return;
    }
    case CXCursor_CompoundAssignOperator:
        origin_into(f, expr_child(e, 0), b);
        return;
    case CXCursor_ConditionalOperator: {
        cursor_vec kids = children_of(e);
        for (size_t i = 1; i < kids.len; i++) origin_into(f, kids.items[i], b);
        cg_vec_free(&kids);
        return;
    }
    case CXCursor_CallExpr:
        cg_vec_push(&b->calls, call_of(f, e));
        return;
    case CXCursor_MemberRefExpr: {
        CXCursor base = expr_child(e, 0);
        if (clang_Cursor_isNull(base)) return;
        uint32_t field = local_field_var(f, e);
        if (field != CF_NO_VAR)
            cg_vec_push(&b->vars, field); /* s.f of a local: that field alone */
        else if (is_pointer_type(clang_getCursorType(base)))
            load_into(f, base, b);
        else
            origin_into(f, base, b); /* a field of another struct value: what it holds */
        return;
    }
    case CXCursor_ArraySubscriptExpr: {
        CXCursor base = strip(expr_child(e, 0));
        if (clang_Cursor_isNull(base)) return;
        if (is_array_type(clang_getCursorType(base)))
            origin_into(f, base, b);
        else
            load_into(f, base, b);
        return;
    }
    case CXCursor_InitListExpr:
    case CXCursor_CompoundLiteralExpr: {
        cursor_vec kids = children_of(e);
        for (size_t i = 0; i < kids.len; i++)
            if (is_expr(kids.items[i])) origin_into(f, kids.items[i], b);
        cg_vec_free(&kids);
        return;
    }
    default:
        return; /* literals, arithmetic, comparisons, sizeof: no pointer value */
    }
}

static cf_origin origin_of(fctx *f, CXCursor e) {
    origin_builder b = {0};
    origin_into(f, e, &b);
    return finish_origin(f, &b);
}

/* ---- calls ---- */

static bool name_in(const char *name, const char *const *list) {
    for (; *list; list++)
        if (strcmp(name, *list) == 0) return true;
    return false;
}

static const char *const allocators[] = {"malloc",  "calloc",        "realloc", "reallocarray",
                                         "strdup",  "strndup",       "aligned_alloc",
                                         "memalign", "valloc",       "pvalloc", NULL};

/* The function a value names: f, &f, (T)f. */
static const char *named_function(fctx *f, CXCursor e) {
    for (int depth = 0; depth < 16 && !clang_Cursor_isNull(e); depth++) {
        e = strip(e);
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_CStyleCastExpr) {
            e = last_expr_child(e);
            continue;
        }
        if (k == CXCursor_UnaryOperator) {
            char *op = unary_op(f, e);
            bool amp = strcmp(op, "&") == 0;
            free(op);
            if (!amp) return NULL;
            e = expr_child(e, 0);
            continue;
        }
        if (k != CXCursor_DeclRefExpr) return NULL;
        CXCursor ref = clang_getCursorReferenced(e);
        if (clang_getCursorKind(ref) != CXCursor_FunctionDecl) return NULL;
        return arena_spelling(f, ref);
    }
    return NULL;
}

/* A call through a variable (hook(v), with `void (*hook)(int) = ...`):
 * returns the variable's declaration and sets *init to its initializer;
 * null cursors when the callee expression names no variable. */
static CXCursor called_variable(CXCursor callee_expr, CXCursor *init) {
    *init = clang_getNullCursor();
    CXCursor ref = strip(callee_expr);
    if (clang_getCursorKind(ref) != CXCursor_DeclRefExpr) return clang_getNullCursor();
    CXCursor var = clang_getCursorReferenced(ref);
    if (clang_getCursorKind(var) != CXCursor_VarDecl) return clang_getNullCursor();
    *init = last_expr_child(var);
    return var;
}

static uint32_t call_of(fctx *f, CXCursor call) {
    char *key = cg_cfront_cursor_key(call);
    uintptr_t idx = (uintptr_t)cg_strmap_get(&f->call_index, key);
    if (idx) {
        free(key);
        return (uint32_t)(idx - 1);
    }
    cf_call c = {.heap_atom = -1};
    CXCursor callee = clang_getCursorReferenced(call);
    if (clang_getCursorKind(callee) == CXCursor_FunctionDecl) {
        c.callee = arena_spelling(f, callee);
    } else {
        CXCursor init;
        CXCursor var = called_variable(expr_child(call, 0), &init);
        const char *target = clang_Cursor_isNull(init) ? NULL : named_function(f, init);
        if (target) {
            c.pointer_var = arena_spelling(f, var);
            c.pointer_target = target;
        }
    }
    c.loc = cg_cfront_cursor_location(f->tu_ctx, call);
    c.offset = offset_of(call);
    int n = clang_Cursor_getNumArguments(call);
    if (n > 0) {
        c.nargs = (uint32_t)n;
        c.args = cg_arena_alloc(&f->model->arena, (size_t)n * sizeof(cf_origin));
        c.arg_funcs = cg_arena_alloc(&f->model->arena, (size_t)n * sizeof(const char *));
        for (int i = 0; i < n; i++) {
            CXCursor arg = clang_Cursor_getArgument(call, (unsigned)i);
            c.args[i] = origin_of(f, arg);
            c.arg_funcs[i] = named_function(f, arg);
        }
    }
    if (c.callee && name_in(c.callee, allocators) && f->facts->nheaps < CF_MAX_HEAPS)
        c.heap_atom = (int)(CF_HEAP_BASE + f->facts->nheaps++);
    cg_vec_push(&f->facts->calls, c);
    idx = f->facts->calls.len;
    cg_strmap_put(&f->call_index, key, (void *)idx);
    free(key);
    return (uint32_t)(idx - 1);
}

/* ---- function-pointer casts ---- */

static CXType function_type_of(CXType t) {
    t = clang_getCanonicalType(t);
    if (t.kind == CXType_Pointer) t = clang_getCanonicalType(clang_getPointeeType(t));
    return t;
}

static bool is_function_type(CXType t) {
    return t.kind == CXType_FunctionProto || t.kind == CXType_FunctionNoProto;
}

static char *type_text(CXType t) {
    CXString s = clang_getTypeSpelling(t);
    char *copy = cg_xstrdup(clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    return copy;
}

/* The index of the function's parameter that e names (through casts), or -1. */
static int param_of(fctx *f, CXCursor e) {
    for (int depth = 0; depth < 16 && !clang_Cursor_isNull(e); depth++) {
        e = strip(e);
        if (clang_getCursorKind(e) != CXCursor_CStyleCastExpr) break;
        e = last_expr_child(e);
    }
    if (clang_Cursor_isNull(e) || clang_getCursorKind(e) != CXCursor_DeclRefExpr) return -1;
    CXCursor ref = clang_getCursorReferenced(e);
    if (clang_getCursorKind(ref) != CXCursor_ParmDecl) return -1;
    uint32_t v = var_of(f, ref);
    return v < f->facts->nparams ? (int)v : -1;
}

/* (struct hmap **)m, (struct hmap *)m of a parameter m: how C views what
 * the caller handed in. */
static void note_param_view_as(fctx *f, CXCursor value, CXType as, CXCursor at);

static void note_param_view(fctx *f, CXCursor c) { note_param_view_as(f, c, clang_getCursorType(c), c); }

/* value (a parameter, maybe through casts) taken as type as, at at. */
static void note_param_view_as(fctx *f, CXCursor value, CXType as, CXCursor at) {
    int param = param_of(f, value);
    if (param < 0) return;
    CXType t = clang_getCanonicalType(as);
    if (t.kind != CXType_Pointer) return;
    for (int depth = 0; depth < 8 && t.kind == CXType_Pointer; depth++)
        t = clang_getCanonicalType(clang_getPointeeType(t));
    if (t.kind != CXType_Record) return;
    CXCursor decl = clang_getTypeDeclaration(t);
    char *tag = spelling(decl);
    if (*tag && !strchr(tag, ' ')) {
        cf_view v = {.param = (uint32_t)param};
        v.view.record_tag = cg_arena_strdup(&f->model->arena, tag);
        v.view.is_union = clang_getCursorKind(decl) == CXCursor_UnionDecl;
        char *text = type_text(clang_getCanonicalType(as));
        v.view.type = cg_arena_strdup(&f->model->arena, text);
        free(text);
        v.view.loc = cg_cfront_cursor_location(f->tu_ctx, at);
        cg_vec_push(&f->facts->views, v);
    }
    free(tag);
}

/* Records cast c when it converts between incompatible function types.
 * use/passed_to say where the result goes; the first caller to see a cast
 * decides (the walk meets the enclosing call or assignment first). */
static void note_cast(fctx *f, CXCursor c, const char *use, const char *passed_to) {
    c = strip(c);
    if (clang_getCursorKind(c) != CXCursor_CStyleCastExpr) return;
    char *key = cg_cfront_cursor_key(c);
    bool seen = cg_strmap_get(&f->cast_seen, key) != NULL;
    if (!seen) cg_strmap_put(&f->cast_seen, key, (void *)(intptr_t)-1);
    free(key);
    if (seen) return;
    CXType to = function_type_of(clang_getCursorType(c));
    if (!is_function_type(to)) return;
    /* Through a chain of casts, (destroy_fn)(void (*)(void))unref (GLib's
     * idiom to silence -Wcast-function-type): the call goes through the
     * last type, to the function behind the first, whose own type is what
     * the call must match; the casts in between are not conversions of
     * their own. */
    CXCursor src = last_expr_child(c);
    for (int depth = 0; depth < 16 && !clang_Cursor_isNull(src) &&
                        clang_getCursorKind(strip(src)) == CXCursor_CStyleCastExpr;
         depth++) {
        CXCursor inner = strip(src);
        key = cg_cfront_cursor_key(inner);
        if (!cg_strmap_get(&f->cast_seen, key)) cg_strmap_put(&f->cast_seen, key, (void *)(intptr_t)-1);
        free(key);
        src = last_expr_child(inner);
    }
    if (clang_Cursor_isNull(src)) return;
    CXType from = function_type_of(clang_getCursorType(src));
    if (!is_function_type(from) || clang_equalTypes(from, to)) return;
    cg_cfnptr_cast cast = {0};
    cast.loc = cg_cfront_cursor_location(f->tu_ctx, c);
    char *from_text = type_text(clang_getCanonicalType(clang_getCursorType(src)));
    char *to_text = type_text(clang_getCanonicalType(clang_getCursorType(c)));
    cast.from = cg_arena_strdup(&f->model->arena, from_text);
    cast.to = cg_arena_strdup(&f->model->arena, to_text);
    free(from_text);
    free(to_text);
    cast.target = named_function(f, src);
    cast.from_param = param_of(f, src);
    cast.use = cg_arena_strdup(&f->model->arena, use);
    cast.passed_to = passed_to;
    cg_vec_push(&f->facts->casts, cast);
    key = cg_cfront_cursor_key(c);
    cg_strmap_put(&f->cast_seen, key, (void *)(intptr_t)f->facts->casts.len);
    free(key);
}

/* A call through a variable initialised with a cast (int (*g)(int, int) =
 * (int (*)(int, int))add3; g(a, b)): the cast's result is called, whatever
 * use was recorded for it at the declaration. */
static void note_call_through_variable(fctx *f, CXCursor callee_expr) {
    CXCursor init;
    called_variable(callee_expr, &init);
    init = strip(init);
    if (clang_getCursorKind(init) != CXCursor_CStyleCastExpr) return;
    char *key = cg_cfront_cursor_key(init);
    intptr_t index = (intptr_t)cg_strmap_get(&f->cast_seen, key);
    free(key);
    if (index > 0) {
        f->facts->casts.items[index - 1].use = "called";
        f->facts->casts.items[index - 1].passed_to = NULL;
    } else if (index == 0) {
        note_cast(f, init, "called", NULL); /* a file-scope initializer, not walked */
    }
}

/* ---- the walk ---- */

static const char *const setjmps[] = {"setjmp", "_setjmp", "__builtin_setjmp", NULL};
static const char *const sigsetjmps[] = {"sigsetjmp", "__sigsetjmp", NULL};
static const char *const longjmps[] = {"longjmp", "_longjmp", "__builtin_longjmp", NULL};
static const char *const siglongjmps[] = {"siglongjmp", "__longjmp_chk", NULL};
static const char *const tls_calls[] = {"pthread_getspecific", "pthread_setspecific", "tss_get",
                                        "tss_set", NULL};

/* Documented thread-affine APIs: OpenGL and its window-system bindings act
 * on the context made current on the calling thread (glXMakeCurrent,
 * eglMakeCurrent, wglMakeCurrent, SDL_GL_MakeCurrent, ...), so every call
 * depends on which thread runs it. */
static void note_tls(fctx *f, CXCursor at, const char *what) {
    if (f->facts->uses_tls) return;
    f->facts->uses_tls = true;
    f->facts->tls_loc = cg_cfront_cursor_location(f->tu_ctx, at);
    f->facts->tls_what = cg_arena_strdup(&f->model->arena, what);
}

/* An attribute argument as written, without spaces, parentheses and a
 * leading '&': "&attr" and "(&attr)" both name "attr". */
static const char *attr_name(fctx *f, CXCursor arg) {
    const char *text = cursor_text(f, arg);
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    for (const char *p = text; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '(' && *p != ')' && !(*p == '&' && sb.len == 0))
            cg_strbuf_append_char(&sb, *p);
    const char *name = cg_arena_strdup(&f->model->arena, sb.data ? sb.data : "");
    cg_strbuf_free(&sb);
    return name;
}

/* pthread_attr_setstacksize(&attr, N) with N a constant expression. */
static void note_stack_size(fctx *f, CXCursor call) {
    CXEvalResult r = clang_Cursor_Evaluate(clang_Cursor_getArgument(call, 1));
    if (!r) return;
    if (clang_EvalResult_getKind(r) == CXEval_Int) {
        long long v = clang_EvalResult_getAsLongLong(r);
        if (v > 0) {
            cf_stack_size ss = {attr_name(f, clang_Cursor_getArgument(call, 0)), (unsigned long long)v,
                                cg_cfront_cursor_location(f->tu_ctx, call)};
            cg_vec_push(&f->facts->stack_sizes, ss);
        }
    }
    clang_EvalResult_dispose(r);
}

/* pthread_create(&t, &attr, start, arg): the last stack size set on that
 * attribute object before this call. */
static void note_thread_stack(fctx *f, cf_call *call, CXCursor c) {
    const char *attr = attr_name(f, clang_Cursor_getArgument(c, 1));
    for (size_t i = f->facts->stack_sizes.len; i-- > 0;) {
        const cf_stack_size *ss = &f->facts->stack_sizes.items[i];
        if (strcmp(ss->attr, attr) != 0) continue;
        call->thread_stack_size = ss->size;
        call->thread_stack_size_loc = ss->loc;
        return;
    }
}

static void atomic_store_into(fctx *f, CXCursor ptr, CXCursor value, CXCursor at);

static void handle_call(fctx *f, CXCursor c) {
    uint32_t idx = call_of(f, c);
    const cf_call *call = &f->facts->calls.items[idx];
    const char *callee = call->callee;
    /* Casts whose result is called or passed on. */
    CXCursor callee_expr = expr_child(c, 0);
    if (!clang_Cursor_isNull(callee_expr)) {
        note_cast(f, callee_expr, "called", NULL);
        note_call_through_variable(f, callee_expr);
    }
    for (uint32_t i = 0; i < call->nargs; i++) {
        char *use = cg_xasprintf("passed to %s as argument %u",
                                 callee ? callee : "a function pointer", i + 1);
        note_cast(f, clang_Cursor_getArgument(c, i), use, callee);
        free(use);
    }
    if (!callee) return;
    int kind = name_in(callee, setjmps)       ? CG_JUMP_SETJMP
               : name_in(callee, sigsetjmps)  ? CG_JUMP_SIGSETJMP
               : name_in(callee, longjmps)    ? CG_JUMP_LONGJMP
               : name_in(callee, siglongjmps) ? CG_JUMP_SIGLONGJMP
                                              : -1;
    if (kind >= 0) {
        cf_jump j = {.kind = (cg_cjump_kind)kind, .loc = call->loc, .offset = call->offset};
        j.buffer = call->nargs ? cursor_text(f, clang_Cursor_getArgument(c, 0)) : "";
        cg_vec_push(&f->facts->jumps, j);
    }
    if (strcmp(callee, "pthread_attr_setstacksize") == 0 && call->nargs == 2)
        note_stack_size(f, c);
    if (strcmp(callee, "pthread_create") == 0 && call->nargs == 4)
        note_thread_stack(f, &f->facts->calls.items[idx], c);
    /* __sync_lock_test_and_set_8(ptr, value), __sync_val_compare_and_swap_8
     * (ptr, old, new): clang names the builtins with the operand size. */
    if (cg_str_has_prefix(callee, "__sync_lock_test_and_set") && call->nargs >= 2)
        atomic_store_into(f, clang_Cursor_getArgument(c, 0), clang_Cursor_getArgument(c, 1), c);
    if ((cg_str_has_prefix(callee, "__sync_val_compare_and_swap") ||
         cg_str_has_prefix(callee, "__sync_bool_compare_and_swap")) &&
        call->nargs >= 3)
        atomic_store_into(f, clang_Cursor_getArgument(c, 0), clang_Cursor_getArgument(c, 2), c);
    const char *affine_why = NULL;
    /* The package's own function of a library's name (zstd's static
     * ERR_isError is not OpenSSL's error queue): what it does is in its
     * body, which has its own facts. */
    CXCursor callee_decl = clang_getCursorReferenced(c);
    CXCursor callee_def = clang_getCursorDefinition(callee_decl);
    bool own = !clang_Cursor_isNull(callee_def) &&
               !clang_Location_isInSystemHeader(clang_getCursorLocation(callee_def));
    if (own) return;
    if (name_in(callee, tls_calls)) {
        char *what = cg_xasprintf("calls %s", callee);
        note_tls(f, c, what);
        free(what);
    } else if (cg_thread_affine_api(callee, &affine_why) != CG_AFFINE_NONE &&
               cg_thread_affine_api(callee, NULL) != CG_AFFINE_ERROR_STATE) {
        /* An error read inside this C call belongs to the call that failed
         * in it (sqlite3SystemError reads sqlite3OsGetLastError right
         * away): no state carries over to another cgo call. */
        char *what = cg_xasprintf("calls %s (%s)", callee,
                                  affine_why ? affine_why : "acts on per-thread state");
        note_tls(f, c, what);
        free(what);
    }
}

static void store(fctx *f, cf_origin base, cf_origin value, CXCursor at, CXCursor lhs,
                  bool to_global_var) {
    cf_store s = {.base = base, .value = value, .to_global_var = to_global_var};
    s.loc = cg_cfront_cursor_location(f->tu_ctx, at);
    s.target = cursor_text(f, lhs);
    cg_vec_push(&f->facts->stores, s);
}

/* Atomic writes (C11 atomic_store/exchange/compare-exchange, the GCC
 * __atomic and __sync builtins) store value through ptr like *ptr = value. */
static void atomic_store_into(fctx *f, CXCursor ptr, CXCursor value, CXCursor at) {
    if (clang_Cursor_isNull(ptr) || clang_Cursor_isNull(value)) return;
    CXCursor shown = clang_getNullCursor();
    bool to_global = false;
    CXCursor target = strip(ptr);
    if (clang_getCursorKind(target) == CXCursor_UnaryOperator) {
        char *op = unary_op(f, target);
        if (strcmp(op, "&") == 0) {
            shown = strip(expr_child(target, 0));
            to_global = clang_getCursorKind(shown) == CXCursor_DeclRefExpr &&
                        is_global_var(clang_getCursorReferenced(shown));
        }
        free(op);
    }
    cf_store st = {.base = origin_of(f, ptr), .value = origin_of(f, value)};
    st.to_global_var = to_global;
    st.loc = cg_cfront_cursor_location(f->tu_ctx, at);
    st.target = clang_Cursor_isNull(shown)
                    ? cg_arena_printf(&f->model->arena, "*%s", cursor_text(f, ptr))
                    : cursor_text(f, shown);
    cg_vec_push(&f->facts->stores, st);
}

/* An AtomicExpr (libclang shows it as an UnexposedExpr whose children are
 * pointer, order, value1, order-on-failure, value2): recognised by the name
 * it is written with. */
static void handle_atomic_expr(fctx *f, CXCursor c) {
    static const struct {
        const char *name;
        unsigned value_child;
    } atomics[] = {
        {"atomic_store", 2},
        {"atomic_store_explicit", 2},
        {"atomic_exchange", 2},
        {"atomic_exchange_explicit", 2},
        {"atomic_compare_exchange_strong", 4},
        {"atomic_compare_exchange_weak", 4},
        {"atomic_compare_exchange_strong_explicit", 4},
        {"atomic_compare_exchange_weak_explicit", 4},
        {"__atomic_store_n", 2},
        {"__atomic_exchange_n", 2},
        {"__atomic_compare_exchange_n", 4},
        {"__c11_atomic_store", 2},
        {"__c11_atomic_exchange", 2},
        {"__c11_atomic_compare_exchange_strong", 4},
        {"__c11_atomic_compare_exchange_weak", 4},
    };
    cursor_vec kids = children_of(c);
    size_t exprs = 0;
    for (size_t i = 0; i < kids.len; i++) exprs += is_expr(kids.items[i]);
    cg_vec_free(&kids);
    if (exprs < 3) return; /* an implicit conversion: the common case, no tokens read */
    CXToken *tokens = NULL;
    unsigned n = 0;
    clang_tokenize(f->tu, file_range(f, clang_getCursorExtent(c)), &tokens, &n);
    char *first = NULL;
    if (n && clang_getTokenKind(tokens[0]) == CXToken_Identifier) {
        CXString sp = clang_getTokenSpelling(f->tu, tokens[0]);
        first = cg_xstrdup(clang_getCString(sp) ? clang_getCString(sp) : "");
        clang_disposeString(sp);
    }
    if (tokens) clang_disposeTokens(f->tu, tokens, n);
    if (!first) return;
    for (size_t i = 0; i < sizeof atomics / sizeof atomics[0]; i++) {
        if (strcmp(first, atomics[i].name) != 0) continue;
        atomic_store_into(f, expr_child(c, 0), expr_child(c, atomics[i].value_child), c);
        break;
    }
    free(first);
}

/* lhs = value: a local now may hold value, or value is stored somewhere. */
static void assign_to(fctx *f, CXCursor lhs, CXCursor whole_lhs, cf_origin value, CXCursor at) {
    CXCursor e = strip(lhs);
    switch (clang_getCursorKind(e)) {
    case CXCursor_DeclRefExpr: {
        CXCursor ref = clang_getCursorReferenced(e);
        if (!is_variable(ref)) return;
        if (is_global_var(ref)) {
            cf_origin global = {.atoms = CF_BIT(CF_ATOM_GLOBAL)};
            store(f, global, value, at, whole_lhs, true);
        } else {
            cf_assign a = {.var = var_of(f, ref), .value = value};
            cg_vec_push(&f->facts->assigns, a);
        }
        return;
    }
    case CXCursor_MemberRefExpr: {
        CXCursor base = expr_child(e, 0);
        if (clang_Cursor_isNull(base)) return;
        uint32_t field = local_field_var(f, e);
        if (field != CF_NO_VAR) {
            cf_assign a = {.var = field, .value = value}; /* s.f = v: into that field */
            cg_vec_push(&f->facts->assigns, a);
        } else if (is_pointer_type(clang_getCursorType(base))) {
            store(f, origin_of(f, base), value, at, whole_lhs, false);
        } else {
            assign_to(f, base, whole_lhs, value, at); /* g.f = v of a global g: into g */
        }
        return;
    }
    case CXCursor_ArraySubscriptExpr: {
        CXCursor base = strip(expr_child(e, 0));
        if (clang_Cursor_isNull(base)) return;
        if (is_array_type(clang_getCursorType(base)))
            assign_to(f, base, whole_lhs, value, at);
        else
            store(f, origin_of(f, base), value, at, whole_lhs, false);
        return;
    }
    case CXCursor_UnaryOperator: {
        char *op = unary_op(f, e);
        if (strcmp(op, "*") == 0)
            store(f, origin_of(f, expr_child(e, 0)), value, at, whole_lhs, false);
        free(op);
        return;
    }
    default:
        return;
    }
}

static void register_role(fctx *f, const char *func, unsigned role, CXCursor at) {
    if (!func) return;
    cf_role_reg r = {.func = func, .role = role};
    r.loc = cg_cfront_cursor_location(f->tu_ctx, at);
    cg_vec_push(&f->facts->roles, r);
}

static void handle_binop(fctx *f, CXCursor c) {
    char *op = binary_op(f, c);
    bool is_assign = strcmp(op, "=") == 0;
    free(op);
    if (!is_assign) return;
    CXCursor lhs = expr_child(c, 0), rhs = expr_child(c, 1);
    if (clang_Cursor_isNull(lhs) || clang_Cursor_isNull(rhs)) return;
    assign_to(f, lhs, lhs, origin_of(f, rhs), c);
    const char *target = cursor_text(f, lhs);
    char *use = cg_xasprintf("stored in '%s'", target);
    note_cast(f, rhs, use, NULL);
    free(use);
    /* sa.sa_handler = h / sa.sa_sigaction = h makes h a signal handler. */
    CXCursor member = strip(lhs);
    if (clang_getCursorKind(member) == CXCursor_MemberRefExpr) {
        char *name = spelling(member);
        if (strcmp(name, "sa_handler") == 0 || strcmp(name, "sa_sigaction") == 0)
            register_role(f, named_function(f, rhs), CG_ROLE_SIGNAL_HANDLER, c);
        free(name);
    }
}

static void handle_local_var(fctx *f, CXCursor c) {
    if (is_global_var(c)) return; /* a static local: only its uses matter */
    uint32_t var = var_of(f, c);
    CXCursor init = clang_Cursor_getVarDeclInitializer(c);
    if (clang_Cursor_isNull(init)) return;
    cf_assign a = {.var = var, .value = origin_of(f, init)};
    cg_vec_push(&f->facts->assigns, a);
    /* struct hmap *h = m; with void *m: C's implicit conversion. */
    if (clang_getCursorKind(strip(init)) == CXCursor_DeclRefExpr) note_param_view_as(f, init, clang_getCursorType(c), c);
    char *name = spelling(c);
    char *use = cg_xasprintf("stored in '%s'", name);
    note_cast(f, init, use, NULL);
    free(use);
    free(name);
}

typedef struct ref_search {
    fctx *f;
    CXCursor at;
} ref_search;

static enum CXChildVisitResult find_handler_refs(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    ref_search *rs = data;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor ref = clang_getCursorReferenced(c);
        if (clang_getCursorKind(ref) == CXCursor_FunctionDecl)
            register_role(rs->f, arena_spelling(rs->f, ref), CG_ROLE_SIGNAL_HANDLER, rs->at);
    }
    return CXChildVisit_Recurse;
}

static void handle_init_list(fctx *f, CXCursor c) {
    /* struct sigaction sa = { .sa_handler = h }; */
    char *type = type_text(clang_getCanonicalType(clang_getCursorType(c)));
    if (strcmp(type, "struct sigaction") == 0) {
        ref_search rs = {f, c};
        clang_visitChildren(c, find_handler_refs, &rs);
    }
    free(type);
}

static void handle_ref(fctx *f, CXCursor c) {
    CXCursor ref = clang_getCursorReferenced(c);
    if (clang_getCursorKind(ref) == CXCursor_FunctionDecl) {
        const char *name = arena_spelling(f, ref);
        if (!cg_strmap_get(&f->func_refs, name)) {
            cg_strmap_put(&f->func_refs, name, (void *)name);
            cg_vec_push(&f->facts->func_refs, name);
        }
        return;
    }
    if (clang_getCursorKind(ref) != CXCursor_VarDecl) return;
    if (clang_getCursorTLSKind(ref) == CXTLS_None) return;
    char *name = spelling(ref);
    char *what = cg_xasprintf("uses thread-local variable '%s'", name);
    note_tls(f, c, what);
    free(what);
    free(name);
}

static void walk(fctx *f, CXCursor c, int depth) {
    if (depth > 512) return; /* absurdly nested generated code: stop, do not overflow */
    switch (clang_getCursorKind(c)) {
    case CXCursor_VarDecl:
        handle_local_var(f, c);
        break;
    case CXCursor_BinaryOperator:
        handle_binop(f, c);
        break;
    case CXCursor_CallExpr:
        handle_call(f, c);
        break;
    case CXCursor_ReturnStmt: {
        CXCursor value = expr_child(c, 0);
        if (!clang_Cursor_isNull(value)) {
            cf_return r = {.value = origin_of(f, value)};
            r.loc = cg_cfront_cursor_location(f->tu_ctx, c);
            cg_vec_push(&f->facts->returns, r);
        }
        break;
    }
    case CXCursor_CStyleCastExpr:
        note_cast(f, c, "used", NULL);
        note_param_view(f, c);
        break;
    case CXCursor_DeclRefExpr:
        handle_ref(f, c);
        break;
    case CXCursor_InitListExpr:
        handle_init_list(f, c);
        break;
    case CXCursor_UnexposedExpr:
        handle_atomic_expr(f, c);
        break;
    default:
        break;
    }
    cursor_vec kids = children_of(c);
    for (size_t i = 0; i < kids.len; i++) walk(f, kids.items[i], depth + 1);
    cg_vec_free(&kids);
}

void cg_cfacts_collect(cg_cmodel *model, void *tu_ctx, CXCursor def, const cg_cfunc *func) {
    if (cg_strmap_get(&model->facts, func->name)) return;
    cg_cfacts *facts = cg_xcalloc(1, sizeof *facts);
    facts->func = func;
    fctx f = {.model = model, .tu_ctx = tu_ctx, .tu = cg_cfront_tu(tu_ctx), .facts = facts};
    cg_strmap_init(&f.var_index);
    cg_strmap_init(&f.call_index);
    cg_strmap_init(&f.cast_seen);
    cg_strmap_init(&f.func_refs);
    /* Parameters are locals 0..n-1, so their atoms are their indices: each
     * gets its own slot even when clang cannot name it (a null cursor). */
    int n = clang_Cursor_getNumArguments(def);
    for (int i = 0; i < n; i++) {
        CXCursor param = clang_Cursor_getArgument(def, (unsigned)i);
        if (clang_Cursor_isNull(param)) {
            cg_vec_push(&facts->var_names, "");
            cg_vec_push(&facts->var_parent, CF_NO_VAR);
        } else {
            var_of(&f, param);
        }
    }
    facts->nparams = n > 0 ? (uint32_t)n : 0;
    CG_ASSERT(facts->var_names.len == facts->nparams);
    walk(&f, def, 0);
    cg_strmap_free(&f.var_index);
    cg_strmap_free(&f.call_index);
    cg_strmap_free(&f.cast_seen);
    cg_strmap_free(&f.func_refs);
    cg_strmap_put(&model->facts, func->name, facts);
}

void cg_cfacts_release(cg_cmodel *model) {
    for (size_t i = 0; i < model->facts.capacity; i++) {
        cg_cfacts *facts = model->facts.slots[i].value;
        if (!model->facts.slots[i].key || !facts) continue;
        cg_vec_free(&facts->var_names);
        cg_vec_free(&facts->var_parent);
        cg_vec_free(&facts->assigns);
        cg_vec_free(&facts->stores);
        cg_vec_free(&facts->calls);
        cg_vec_free(&facts->returns);
        cg_vec_free(&facts->jumps);
        cg_vec_free(&facts->roles);
        cg_vec_free(&facts->casts);
        cg_vec_free(&facts->views);
        cg_vec_free(&facts->stack_sizes);
        cg_vec_free(&facts->func_refs);
        free(facts);
    }
}
