/*
 * test_csummary.c: unit tests of the C function summaries (csummary.h),
 * computed from data/pkg2/summ.c plus a preamble that calls into it:
 * parameters kept (global, struct field, local alias, heap memory, thread
 * argument, thread-specific data, a chain of three calls, a preamble
 * calling the .c file), freed, returned, stored into another parameter's
 * object, only used; exported Go functions reached transitively; thread,
 * signal and atexit roles and reachability; setjmp/longjmp sites;
 * thread-local state; function-pointer casts; unknown callees.
 */
#include "cfront/cmodel.h"
#include "cfront/csummary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cftest.h"

static const char export_h[] = "extern void GoCallback(void *p);\n"
                               "extern void GoNotify(int x);\n";

/* Line 3 of b.go is the first line of this preamble. */
static const char preamble[] = "#include <stdlib.h>\n"                                /* 3 */
                               "void keep_global(void *p);\n"                        /* 4 */
                               "static void keep_from_preamble(void *p) {\n"         /* 5 */
                               "    keep_global(p);\n"                               /* 6 */
                               "}\n"                                                 /* 7 */
                               "static void only_reads(int *p) { (void)*p; }\n"     /* 8 */
                               "static const char *s_saved;\n"                       /* 9 */
                               /* 10 */
                               "void keep_s(_GoString_ s) { s_saved = _GoStringPtr(s); }\n";

static char *summ_path;
static char *go_path;

static cg_cmodel *build(void) {
    cg_cmodel *m = cg_cmodel_new();
    char *export_path = cg_path_join(CG_CFRONT_TEST_DATA, "pkg2/_cgo_export.h");
    cg_cvirtual_file vf = {export_path, export_h};
    cg_cparse_options opts = {.virtual_files = &vf, .virtual_file_count = 1};
    char *err = NULL;
    CHECK(cg_cfront_parse_preamble(m, go_path, 3, preamble, &opts, &err) == CG_OK);
    CHECK(cg_cfront_parse_file(m, summ_path, &opts, &err) == CG_OK);
    for (size_t i = 0; i < cg_cmodel_problem_count(m); i++)
        fprintf(stderr, "unexpected problem: %s:%u: %s\n", cg_cmodel_problem(m, i)->loc.file,
                cg_cmodel_problem(m, i)->loc.line, cg_cmodel_problem(m, i)->message);
    CHECK(cg_cmodel_problem_count(m) == 0);
    CHECK(cg_cmodel_summary(m, "keep_global") == NULL); /* not computed yet */
    const char *exports[] = {"GoCallback", "GoNotify"};
    cg_cmodel_compute_summaries(m, exports, 2);
    free(export_path);
    return m;
}

static const cg_csummary *sum(const cg_cmodel *m, const char *name) {
    const cg_csummary *s = cg_cmodel_summary(m, name);
    if (!s) fprintf(stderr, "no summary for %s\n", name);
    return s;
}

static const cg_cparam_summary *param(const cg_cmodel *m, const char *func, size_t i) {
    const cg_csummary *s = sum(m, func);
    if (!s || i >= s->param_count) return NULL;
    return &s->params[i];
}

/* The last step of a trace: the C line that matters. */
static cg_location last_loc(const cg_ctrace *t) {
    cg_location none = {0};
    return t->len ? t->steps[t->len - 1].loc : none;
}

static void check_kept(const cg_cmodel *m, const char *func, size_t i, cg_ckeep_kind kind,
                       unsigned line, const char *how_part) {
    const cg_cparam_summary *p = param(m, func, i);
    CHECK_MSG(p != NULL, func);
    if (!p) return;
    CHECK_MSG(p->kept.len > 0, func);
    CHECK_MSG(p->kept_kind == kind, func);
    CHECK_MSG(last_loc(&p->kept).line == line, func);
    CHECK_MSG(p->kept.how && strstr(p->kept.how, how_part), func);
    if (p->kept.how && !strstr(p->kept.how, how_part))
        fprintf(stderr, "  %s: how is \"%s\"\n", func, p->kept.how);
    if (p->kept.len) CHECK_STR(p->kept.steps[0].func, func);
}

