/*
 * test_lifetime.c: unit tests of src/model/thread_affine.c (the table and
 * the summary-based extension) and src/model/finalizer.c (recognizing
 * SetFinalizer/AddCleanup registrations, local liveness by later use).
 *   test_lifetime DATA_DIR
 */
#include <stdio.h>
#include <string.h>

#include "gofront/gocfg.h"
#include "model/finalizer.h"
#include "model/thread_affine.h"

static int failures;

#define EXPECT(cond)                                                          \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);  \
            failures++;                                                       \
        }                                                                     \
    } while (0)

static void test_table(void) {
    const char *why = NULL;
    EXPECT(cg_thread_affine_api("glDeleteTextures", &why) == CG_AFFINE_CONTEXT && why);
    EXPECT(cg_thread_affine_api("glXMakeCurrent", &why) == CG_AFFINE_CONTEXT);
    EXPECT(cg_thread_affine_api("eglMakeCurrent", &why) == CG_AFFINE_CONTEXT);
    EXPECT(cg_thread_affine_api("wglMakeCurrent", &why) == CG_AFFINE_CONTEXT);
    EXPECT(cg_thread_affine_api("glfwMakeContextCurrent", &why) == CG_AFFINE_CONTEXT);
    EXPECT(cg_thread_affine_api("SDL_GL_SwapWindow", &why) == CG_AFFINE_CONTEXT);
    EXPECT(cg_thread_affine_api("glGetError", &why) == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_thread_affine_api("dlerror", &why) == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_thread_affine_api("ERR_get_error", &why) == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_thread_affine_api("ERR_peek_last_error", &why) == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_thread_affine_api("mylib_last_error", &why) == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_thread_affine_api("FooGetLastError", &why) == CG_AFFINE_ERROR_STATE);
    EXPECT(cg_thread_affine_api("pthread_getspecific", &why) == CG_AFFINE_THREAD_STATE);
    EXPECT(cg_thread_affine_api("setns", &why) == CG_AFFINE_THREAD_STATE);
    EXPECT(cg_thread_affine_error_api("dlerror"));
    EXPECT(!cg_thread_affine_error_api("glDeleteTextures"));
    /* Look-alikes: a "gl"/"egl" prefix without the API's capital letter,
     * a bare suffix, ordinary libc functions. */
    EXPECT(cg_thread_affine_api("global_release", &why) == CG_AFFINE_NONE && !why);
    EXPECT(cg_thread_affine_api("glob", &why) == CG_AFFINE_NONE);
    EXPECT(cg_thread_affine_api("eglue", &why) == CG_AFFINE_NONE);
    EXPECT(cg_thread_affine_api("_last_error", &why) == CG_AFFINE_NONE);
    EXPECT(cg_thread_affine_api("ERR_", &why) == CG_AFFINE_NONE);
    EXPECT(cg_thread_affine_api("free", &why) == CG_AFFINE_NONE);
    EXPECT(cg_thread_affine_api("pthread_create", &why) == CG_AFFINE_NONE);
    EXPECT(cg_thread_affine_api(NULL, &why) == CG_AFFINE_NONE);
}

static cg_package *build(const char *dir) {
    static cg_package_options opts;
    opts.target.goos = "linux";
    opts.target.goarch = "amd64";
    opts.max_file_bytes = 1u << 20;
    cg_pkg_files files = {0};
    files.dir = cg_xstrdup(dir);
    cg_vec_push(&files.go_files, cg_path_join(dir, "pkg.go"));
    cg_package *pkg = cg_package_build(&files, &opts);
    free(files.dir);
    cg_strvec_free(&files.go_files);
    cg_strvec_free(&files.c_files);
    return pkg;
}

static void test_summaries(cg_package *pkg) {
    const char *why = NULL;
    cg_location where;
    EXPECT(cg_thread_affine_func(pkg, "session_close", &why, &where) == CG_AFFINE_THREAD_STATE);
    EXPECT(why && strstr(why, "thread-local"));
    EXPECT(where.line > 0);
    cg_affinity mesh = cg_thread_affine_func(pkg, "mesh_destroy", &why, &where);
    if (mesh != CG_AFFINE_CONTEXT) fprintf(stderr, "mesh_destroy: %d (%s)\n", (int)mesh, why ? why : "-");
    EXPECT(mesh == CG_AFFINE_CONTEXT);
    EXPECT(why && strstr(why, "glDeleteBuffers"));
    EXPECT(cg_thread_affine_func(pkg, "plain_release", &why, &where) == CG_AFFINE_NONE);
    EXPECT(cg_thread_affine_func(pkg, "dlerror", &why, &where) == CG_AFFINE_ERROR_STATE);
}

typedef struct found {
    cg_package *pkg;
    cg_gofile *file;
    cg_finalizer fins[8];
    int count;
    int calls_seen;
    cg_gn use_call;   /* C.mesh_destroy(1) in use() */
    cg_gn use_release; /* C.plain_release(x) in use() */
} found;

