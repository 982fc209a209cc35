/*
 * cfront.c: the libclang side of the C front-end.
 *
 * Each cgo preamble becomes its own in-memory translation unit: cgo's
 * builtin prolog (the _GoString_ typedef and its helpers, exactly what cgo
 * puts before every preamble) under `#line 1 "cgo-builtin-prolog"`, then
 * `#line <first_line> "<go file>"` and the preamble text, so every location
 * clang reports maps to the .go file line and the prolog shifts nothing.
 * Each .c file is read by us (so unreadable, binary and oversized files are
 * problems, not crashes) and handed to clang as an unsaved file.
 *
 * Parsing uses CXTranslationUnit_KeepGoing, so a missing header or a syntax
 * error stops nothing: every error becomes a cg_cproblem and whatever parsed
 * is recorded. The declarations are converted to the model's plain structs
 * while the translation unit is alive (cursors die with it); the bodies of
 * the package's own functions are handed to cfacts.c for the summaries.
 */
#include "cfacts.h"
#include "cfront_internal.h"

#include <clang-c/Index.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* cgo's builtinProlog (cmd/cgo/out.go), verbatim apart from the #line that
 * cgo also uses. Keep in sync when cgo changes it. */
static const char cgo_builtin_prolog[] =
    "#line 1 \"cgo-builtin-prolog\"\n"
    "#include <stddef.h>\n"
    "\n"
    "/* Define intgo when compiling with GCC.  */\n"
    "typedef ptrdiff_t intgo;\n"
    "\n"
    "#define GO_CGO_GOSTRING_TYPEDEF\n"
    "typedef struct { const char *p; intgo n; } _GoString_;\n"
    "typedef struct { char *p; intgo n; intgo c; } _GoBytes_;\n"
    "_GoString_ GoString(char *p);\n"
    "_GoString_ GoStringN(char *p, int l);\n"
    "_GoBytes_ GoBytes(void *p, int n);\n"
    "char *CString(_GoString_);\n"
    "void *CBytes(_GoBytes_);\n"
    "void *_CMalloc(size_t);\n"
    "\n"
    "__attribute__ ((unused))\n"
    "static size_t _GoStringLen(_GoString_ s) { return (size_t)s.n; }\n"
    "\n"
    "__attribute__ ((unused))\n"
    "static const char *_GoStringPtr(_GoString_ s) { return s.p; }\n";

#define PROLOG_FILE "cgo-builtin-prolog"
#define PCH_DIR_PREFIX "cgoguard-pch-"

/* Per translation unit state; gone when the unit is disposed. */
typedef struct tu_ctx {
    cg_cmodel *model;
    CXTranslationUnit tu;
    const char *main_presumed; /* file name of locations without a file */
    cg_strmap pointer_memo;    /* record definition key -> (void *)1 no / 2 yes */
} tu_ctx;

/* ---- small libclang helpers ---- */

static const char *arena_cxstring(cg_cmodel *model, CXString s) {
    const char *c = clang_getCString(s);
    const char *copy = cg_arena_strdup(&model->arena, c ? c : "");
    clang_disposeString(s);
    return copy;
}

static char *take_cxstring(CXString s) {
    const char *c = clang_getCString(s);
    char *copy = cg_xstrdup(c ? c : "");
    clang_disposeString(s);
    return copy;
}

/* A #line file name read back from a precompiled block comes out resolved
 * against the block's directory ("pkg/cgo-builtin-prolog"); the prolog's
 * name is the same whether or not the unit used a .pch. */
static const char *presumed_name(const char *name) {
    size_t n = name ? strlen(name) : 0, p = sizeof PROLOG_FILE - 1;
    if (n > p && name[n - p - 1] == '/' && strcmp(name + n - p, PROLOG_FILE) == 0) return PROLOG_FILE;
    return name;
}

static cg_location map_location(tu_ctx *ctx, CXSourceLocation start, CXSourceLocation end,
                                bool with_end) {
    cg_location loc = {0};
    CXString file;
    unsigned line = 0, column = 0;
    clang_getPresumedLocation(start, &file, &line, &column);
    const char *name = presumed_name(clang_getCString(file));
    loc.file = cg_cmodel_intern_path(ctx->model, name && *name ? name : ctx->main_presumed);
    clang_disposeString(file);
    loc.line = line;
    loc.column = column;
    if (with_end) {
        CXString end_file;
        clang_getPresumedLocation(end, &end_file, &line, &column);
        clang_disposeString(end_file);
        loc.end_line = line;
        loc.end_column = column;
    }
    return loc;
}

static cg_location cursor_location(tu_ctx *ctx, CXCursor c) {
    CXSourceRange extent = clang_getCursorExtent(c);
    cg_location loc =
        map_location(ctx, clang_getCursorLocation(c), clang_getRangeEnd(extent), true);
    /* The name's position is the start; the extent's end closes the range
     * unless a macro or #line made it run backwards. */
    if (loc.end_line < loc.line || (loc.end_line == loc.line && loc.end_column < loc.column))
        loc.end_line = loc.end_column = 0;
    return loc;
}

cg_location cg_cfront_cursor_location(void *tu_ctx_ptr, CXCursor c) {
    return cursor_location(tu_ctx_ptr, c);
}

static bool in_prolog(CXCursor c) {
    CXString file;
    unsigned line, column;
    clang_getPresumedLocation(clang_getCursorLocation(c), &file, &line, &column);
    bool yes = strcmp(presumed_name(clang_getCString(file)), PROLOG_FILE) == 0;
    clang_disposeString(file);
    return yes;
}

/* ---- types ---- */

static bool type_has_pointer(tu_ctx *ctx, CXType t);

/* A key naming one declaration, statement or expression while its unit
 * lives: the AST node behind the cursor (what clang_equalCursors compares
 * and clang_hashCursor hashes; data[1] for statements and expressions,
 * data[0] for declarations). A file position is no name: everything a
 * macro body expands to sits at the one place the macro was used, so the
 * parameters of `GEN(f)` or two structs of one macro would share a key. */
char *cg_cfront_cursor_key(CXCursor c) {
    enum CXCursorKind k = clang_getCursorKind(c);
    unsigned slot = clang_isExpression(k) || clang_isStatement(k) ? 1 : 0;
    return cg_xasprintf("%d:%p", (int)k, c.data[slot]);
}

typedef struct pointer_scan {
    tu_ctx *ctx;
    bool found;
} pointer_scan;

static enum CXVisitorResult scan_field(CXCursor field, CXClientData data) {
    pointer_scan *scan = data;
    if (type_has_pointer(scan->ctx, clang_getCursorType(field))) {
        scan->found = true;
        return CXVisit_Break;
    }
    return CXVisit_Continue;
}

/* Memoized per definition: a record used by value in many places (or in a
 * deep nest of records) is scanned once, so the cost stays linear. */
static bool record_has_pointer(tu_ctx *ctx, CXType record) {
    CXCursor def = clang_getCursorDefinition(clang_getTypeDeclaration(record));
    if (clang_Cursor_isNull(def)) return false; /* incomplete: nothing known */
    char *key = cg_cfront_cursor_key(def);
    void *known = cg_strmap_get(&ctx->pointer_memo, key);
    if (known) {
        free(key);
        return known == (void *)2;
    }
    /* A record cannot contain itself by value; the provisional "no" only
     * guards against malformed input. */
    cg_strmap_put(&ctx->pointer_memo, key, (void *)1);
    pointer_scan scan = {ctx, false};
    clang_Type_visitFields(record, scan_field, &scan);
    cg_strmap_put(&ctx->pointer_memo, key, scan.found ? (void *)2 : (void *)1);
    free(key);
    return scan.found;
}

static bool type_has_pointer(tu_ctx *ctx, CXType t) {
    t = clang_getCanonicalType(t);
    switch (t.kind) {
    case CXType_Pointer:
    case CXType_BlockPointer:
    case CXType_ObjCObjectPointer:
        return true;
    case CXType_ConstantArray:
    case CXType_IncompleteArray:
    case CXType_VariableArray:
    case CXType_DependentSizedArray:
        return type_has_pointer(ctx, clang_getArrayElementType(t));
    case CXType_Record:
        return record_has_pointer(ctx, t);
    case CXType_Atomic:
        return type_has_pointer(ctx, clang_Type_getValueType(t));
    default:
        return false;
    }
}