static void check_not_kept(const cg_cmodel *m, const char *func, size_t i) {
    const cg_cparam_summary *p = param(m, func, i);
    CHECK_MSG(p != NULL, func);
    if (!p) return;
    CHECK_MSG(p->kept.len == 0 && p->kept_kind == CG_KEEP_NONE, func);
    if (p->kept.len) fprintf(stderr, "  %s: unexpectedly kept: %s\n", func, p->kept.how);
}

static void test_kept(void) {
    cg_cmodel *m = build();
    check_kept(m, "keep_global", 0, CG_KEEP_GLOBAL, 18, "stored in global variable 'saved'");
    check_kept(m, "keep_field", 0, CG_KEEP_GLOBAL, 26, "head->data");
    check_kept(m, "keep_alias", 0, CG_KEEP_GLOBAL, 27, "'saved'");
    check_kept(m, "keep_heap", 0, CG_KEEP_HEAP, 30, "malloc'd memory that is stored in global");
    check_kept(m, "keep_via_identity", 0, CG_KEEP_GLOBAL, 37, "'saved'");
    check_kept(m, "start", 0, CG_KEEP_THREAD_ARG, 39, "pthread_create");
    check_kept(m, "keep_tls", 0, CG_KEEP_THREAD_LOCAL, 43, "pthread_setspecific");
    check_kept(m, "keep_into_global_obj", 0, CG_KEEP_GLOBAL, 35, "h->data");
    check_kept(m, "keep_struct_copy", 0, CG_KEEP_GLOBAL, 90, "*head");
    check_kept(m, "start_ts", 0, CG_KEEP_THREAD_ARG, 89, "pthread_create");
    check_kept(m, "reg_exit", 0, CG_KEEP_CALLBACK_ARG, 115,
               "registered as callback data with on_exit");
    CHECK(sum(m, "exit_cb") && sum(m, "exit_cb")->roles == CG_ROLE_ATEXIT);
    /* Atomic stores are stores. */
    check_kept(m, "atomic_keep", 0, CG_KEEP_GLOBAL, 118, "global variable 'slot'");
    check_kept(m, "gnu_atomic_keep", 0, CG_KEEP_GLOBAL, 119, "global variable 'plain_slot'");
    check_kept(m, "sync_keep", 0, CG_KEEP_GLOBAL, 120, "global variable 'plain_slot'");
    check_kept(m, "cas_keep", 0, CG_KEEP_GLOBAL, 121, "global variable 'plain_slot'");
    check_not_kept(m, "atomic_into", 1);
    CHECK(param(m, "atomic_into", 1) && param(m, "atomic_into", 1)->stored_into_param == 0);
    check_not_kept(m, "atomic_load_only", 0);
    /* A Go string's pointer, through cgo's helper or the field. */
    check_kept(m, "keep_gostring", 0, CG_KEEP_GLOBAL, 95, "'saved_str'");
    check_kept(m, "keep_gostring_field", 0, CG_KEEP_GLOBAL, 96, "'saved_str'");
    check_not_kept(m, "len_gostring", 0);
    /* In a preamble, with cgo's real prolog. */
    check_kept(m, "keep_s", 0, CG_KEEP_GLOBAL, 10, "'s_saved'");
    CHECK(param(m, "keep_s", 0) && !param(m, "keep_s", 0)->is_pointer &&
          param(m, "keep_s", 0)->carries_pointer);
    CHECK(param(m, "copy_out", 2) && !param(m, "copy_out", 2)->carries_pointer);
    CHECK(param(m, "copy_out", 0) && param(m, "copy_out", 0)->carries_pointer);
    CHECK(sum(m, "len_gostring") && sum(m, "len_gostring")->unknown_callee_count == 0);

    /* A chain of three: chain1 -> chain2 -> chain3, which stores. */
    const cg_cparam_summary *c1 = param(m, "chain1", 0);
    CHECK(c1 && c1->kept.len == 3 && c1->kept_kind == CG_KEEP_GLOBAL);
    if (c1 && c1->kept.len == 3) {
        CHECK_STR(c1->kept.steps[0].func, "chain1");
        CHECK(c1->kept.steps[0].loc.line == 25);
        CHECK_STR(c1->kept.steps[1].func, "chain2");
        CHECK(c1->kept.steps[1].loc.line == 24);
        CHECK_STR(c1->kept.steps[2].func, "chain3");
        CHECK(c1->kept.steps[2].loc.line == 23);
        CHECK_STR(c1->kept.steps[2].loc.file, summ_path);
        CHECK_STR(c1->kept.how, "stored in global variable 'saved'");
    }
    /* Across translation units: the preamble's function keeps through the
     * .c file's, and the first step is on the .go line. */
    const cg_cparam_summary *pre = param(m, "keep_from_preamble", 0);
    CHECK(pre && pre->kept.len == 2);
    if (pre && pre->kept.len == 2) {
        CHECK_STR(pre->kept.steps[0].loc.file, go_path);
        CHECK(pre->kept.steps[0].loc.line == 6);
        CHECK_STR(pre->kept.steps[1].func, "keep_global");
    }

    /* Look-alikes that must stay "only used during the call". */
    check_not_kept(m, "use_only", 0);
    check_not_kept(m, "copy_out", 0);
    check_not_kept(m, "copy_out", 1);
    check_not_kept(m, "heap_temp", 0);
    check_not_kept(m, "release", 0);
    check_not_kept(m, "identity", 0);
    check_not_kept(m, "set_data", 1);
    check_not_kept(m, "keep_into_param", 1);
    check_not_kept(m, "sort_ints", 0);
    check_not_kept(m, "only_reads", 0);
    check_not_kept(m, "pass_unknown", 0);
    /* wrap() returns malloc'd memory holding p: kept after the call. */
    check_kept(m, "wrap", 0, CG_KEEP_HEAP, 84, "that is returned");
    cg_cmodel_free(m);
}

