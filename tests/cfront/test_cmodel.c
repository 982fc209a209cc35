/*
 * test_cmodel.c: unit tests of the C front-end's model (cmodel.h): what a
 * cgo preamble and a package .c file turn into (records and whether they
 * hold pointers, typedefs, functions, variables), locations mapped back to
 * .go lines, problems for missing headers, syntax errors, binary and
 * oversized files, the virtual _cgo_export.h, and cgo's C.name mapping.
 * Runs under ASan+UBSan (label `sanitize`).
 */
#include "cfront/cmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cftest.h"

static const char *data_dir(void) { return CG_CFRONT_TEST_DATA; }

static char *data_path(const char *rel) { return cg_path_join(data_dir(), rel); }

/* A preamble as the Go front-end would hand it over: its first line is
 * line 5 of a.go, so line N of the text is a.go:(N + 4). */
static const char preamble[] =
    "#include <stdint.h>\n"                                           /* 5 */
    "#include \"helper.h\"\n"                                         /* 6 */
    "struct plain { int a; double b; char c[4]; };\n"                 /* 7 */
    "struct withptr { int a; char *name; };\n"                        /* 8 */
    "struct nested { struct plain p; struct withptr w; };\n"          /* 9 */
    "struct arrptr { int *items[4]; };\n"                             /* 10 */
    "struct fnptr { int (*cb)(int); };\n"                             /* 11 */
    "union u_ptr { long l; void *p; };\n"                             /* 12 */
    "union u_plain { long l; double d; };\n"                          /* 13 */
    "struct nested_plain { struct plain a[2]; union u_plain u; };\n"  /* 14 */
    "typedef struct node *node_ptr;\n"                                /* 15 */
    "typedef struct { int *p; } anon_t;\n"                            /* 16 */
    "typedef int (*callback_fn)(void *);\n"                           /* 17 */
    "void keep(void *p, int n, node_ptr np, callback_fn cb,\n"        /* 18 */
    "          uintptr_t u, const char *s, ...);\n"                   /* 19 */
    "static int add(int a, int b) { return a + b; }\n"                /* 20 */
    "struct node { struct node *next; int v; };\n"                    /* 21 */
    "__thread int tls_counter;\n"                                     /* 22 */
    "int global_counter;\n"                                           /* 23 */
    "enum color { RED, GREEN };\n"                                    /* 24 */
    "typedef enum color color_t;\n"                                   /* 25 */
    "struct inner_anon { struct { char *q; } in; };\n"                /* 26 */
    "struct fwd_only;\n"                                              /* 27 */
    "struct arr_of_nested { struct withptr w[3]; };\n"                /* 28 */
    "union u_rec { struct plain p; struct fnptr f; };\n"              /* 29 */
    "typedef uintptr_t handle_t;\n"                                   /* 30 */
    "size_t str_len(_GoString_ s);\n";                                /* 31 */

static cg_cmodel *parse_main_preamble(char **go_path_out) {
    cg_cmodel *m = cg_cmodel_new();
    char *go_path = data_path("pkg1/a.go");
    char *err = NULL;
    cg_status st = cg_cfront_parse_preamble(m, go_path, 5, preamble, NULL, &err);
    CHECK(st == CG_OK);
    CHECK(err == NULL);
    *go_path_out = go_path;
    return m;
}

static const cg_crecord *record(const cg_cmodel *m, const char *tag, bool is_union) {
    const cg_crecord *r = cg_cmodel_record(m, tag, is_union);
    if (!r) fprintf(stderr, "record %s not found\n", tag);
    return r;
}