static bool is_integer_kind(enum CXTypeKind k) {
    switch (k) {
    case CXType_Bool:
    case CXType_Char_U:
    case CXType_UChar:
    case CXType_Char16:
    case CXType_Char32:
    case CXType_UShort:
    case CXType_UInt:
    case CXType_ULong:
    case CXType_ULongLong:
    case CXType_UInt128:
    case CXType_Char_S:
    case CXType_SChar:
    case CXType_WChar:
    case CXType_Short:
    case CXType_Int:
    case CXType_Long:
    case CXType_LongLong:
    case CXType_Int128:
    case CXType_Enum:
        return true;
    default:
        return false;
    }
}

static bool is_float_kind(enum CXTypeKind k) {
    switch (k) {
    case CXType_Float:
    case CXType_Double:
    case CXType_LongDouble:
    case CXType_Float128:
    case CXType_Half:
    case CXType_Float16:
    case CXType_Complex:
        return true;
    default:
        return false;
    }
}

/* The tag of a record type; for `typedef struct {...} name;` the typedef
 * name (clang spells such a type by it); NULL for a truly anonymous one. */
static const char *record_tag(tu_ctx *ctx, CXType record, bool *is_union, bool *anonymous) {
    CXCursor decl = clang_getTypeDeclaration(record);
    *is_union = clang_getCursorKind(decl) == CXCursor_UnionDecl;
    *anonymous = false;
    CXString name = clang_getCursorSpelling(decl);
    const char *n = clang_getCString(name);
    if (n && *n && !strchr(n, ' ')) return arena_cxstring(ctx->model, name);
    clang_disposeString(name);
    char *spelled = take_cxstring(clang_getTypeSpelling(clang_getCanonicalType(record)));
    const char *tag = NULL;
    if (*spelled && !strchr(spelled, ' ') && !strchr(spelled, '(')) {
        tag = cg_arena_strdup(&ctx->model->arena, spelled);
        *anonymous = true;
    }
    free(spelled);
    return tag;
}

static bool names_uintptr(const char *name) {
    return strcmp(name, "uintptr_t") == 0 || strcmp(name, "intptr_t") == 0 ||
           strcmp(name, "__uintptr_t") == 0 || strcmp(name, "__intptr_t") == 0;
}

/* True when the written type goes through a uintptr_t/intptr_t typedef. */
static bool through_uintptr_typedef(CXType t) {
    for (int depth = 0; depth < 32; depth++) {
        if (t.kind == CXType_Elaborated) t = clang_Type_getNamedType(t);
        if (t.kind != CXType_Typedef) return false;
        char *name = take_cxstring(clang_getTypedefName(t));
        bool hit = names_uintptr(name);
        free(name);
        if (hit) return true;
        t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
    }
    return false;
}

static cg_ctype convert_type(tu_ctx *ctx, CXType written) {
    cg_ctype out = {0};
    CXType t = clang_getCanonicalType(written);
    if (t.kind == CXType_Atomic) t = clang_getCanonicalType(clang_Type_getValueType(t));
    out.spelling = arena_cxstring(ctx->model, clang_getTypeSpelling(t));
    bool anonymous;
    if (t.kind == CXType_Void) {
        out.kind = CG_CTYPE_VOID;
    } else if (is_integer_kind(t.kind)) {
        out.kind = CG_CTYPE_INTEGER;
        out.is_uintptr = through_uintptr_typedef(written);
    } else if (is_float_kind(t.kind)) {
        out.kind = CG_CTYPE_FLOAT;
    } else if (t.kind == CXType_Pointer || t.kind == CXType_BlockPointer) {
        CXType pointee = clang_getCanonicalType(clang_getPointeeType(t));
        if (pointee.kind == CXType_FunctionProto || pointee.kind == CXType_FunctionNoProto ||
            t.kind == CXType_BlockPointer) {
            out.kind = CG_CTYPE_FUNC_POINTER;
        } else {
            out.kind = CG_CTYPE_POINTER;
            out.pointee_is_const = clang_isConstQualifiedType(pointee);
            if (pointee.kind == CXType_Record)
                out.record_tag = record_tag(ctx, pointee, &out.record_is_union, &anonymous);
        }
    } else if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
               t.kind == CXType_VariableArray || t.kind == CXType_DependentSizedArray) {
        out.kind = CG_CTYPE_ARRAY;
        out.contains_pointer = type_has_pointer(ctx, t);
        CXType elem = t;
        for (int depth = 0; depth < 64; depth++) {
            CXType next = clang_getArrayElementType(elem);
            if (next.kind == CXType_Invalid) break;
            elem = clang_getCanonicalType(next);
        }
        if (elem.kind == CXType_Record)
            out.record_tag = record_tag(ctx, elem, &out.record_is_union, &anonymous);
    } else if (t.kind == CXType_Record) {
        out.kind = CG_CTYPE_RECORD;
        out.record_tag = record_tag(ctx, t, &out.record_is_union, &anonymous);
        out.contains_pointer = record_has_pointer(ctx, t);
    } else {
        out.kind = CG_CTYPE_UNKNOWN; /* function types, vectors, ... */
    }
    return out;
}

CXTranslationUnit cg_cfront_tu(void *tu_ctx_ptr) { return ((tu_ctx *)tu_ctx_ptr)->tu; }

/* ---- declarations ---- */

typedef CG_VEC(cg_cfield) field_vec;
typedef struct field_collect {
    tu_ctx *ctx;
    field_vec fields;
} field_collect;

static enum CXVisitorResult collect_field(CXCursor field, CXClientData data) {
    field_collect *fc = data;
    cg_cfield f = {
        .name = arena_cxstring(fc->ctx->model, clang_getCursorSpelling(field)),
        .type = convert_type(fc->ctx, clang_getCursorType(field)),
    };
    cg_vec_push(&fc->fields, f);
    return CXVisit_Continue;
}

static void handle_record(tu_ctx *ctx, CXCursor c);

static enum CXChildVisitResult visit_nested_records(CXCursor c, CXCursor parent,
                                                    CXClientData data) {
    (void)parent;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_StructDecl || k == CXCursor_UnionDecl) handle_record(data, c);
    return CXChildVisit_Continue;
}

static void handle_record(tu_ctx *ctx, CXCursor c) {
    cg_cmodel *m = ctx->model;
    CXType type = clang_getCursorType(c);
    bool is_union, anonymous;
    const char *tag = record_tag(ctx, type, &is_union, &anonymous);
    bool complete = clang_isCursorDefinition(c);
    /* Named records declared inside another record are file-scope in C. */
    if (complete) clang_visitChildren(c, visit_nested_records, ctx);
    if (!tag) return;
    cg_strmap *table = is_union ? &m->unions : &m->structs;
    cg_crecord *r = cg_strmap_get(table, tag);
    if (r && (r->is_complete || !complete)) return;
    if (!r) {
        r = cg_arena_alloc(&m->arena, sizeof *r);
        cg_strmap_put(table, tag, r);
    }
    r->tag = tag;
    r->is_union = is_union;
    r->is_anonymous = anonymous;
    r->is_complete = complete;
    r->spelling = anonymous
                      ? tag
                      : cg_arena_printf(&m->arena, "%s %s", is_union ? "union" : "struct", tag);
    r->loc = cursor_location(ctx, c);
    if (!complete) return;
    field_collect fc = {ctx, {0}};
    clang_Type_visitFields(type, collect_field, &fc);
    r->field_count = fc.fields.len;
    r->fields = cg_arena_alloc(&m->arena, (fc.fields.len ? fc.fields.len : 1) * sizeof(cg_cfield));
    if (fc.fields.len) memcpy(r->fields, fc.fields.items, fc.fields.len * sizeof(cg_cfield));
    cg_vec_free(&fc.fields);
    r->contains_pointer = record_has_pointer(ctx, type);
}

static void handle_enum(tu_ctx *ctx, CXCursor c) {
    char *name = take_cxstring(clang_getCursorSpelling(c));
    if (*name && !strchr(name, ' ') && !cg_strmap_get(&ctx->model->enums, name))
        cg_strmap_put(&ctx->model->enums, name,
                      cg_arena_printf(&ctx->model->arena, "enum %s", name));
    free(name);
}

