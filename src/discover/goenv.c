/*
 * goenv.c: running the go command and reading what it says (see goenv.h).
 */
#include "goenv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *cg_go_command(void) {
    const char *go = getenv("CGOGUARD_GO");
    if (go && *go) return go;
#ifdef CG_GO_EXECUTABLE
    if (*CG_GO_EXECUTABLE) return CG_GO_EXECUTABLE;
#endif
    return "go";
}

static void read_two(int out_fd, int err_fd, cg_strbuf *out, cg_strbuf *err) {
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    cg_strbuf *bufs[2] = {out, err};
    int open_count = 2;
    char buf[65536];
    while (open_count > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                cg_strbuf_append_n(bufs[i], buf, (size_t)n);
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_count--;
            }
        }
    }
}

int cg_run_capture(const char *dir, const char *const *argv, const char *const *env, char **out,
                   size_t *out_len, char **err_text) {
    *out = NULL;
    if (out_len) *out_len = 0;
    if (err_text) *err_text = NULL;
    int po[2], pe[2];
    if (pipe(po) != 0) return -1;
    if (pipe(pe) != 0) {
        close(po[0]), close(po[1]);
        return -1;
    }
    /* The environment is built before fork: only async-signal-safe calls
     * may follow it in the child of a threaded process. */
    size_t n_env = 0, n_extra = 0;
    while (environ[n_env]) n_env++;
    while (env && env[n_extra]) n_extra++;
    char **envp = cg_xcalloc(n_env + n_extra + 1, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < n_env; i++) {
        bool replaced = false;
        for (size_t e = 0; e < n_extra && !replaced; e++) {
            size_t klen = strcspn(env[e], "=");
            replaced = strncmp(environ[i], env[e], klen) == 0 && environ[i][klen] == '=';
        }
        if (!replaced) envp[k++] = environ[i];
    }
    for (size_t e = 0; e < n_extra; e++) envp[k++] = (char *)env[e];
    pid_t pid = fork();
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        if (dir && chdir(dir) != 0) _exit(127);
        environ = envp;
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    free(envp);
    close(po[1]), close(pe[1]);
    if (pid < 0) {
        close(po[0]), close(pe[0]);
        return -1;
    }
    cg_strbuf o, e;
    cg_strbuf_init(&o);
    cg_strbuf_init(&e);
    read_two(po[0], pe[0], &o, &e);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (out_len) *out_len = o.len;
    *out = o.data ? cg_strbuf_detach(&o) : cg_xstrdup("");
    if (err_text) *err_text = e.data ? cg_strbuf_detach(&e) : cg_xstrdup("");
    cg_strbuf_free(&o);
    cg_strbuf_free(&e);
    if (WIFEXITED(status)) return WEXITSTATUS(status) == 127 && !o.len ? -1 : WEXITSTATUS(status);
    return -1;
}

bool cg_go_env(const char *dir, const char *const *keys, size_t count, cg_strvec *out) {
    const char **argv = cg_xcalloc(count + 3, sizeof *argv);
    argv[0] = cg_go_command();
    argv[1] = "env";
    for (size_t i = 0; i < count; i++) argv[2 + i] = keys[i];
    char *text = NULL, *err = NULL;
    int rc = cg_run_capture(dir, argv, NULL, &text, NULL, &err);
    free(argv);
    free(err);
    bool ok = rc == 0;
    cg_strvec values = {0};
    for (char *line = text; ok && line && *line;) {
        char *nl = strchr(line, '\n');
        cg_vec_push(&values, nl ? cg_xstrndup(line, (size_t)(nl - line)) : cg_xstrdup(line));
        line = nl ? nl + 1 : NULL;
    }
    while (ok && values.len < count) cg_vec_push(&values, cg_xstrdup("")); /* trailing empty values */
    if (ok && values.len == count) {
        for (size_t i = 0; i < values.len; i++) cg_vec_push(out, values.items[i]);
        free(values.items);
    } else {
        ok = false;
        cg_strvec_free(&values);
    }
    free(text);
    return ok;
}

void cg_split_flags(const char *text, cg_strvec *out) {
    cg_strbuf word;
    cg_strbuf_init(&word);
    bool in_word = false;
    char quote = 0;
    for (const char *p = text ? text : "";; p++) {
        char c = *p;
        if (c == '\0' || (!quote && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))) {
            if (in_word) cg_vec_push(out, word.data ? cg_strbuf_detach(&word) : cg_xstrdup(""));
            in_word = false;
            if (c == '\0') break;
            continue;
        }
        in_word = true;
        if (quote) {
            if (c == quote) quote = 0;
            else cg_strbuf_append_char(&word, c);
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else {
            cg_strbuf_append_char(&word, c);
        }
    }
    cg_strbuf_free(&word);
}

void cg_goflags_tags(const char *goflags, cg_strvec *out) {
    cg_strvec words = {0};
    cg_split_flags(goflags, &words);
    for (size_t i = 0; i < words.len; i++) {
        const char *w = words.items[i], *value = NULL;
        if (strcmp(w, "-tags") == 0 || strcmp(w, "--tags") == 0) value = i + 1 < words.len ? words.items[++i] : NULL;
        else if (strncmp(w, "-tags=", 6) == 0) value = w + 6;
        else if (strncmp(w, "--tags=", 7) == 0) value = w + 7;
        if (!value) continue;
        char *copy = cg_xstrdup(value);
        for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
            cg_vec_push(out, cg_xstrdup(t));
        free(copy);
    }
    cg_strvec_free(&words);
}

char *cg_find_upward(const char *dir, const char *const *names, size_t count) {
    char *cur = realpath(dir, NULL);
    while (cur) {
        for (size_t i = 0; i < count; i++) {
            char *candidate = cg_path_join(cur, names[i]);
            if (cg_is_file(candidate)) {
                free(cur);
                return candidate;
            }
            free(candidate);
        }
        if (strcmp(cur, "/") == 0) break;
        char *parent = cg_path_dir(cur);
        free(cur);
        cur = parent;
    }
    free(cur);
    return NULL;
}