static void test_records(void) {
    char *go_path;
    cg_cmodel *m = parse_main_preamble(&go_path);
    /* The preamble is valid C: nothing to report. */
    for (size_t i = 0; i < cg_cmodel_problem_count(m); i++)
        fprintf(stderr, "unexpected problem: %s\n", cg_cmodel_problem(m, i)->message);
    CHECK(cg_cmodel_problem_count(m) == 0);

    struct {
        const char *tag;
        bool is_union;
        bool contains_pointer;
    } cases[] = {
        {"plain", false, false},        {"withptr", false, true},
        {"nested", false, true},        {"arrptr", false, true},
        {"fnptr", false, true},         {"u_ptr", true, true},
        {"u_plain", true, false},       {"nested_plain", false, false},
        {"node", false, true},          {"inner_anon", false, true},
        {"from_header", false, true},   {"arr_of_nested", false, true},
        {"u_rec", true, true},          {"anon_t", false, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const cg_crecord *r = record(m, cases[i].tag, cases[i].is_union);
        CHECK(r != NULL);
        if (!r) continue;
        CHECK_MSG(r->contains_pointer == cases[i].contains_pointer, cases[i].tag);
        CHECK_MSG(r->is_complete, cases[i].tag);
        CHECK(r->is_union == cases[i].is_union);
    }
    /* Fields, in order, with their own pointer-ness. */
    const cg_crecord *w = record(m, "withptr", false);
    CHECK(w && w->field_count == 2);
    if (w && w->field_count == 2) {
        CHECK_STR(w->fields[0].name, "a");
        CHECK(w->fields[0].type.kind == CG_CTYPE_INTEGER);
        CHECK_STR(w->fields[1].name, "name");
        CHECK(w->fields[1].type.kind == CG_CTYPE_POINTER);
        CHECK_STR(w->spelling, "struct withptr");
        CHECK_STR(w->loc.file, go_path);
        CHECK(w->loc.line == 8);
    }
    const cg_crecord *fp = record(m, "fnptr", false);
    CHECK(fp && fp->field_count == 1 && fp->fields[0].type.kind == CG_CTYPE_FUNC_POINTER);
    const cg_crecord *ap = record(m, "arrptr", false);
    CHECK(ap && ap->fields[0].type.kind == CG_CTYPE_ARRAY && ap->fields[0].type.contains_pointer);
    const cg_crecord *aon = record(m, "arr_of_nested", false);
    CHECK(aon && aon->fields[0].type.kind == CG_CTYPE_ARRAY);
    if (aon) CHECK_STR(aon->fields[0].type.record_tag, "withptr");
    const cg_crecord *np = record(m, "nested_plain", false);
    CHECK(np && np->field_count == 2 && !np->fields[0].type.contains_pointer);
    /* An anonymous struct is known by its typedef name. */
    const cg_crecord *anon = record(m, "anon_t", false);
    CHECK(anon && anon->is_anonymous);
    /* A forward declaration alone: known, incomplete. */
    const cg_crecord *fwd = record(m, "fwd_only", false);
    CHECK(fwd && !fwd->is_complete && !fwd->contains_pointer);
    /* A record from the package header has the header's location. */
    const cg_crecord *fh = record(m, "from_header", false);
    CHECK(fh && fh->loc.file && cg_str_has_suffix(fh->loc.file, "pkg1/helper.h"));
    /* cgo's builtin prolog is visible and its typedef is known. */
    CHECK(cg_cmodel_typedef(m, "_GoString_") != NULL);
    cg_cmodel_free(m);
    free(go_path);
}

static void test_functions_and_types(void) {
    char *go_path;
    cg_cmodel *m = parse_main_preamble(&go_path);
    const cg_cfunc *keep = cg_cmodel_func(m, "keep");
    CHECK(keep != NULL);
    if (keep) {
        CHECK(!keep->has_body);
        CHECK(keep->variadic);
        CHECK(!keep->is_static);
        CHECK(!keep->in_system_header);
        CHECK_STR(keep->decl_loc.file, go_path);
        CHECK(keep->decl_loc.line == 18);
        CHECK(keep->result.kind == CG_CTYPE_VOID);
        CHECK(keep->param_count == 6);
        if (keep->param_count == 6) {
            CHECK_STR(keep->params[0].name, "p");
            CHECK(keep->params[0].type.kind == CG_CTYPE_POINTER);
            CHECK(keep->params[1].type.kind == CG_CTYPE_INTEGER);
            /* Typedef'd pointer to a record: canonical, with the tag. */
            CHECK(keep->params[2].type.kind == CG_CTYPE_POINTER);
            CHECK_STR(keep->params[2].type.record_tag, "node");
            CHECK_STR(keep->params[2].type.spelling, "struct node *");
            CHECK(keep->params[3].type.kind == CG_CTYPE_FUNC_POINTER);
            CHECK(keep->params[4].type.kind == CG_CTYPE_INTEGER);
            CHECK(keep->params[4].type.is_uintptr);
            CHECK(!keep->params[1].type.is_uintptr);
            CHECK(keep->params[5].type.pointee_is_const);
            CHECK(!keep->params[0].type.pointee_is_const);
            /* The second line of the prototype is a.go:19. */
            CHECK(keep->params[4].loc.line == 19);
            CHECK_STR(keep->params[4].loc.file, go_path);
        }
    }
    const cg_cfunc *add = cg_cmodel_func(m, "add");
    CHECK(add && add->has_body && add->is_static && add->body_loc.line == 20);
    CHECK(add && add->param_count == 2 && add->result.kind == CG_CTYPE_INTEGER);
    /* A _GoString_ parameter is a record holding a pointer. */
    const cg_cfunc *sl = cg_cmodel_func(m, "str_len");
    CHECK(sl && sl->param_count == 1 && sl->params[0].type.kind == CG_CTYPE_RECORD &&
          sl->params[0].type.contains_pointer);
    if (sl) CHECK_STR(sl->params[0].type.record_tag, "_GoString_");
    /* cgo's helpers from the prolog are not the package's functions. */
    CHECK(cg_cmodel_func(m, "_GoStringLen") == NULL);
    CHECK(cg_cmodel_func(m, "CString") == NULL);
    /* System header functions are known, and flagged as such. */
    const cg_cfunc *helper = cg_cmodel_func(m, "helper_fn");
    CHECK(helper && !helper->in_system_header && !helper->has_body);

    const cg_cvar *tls = cg_cmodel_var(m, "tls_counter");
    CHECK(tls && tls->is_thread_local && tls->loc.line == 22);
    const cg_cvar *g = cg_cmodel_var(m, "global_counter");
    CHECK(g && !g->is_thread_local && g->type.kind == CG_CTYPE_INTEGER);

    const cg_ctypedef *td = cg_cmodel_typedef(m, "node_ptr");
    CHECK(td && td->type.kind == CG_CTYPE_POINTER && td->loc.line == 15);
    const cg_ctypedef *cb = cg_cmodel_typedef(m, "callback_fn");
    CHECK(cb && cb->type.kind == CG_CTYPE_FUNC_POINTER);
    const cg_ctypedef *h = cg_cmodel_typedef(m, "handle_t");
    CHECK(h && h->type.is_uintptr);

    /* Stable iteration by name. */
    size_t n = cg_cmodel_func_count(m);
    CHECK(n == 4); /* keep, add, str_len, helper_fn: the headers declare no function */
    for (size_t i = 1; i < n; i++)
        CHECK(strcmp(cg_cmodel_func_at(m, i - 1)->name, cg_cmodel_func_at(m, i)->name) < 0);
    CHECK(cg_cmodel_func_at(m, n) == NULL);
    cg_cmodel_free(m);
    free(go_path);
}

static void test_resolve_go_name(void) {
    char *go_path;
    cg_cmodel *m = parse_main_preamble(&go_path);
    cg_ctype t;
    CHECK(cg_cmodel_resolve_go_name(m, "struct_withptr", &t));
    CHECK(t.kind == CG_CTYPE_RECORD && t.contains_pointer && !t.record_is_union);
    CHECK_STR(t.record_tag, "withptr");
    CHECK_STR(t.spelling, "struct withptr");
    CHECK(cg_cmodel_resolve_go_name(m, "struct_plain", &t) && !t.contains_pointer);
    CHECK(cg_cmodel_resolve_go_name(m, "union_u_ptr", &t));
    CHECK(t.kind == CG_CTYPE_RECORD && t.record_is_union && t.contains_pointer);
    CHECK(!cg_cmodel_resolve_go_name(m, "union_withptr", &t)); /* it is a struct */
    CHECK(cg_cmodel_resolve_go_name(m, "enum_color", &t) && t.kind == CG_CTYPE_INTEGER);
    CHECK_STR(t.spelling, "enum color");
    CHECK(!cg_cmodel_resolve_go_name(m, "enum_nope", &t));
    CHECK(cg_cmodel_resolve_go_name(m, "color_t", &t) && t.kind == CG_CTYPE_INTEGER);

    struct {
        const char *go;
        const char *spelling;
        cg_ctype_kind kind;
    } numeric[] = {
        {"char", "char", CG_CTYPE_INTEGER},
        {"schar", "signed char", CG_CTYPE_INTEGER},
        {"uchar", "unsigned char", CG_CTYPE_INTEGER},
        {"short", "short", CG_CTYPE_INTEGER},
        {"ushort", "unsigned short", CG_CTYPE_INTEGER},
        {"int", "int", CG_CTYPE_INTEGER},
        {"uint", "unsigned int", CG_CTYPE_INTEGER},
        {"long", "long", CG_CTYPE_INTEGER},
        {"ulong", "unsigned long", CG_CTYPE_INTEGER},
        {"longlong", "long long", CG_CTYPE_INTEGER},
        {"ulonglong", "unsigned long long", CG_CTYPE_INTEGER},
        {"float", "float", CG_CTYPE_FLOAT},
        {"double", "double", CG_CTYPE_FLOAT},
        {"complexfloat", "float _Complex", CG_CTYPE_FLOAT},
        {"complexdouble", "double _Complex", CG_CTYPE_FLOAT},
    };
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++) {
        CHECK_MSG(cg_cmodel_resolve_go_name(m, numeric[i].go, &t), numeric[i].go);
        CHECK_MSG(t.kind == numeric[i].kind, numeric[i].go);
        CHECK_STR(t.spelling, numeric[i].spelling);
        CHECK(!t.is_uintptr && !t.contains_pointer);
    }
    /* Plain typedef names: from the prolog's <stddef.h>, <stdint.h>, the preamble. */
    CHECK(cg_cmodel_resolve_go_name(m, "size_t", &t) && t.kind == CG_CTYPE_INTEGER);
    CHECK(cg_cmodel_resolve_go_name(m, "uintptr_t", &t) && t.is_uintptr);
    CHECK(cg_cmodel_resolve_go_name(m, "intptr_t", &t) && t.is_uintptr);
    CHECK(cg_cmodel_resolve_go_name(m, "int32_t", &t) && !t.is_uintptr);
    CHECK(cg_cmodel_resolve_go_name(m, "node_ptr", &t) && t.kind == CG_CTYPE_POINTER);
    CHECK_STR(t.record_tag, "node");
    CHECK(cg_cmodel_resolve_go_name(m, "anon_t", &t) && t.kind == CG_CTYPE_RECORD &&
          t.contains_pointer);
    CHECK(cg_cmodel_resolve_go_name(m, "_GoString_", &t) && t.contains_pointer);
    /* An anonymous struct has no tag to be C.struct_ of. */
    CHECK(!cg_cmodel_resolve_go_name(m, "struct_anon_t", &t));
    /* A forward-declared struct resolves (cgo makes it an incomplete type). */
    CHECK(cg_cmodel_resolve_go_name(m, "struct_fwd_only", &t) && !t.contains_pointer);
    CHECK(!cg_cmodel_resolve_go_name(m, "struct_nope", &t));
    CHECK(!cg_cmodel_resolve_go_name(m, "nope_t", &t));
    CHECK(!cg_cmodel_resolve_go_name(m, "keep", &t)); /* a function, not a type */
    CHECK(!cg_cmodel_resolve_go_name(m, "", &t));
    cg_cmodel_free(m);
    free(go_path);
}