static void handle_typedef(tu_ctx *ctx, CXCursor c) {
    cg_cmodel *m = ctx->model;
    char *name = take_cxstring(clang_getCursorSpelling(c));
    if (!cg_strmap_get(&m->typedefs, name)) {
        cg_ctypedef *td = cg_arena_alloc(&m->arena, sizeof *td);
        td->name = cg_arena_strdup(&m->arena, name);
        /* The cursor's own type is the typedef, so a uintptr_t typedef is
         * recognised by its own name as well as through a chain. */
        td->type = convert_type(ctx, clang_getCursorType(c));
        td->loc = cursor_location(ctx, c);
        cg_strmap_put(&m->typedefs, name, td);
    }
    free(name);
}

static void handle_var(tu_ctx *ctx, CXCursor c) {
    cg_cmodel *m = ctx->model;
    char *name = take_cxstring(clang_getCursorSpelling(c));
    if (!cg_strmap_get(&m->vars, name)) {
        cg_cvar *v = cg_arena_alloc(&m->arena, sizeof *v);
        v->name = cg_arena_strdup(&m->arena, name);
        v->type = convert_type(ctx, clang_getCursorType(c));
        v->is_thread_local = clang_getCursorTLSKind(c) != CXTLS_None;
        v->loc = cursor_location(ctx, c);
        cg_strmap_put(&m->vars, name, v);
    }
    free(name);
}

/* Two bodies of one name: static functions of two preambles (each Go
 * file's preamble is its own unit), or a conflict. The model is keyed by
 * name, so say which one is analysed (once per package: cmodel.c groups
 * them). The same inline function from a header shared by several units is
 * one body and says nothing. */
static void note_second_body(tu_ctx *ctx, const cg_cfunc *first, CXCursor c) {
    cg_location here = cursor_location(ctx, c);
    if (here.file == first->body_loc.file && here.line == first->body_loc.line) return;
    cg_cmodel_second_body(ctx->model, first->name, here, first->body_loc);
}

static void handle_function(tu_ctx *ctx, CXCursor c) {
    cg_cmodel *m = ctx->model;
    if (in_prolog(c)) return; /* cgo's own helpers are not the package's C */
    bool in_system = clang_Location_isInSystemHeader(clang_getCursorLocation(c));
    bool has_body = clang_isCursorDefinition(c) && !in_system;
    char *name = take_cxstring(clang_getCursorSpelling(c));
    cg_cfunc *existing = cg_strmap_get(&m->funcs, name);
    /* A prototype never replaces what is known; a body replaces a prototype.
     * Two bodies (static functions of the same name in two units): the first
     * one stays. */
    if (existing && (existing->has_body || !has_body)) {
        if (existing->has_body && has_body) note_second_body(ctx, existing, c);
        free(name);
        return;
    }
    cg_cfunc f = {0};
    f.name = existing ? existing->name : cg_arena_strdup(&m->arena, name);
    CXType type = clang_getCursorType(c);
    f.result = convert_type(ctx, clang_getResultType(type));
    int n = clang_Cursor_getNumArguments(c);
    if (n > 0) {
        f.param_count = (size_t)n;
        f.params = cg_arena_alloc(&m->arena, (size_t)n * sizeof(cg_cparam));
        for (int i = 0; i < n; i++) {
            CXCursor arg = clang_Cursor_getArgument(c, (unsigned)i);
            f.params[i].name = arena_cxstring(m, clang_getCursorSpelling(arg));
            f.params[i].type = convert_type(ctx, clang_getCursorType(arg));
            f.params[i].loc = cursor_location(ctx, arg);
        }
    }
    f.variadic = clang_isFunctionTypeVariadic(type) != 0;
    f.has_body = has_body;
    f.is_static = clang_Cursor_getStorageClass(c) == CX_SC_Static;
    f.in_system_header = in_system;
    cg_location here = cursor_location(ctx, c);
    f.decl_loc = existing ? existing->decl_loc : here;
    if (has_body) f.body_loc = here;
    cg_cfunc *stored = existing;
    if (!stored) {
        stored = cg_arena_alloc(&m->arena, sizeof *stored);
        cg_strmap_put(&m->funcs, name, stored);
    }
    *stored = f; /* in place: pointers handed out earlier stay valid */
    free(name);
    if (has_body) cg_cfacts_collect(m, ctx, c, stored);
}

static enum CXChildVisitResult visit_top(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    tu_ctx *ctx = data;
    switch (clang_getCursorKind(c)) {
    case CXCursor_FunctionDecl:
        handle_function(ctx, c);
        break;
    case CXCursor_StructDecl:
    case CXCursor_UnionDecl:
        handle_record(ctx, c);
        break;
    case CXCursor_EnumDecl:
        handle_enum(ctx, c);
        break;
    case CXCursor_TypedefDecl:
        handle_typedef(ctx, c);
        break;
    case CXCursor_VarDecl:
        handle_var(ctx, c);
        break;
    default:
        break;
    }
    return CXChildVisit_Continue;
}

/* ---- diagnostics ---- */

/* "'foo.h' file not found" -> "foo.h" (caller frees), else NULL. */
static char *missing_header(const char *text) {
    static const char suffix[] = "' file not found";
    if (text[0] != '\'' || !cg_str_has_suffix(text, suffix)) return NULL;
    size_t len = strlen(text) - 1 - (sizeof suffix - 1);
    return cg_xstrndup(text + 1, len);
}

/* Past this many parse errors in one unit the rest are counted, not listed:
 * a file that is not really C would otherwise bury every other finding. */
enum { MAX_PARSE_ERRORS_PER_UNIT = 10 };

/* clang_getInclusions visitor: for every header of the unit, the chain of
 * #include lines that brought it in ("b.h:3 < a.go:5"). */
typedef struct chain_walk {
    tu_ctx *ctx;
    cg_strmap chains; /* clang's file name -> malloc'd chain */
} chain_walk;

static void record_chain(CXFile included, CXSourceLocation *stack, unsigned depth, CXClientData data) {
    chain_walk *w = data;
    if (depth == 0) return; /* the unit itself */
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    for (unsigned i = 0; i < depth && i < 8; i++) {
        cg_location at = map_location(w->ctx, stack[i], stack[i], false);
        cg_strbuf_printf(&sb, "%s%s:%u", i ? " < " : "", at.file ? at.file : "?", at.line);
    }
    if (depth > 8) cg_strbuf_append(&sb, " < ...");
    CXString name = clang_getFileName(included);
    const char *n = clang_getCString(name);
    if (n && !cg_strmap_get(&w->chains, n)) cg_strmap_put(&w->chains, n, cg_strbuf_detach(&sb));
    clang_disposeString(name);
    cg_strbuf_free(&sb);
}

/* How the file of a diagnostic's location was included ("" for the unit). */
static char *include_chain(tu_ctx *ctx, chain_walk *w, CXSourceLocation where) {
    if (!w->ctx) {
        w->ctx = ctx;
        cg_strmap_init(&w->chains);
        clang_getInclusions(ctx->tu, record_chain, w);
    }
    CXFile file = NULL;
    clang_getExpansionLocation(where, &file, NULL, NULL, NULL);
    if (!file) return cg_xstrdup("");
    CXString name = clang_getFileName(file);
    const char *chain = clang_getCString(name) ? cg_strmap_get(&w->chains, clang_getCString(name)) : NULL;
    char *out = cg_xstrdup(chain ? chain : "");
    clang_disposeString(name);
    return out;
}

static void free_chains(chain_walk *w) {
    if (!w->ctx) return;
    for (size_t i = 0; i < w->chains.capacity; i++)
        if (w->chains.slots[i].key) free(w->chains.slots[i].value);
    cg_strmap_free(&w->chains);
}