static void test_freed_returned_stored(void) {
    cg_cmodel *m = build();
    const cg_cparam_summary *r = param(m, "release", 0);
    CHECK(r && r->freed.len == 1 && r->freed.steps[0].loc.line == 21);
    if (r) CHECK_STR(r->freed.how, "passed to free");
    const cg_cparam_summary *g = param(m, "grow", 0);
    CHECK(g && g->freed.len == 1);
    if (g) CHECK_STR(g->freed.how, "passed to realloc");
    CHECK(param(m, "use_only", 0) && param(m, "use_only", 0)->freed.len == 0);
    /* heap_temp frees its own block, not p. */
    CHECK(param(m, "heap_temp", 0) && param(m, "heap_temp", 0)->freed.len == 0);

    const cg_cparam_summary *id = param(m, "identity", 0);
    CHECK(id && id->returned.len == 1 && id->returned.steps[0].loc.line == 36);
    CHECK(param(m, "keep_global", 0)->returned.len == 0);

    const cg_cparam_summary *sd = param(m, "set_data", 1);
    CHECK(sd && sd->stored_into.len == 1 && sd->stored_into_param == 0);
    CHECK(param(m, "set_data", 0)->stored_into.len == 0);
    const cg_cparam_summary *kip = param(m, "keep_into_param", 1);
    CHECK(kip && kip->stored_into.len == 2 && kip->stored_into_param == 0);

    /* Unknown callees are named, and the parameter says what was assumed. */
    const cg_csummary *pu = sum(m, "pass_unknown");
    CHECK(pu && pu->unknown_callee_count == 1);
    if (pu && pu->unknown_callee_count == 1) CHECK_STR(pu->unknown_callees[0], "mystery");
    if (pu) CHECK_STR(pu->params[0].assumed_unknown_callee, "mystery");
    /* Known functions are not unknown. */
    const cg_csummary *so = sum(m, "sort_ints");
    CHECK(so && so->unknown_callee_count == 0 && !so->params[0].assumed_unknown_callee);
    CHECK(so && so->params[0].is_pointer && so->params[2].is_pointer && !so->params[1].is_pointer);
    cg_cmodel_free(m);
}

