/*
 * check.h: assertions and child-process helpers for the guarded allocator's
 * C tests. A failed check prints file, line and expression and exits 1, so
 * CTest shows what broke. Errors the allocator must turn into a crash are
 * provoked in a forked child whose status and stderr the parent inspects.
 */
#ifndef CG_TEST_GALLOC_CHECK_H
#define CG_TEST_GALLOC_CHECK_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/check.h"

/* What a child process did: its wait status and what it wrote to stdout
 * and stderr (truncated to the buffer). */
typedef struct child_result {
    int status;
    char out[8192];
    char err[16384];
} child_result;

static inline void drain(int fd, char *buf, size_t cap) {
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n <= 0) break;
        len += (size_t)n;
        if (len == cap - 1) {
            char sink[512];
            while (read(fd, sink, sizeof sink) > 0) {
            }
            break;
        }
    }
    buf[len] = '\0';
    close(fd);
}

/* Runs fn in a forked child and collects its result. stderr is read after
 * stdout: the children here write little enough not to fill a pipe. */
static inline void run_child(void (*fn)(void), child_result *r) {
    int out[2], err[2];
    CHECK(pipe(out) == 0 && pipe(err) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(out[0]);
        close(err[0]);
        fn();
        fflush(NULL);
        _exit(0);
    }
    close(out[1]);
    close(err[1]);
    drain(out[0], r->out, sizeof r->out);
    drain(err[0], r->err, sizeof r->err);
    CHECK(waitpid(pid, &r->status, 0) == pid);
}

static inline bool child_aborted(const child_result *r) {
    return WIFSIGNALED(r->status) && WTERMSIG(r->status) == SIGABRT;
}

#endif /* CG_TEST_GALLOC_CHECK_H */