static void record_diagnostics(tu_ctx *ctx) {
    unsigned n = clang_getNumDiagnostics(ctx->tu);
    unsigned parse_errors = 0;
    bool clang_stopped = false;
    /* Once a header is missing, the errors that follow are its likely
     * consequences (names, types and function-like macros it would have
     * declared: `DECLARE_THING(x)` reads as a syntax error): they are counted
     * in the header's one note, so one missing library header neither fails
     * a CI run nor buries the findings. Without a missing header, errors
     * stay warnings. */
    void *first_missing = NULL;
    chain_walk chains = {0};
    cg_location last_loc = {.file = ctx->main_presumed, .line = 1, .column = 1};
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(ctx->tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev == CXDiagnostic_Error || sev == CXDiagnostic_Fatal) {
            CXSourceLocation where = clang_getDiagnosticLocation(d);
            cg_location loc = map_location(ctx, where, where, false);
            char *text = take_cxstring(clang_getDiagnosticSpelling(d));
            /* No file: the diagnostic is about the command line, i.e. a
             * #cgo CFLAGS option that gcc takes and clang does not (clang's
             * own cut-off has no file either). A line of 0 alone is no sign
             * of that: `#line 4294967295` in a preamble wraps clang's
             * presumed line to 0 (found with hostile input). */
            CXFile where_file = NULL;
            clang_getExpansionLocation(where, &where_file, NULL, NULL, NULL);
            bool cut_off = strcmp(text, "too many errors emitted, stopping now") == 0;
            bool about_flags = where_file == NULL && !cut_off;
            if (loc.line == 0) loc.line = loc.column = 1;
            char *header = missing_header(text);
            if (about_flags) {
                char *msg = cg_xasprintf("clang ignored a #cgo CFLAGS option: %s", text);
                cg_cmodel_add_problem(ctx->model, loc, CG_SEV_NOTE, msg);
                free(msg);
            } else if (header) {
                char *chain = include_chain(ctx, &chains, where);
                void *group = cg_cmodel_missing_header(ctx->model, header, loc, chain);
                ctx->model->headers_missing = true;
                if (!first_missing) first_missing = group;
                free(chain);
            } else if (cut_off) {
                clang_stopped = true; /* clang's own cut-off: the count is a minimum */
            } else if (first_missing) {
                cg_cmodel_missing_header_error(ctx->model, first_missing);
            } else if (parse_errors++ < MAX_PARSE_ERRORS_PER_UNIT) {
                char *msg = cg_xasprintf("C parse error: %s", text);
                cg_cmodel_add_problem(ctx->model, loc, CG_SEV_WARNING, msg);
                free(msg);
                last_loc = loc;
            }
            free(header);
            free(text);
        }
        clang_disposeDiagnostic(d);
    }
    if (parse_errors > MAX_PARSE_ERRORS_PER_UNIT || (clang_stopped && !first_missing)) {
        unsigned more = parse_errors > MAX_PARSE_ERRORS_PER_UNIT
                            ? parse_errors - MAX_PARSE_ERRORS_PER_UNIT
                            : 0;
        char *msg = cg_xasprintf("more C parse errors after this one were not listed (%s%u)",
                                 clang_stopped ? "at least " : "", more);
        cg_cmodel_add_problem(ctx->model, last_loc, CG_SEV_NOTE, msg);
        free(msg);
    }
    free_chains(&chains);
}

/* ---- running clang ---- */

static bool is_path_flag(const char *flag) {
    static const char *const flags[] = {"-I", "-isystem", "-iquote", "-idirafter", "-include",
                                        "-imacros", "-iprefix"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strcmp(flag, flags[i]) == 0) return true;
    return false;
}

typedef CG_VEC(char *) arg_vec;

/* Relative include paths in #cgo CFLAGS are relative to the package
 * directory (go build runs the compiler there); we do not chdir. */
static char *anchor_path(const char *base_dir, const char *path) {
    if (path[0] == '/' || !base_dir) return cg_xstrdup(path);
    return cg_path_join(base_dir, path);
}

/* Flags that make sense in a #cgo line for a compiler run but not for our
 * parse: they would turn warnings into the errors we report, print help to
 * our stdout, change the language, or name extra inputs/outputs. */
static bool drop_flag(const char *flag) {
    static const char *const exact[] = {"-pedantic-errors", "--help", "-help", "-###", "-v",
                                        "--version", "-E", "-M", "-MM", "-c", "-S"};
    if (flag[0] != '-') return true; /* a stray input file */
    if (cg_str_has_prefix(flag, "-Werror")) return true;
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(flag, exact[i]) == 0) return true;
    return false;
}

/* Dropped together with their separate argument. */
static bool drop_flag_with_arg(const char *flag) {
    static const char *const with_arg[] = {"-x", "-o", "-MF", "-MT", "-MQ", "-Xclang"};
    for (size_t i = 0; i < sizeof with_arg / sizeof with_arg[0]; i++)
        if (strcmp(flag, with_arg[i]) == 0) return true;
    return false;
}

static void build_args(arg_vec *args, const char *base_dir, const cg_cparse_options *opts,
                       bool with_user_flags, bool only_safe_flags) {
    cg_vec_push(args, cg_xstrdup("-x"));
    cg_vec_push(args, cg_xstrdup("c"));
    cg_vec_push(args, cg_xstrdup("-ferror-limit=50"));
    cg_vec_push(args, cg_xstrdup("-fno-spell-checking"));
    if (base_dir) {
        cg_vec_push(args, cg_xstrdup("-I"));
        cg_vec_push(args, cg_xstrdup(base_dir));
    }
    if (with_user_flags && opts) {
        for (size_t i = 0; i < opts->cflag_count; i++) {
            const char *f = opts->cflags[i];
            if (!f) continue;
            if (drop_flag_with_arg(f)) {
                i++;
                continue;
            }
            if (drop_flag(f)) continue;
            if (is_path_flag(f) && i + 1 < opts->cflag_count) {
                cg_vec_push(args, cg_xstrdup(f));
                cg_vec_push(args, anchor_path(base_dir, opts->cflags[++i]));
                continue;
            }
            if (cg_str_has_prefix(f, "-I") && f[2]) {
                char *p = anchor_path(base_dir, f + 2);
                cg_vec_push(args, cg_xasprintf("-I%s", p));
                free(p);
                continue;
            }
            bool safe = cg_str_has_prefix(f, "-D") || cg_str_has_prefix(f, "-U") ||
                        cg_str_has_prefix(f, "-std=");
            if (only_safe_flags && !safe) continue;
            cg_vec_push(args, cg_xstrdup(f));
        }
    }
    cg_vec_push(args, cg_xstrdup("-Wno-error"));
}

static void free_args(arg_vec *args) {
    for (size_t i = 0; i < args->len; i++) free(args->items[i]);
    cg_vec_free(args);
}

static void add_dependency(cg_cmodel *model, const char *path) {
    if (!path || !*path || cg_strmap_get(&model->dependency_set, path) ||
        strstr(path, "/" PCH_DIR_PREFIX)) /* our own .pch files */
        return;
    const char *copy = cg_arena_strdup(&model->arena, path);
    cg_strmap_put(&model->dependency_set, copy, (void *)copy);
    cg_vec_push(&model->dependencies, copy);
}

/* clang_getInclusions visitor: remembers every file the parse read. */
static void record_inclusion(CXFile included, CXSourceLocation *stack, unsigned depth, CXClientData data) {
    (void)stack;
    (void)depth;
    cg_cmodel *model = data;
    CXString name = clang_getFileName(included);
    add_dependency(model, clang_getCString(name));
    clang_disposeString(name);
}

static CXIndex model_index(cg_cmodel *model) {
    if (!model->clang_index) model->clang_index = clang_createIndex(0, 0);
    return model->clang_index;
}

void cg_cfront_dispose_index(cg_cmodel *model) {
    cg_strmap_free(&model->pch_blocks);
    if (model->clang_index) clang_disposeIndex(model->clang_index);
    model->clang_index = NULL;
}

typedef CG_VEC(struct CXUnsavedFile) unsaved_vec;
typedef arg_vec char_vec;

static void add_unsaved(unsaved_vec *v, const char *path, const char *text, size_t len) {
    struct CXUnsavedFile u = {.Filename = path, .Contents = text, .Length = (unsigned long)len};
    cg_vec_push(v, u);
}