static const cg_cproblem *find_problem(const cg_cmodel *m, const char *needle) {
    for (size_t i = 0; i < cg_cmodel_problem_count(m); i++) {
        const cg_cproblem *p = cg_cmodel_problem(m, i);
        if (strstr(p->message, needle)) return p;
    }
    return NULL;
}

static void test_missing_header_and_syntax_error(void) {
    cg_cmodel *m = cg_cmodel_new();
    char *go_path = data_path("pkg1/b.go");
    char *err = NULL;
    const char *text = "int bad_before = ;\n"             /* 10 */
                       "#include \"no_such_header.h\"\n" /* 11 */
                       "#include <stdlib.h>\n"             /* 12 */
                       "int after_missing(int *p);\n"      /* 13 */
                       "int bad = ;\n"                     /* 14 */
                       "struct after_error { void *p; };\n"
                       "static int body_after(void) { return 2; }\n"
                       "static int uses_missing(void) { return from_missing_header; }\n"
                       "DECLARE_FROM_MISSING(thing);\n";    /* 18: a function-like macro */
    CHECK(cg_cfront_parse_preamble(m, go_path, 10, text, NULL, &err) == CG_OK);
    /* One note for the header; the errors after it (a syntax error, an
     * unknown name, a macro it would have defined) are counted in it. */
    const cg_cproblem *missing = find_problem(m, "no_such_header.h");
    CHECK(missing != NULL);
    if (missing) {
        CHECK(missing->severity == CG_SEV_NOTE);
        CHECK(cg_str_has_prefix(missing->message,
                                "C header 'no_such_header.h' not found: declarations from it are unknown"));
        CHECK_MSG(strstr(missing->message, "; 3 C errors after it not listed") != NULL, missing->message);
        CHECK_STR(missing->loc.file, go_path);
        CHECK(missing->loc.line == 11);
    }
    CHECK(find_problem(m, "from_missing_header") == NULL);
    CHECK(find_problem(m, "DECLARE_FROM_MISSING") == NULL);
    /* An error before the header went missing is still a warning. */
    const cg_cproblem *syntax = find_problem(m, "expected expression");
    CHECK(syntax != NULL);
    if (syntax) {
        CHECK(syntax->severity == CG_SEV_WARNING);
        CHECK(syntax->loc.line == 10);
        CHECK_STR(syntax->loc.file, go_path);
    }
    size_t warnings = 0;
    for (size_t i = 0; i < cg_cmodel_problem_count(m); i++)
        warnings += cg_cmodel_problem(m, i)->severity != CG_SEV_NOTE;
    CHECK(warnings == 1);
    /* Everything after the missing header and the error is still there. */
    const cg_cfunc *after = cg_cmodel_func(m, "after_missing");
    CHECK(after && after->decl_loc.line == 13 && after->param_count == 1);
    CHECK(cg_cmodel_record(m, "after_error", false) != NULL);
    CHECK(cg_cmodel_func(m, "body_after") && cg_cmodel_func(m, "body_after")->has_body);
    /* Declarations of headers that were found are there too. */
    const cg_cfunc *mal = cg_cmodel_func(m, "malloc");
    CHECK(mal && mal->in_system_header && !mal->has_body);
    /* Parsing the same thing again adds no duplicate problem. */
    size_t before = cg_cmodel_problem_count(m);
    CHECK(cg_cfront_parse_preamble(m, go_path, 10, text, NULL, &err) == CG_OK);
    CHECK(cg_cmodel_problem_count(m) == before);
    /* Another unit missing the same header, through a header of its own:
     * still one note, which counts the other place; the first place's
     * include chain is the one shown. */
    char *header_path = cg_path_join(CG_CFRONT_TEST_TMP, "includes_missing.h");
    FILE *hf = fopen(header_path, "w");
    CHECK(hf != NULL);
    if (hf) {
        fputs("#include <no_such_header.h>\n", hf);
        fclose(hf);
    }
    char *other_go = data_path("pkg1/c.go");
    char *other_text = cg_xasprintf("#include \"%s\"\n", header_path);
    CHECK(cg_cfront_parse_preamble(m, other_go, 3, other_text, NULL, &err) == CG_OK);
    CHECK(cg_cmodel_problem_count(m) == before);
    missing = find_problem(m, "no_such_header.h");
    CHECK(missing && strstr(missing->message, "also included at 1 other place") != NULL);
    cg_cmodel *m3 = cg_cmodel_new();
    CHECK(cg_cfront_parse_preamble(m3, other_go, 3, other_text, NULL, &err) == CG_OK);
    const cg_cproblem *chained = find_problem(m3, "no_such_header.h");
    CHECK(chained && chained->loc.line == 1 && strstr(chained->loc.file, "includes_missing.h"));
    char *expect = cg_xasprintf("C header 'no_such_header.h' not found, included %s:3: ", other_go);
    if (chained) CHECK_MSG(cg_str_has_prefix(chained->message, expect), chained->message);
    free(expect);
    cg_cmodel_free(m3);
    free(other_text);
    free(other_go);
    free(header_path);
    cg_cmodel_free(m);
    free(go_path);
}