static void test_exports_and_roles(void) {
    cg_cmodel *m = build();
    const cg_csummary *on = sum(m, "outer_notify");
    CHECK(on && on->calls_export.len == 2);
    if (on && on->calls_export.len == 2) {
        CHECK_STR(on->export_name, "GoNotify");
        CHECK(on->calls_export.steps[0].loc.line == 45);
        CHECK_STR(on->calls_export.steps[1].func, "notify");
        CHECK(on->calls_export.steps[1].loc.line == 44);
        CHECK_STR(on->calls_export.how, "calls exported Go function GoNotify");
    }
    CHECK(sum(m, "use_only") && sum(m, "use_only")->calls_export.len == 0);

    const cg_csummary *w = sum(m, "worker");
    CHECK(w && (w->roles & CG_ROLE_THREAD_START) && w->calls_export.len == 1);
    if (w) CHECK(w->role_site[cg_crole_index(CG_ROLE_THREAD_START)].line == 39);
    const cg_csummary *sig = sum(m, "on_signal");
    CHECK(sig && sig->roles == CG_ROLE_SIGNAL_HANDLER && sig->calls_export.len == 2);
    const cg_csummary *act = sum(m, "on_action");
    CHECK(act && act->roles == CG_ROLE_SIGNAL_HANDLER && act->calls_export.len == 0);
    if (act) CHECK(act->role_site[cg_crole_index(CG_ROLE_SIGNAL_HANDLER)].line == 55);
    const cg_csummary *ae = sum(m, "at_end");
    CHECK(ae && ae->roles == CG_ROLE_ATEXIT);
    /* notify is reachable from the signal handler. */
    const cg_csummary *n = sum(m, "notify");
    CHECK(n && n->roles == 0 && (n->reached_from_roles & CG_ROLE_SIGNAL_HANDLER));
    if (n) CHECK_STR(n->reached_from[cg_crole_index(CG_ROLE_SIGNAL_HANDLER)], "on_signal");
    CHECK(sum(m, "install") && sum(m, "install")->roles == 0 &&
          sum(m, "install")->reached_from_roles == 0);
    /* Stack sizes set before starting a thread. */
    const cg_csummary *sw = sum(m, "small_worker");
    CHECK(sw && sw->roles == CG_ROLE_THREAD_START && sw->thread_stack_size == 64 * 1024);
    if (sw) CHECK(sw->thread_stack_size_loc.line == 103);
    CHECK(w && w->thread_stack_size == 0);
    /* Registered through wrappers: spawn_outer(fn) -> spawn(fn) -> pthread_create. */
    const cg_cparam_summary *sp = param(m, "spawn", 0);
    CHECK(sp && sp->registers_roles == CG_ROLE_THREAD_START);
    CHECK(param(m, "spawn", 1) && param(m, "spawn", 1)->registers_roles == 0);
    CHECK(param(m, "spawn", 1) && param(m, "spawn", 1)->kept_kind == CG_KEEP_THREAD_ARG);
    CHECK(param(m, "spawn_outer", 0) &&
          param(m, "spawn_outer", 0)->registers_roles == CG_ROLE_THREAD_START);
    const cg_csummary *ww = sum(m, "wrapped_worker");
    CHECK(ww && ww->roles == CG_ROLE_THREAD_START);
    if (ww) CHECK(ww->role_site[cg_crole_index(CG_ROLE_THREAD_START)].line == 113);
    /* The thread start routine through a mismatched cast is not "worker". */
    const cg_csummary *ts = sum(m, "ts_worker");
    CHECK(ts && ts->roles == CG_ROLE_THREAD_START && ts->calls_export.len == 0);
    cg_cmodel_free(m);
}