/* The directory's canonical form, or the text itself when it does not exist. */
static char *canonical_dir(const char *dir) {
    char *real = realpath(dir, NULL);
    if (!real) return cg_xstrdup(dir);
    char *copy = cg_xstrdup(real);
    free(real);
    return copy;
}

/* clang matches unsaved files by the name it looks up, and the lookup for
 * `#include "x.h"` is "<directory of the includer as given>/x.h". So a
 * virtual file given as /abs/pkg/x.h is also offered as pkg/x.h when the
 * unit is pkg/impl.c (and the other way round), and under its canonical
 * name for -I lookups. */
static void add_virtual_files(unsaved_vec *unsaved, char_vec *names, const char *main_path,
                              const cg_cparse_options *opts) {
    if (!opts) return;
    char *main_dir = cg_path_dir(main_path);
    char *main_canon = canonical_dir(main_dir);
    for (size_t i = 0; i < opts->virtual_file_count; i++) {
        const cg_cvirtual_file *vf = &opts->virtual_files[i];
        size_t len = strlen(vf->contents);
        add_unsaved(unsaved, vf->path, vf->contents, len);
        char *dir = cg_path_dir(vf->path);
        char *canon = canonical_dir(dir);
        const char *base = cg_path_base(vf->path);
        bool same_dir = strcmp(canon, main_canon) == 0;
        /* cg_path_join drops a "." directory; clang spells it "./x.h". */
        char *aliases[3] = {
            cg_path_join(canon, base),
            same_dir ? cg_path_join(main_dir, base) : NULL,
            same_dir && strcmp(main_dir, ".") == 0 ? cg_xasprintf("./%s", base) : NULL,
        };
        for (size_t a = 0; a < 3; a++) {
            if (!aliases[a]) continue;
            if (strcmp(aliases[a], vf->path) == 0) {
                free(aliases[a]);
                continue;
            }
            cg_vec_push(names, aliases[a]); /* owned until the parse is over */
            add_unsaved(unsaved, aliases[a], vf->contents, len);
        }
        free(canon);
        free(dir);
    }
    free(main_canon);
    free(main_dir);
}

/* `#line N "path"` needs the path as a C string literal. */
static void append_c_string(cg_strbuf *sb, const char *s) {
    cg_strbuf_append_char(sb, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') cg_strbuf_append_char(sb, '\\');
        if (*s == '\n') {
            cg_strbuf_append(sb, "\\n");
            continue;
        }
        cg_strbuf_append_char(sb, *s);
    }
    cg_strbuf_append_char(sb, '"');
}

/* ---- precompiled include blocks ----
 *
 * Most units (each Go file's preamble, each .c file) start with #include
 * lines, and parsing those headers is nearly all of the time a small unit
 * takes (bench/cfront: ~9 ms for libc headers, ~3 ms through a .pch). Many
 * units of a tree start with the same lines. So the leading block of a
 * unit (the builtin prolog for preambles, then only blank lines, comments
 * (blanked in the block's text, so licence headers do not split the key)
 * and #include <x> lines) is precompiled with clang_saveTranslationUnit the second
 * time the process meets the same block with the same flags, and later
 * units are parsed as "-include-pch <block>" + "#line <next line> <file>" +
 * the rest: the same declarations, presumed lines and file names.
 *
 * Reuse must not change what a unit sees. The cache key holds the block,
 * the #cgo flags and the kind of unit; a unit whose flags add include
 * directories is also keyed by its directory (they resolve from it). The
 * block ends before the first `#include "x"` (the package's own headers). Other blocks are shared across packages, but only with
 * a package whose directory shadows none of the headers the block read
 * (`-I <package dir>` comes first in the search, for <x.h> too): every
 * trailing part of every header path is looked up in the directory, and in
 * its virtual files, once per package and block.
 *
 * Nothing else changes when anything goes wrong: a block with an error, a
 * failed save, a unit that clang cannot parse with the .pch (a fatal error)
 * all fall back to the whole text. The .pch files live in a private
 * directory in $TMPDIR, removed at exit; at most PCH_MAX_BLOCKS are built
 * per process so the disk use stays bounded (~0.5 MB each for libc). The
 * cache is shared by the worker threads (one lock; a block being built is
 * parsed whole by the others rather than waited for). */

enum { PCH_MAX_BLOCKS = 64 };

typedef struct pch_use {
    const char *pch_path;
    const char *header_path; /* the block's virtual header, as when it was built */
    const char *header_text;
    const cg_strvec *deps;   /* files the block read */
} pch_use;

enum { PCH_SEEN_ONCE = 0, PCH_BUILDING, PCH_READY, PCH_FAILED };

typedef struct pch_entry {
    int state;
    char *header_path;
    char *header_text;
    char *pch_path;
    cg_strvec deps; /* immutable once READY */
} pch_entry;

static struct {
    pthread_mutex_t lock;
    cg_strmap blocks; /* key -> pch_entry* */
    char *dir;        /* mkdtemp'd on first build */
    unsigned built;
    bool exit_hook;
    bool closed; /* cleaned up at exit: build no more (a thread may still run) */
} pch_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static cg_status parse_unit(cg_cmodel *model, const char *main_path, const char *main_text,
                            size_t main_len, const char *main_presumed, const char *base_dir,
                            const cg_cparse_options *opts, const pch_use *pch, char **err);

/* What a signal handler may remove: the directory, in a fixed buffer that
 * is published before the directory exists (no malloc'd memory, no locks). */
static struct {
    char dir[PATH_MAX];
    volatile sig_atomic_t dir_set;
} pch_signal;

static bool is_dot_entry(const char *name) {
    return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

void cg_cfront_remove_temp_files_from_signal(void) {
    if (!pch_signal.dir_set) return;
    /* Everything in the directory: the .pch files and libclang's temporary
     * file of a save in progress. getdents64 is a plain system call, unlike
     * readdir (the scanner, like the runtime's futexes, is Linux-only). */
    int fd = open(pch_signal.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        char buf[4096];
        long n;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                struct dirent64_record {
                    uint64_t ino;
                    int64_t off;
                    unsigned short reclen;
                    unsigned char type;
                    char name[];
                } *d = (struct dirent64_record *)(void *)(buf + off);
                if (!is_dot_entry(d->name)) unlinkat(fd, d->name, 0);
                off += d->reclen;
            }
        }
        close(fd);
    }
    rmdir(pch_signal.dir);
}

/* Removes the .pch files; registered with atexit by the first build. */
static void pch_cleanup(void) {
    pthread_mutex_lock(&pch_cache.lock);
    for (size_t i = 0; i < pch_cache.blocks.capacity; i++) {
        pch_entry *e = pch_cache.blocks.slots[i].key ? pch_cache.blocks.slots[i].value : NULL;
        if (!e) continue;
        if (e->pch_path) remove(e->pch_path);
        free(e->pch_path);
        free(e->header_path);
        free(e->header_text);
        cg_strvec_free(&e->deps);
        free(e);
    }
    cg_strmap_free(&pch_cache.blocks);
    if (pch_cache.dir) {
        /* The directory is ours (mkdtemp): also remove what a failed or
         * interrupted save left there (libclang's temporary files). */
        DIR *d = opendir(pch_cache.dir);
        struct dirent *ent;
        while (d && (ent = readdir(d)) != NULL) {
            if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
            char *path = cg_path_join(pch_cache.dir, ent->d_name);
            remove(path);
            free(path);
        }
        if (d) closedir(d);
        rmdir(pch_cache.dir);
    }
    free(pch_cache.dir);
    pch_cache.dir = NULL;
    pch_cache.closed = true;
    pch_signal.dir_set = 0;
    pthread_mutex_unlock(&pch_cache.lock);
}

void cg_cfront_remove_temp_files(void) { pch_cleanup(); }

/* Units whose flags name extra inputs (-include, -imacros) would see those
 * twice, once through the .pch; they are parsed whole. */
static bool pch_allowed(const cg_cparse_options *opts) {
    if (getenv("CGOGUARD_NO_PCH")) return false; /* for measuring and for bisecting */
    for (size_t i = 0; opts && i < opts->cflag_count; i++) {
        const char *f = opts->cflags[i];
        if (f && (cg_str_has_prefix(f, "-include") || cg_str_has_prefix(f, "-imacros"))) return false;
    }
    return true;
}