static cg_walk_action visit(cg_gn n, void *arg) {
    found *f = arg;
    if (!cg_gn_is(n, CG_GK_CALL_EXPRESSION)) return CG_WALK_CONTINUE;
    f->calls_seen++;
    if (f->count < 8 && cg_finalizer_at(f->pkg, f->file, n, &f->fins[f->count])) f->count++;
    const char *c = cg_c_callee(f->pkg, f->file, n);
    if (c && strcmp(c, "mesh_destroy") == 0) f->use_call = n;
    if (c && strcmp(c, "plain_release") == 0 && cg_gopkg_func_at(f->pkg->go, f->file, n) &&
        strcmp(cg_gopkg_func_at(f->pkg->go, f->file, n)->name, "use") == 0)
        f->use_release = n;
    return CG_WALK_CONTINUE;
}

/* The identifier `w` passed to use(w) inside register, and the one in
 * runtime.KeepAlive(w) inside use. */
static cg_gn first_arg(cg_gn call) { return cg_gn_child(cg_gn_field(call, CG_GF_ARGUMENTS), 0); }

static void test_finalizers(cg_package *pkg) {
    EXPECT(pkg->go->files.len == 1);
    if (pkg->go->files.len != 1) return;
    found f = {0};
    f.pkg = pkg;
    f.file = pkg->go->files.items[0];
    cg_walk(f.file->root, visit, &f);
    /* SetFinalizer(w, nil) clears a finalizer: not a registration. */
    EXPECT(f.count == 3);
    if (f.count != 3) return;
    EXPECT(!f.fins[0].is_cleanup && strcmp(f.fins[0].owner, "W") == 0);
    EXPECT(strcmp(f.fins[0].func_name, "(*W).free") == 0);
    EXPECT(f.fins[0].param && strcmp(f.fins[0].param, "w") == 0);
    EXPECT(cg_gn_is(f.fins[0].func, CG_GK_METHOD_DECLARATION));
    EXPECT(cg_gn_is(f.fins[1].func, CG_GK_FUNCTION_DECLARATION) && strcmp(f.fins[1].param, "w") == 0);
    EXPECT(f.fins[2].is_cleanup && cg_gn_is(f.fins[2].func, CG_GK_FUNC_LITERAL));
    EXPECT(f.fins[2].param && strcmp(f.fins[2].param, "p") == 0);
    EXPECT(f.fins[2].arg);

    /* Liveness: in use(), w is used (KeepAlive) after both C calls; the
     * local x is not used after the release call. */
    EXPECT(f.use_call && f.use_release);
    if (!f.use_release) return;
    cg_gn body = cg_gn_field(cg_gopkg_func_at(pkg->go, f.file, f.use_release)->node, CG_GF_BODY);
    cg_gn keepalive = cg_gn_child(cg_gn_child(body, 3), 0); /* runtime.KeepAlive(w) */
    cg_gn w_ident = first_arg(keepalive);
    cg_gn x_ident = first_arg(f.use_release);
    cg_gobinding *wb = cg_gopkg_binding(pkg->go, f.file, w_ident);
    EXPECT(wb != NULL);
    if (!wb) return;
    EXPECT(cg_cfg_read_after(pkg->go, f.file, wb, f.use_release));
    EXPECT(!cg_cfg_read_after(pkg->go, f.file, cg_gopkg_binding(pkg->go, f.file, x_ident), f.use_release));
    EXPECT(!cg_cfg_read_after(pkg->go, f.file, wb, keepalive));

    /* x's single value is w.p, whose lvalue root is w. */
    cg_gobinding *xb = cg_gopkg_binding(pkg->go, f.file, x_ident);
    EXPECT(xb != NULL);
    if (!xb) return;
    cg_gn v = cg_binding_single_value(xb);
    EXPECT(cg_gn_is(v, CG_GK_SELECTOR_EXPRESSION));
    EXPECT(cg_node_text_eq(f.file, cg_lvalue_root(v), "w"));
    EXPECT(!cg_node_in_defer(pkg, f.file, f.use_release));
    cg_node_path path;
    cg_node_path_of(pkg, f.file, x_ident, &path);
    EXPECT(path.len >= 4 && cg_gn_is(path.nodes[0], CG_GK_FUNCTION_DECLARATION));
    EXPECT(path.len > 0 && cg_gn_is(path.nodes[path.len - 1], CG_GK_ARGUMENT_LIST));
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_lifetime DATA_DIR\n");
        return 2;
    }
    test_table();
    char *dir = cg_path_join(argv[1], "pkg");
    cg_package *pkg = build(dir);
    test_summaries(pkg);
    test_finalizers(pkg);
    cg_package_free(pkg);
    free(dir);
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("ok test_lifetime\n");
    return 0;
}