static void test_jumps_tls_casts(void) {
    cg_cmodel *m = build();
    const cg_csummary *g = sum(m, "guarded");
    CHECK(g && g->jump_count == 1);
    if (g && g->jump_count == 1) {
        const cg_cjump_site *j = &g->jumps[0];
        CHECK(j->kind == CG_JUMP_SETJMP);
        CHECK_STR(j->buffer, "env");
        CHECK(j->loc.line == 62);
        CHECK(j->calls_after_count == 2);
        if (j->calls_after_count == 2) {
            CHECK_STR(j->calls_after[0].callee, "notify");
            CHECK_STR(j->calls_after[1].callee, "jumper");
        }
        CHECK(j->export_after.len == 2 && j->export_after.steps[0].loc.line == 63);
    }
    CHECK(g && g->reaches_longjmp.len == 2 && last_loc(&g->reaches_longjmp).line == 60);
    const cg_csummary *jp = sum(m, "jumper");
    CHECK(jp && jp->jump_count == 1 && jp->jumps[0].kind == CG_JUMP_LONGJMP);
    const cg_csummary *sg = sum(m, "safe_guard");
    CHECK(sg && sg->jump_count == 1 && sg->jumps[0].export_after.len == 0 &&
          sg->reaches_longjmp.len == 0);

    const cg_csummary *tv = sum(m, "use_tls_var");
    CHECK(tv && tv->thread_local.len == 1 && tv->thread_local.steps[0].loc.line == 41);
    if (tv) CHECK_STR(tv->thread_local.how, "uses thread-local variable 'tls_x'");
    const cg_csummary *ti = sum(m, "tls_indirect");
    CHECK(ti && ti->thread_local.len == 2 && last_loc(&ti->thread_local).line == 40);
    if (ti) CHECK_STR(ti->thread_local.how, "calls pthread_getspecific");
    CHECK(sum(m, "use_only") && sum(m, "use_only")->thread_local.len == 0);
    /* A documented thread-affine API counts as thread-local state. */
    const cg_csummary *dr = sum(m, "draw");
    CHECK(dr && dr->thread_local.len == 1 && dr->thread_local.steps[0].loc.line == 108);
    if (dr) CHECK(dr->thread_local.how && strstr(dr->thread_local.how, "calls glClear"));
    CHECK(sum(m, "not_gl") && sum(m, "not_gl")->thread_local.len == 0);
    const cg_csummary *ss = sum(m, "start_small");
    CHECK(ss && ss->unknown_callee_count == 0);

    const cg_csummary *bt = sum(m, "bad_thread");
    CHECK(bt && bt->cast_count == 1);
    if (bt && bt->cast_count == 1) {
        const cg_cfnptr_cast *c = &bt->casts[0];
        CHECK(c->loc.line == 75);
        CHECK_STR(c->from, "void (*)(void)");
        CHECK_STR(c->to, "void *(*)(void *)");
        CHECK_STR(c->target, "noargs");
        CHECK_STR(c->use, "passed to pthread_create as argument 3");
        CHECK_STR(c->passed_to, "pthread_create");
    }
    const cg_csummary *sc = sum(m, "store_cast");
    CHECK(sc && sc->cast_count == 1);
    /* fp(1) later: the stored cast's result is called. */
    if (sc && sc->cast_count == 1) CHECK_STR(sc->casts[0].use, "called");
    const cg_csummary *so = sum(m, "store_only_cast");
    CHECK(so && so->cast_count == 1);
    if (so && so->cast_count == 1) CHECK_STR(so->casts[0].use, "stored in 'fp'");
    /* Compatible casts are not recorded. */
    CHECK(sum(m, "keep_alias") && sum(m, "keep_alias")->cast_count == 0);
    cg_cmodel_free(m);
}

/* A chain of 20 calls is cut to CG_CTRACE_MAX_STEPS with a count of the
 * omitted middle; mutual recursion converges; the order of definitions
 * (callers first, callees last) does not matter. */