static const char export_h[] =
    "/* Code generated by cmd/cgo; DO NOT EDIT. */\n"
    "#include <stddef.h>\n"
    "typedef struct { const char *p; ptrdiff_t n; } _GoString_;\n"
    "extern void GoCallback(void *p);\n"
    "extern int GoCount(int n);\n";

static void test_c_file_and_virtual_export_header(void) {
    char *go_path;
    cg_cmodel *m = parse_main_preamble(&go_path);
    char *c_path = data_path("pkg1/impl.c");
    char *export_path = data_path("pkg1/_cgo_export.h");
    cg_cvirtual_file vf = {export_path, export_h};
    cg_cparse_options opts = {.virtual_files = &vf, .virtual_file_count = 1};
    char *err = NULL;
    CHECK(cg_cfront_parse_file(m, c_path, &opts, &err) == CG_OK);
    for (size_t i = 0; i < cg_cmodel_problem_count(m); i++)
        fprintf(stderr, "unexpected problem: %s\n", cg_cmodel_problem(m, i)->message);
    CHECK(cg_cmodel_problem_count(m) == 0);
    /* keep: prototype in the preamble (a.go:18), body in impl.c: the body
     * wins, the first declaration is remembered. */
    const cg_cfunc *keep = cg_cmodel_func(m, "keep");
    CHECK(keep && keep->has_body);
    if (keep) {
        CHECK_STR(keep->decl_loc.file, go_path);
        CHECK(keep->decl_loc.line == 18);
        CHECK_STR(keep->body_loc.file, c_path);
        CHECK(keep->body_loc.line == 8);
        CHECK(keep->param_count == 6);
    }
    const cg_cfunc *helper = cg_cmodel_func(m, "helper_fn");
    CHECK(helper && helper->has_body && helper->body_loc.line == 14);
    /* The exported Go function comes from the virtual header. */
    const cg_cfunc *cb = cg_cmodel_func(m, "GoCallback");
    CHECK(cb && !cb->has_body && cb->param_count == 1);
    if (cb) CHECK_STR(cb->decl_loc.file, export_path);
    /* A static variable of the .c file. */
    const cg_cvar *saved = cg_cmodel_var(m, "saved");
    CHECK(saved && saved->type.kind == CG_CTYPE_POINTER && saved->loc.line == 6);

    /* Without the virtual header, the .c file misses it (a note) and the
     * rest still parses. */
    cg_cmodel *m2 = cg_cmodel_new();
    CHECK(cg_cfront_parse_file(m2, c_path, NULL, &err) == CG_OK);
    const cg_cproblem *p = find_problem(m2, "'_cgo_export.h' not found");
    CHECK(p && p->severity == CG_SEV_NOTE && p->loc.line == 4);
    CHECK(cg_cmodel_func(m2, "helper_fn") && cg_cmodel_func(m2, "helper_fn")->has_body);
    cg_cmodel_free(m2);
    cg_cmodel_free(m);
    free(export_path);
    free(c_path);
    free(go_path);
}