/* "-I<the unit's own directory>": the package builder passes it, as cgo
 * does; it searches nothing that -I base_dir does not (dir_shadows covers
 * it), so it neither keys the block by directory nor enters the key. */
static bool is_own_dir_flag(const char *flag, const char *base_canon) {
    if (!cg_str_has_prefix(flag, "-I") || !flag[2]) return false;
    char *canon = canonical_dir(flag + 2);
    bool same = strcmp(canon, base_canon) == 0;
    free(canon);
    return same;
}

/* Flags that add other include directories make header lookup depend on
 * the package directory (relative ones are anchored there). */
static bool has_include_dir_flag(const cg_cparse_options *opts, const char *base_canon) {
    for (size_t i = 0; opts && i < opts->cflag_count; i++) {
        const char *f = opts->cflags[i];
        if (!f || is_own_dir_flag(f, base_canon)) continue;
        if (cg_str_has_prefix(f, "-I") || cg_str_has_prefix(f, "-isystem") ||
            cg_str_has_prefix(f, "-iquote") || cg_str_has_prefix(f, "-idirafter") ||
            cg_str_has_prefix(f, "-iprefix") || cg_str_has_prefix(f, "-iwithprefix"))
            return true;
    }
    return false;
}

/* The first "needle" in [p, end), or NULL. */
static const char *strstr_n(const char *p, const char *end, const char *needle) {
    size_t n = strlen(needle);
    for (; p + n <= end; p++)
        if (memcmp(p, needle, n) == 0) return p;
    return NULL;
}

/* The leading block of text: blank lines, comments and `#include <x>` lines with
 * nothing after the name, up to the first other line. Returns its length in
 * bytes (whole lines, up to the last #include) and its line count in
 * *lines; 0 when it holds no #include. *quoted tells whether it stopped at
 * an `#include "x"`. */
static size_t leading_include_block(const char *text, size_t len, unsigned *lines, bool *quoted,
                                    cg_strbuf *norm) {
    size_t norm_end = 0;
    size_t pos = 0, end = 0;
    unsigned n = 0, kept = 0;
    *quoted = false;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        if (!nl) break; /* a last line without newline stays in the rest */
        size_t line_end = (size_t)(nl - text) + 1;
        const char *p = text + pos, *e = nl;
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\r')) p++;
        if (e - p >= 2 && p[0] == '/' && p[1] == '/') {
            if (e[-1] == '\\' || (e - p >= 3 && e[-1] == '\r' && e[-2] == '\\')) break; /* spliced */
            n++;
            cg_strbuf_append_char(norm, '\n');
            pos = line_end;
            continue;
        }
        if (e - p >= 2 && p[0] == '/' && p[1] == '*') {
            /* A block comment (a licence header, say) that ends a line. */
            const char *close = strstr_n(p + 2, text + len, "*/");
            if (!close) break;
            const char *after = close + 2, *line_stop = memchr(after, '\n', (size_t)(text + len - after));
            if (!line_stop) break;
            while (after < line_stop && (*after == ' ' || *after == '\t' || *after == '\r')) after++;
            if (after != line_stop) break;
            for (const char *c = p; c < line_stop; c++)
                if (*c == '\n') n++, cg_strbuf_append_char(norm, '\n');
            n++;
            cg_strbuf_append_char(norm, '\n');
            pos = (size_t)(line_stop - text) + 1;
            continue;
        }
        if (p < e) {
            if (e - p < 9 || strncmp(p, "#include", 8) != 0) break;
            p += 8;
            while (p < e && (*p == ' ' || *p == '\t')) p++;
            char close = p < e && *p == '<' ? '>' : p < e && *p == '"' ? '"' : 0;
            if (!close) break;
            const char *q = memchr(p + 1, close, (size_t)(e - p - 1));
            if (!q || q == p + 1) break;
            for (q++; q < e && (*q == ' ' || *q == '\t' || *q == '\r'); q++) {}
            if (q != e) break;
            /* A quoted include is the package's own header: it resolves from
             * the unit's directory and changes with the package, so the
             * block (shared across packages) stops before it. */
            if (close == '"') {
                *quoted = true;
                break;
            }
            n++;
            end = line_end;
            kept = n;
            cg_strbuf_append_n(norm, text + pos, line_end - pos);
            norm_end = norm->len;
        } else {
            n++;
            cg_strbuf_append_char(norm, '\n');
        }
        pos = line_end;
    }
    *lines = kept;
    norm->len = norm_end; /* trailing blank lines stay in the rest */
    if (norm->data) norm->data[norm->len] = '\0';
    return end;
}

static void collect_pch_dep(CXFile included, CXSourceLocation *stack, unsigned depth, CXClientData data) {
    (void)stack;
    (void)depth;
    CXString name = clang_getFileName(included);
    const char *path = clang_getCString(name);
    if (path && *path && !strstr(path, "/_cgoguard_pch_block.h")) cg_vec_push((cg_strvec *)data, cg_xstrdup(path));
    clang_disposeString(name);
}

/* Does a header of the block lie in the package's own directory? Then the
 * package shadows a system header (or reaches its own through <x.h>), and
 * the block cannot be shared with other packages. */
static bool reads_own_dir(const cg_strvec *deps, const char *base_dir) {
    char *canon = canonical_dir(base_dir ? base_dir : ".");
    size_t n = strlen(canon);
    bool own = false;
    for (size_t i = 0; i < deps->len && !own; i++) {
        const char *d = deps->items[i];
        char *real = realpath(d, NULL);
        const char *path = real ? real : d;
        own = strncmp(path, canon, n) == 0 && path[n] == '/';
        free(real);
    }
    free(canon);
    return own;
}

/* Builds e's .pch (without the lock: it takes a parse). Returns the state:
 * PCH_SEEN_ONCE again when the block must not be shared from this package
 * (another package may build it). */
static int build_pch(cg_cmodel *model, pch_entry *e, const char *base_dir, const cg_cparse_options *opts,
                     const char *pch_dir, bool dir_keyed) {
    unsaved_vec unsaved = {0};
    char_vec names = {0};
    add_unsaved(&unsaved, e->header_path, e->header_text, strlen(e->header_text));
    add_virtual_files(&unsaved, &names, e->header_path, opts);
    arg_vec args = {0};
    build_args(&args, base_dir, opts, true, false);
    free(args.items[1]);
    args.items[1] = cg_xstrdup("c-header"); /* "-x c" -> "-x c-header" */
    CXTranslationUnit tu = NULL;
    clang_parseTranslationUnit2(model_index(model), e->header_path, (const char *const *)args.items,
                                (int)args.len, unsaved.items, (unsigned)unsaved.len,
                                CXTranslationUnit_Incomplete | CXTranslationUnit_ForSerialization, &tu);
    free_args(&args);
    cg_vec_free(&unsaved);
    free_args(&names);
    if (!tu) return PCH_FAILED;
    bool clean = true;
    for (unsigned i = 0, n = clang_getNumDiagnostics(tu); i < n && clean; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        clean = clang_getDiagnosticSeverity(d) < CXDiagnostic_Error;
        clang_disposeDiagnostic(d);
    }
    int state = PCH_FAILED;
    char *path = cg_xasprintf("%s/block-XXXXXX", pch_dir);
    int fd = clean ? mkstemp(path) : -1;
    if (fd >= 0) {
        close(fd);
        if (clang_saveTranslationUnit(tu, path, clang_defaultSaveOptions(tu)) == CXSaveError_None) {
            clang_getInclusions(tu, collect_pch_dep, &e->deps);
            if (!dir_keyed && reads_own_dir(&e->deps, base_dir)) {
                if (getenv("CGOGUARD_DEBUG_PCH"))
                    fprintf(stderr, "cgoguard: pch: not shared, reads its own directory: %s\n", e->header_path);
                remove(path);
                cg_strvec_free(&e->deps);
                clang_disposeTranslationUnit(tu);
                free(path);
                return PCH_SEEN_ONCE;
            }
            e->pch_path = path;
            path = NULL;
            state = PCH_READY;
            if (getenv("CGOGUARD_DEBUG_PCH")) /* for tests: which blocks were shared */
                fprintf(stderr, "cgoguard: pch: built for %s (%zu dependencies)\n", e->header_path, e->deps.len);
        } else {
            remove(path);
        }
    }
    free(path);
    clang_disposeTranslationUnit(tu);
    return state;
}