static void test_long_chain_and_recursion(void) {
    cg_strbuf sb;
    cg_strbuf_init(&sb);
    cg_strbuf_append(&sb, "static void *g;\n");
    for (int i = 0; i < 20; i++) cg_strbuf_printf(&sb, "void f%02d(void *p);\n", i);
    for (int i = 0; i < 19; i++)
        cg_strbuf_printf(&sb, "void f%02d(void *p) { f%02d(p); }\n", i, i + 1);
    cg_strbuf_append(&sb, "void f19(void *p) { g = p; }\n"
                          "void even(void *p, int n);\n"
                          "void odd(void *p, int n) { if (n) even(p, n - 1); }\n"
                          "void even(void *p, int n) { if (n) odd(p, n - 1); else g = p; }\n"
                          "void spin(void *p, int n) { if (n) spin(p, n - 1); }\n");
    cg_cmodel *m = cg_cmodel_new();
    char *err = NULL;
    CHECK(cg_cfront_parse_preamble(m, "chain.go", 1, sb.data, NULL, &err) == CG_OK);
    cg_strbuf_free(&sb);
    cg_cmodel_compute_summaries(m, NULL, 0);
    const cg_cparam_summary *p = param(m, "f00", 0);
    CHECK(p && p->kept.len == CG_CTRACE_MAX_STEPS && p->kept.omitted == 20 - CG_CTRACE_MAX_STEPS);
    if (p && p->kept.len == CG_CTRACE_MAX_STEPS) {
        CHECK_STR(p->kept.steps[0].func, "f00");
        CHECK_STR(p->kept.steps[1].func, "f01");
        CHECK_STR(p->kept.steps[CG_CTRACE_MAX_STEPS - 1].func, "f19");
        CHECK(p->kept.steps[CG_CTRACE_MAX_STEPS - 1].loc.line == 41); /* f19 */
    }
    const cg_cparam_summary *f12 = param(m, "f12", 0);
    CHECK(f12 && f12->kept.len == 8 && f12->kept.omitted == 0);
    CHECK(param(m, "odd", 0) && param(m, "odd", 0)->kept.len == 2);
    CHECK(param(m, "even", 0) && param(m, "even", 0)->kept.len == 1);
    check_not_kept(m, "spin", 0);
    /* Parsing again invalidates; computing again gives the same answer. */
    CHECK(cg_cfront_parse_preamble(m, "more.go", 1, "int more(void);\n", NULL, &err) == CG_OK);
    CHECK(cg_cmodel_summary(m, "f00") == NULL);
    cg_cmodel_compute_summaries(m, NULL, 0);
    CHECK(param(m, "f00", 0) && param(m, "f00", 0)->kept.len == CG_CTRACE_MAX_STEPS);
    cg_cmodel_free(m);
}

/* C11 <stdatomic.h> macros expand to atomic builtins; they still store. */
static void test_stdatomic_macros(void) {
    const char *text = "#include <stdatomic.h>\n"                                     /* 1 */
                       "static _Atomic(void *) slot;\n"                               /* 2 */
                       "void st(void *p) { atomic_store(&slot, p); }\n"               /* 3 */
                       "void ex(void *p) { (void)atomic_exchange(&slot, p); }\n"      /* 4 */
                       "void cx(void *p) { void *e = 0;\n"                            /* 5 */
                       "  atomic_compare_exchange_strong(&slot, &e, p); }\n"          /* 6 */
                       "void *ld(void *p) { (void)p; return atomic_load(&slot); }\n"; /* 7 */
    cg_cmodel *m = cg_cmodel_new();
    char *err = NULL;
    CHECK(cg_cfront_parse_preamble(m, "atomic.go", 1, text, NULL, &err) == CG_OK);
    CHECK(cg_cmodel_problem_count(m) == 0);
    cg_cmodel_compute_summaries(m, NULL, 0);
    check_kept(m, "st", 0, CG_KEEP_GLOBAL, 3, "global variable 'slot'");
    check_kept(m, "ex", 0, CG_KEEP_GLOBAL, 4, "global variable 'slot'");
    check_kept(m, "cx", 0, CG_KEEP_GLOBAL, 6, "global variable 'slot'");
    check_not_kept(m, "ld", 0);
    cg_cmodel_free(m);
}

/* Functions and records written by a macro: everything the macro body
 * expands to has the position of the macro's use, so parameters and
 * records must be told apart by what they are, not where (the parameters
 * of GEN(gen1) once shared one slot: a heap overflow in the fixed point,
 * and `g = b` read as keeping the first parameter). */