static char *write_temp(const char *name, const void *data, size_t len) {
    char *path = cg_path_join(CG_CFRONT_TEST_TMP, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(data, 1, len, f) == len);
        fclose(f);
    }
    return path;
}

static void test_bad_files(void) {
    cg_cmodel *m = cg_cmodel_new();
    char *err = NULL;
    /* Binary content. */
    unsigned char blob[512];
    for (size_t i = 0; i < sizeof blob; i++) blob[i] = (unsigned char)(i * 37u);
    char *bin = write_temp("binary.c", blob, sizeof blob);
    CHECK(cg_cfront_parse_file(m, bin, NULL, &err) == CG_OK);
    const cg_cproblem *p = find_problem(m, "NUL bytes");
    CHECK(p && p->severity == CG_SEV_WARNING);
    if (p) CHECK_STR(p->loc.file, bin);
    /* Missing file. */
    CHECK(cg_cfront_parse_file(m, "/nonexistent/dir/x.c", NULL, &err) == CG_OK);
    CHECK(find_problem(m, "cannot open /nonexistent/dir/x.c") != NULL);
    /* A directory where a file should be. */
    CHECK(cg_cfront_parse_file(m, CG_CFRONT_TEST_TMP, NULL, &err) == CG_OK);
    CHECK(find_problem(m, "not a regular file") != NULL);
    /* Over the size limit. */
    const char big[] = "int a_function_in_a_big_file(void);\n";
    char *bigp = write_temp("big.c", big, sizeof big - 1);
    cg_cparse_options small = {.max_file_bytes = 10};
    CHECK(cg_cfront_parse_file(m, bigp, &small, &err) == CG_OK);
    CHECK(find_problem(m, "over the limit") != NULL);
    CHECK(cg_cmodel_func(m, "a_function_in_a_big_file") == NULL);
    CHECK(cg_cfront_parse_preamble(m, "x.go", 3, big, &small, &err) == CG_OK);
    CHECK(find_problem(m, "cgo preamble of") != NULL);
    /* Under the limit, the same file parses. */
    CHECK(cg_cfront_parse_file(m, bigp, NULL, &err) == CG_OK);
    CHECK(cg_cmodel_func(m, "a_function_in_a_big_file") != NULL);
    /* Text that is not C: at most 10 parse errors listed, then a count. */
    cg_strbuf junk;
    cg_strbuf_init(&junk);
    for (int i = 0; i < 40; i++) cg_strbuf_printf(&junk, "this is not C %d ;;; ]]\n", i);
    cg_strbuf_append(&junk, "int survivor(void);\n");
    char *junkp = write_temp("junk.c", junk.data, junk.len);
    cg_cmodel *mj = cg_cmodel_new();
    CHECK(cg_cfront_parse_file(mj, junkp, NULL, &err) == CG_OK);
    size_t parse_errors = 0;
    for (size_t i = 0; i < cg_cmodel_problem_count(mj); i++)
        if (cg_str_has_prefix(cg_cmodel_problem(mj, i)->message, "C parse error")) parse_errors++;
    CHECK(parse_errors == 10);
    const cg_cproblem *more = find_problem(mj, "more C parse errors");
    CHECK(more && more->severity == CG_SEV_NOTE);
    cg_cmodel_free(mj);
    free(junkp);
    cg_strbuf_free(&junk);
    /* Not UTF-8, not C: errors, no crash. */
    const char latin1[] = "int caf\xe9(void);\n\xff\xfe garbage ((( \n";
    char *l1 = write_temp("latin1.c", latin1, sizeof latin1 - 1);
    size_t before = cg_cmodel_problem_count(m);
    CHECK(cg_cfront_parse_file(m, l1, NULL, &err) == CG_OK);
    CHECK(cg_cmodel_problem_count(m) > before);
    free(l1);
    free(bigp);
    free(bin);
    cg_cmodel_free(m);
    cg_cmodel_free(NULL);
}