/* Does base_dir (or a virtual file in it) hold a file that a lookup of one
 * of the block's headers could find before the header itself? Every
 * trailing part of each path counts ("types.h", "bits/types.h", ...). */
static bool dir_shadows(const char *base_dir, const cg_strvec *deps, const cg_cparse_options *opts) {
    char *canon = canonical_dir(base_dir ? base_dir : ".");
    bool shadowed = false;
    for (size_t i = 0; i < deps->len && !shadowed; i++) {
        for (const char *p = deps->items[i]; (p = strchr(p, '/')) != NULL && !shadowed; p++) {
            if (p[1] == '\0') break;
            char *candidate = cg_path_join(canon, p + 1);
            shadowed = access(candidate, F_OK) == 0;
            for (size_t v = 0; opts && v < opts->virtual_file_count && !shadowed; v++) {
                char *vpath = cg_path_join(canon, cg_path_base(opts->virtual_files[v].path));
                shadowed = strcmp(vpath, candidate) == 0;
                free(vpath);
            }
            free(candidate);
        }
    }
    free(canon);
    return shadowed;
}

/* The .pch for this block, built on the block's second use, or NULL. The
 * returned entry stays valid until exit. */
static const pch_entry *pch_for(cg_cmodel *model, const char *base_dir, const char *header_text,
                                bool is_preamble, const cg_cparse_options *opts) {
    char *base_canon = canonical_dir(base_dir ? base_dir : ".");
    bool dir_keyed = has_include_dir_flag(opts, base_canon);
    cg_strbuf key;
    cg_strbuf_init(&key);
    cg_strbuf_printf(&key, "%c%s\n%s\n", is_preamble ? 'p' : 'c', dir_keyed && base_dir ? base_dir : "",
                     header_text);
    for (size_t i = 0; opts && i < opts->cflag_count; i++)
        if (!opts->cflags[i] || !is_own_dir_flag(opts->cflags[i], base_canon))
            cg_strbuf_printf(&key, "%s\037", opts->cflags[i] ? opts->cflags[i] : "");
    free(base_canon);
    for (size_t i = 0; dir_keyed && opts && i < opts->virtual_file_count; i++) {
        const cg_cvirtual_file *vf = &opts->virtual_files[i];
        cg_strbuf_printf(&key, "\n%s\n%zu:%016llx", vf->path, strlen(vf->contents),
                         (unsigned long long)cg_hash_bytes(vf->contents, strlen(vf->contents), 0));
    }
    if (!dir_keyed && (intptr_t)cg_strmap_get(&model->pch_blocks, key.data) == 2) {
        cg_strbuf_free(&key); /* this package shadows the block's headers */
        return NULL;
    }
    pthread_mutex_lock(&pch_cache.lock);
    pch_entry *e = cg_strmap_get(&pch_cache.blocks, key.data);
    bool build = false;
    if (!e) {
        e = cg_xcalloc(1, sizeof *e);
        cg_strmap_put(&pch_cache.blocks, key.data, e);
    } else if (e->state == PCH_SEEN_ONCE && pch_cache.built < PCH_MAX_BLOCKS && !pch_cache.closed) {
        if (!pch_cache.dir) {
            const char *tmp = getenv("TMPDIR");
            char *dir = cg_xasprintf("%s/" PCH_DIR_PREFIX "XXXXXX", tmp && *tmp ? tmp : "/tmp");
            /* mkdtemp right in the buffer a signal handler reads, published
             * first: there is no moment when the directory exists and a
             * handler does not know its name. */
            bool made;
            if (strlen(dir) < PATH_MAX) {
                strcpy(pch_signal.dir, dir);
                atomic_signal_fence(memory_order_seq_cst);
                pch_signal.dir_set = 1;
                made = mkdtemp(pch_signal.dir) != NULL;
                if (made) strcpy(dir, pch_signal.dir);
                else pch_signal.dir_set = 0;
            } else {
                made = mkdtemp(dir) != NULL;
            }
            if (made) pch_cache.dir = dir;
            else free(dir);
            if (pch_cache.dir && !pch_cache.exit_hook) pch_cache.exit_hook = atexit(pch_cleanup) == 0;
        }
        if (pch_cache.dir) {
            e->state = PCH_BUILDING;
            free(e->header_text); /* from an attempt that could not be shared */
            free(e->header_path);
            e->header_text = cg_xstrdup(header_text);
            e->header_path = cg_path_join(base_dir ? base_dir : ".", "_cgoguard_pch_block.h");
            pch_cache.built++;
            build = true;
        }
    }
    char *pch_dir = pch_cache.dir ? cg_xstrdup(pch_cache.dir) : NULL;
    pthread_mutex_unlock(&pch_cache.lock);
    if (build) {
        int state = build_pch(model, e, base_dir, opts, pch_dir, dir_keyed);
        if (state == PCH_SEEN_ONCE) /* reads this package's own headers: not here, not again */
            cg_strmap_put(&model->pch_blocks, key.data, (void *)(intptr_t)2);
        pthread_mutex_lock(&pch_cache.lock);
        e->state = state;
        pthread_mutex_unlock(&pch_cache.lock);
    }
    free(pch_dir);
    pthread_mutex_lock(&pch_cache.lock);
    bool ready = e->state == PCH_READY;
    pthread_mutex_unlock(&pch_cache.lock);
    if (ready && !dir_keyed) {
        /* Once per package and block: the answer depends on the directory. */
        intptr_t memo = (intptr_t)cg_strmap_get(&model->pch_blocks, key.data);
        if (!memo) {
            memo = dir_shadows(base_dir, &e->deps, opts) ? 2 : 1;
            cg_strmap_put(&model->pch_blocks, key.data, (void *)memo);
        }
        ready = memo == 1;
    }
    cg_strbuf_free(&key);
    return ready ? e : NULL;
}

/* Parses text through the .pch of its leading include block when there is
 * one (see above). prolog goes before the block (preambles); line_file is
 * the file name that #line gives the rest. Returns CG_OK when it parsed;
 * anything else means: parse the whole text instead. */
static cg_status parse_with_pch(cg_cmodel *model, const char *main_path, const char *prolog,
                                const char *text, size_t len, const char *line_file,
                                unsigned first_line, const char *presumed, const char *base_dir,
                                const cg_cparse_options *opts) {
    unsigned block_lines = 0;
    bool quoted = false;
    cg_strbuf head;
    cg_strbuf_init(&head);
    cg_strbuf_append(&head, prolog);
    size_t block = pch_allowed(opts) ? leading_include_block(text, len, &block_lines, &quoted, &head) : 0;
    if (block == 0) {
        cg_strbuf_free(&head);
        return CG_ERR_PARSE;
    }
    (void)quoted;
    const pch_entry *e = pch_for(model, base_dir, head.data, *prolog != '\0', opts);
    cg_strbuf_free(&head);
    if (!e) return CG_ERR_PARSE;
    cg_strbuf rest;
    cg_strbuf_init(&rest);
    cg_strbuf_printf(&rest, "#line %u ", first_line + block_lines);
    append_c_string(&rest, line_file);
    cg_strbuf_append_char(&rest, '\n');
    cg_strbuf_append_n(&rest, text + block, len - block);
    cg_strbuf_append_char(&rest, '\n');
    pch_use use = {e->pch_path, e->header_path, e->header_text, &e->deps};
    char *err = NULL;
    cg_status st = parse_unit(model, main_path, rest.data, rest.len, presumed, base_dir, opts, &use, &err);
    free(err);
    cg_strbuf_free(&rest);
    if (getenv("CGOGUARD_DEBUG_PCH"))
        fprintf(stderr, "cgoguard: pch: %s %s\n", st == CG_OK ? "used for" : "refused for", presumed);
    return st;
}

/* Parses main_path (whose text is main_text, given as an unsaved file) and
 * records everything. main_presumed names locations clang cannot place. */