static void test_macro_generated(void) {
    const char *text =
        "static void *g;\n"                                                          /* 1 */
        "static int body(void *d, int n, const void *s, int m) { return n + m; }\n"  /* 2 */
        "#define GEN(fn) static int fn(void *d, int n, const void *s, int m, int b) "
        "{ (void)b; return body(d, n, s, m); }\n"                                   /* 3 */
        "GEN(gen1)\n"                                                                /* 4 */
        "int use(void) { return gen1(0, 1, 0, 2, 3); }\n"                           /* 5 */
        "#define KEEP2(fn) void fn(void *a, void *b) { (void)a; g = b; }\n"          /* 6 */
        "KEEP2(keep_second)\n"                                                       /* 7 */
        "#define TWO struct rx { int a; }; struct ry { int *p; };\n"                 /* 8 */
        "TWO\n";                                                                     /* 9 */
    cg_cmodel *m = cg_cmodel_new();
    char *err = NULL;
    CHECK(cg_cfront_parse_preamble(m, "gen.go", 1, text, NULL, &err) == CG_OK);
    CHECK(cg_cmodel_problem_count(m) == 0);
    cg_cmodel_compute_summaries(m, NULL, 0);
    const cg_csummary *s = sum(m, "gen1");
    CHECK(s && s->param_count == 5);
    check_not_kept(m, "keep_second", 0);
    check_kept(m, "keep_second", 1, CG_KEEP_GLOBAL, 7, "global variable 'g'");
    const cg_crecord *rx = cg_cmodel_record(m, "rx", false), *ry = cg_cmodel_record(m, "ry", false);
    CHECK(rx && !rx->contains_pointer);
    CHECK(ry && ry->contains_pointer);
    cg_cmodel_free(m);
}

/* Fields of a local struct are locals of their own: s.a = p does not put p
 * in s.b (GLFW's wndconfig.title / window->resizable = wndconfig.resizable),
 * while a copy of the whole struct, a parameter's field and a nested field
 * still carry what was stored. */
static void test_field_sensitive(void) {
    const char *text =
        "static void *g;\n"                                                            /* 1 */
        "struct pair { void *a; void *b; };\n"                                         /* 2 */
        "void fields(void *p, void *q) { struct pair s; s.a = p; s.b = q; g = s.b; }\n" /* 3 */
        "void whole(void *p) { struct pair s, t; s.a = p; t = s; g = t.a; }\n"          /* 4 */
        "void param_field(struct pair s) { g = s.a; }\n"                               /* 5 */
        "struct outer { struct pair in; void *c; };\n"                                /* 6 */
        "void nested(void *p) { struct outer o; o.in.a = p; g = o.c; }\n"              /* 7 */
        "void nested_copy(void *p) { struct outer o; o.in.a = p; struct pair x = o.in; g = x.a; }\n"
        "void assigned_whole(void *p) { struct pair s = { p, 0 }; g = s.b; }\n"        /* 9 */
        "static long long longest;\n"                                                    /* 10 */
        "void span(const char *start, const char *end) { longest = end - start; }\n";    /* 11 */
    cg_cmodel *m = cg_cmodel_new();
    char *err = NULL;
    CHECK(cg_cfront_parse_preamble(m, "fields.go", 1, text, NULL, &err) == CG_OK);
    CHECK(cg_cmodel_problem_count(m) == 0);
    cg_cmodel_compute_summaries(m, NULL, 0);
    check_not_kept(m, "fields", 0);
    check_kept(m, "fields", 1, CG_KEEP_GLOBAL, 3, "global variable 'g'");
    check_kept(m, "whole", 0, CG_KEEP_GLOBAL, 4, "global variable 'g'");
    check_kept(m, "param_field", 0, CG_KEEP_GLOBAL, 5, "global variable 'g'");
    check_not_kept(m, "nested", 0);
    check_kept(m, "nested_copy", 0, CG_KEEP_GLOBAL, 8, "global variable 'g'");
    /* An initializer list fills the struct as a whole: not told apart. */
    check_kept(m, "assigned_whole", 0, CG_KEEP_GLOBAL, 9, "global variable 'g'");
    /* The difference of two pointers is a length, not a pointer. */
    check_not_kept(m, "span", 0);
    check_not_kept(m, "span", 1);
    cg_cmodel_free(m);
}

int main(void) {
    summ_path = cg_path_join(CG_CFRONT_TEST_DATA, "pkg2/summ.c");
    go_path = cg_path_join(CG_CFRONT_TEST_DATA, "pkg2/b.go");
    RUN(test_kept);
    RUN(test_freed_returned_stored);
    RUN(test_exports_and_roles);
    RUN(test_jumps_tls_casts);
    RUN(test_long_chain_and_recursion);
    RUN(test_stdatomic_macros);
    RUN(test_macro_generated);
    RUN(test_field_sensitive);
    free(go_path);
    free(summ_path);
    return cftest_finish();
}