static void test_cflags(void) {
    cg_cmodel *m = cg_cmodel_new();
    char *go_path = data_path("pkg1/c.go");
    char *err = NULL;
    const char *flags[] = {"-DCG_FEATURE=1", "-Isub", "-Werror", "-O2"};
    cg_cparse_options opts = {.cflags = flags, .cflag_count = 4};
    const char *text = "#include \"inc.h\"\n"
                       "#if CG_FEATURE\n"
                       "int feature_on(void);\n"
                       "#endif\n"
                       "int unused_warning(void) { int x; return 0; }\n";
    CHECK(cg_cfront_parse_preamble(m, go_path, 1, text, &opts, &err) == CG_OK);
    CHECK(cg_cmodel_func(m, "feature_on") != NULL);
    /* -Isub is relative to the package directory, as with go build. */
    CHECK(cg_cmodel_func(m, "from_relative_include") != NULL);
    /* -Werror does not turn the unused variable into a reported problem. */
    CHECK(cg_cmodel_problem_count(m) == 0);

    /* A flag clang refuses: parsed anyway, and a note says how. */
    cg_cmodel *m2 = cg_cmodel_new();
    const char *gcc_only[] = {"-DCG_FEATURE=1", "--no-such-gcc-option=3", "-I", "sub",
                              "stray.c", "-x", "c++", "--help"};
    cg_cparse_options opts2 = {.cflags = gcc_only, .cflag_count = 8};
    CHECK(cg_cfront_parse_preamble(m2, go_path, 1, text, &opts2, &err) == CG_OK);
    CHECK(cg_cmodel_func(m2, "feature_on") != NULL);
    CHECK(cg_cmodel_func(m2, "from_relative_include") != NULL);
    const cg_cproblem *ignored = find_problem(m2, "clang ignored a #cgo CFLAGS option");
    CHECK(ignored && ignored->severity == CG_SEV_NOTE);
    CHECK(cg_cmodel_problem_count(m2) == 1);
    cg_cmodel_free(m2);
    cg_cmodel_free(m);
    free(go_path);
}