static cg_status parse_unit(cg_cmodel *model, const char *main_path, const char *main_text,
                            size_t main_len, const char *main_presumed, const char *base_dir,
                            const cg_cparse_options *opts, const pch_use *pch, char **err) {
    unsaved_vec unsaved = {0};
    char_vec names = {0};
    add_unsaved(&unsaved, main_path, main_text, main_len);
    add_virtual_files(&unsaved, &names, main_path, opts);
    /* The block's virtual header again, as the .pch recorded it: clang
     * checks that the inputs of a precompiled header are unchanged. */
    if (pch) add_unsaved(&unsaved, pch->header_path, pch->header_text, strlen(pch->header_text));
    unsigned flags = CXTranslationUnit_KeepGoing;
    CXTranslationUnit tu = NULL;
    enum CXErrorCode rc = CXError_Failure;
    /* The package's flags first; should clang refuse them (a gcc-only
     * option, say), again with only the flags that change what the code
     * means (-I/-D/-U/-include/-std), and say so. */
    for (int attempt = 0; attempt < 3 && !tu; attempt++) {
        arg_vec args = {0};
        build_args(&args, base_dir, opts, attempt < 2, attempt == 1);
        if (pch) {
            /* The .pch was built with exactly the first attempt's flags; a
             * retry means those flags fail, so the caller parses without it. */
            if (attempt > 0) {
                free_args(&args);
                break;
            }
            cg_vec_push(&args, cg_xstrdup("-include-pch"));
            cg_vec_push(&args, cg_xstrdup(pch->pch_path));
        }
        rc = clang_parseTranslationUnit2(model_index(model), main_path,
                                         (const char *const *)args.items, (int)args.len,
                                         unsaved.items, (unsigned)unsaved.len, flags, &tu);
        free_args(&args);
        if (tu && attempt > 0) {
            cg_location loc = {.file = main_presumed, .line = 1, .column = 1};
            cg_cmodel_add_problem(model, loc, CG_SEV_NOTE,
                                  attempt == 1
                                      ? "clang rejected some #cgo CFLAGS; parsed with only "
                                        "-I/-D/-U/-include/-std"
                                      : "clang rejected the #cgo CFLAGS; parsed without them");
        }
        if (!opts || opts->cflag_count == 0) break;
    }
    cg_vec_free(&unsaved);
    free_args(&names);
    if (!tu && pch) return CG_ERR_TOOL; /* the caller retries without the .pch */
    if (pch) {
        /* A fatal error (a .pch clang refuses, a missing header) leaves the
         * unit incomplete; the whole text gives the problems exactly as
         * they would be without the .pch. */
        bool fatal = false;
        for (unsigned i = 0, n = clang_getNumDiagnostics(tu); i < n && !fatal; i++) {
            CXDiagnostic d = clang_getDiagnostic(tu, i);
            fatal = clang_getDiagnosticSeverity(d) == CXDiagnostic_Fatal;
            clang_disposeDiagnostic(d);
        }
        if (fatal) {
            clang_disposeTranslationUnit(tu);
            return CG_ERR_TOOL;
        }
    }
    if (!tu) {
        *err = cg_xasprintf("libclang could not parse %s (error %d)", main_presumed, (int)rc);
        return CG_ERR_TOOL;
    }
    tu_ctx ctx = {.model = model, .tu = tu, .main_presumed = main_presumed};
    cg_strmap_init(&ctx.pointer_memo);
    clang_getInclusions(tu, record_inclusion, model);
    if (pch) {
        /* Headers read through the .pch are not inclusions of this unit
         * for libclang; they are still what its findings depend on. */
        for (size_t i = 0; i < pch->deps->len; i++) add_dependency(model, pch->deps->items[i]);
    }
    record_diagnostics(&ctx);
    clang_visitChildren(clang_getTranslationUnitCursor(tu), visit_top, &ctx);
    cg_strmap_free(&ctx.pointer_memo);
    clang_disposeTranslationUnit(tu);
    cg_cmodel_sort_funcs(model);
    model->summaries_ready = false;
    return CG_OK;
}

void cg_cfront_init(void) {
    CXIndex index = clang_createIndex(0, 0);
    struct CXUnsavedFile file = {"cgoguard-init.c", "int cgoguard_init;\n", 19};
    CXTranslationUnit tu = NULL;
    if (clang_parseTranslationUnit2(index, "cgoguard-init.c", NULL, 0, &file, 1, 0, &tu) ==
            CXError_Success)
        clang_disposeTranslationUnit(tu);
    clang_disposeIndex(index);
}

size_t cg_cmodel_dependency_count(const cg_cmodel *model) { return model->dependencies.len; }

const char *cg_cmodel_dependency_at(const cg_cmodel *model, size_t index) {
    return index < model->dependencies.len ? model->dependencies.items[index] : NULL;
}

static size_t size_limit(const cg_cparse_options *opts) {
    return opts && opts->max_file_bytes ? opts->max_file_bytes : CG_CFRONT_DEFAULT_MAX_FILE_BYTES;
}

cg_status cg_cfront_parse_preamble(cg_cmodel *model, const char *go_path, unsigned first_line,
                                   const char *text, const cg_cparse_options *opts, char **err) {
    const char *presumed = cg_cmodel_intern_path(model, go_path);
    size_t len = strlen(text);
    if (len > size_limit(opts)) {
        cg_location loc = {.file = presumed, .line = first_line ? first_line : 1, .column = 1};
        char *msg = cg_xasprintf("cgo preamble of %zu bytes is over the limit of %zu bytes; "
                                 "its C declarations are unknown",
                                 len, size_limit(opts));
        cg_cmodel_add_problem(model, loc, CG_SEV_WARNING, msg);
        free(msg);
        return CG_OK;
    }
    /* The unit lives next to the .go file so that `#include "x.h"` finds the
     * package's headers the way cgo's -I does; it never touches the disk. */
    char *dir = cg_path_dir(go_path);
    char *unit_name = cg_xasprintf("_cgoguard_preamble_%s.c", cg_path_base(go_path));
    char *unit_path = cg_path_join(dir, unit_name);
    unsigned line = first_line ? first_line : 1;
    if (parse_with_pch(model, unit_path, cgo_builtin_prolog, text, len, go_path, line, presumed, dir,
                       opts) == CG_OK) {
        free(unit_path);
        free(unit_name);
        free(dir);
        return CG_OK;
    }
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_strbuf_append(&sb, cgo_builtin_prolog);
    cg_strbuf_printf(&sb, "#line %u ", first_line ? first_line : 1);
    append_c_string(&sb, go_path);
    cg_strbuf_append_char(&sb, '\n');
    cg_strbuf_append_n(&sb, text, len);
    cg_strbuf_append_char(&sb, '\n');
    cg_status st = parse_unit(model, unit_path, sb.data, sb.len, presumed, dir, opts, NULL, err);
    free(unit_path);
    free(unit_name);
    free(dir);
    cg_strbuf_free(&sb);
    return st;
}

cg_status cg_cfront_parse_file(cg_cmodel *model, const char *c_path,
                               const cg_cparse_options *opts, char **err) {
    const char *presumed = cg_cmodel_intern_path(model, c_path);
    cg_location file_loc = {.file = presumed, .line = 1, .column = 1};
    char *data = NULL, *read_err = NULL;
    size_t len = 0;
    cg_status st = cg_read_file(c_path, size_limit(opts), &data, &len, &read_err);
    if (st != CG_OK) {
        char *msg = cg_xasprintf("C file not analysed: %s", read_err);
        cg_cmodel_add_problem(model, file_loc, CG_SEV_WARNING, msg);
        free(msg);
        free(read_err);
        return CG_OK;
    }
    /* Clang would read a binary blob as a stream of errors; a NUL byte is a
     * reliable sign that this is not C source. */
    if (memchr(data, '\0', len)) {
        cg_cmodel_add_problem(model, file_loc, CG_SEV_WARNING,
                              "C file not analysed: it contains NUL bytes (not C source text)");
        free(data);
        return CG_OK;
    }
    char *dir = cg_path_dir(c_path);
    if (parse_with_pch(model, c_path, "", data, len, c_path, 1, presumed, dir, opts) != CG_OK)
        st = parse_unit(model, c_path, data, len, presumed, dir, opts, NULL, err);
    free(dir);
    free(data);
    return st;
}