static void test_merge_across_units(void) {
    cg_cmodel *m = cg_cmodel_new();
    char *err = NULL;
    CHECK(cg_cfront_parse_preamble(m, "x/one.go", 3, "void shared(int *p);\nstruct later;\n",
                                   NULL, &err) == CG_OK);
    const cg_cfunc *first = cg_cmodel_func(m, "shared");
    CHECK(first && !first->has_body);
    CHECK(cg_cmodel_record(m, "later", false) && !cg_cmodel_record(m, "later", false)->is_complete);
    CHECK(cg_cfront_parse_preamble(m, "x/two.go", 7,
                                   "struct later { char *p; };\n"
                                   "void shared(int *q) { (void)q; }\n"
                                   "void shared(int *q);\n",
                                   NULL, &err) == CG_OK);
    const cg_cfunc *f = cg_cmodel_func(m, "shared");
    CHECK(f == first); /* updated in place */
    CHECK(f->has_body);
    CHECK_STR(f->decl_loc.file, "x/one.go");
    CHECK(f->decl_loc.line == 3);
    CHECK_STR(f->body_loc.file, "x/two.go");
    CHECK(f->body_loc.line == 8);
    CHECK_STR(f->params[0].name, "q");
    const cg_crecord *later = cg_cmodel_record(m, "later", false);
    CHECK(later && later->is_complete && later->contains_pointer && later->loc.line == 7);
    /* A static function of the same name in another preamble: the first
     * stays, a note says so. */
    CHECK(cg_cmodel_problem_count(m) == 0);
    CHECK(cg_cfront_parse_preamble(m, "x/three.go", 20, "static void shared(int *q) {}\n", NULL,
                                   &err) == CG_OK);
    CHECK(cg_cmodel_func(m, "shared") == first && first->body_loc.line == 8);
    const cg_cproblem *dup = find_problem(m, "is also defined at x/two.go:8");
    CHECK(dup && dup->severity == CG_SEV_NOTE && dup->loc.line == 20);
    if (dup) CHECK_STR(dup->loc.file, "x/three.go");
    cg_cmodel_free(m);
}

/* The driver may name files relative to the working directory and the
 * virtual _cgo_export.h by its absolute path (or the other way round):
 * `#include "_cgo_export.h"` must find it either way. */
static void test_virtual_file_path_forms(void) {
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(CG_CFRONT_TEST_DATA) == 0);
    char *abs_export = cg_path_join(CG_CFRONT_TEST_DATA, "pkg1/_cgo_export.h");
    struct {
        const char *dir; /* working directory, relative to the data dir */
        const char *c_path;
        const char *export_path;
    } cases[] = {
        {".", "pkg1/impl.c", abs_export},
        {".", "./pkg1/impl.c", abs_export},
        {".", CG_CFRONT_TEST_DATA "/pkg1/impl.c", "pkg1/_cgo_export.h"},
        {"pkg1", "impl.c", abs_export},
        {"pkg1", "impl.c", "_cgo_export.h"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(chdir(CG_CFRONT_TEST_DATA) == 0 && chdir(cases[i].dir) == 0);
        cg_cmodel *m = cg_cmodel_new();
        cg_cvirtual_file vf = {cases[i].export_path, export_h};
        cg_cparse_options opts = {.virtual_files = &vf, .virtual_file_count = 1};
        char *err = NULL;
        CHECK(cg_cfront_parse_file(m, cases[i].c_path, &opts, &err) == CG_OK);
        CHECK_MSG(cg_cmodel_func(m, "GoCallback") != NULL, cases[i].c_path);
        CHECK_MSG(cg_cmodel_problem_count(m) == 0, cases[i].c_path);
        const cg_cfunc *keep = cg_cmodel_func(m, "keep");
        CHECK(keep && keep->has_body);
        if (keep) CHECK_STR(keep->body_loc.file, cases[i].c_path);
        cg_cmodel_free(m);
    }
    free(abs_export);
    CHECK(chdir(cwd) == 0);
}

int main(void) {
    RUN(test_records);
    RUN(test_functions_and_types);
    RUN(test_resolve_go_name);
    RUN(test_missing_header_and_syntax_error);
    RUN(test_c_file_and_virtual_export_header);
    RUN(test_bad_files);
    RUN(test_cflags);
    RUN(test_merge_across_units);
    RUN(test_virtual_file_path_forms);
    return cftest_finish();
}
