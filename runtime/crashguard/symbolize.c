/*
 * symbolize.c: turns code addresses into "function file:line" from inside a
 * signal handler, so that a report written with plain LD_PRELOAD (no
 * `cgoguard run` to post-process it) still names the faulting C function and
 * line.
 *
 * How: /proc/self/maps (read with open/read) maps each address to the object
 * file that contains it and the address inside that object; then, per object,
 * a child made with _Fork() (async-signal-safe, no atfork handlers) executes
 * addr2line, whose output comes back through a pipe. Only async-signal-safe
 * calls are used and all storage is static, which is why callers hold
 * cg_report_lock. The symbolizer's path is resolved once at install time.
 * CGOGUARD_SYMBOLIZER names another addr2line-compatible tool, or "off".
 */
#include "cg_internal.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
    CG_MAPS_BYTES = 512 * 1024,
    CG_MAX_MAPPINGS = 8192,
    CG_MAX_PCS = 2 * CG_FAULT_MAX_FRAMES,
    CG_MAX_INLINE = 4,
    CG_OUT_BYTES = 64 * 1024,
    CG_SYMBOLIZER_TIMEOUT_MS = 15000,
};

static char cg_symbolizer_path[512];

static char cg_maps_text[CG_MAPS_BYTES];
static cg_mapping cg_maps[CG_MAX_MAPPINGS];
static size_t cg_nmaps;

long cg_gettid(void) { return syscall(SYS_gettid); }

/* ---- The report lock: a spin lock with an owner, usable in handlers. ---- */
static _Atomic long cg_lock_owner;

bool cg_report_lock(void)
{
    long self = cg_gettid();
    if (atomic_load(&cg_lock_owner) == self) return false;
    long expected = 0;
    while (!atomic_compare_exchange_weak(&cg_lock_owner, &expected, self)) {
        expected = 0;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return true;
}

void cg_report_unlock(void)
{
    atomic_store(&cg_lock_owner, 0);
}

/* ---- Finding the symbolizer (not in a handler). ----
 * llvm-addr2line first: binutils' addr2line (2.40) cannot read the DWARF 5
 * line tables of Go 1.26 cgo binaries and prints "??:?" for their C code. */
static bool cg_find_in_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    size_t name_len = strlen(name);
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        if (n > 0 && n + 1 + name_len < sizeof cg_symbolizer_path) {
            char candidate[sizeof cg_symbolizer_path];
            memcpy(candidate, path, n);
            candidate[n] = '/';
            memcpy(candidate + n + 1, name, name_len + 1);
            if (access(candidate, X_OK) == 0) {
                cg_strlcpy(cg_symbolizer_path, candidate, sizeof cg_symbolizer_path);
                return true;
            }
        }
        if (!end) break;
        path = end + 1;
    }
    return false;
}

void cg_symbolizer_init(void)
{
    const char *env = getenv("CGOGUARD_SYMBOLIZER");
    cg_symbolizer_path[0] = '\0';
    if (env && *env) {
        if (strcmp(env, "off") != 0 && strcmp(env, "0") != 0)
            cg_strlcpy(cg_symbolizer_path, env, sizeof cg_symbolizer_path);
        return;
    }
    if (cg_find_in_path("llvm-addr2line")) return;
    for (int v = 24; v >= 14; v--) {
        char candidate[64];
        cg_sbuf b;
        cg_sbuf_init(&b, candidate, sizeof candidate);
        cg_sbuf_str(&b, "/usr/bin/llvm-addr2line-");
        cg_sbuf_dec(&b, (uint64_t)v);
        if (access(candidate, X_OK) == 0) {
            cg_strlcpy(cg_symbolizer_path, candidate, sizeof cg_symbolizer_path);
            return;
        }
    }
    if (cg_find_in_path("addr2line")) return;
}

/* ---- /proc/self/maps ---- */
static uintptr_t cg_parse_hex(const char **p)
{
    uintptr_t v = 0;
    for (;; (*p)++) {
        char c = **p;
        if (c >= '0' && c <= '9') v = v * 16 + (uintptr_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v = v * 16 + (uintptr_t)(c - 'a' + 10);
        else break;
    }
    return v;
}

static void cg_skip_field(const char **p)
{
    while (**p == ' ') (*p)++;
    while (**p && **p != ' ' && **p != '\n') (*p)++;
    while (**p == ' ') (*p)++;
}

bool cg_maps_load(void)
{
    cg_nmaps = 0;
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    size_t len = 0;
    for (;;) {
        if (len >= sizeof cg_maps_text - 1) break;
        ssize_t r = read(fd, cg_maps_text + len, sizeof cg_maps_text - 1 - len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        len += (size_t)r;
    }
    close(fd);
    cg_maps_text[len] = '\0';

    char *line = cg_maps_text;
    while (*line && cg_nmaps < CG_MAX_MAPPINGS) {
        char *nl = line;
        while (*nl && *nl != '\n') nl++;
        bool last = *nl == '\0';
        *nl = '\0';
        const char *p = line;
        cg_mapping *m = &cg_maps[cg_nmaps];
        m->start = cg_parse_hex(&p);
        if (*p == '-') {
            p++;
            m->end = cg_parse_hex(&p);
            while (*p == ' ') p++;
            for (int i = 0; i < 4; i++) m->perms[i] = *p ? *p++ : '-';
            m->perms[4] = '\0';
            while (*p == ' ') p++;
            m->offset = cg_parse_hex(&p);
            cg_skip_field(&p); /* device */
            cg_skip_field(&p); /* inode */
            m->path = p;
            cg_nmaps++;
        }
        if (last) break;
        line = nl + 1;
    }
    return cg_nmaps > 0;
}

const cg_mapping *cg_find_mapping(uintptr_t addr)
{
    for (size_t i = 0; i < cg_nmaps; i++)
        if (addr >= cg_maps[i].start && addr < cg_maps[i].end) return &cg_maps[i];
    return NULL;
}

/* The load bias of the object `path`: object address = runtime address - bias. */
static uintptr_t cg_object_bias(const char *path)
{
    const cg_mapping *first = NULL;
    for (size_t i = 0; i < cg_nmaps; i++) {
        if (cg_maps[i].offset == 0 && cg_str_eq(cg_maps[i].path, path) &&
            (!first || cg_maps[i].start < first->start))
            first = &cg_maps[i];
    }
    if (!first || first->perms[0] != 'r') return 0;
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)first->start;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) return 0;
    if (eh->e_type == ET_EXEC) return 0;
    uintptr_t min_vaddr = UINTPTR_MAX;
    if (eh->e_phoff + (size_t)eh->e_phnum * sizeof(ElfW(Phdr)) <= first->end - first->start) {
        const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(first->start + eh->e_phoff);
        for (unsigned i = 0; i < eh->e_phnum; i++)
            if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < min_vaddr) min_vaddr = ph[i].p_vaddr;
    }
    if (min_vaddr == UINTPTR_MAX) min_vaddr = 0;
    return first->start - (min_vaddr & ~(uintptr_t)0xfff);
}

/* ---- Running addr2line ---- */
typedef struct cg_sym_result {
    unsigned count;
    struct {
        char function[CG_SYM_FUNC];
        char file[CG_SYM_FILE];
        unsigned line;
    } entry[CG_MAX_INLINE];
} cg_sym_result;

static cg_sym_result cg_results[CG_MAX_PCS];
static char cg_out[CG_OUT_BYTES];
static char cg_addr_text[CG_MAX_PCS][24];

/* "func at /dir/file.c:12 (discriminator 3)" -> fields of e. */
static void cg_parse_location(const char *s, size_t n, char *function, char *file, unsigned *line)
{
    const char *at = NULL;
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(s + i, " at ", 4) == 0) at = s + i;
    size_t fn_len = at ? (size_t)(at - s) : n;
    if (fn_len >= CG_SYM_FUNC) fn_len = CG_SYM_FUNC - 1;
    memcpy(function, s, fn_len);
    function[fn_len] = '\0';
    if (cg_str_eq(function, "??")) function[0] = '\0';
    file[0] = '\0';
    *line = 0;
    if (!at) return;
    const char *loc = at + 4, *end = s + n;
    for (const char *q = loc; q < end; q++)
        if (*q == ' ') { end = q; break; } /* drops " (discriminator N)" */
    const char *colon = NULL;
    for (const char *q = loc; q < end; q++)
        if (*q == ':') colon = q;
    if (!colon) return;
    size_t file_len = (size_t)(colon - loc);
    if (file_len >= CG_SYM_FILE) file_len = CG_SYM_FILE - 1;
    memcpy(file, loc, file_len);
    file[file_len] = '\0';
    if (cg_str_eq(file, "??")) file[0] = '\0';
    unsigned v = 0;
    for (const char *q = colon + 1; q < end && *q >= '0' && *q <= '9'; q++) v = v * 10 + (unsigned)(*q - '0');
    *line = v;
}

/* Runs the symbolizer on `path` for the addresses idx[0..n) and fills
 * cg_results[idx[k]]. */
static void cg_run_symbolizer(const char *path, const unsigned *idx, size_t n)
{
    if (!cg_symbolizer_path[0] || n == 0) return;
    const char *argv[8 + CG_MAX_PCS + 1];
    size_t a = 0;
    argv[a++] = cg_symbolizer_path;
    argv[a++] = "-a";
    argv[a++] = "-f";
    argv[a++] = "-i";
    argv[a++] = "-p";
    argv[a++] = "-C";
    argv[a++] = "-e";
    argv[a++] = path;
    for (size_t k = 0; k < n; k++) argv[a++] = cg_addr_text[idx[k]];
    argv[a] = NULL;
    static const char *const envp[] = {"LC_ALL=C", "PATH=/usr/bin:/bin", NULL};

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    pid_t pid = _Fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        dup2(fds[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 2);
        execve(cg_symbolizer_path, (char *const *)argv, (char *const *)envp);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    int waited = 0;
    while (len < sizeof cg_out - 1 && waited < CG_SYMBOLIZER_TIMEOUT_MS) {
        struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&pfd, 1, 100);
        if (pr < 0 && errno == EINTR) continue;
        if (pr == 0) {
            waited += 100;
            continue;
        }
        ssize_t r = read(fds[0], cg_out + len, sizeof cg_out - 1 - len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        len += (size_t)r;
    }
    close(fds[0]);
    if (waited >= CG_SYMBOLIZER_TIMEOUT_MS) kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    cg_out[len] = '\0';

    /* "0x...: f at file:line" starts the next address; " (inlined by) g at
     * file:line" adds a caller that was inlined into it. */
    long current = -1;
    size_t next = 0;
    char *line = cg_out;
    while (*line) {
        char *nl = line;
        while (*nl && *nl != '\n') nl++;
        size_t n_line = (size_t)(nl - line);
        const char *body = NULL;
        size_t body_len = 0;
        if (cg_str_starts(line, "0x")) {
            if (next >= n) break;
            current = (long)idx[next++];
            cg_results[current].count = 0;
            const char *colon = memchr(line, ':', n_line);
            if (colon && colon + 2 <= line + n_line) {
                body = colon + 2;
                body_len = (size_t)(line + n_line - body);
            }
        } else if (current >= 0 && cg_str_starts(line, " (inlined by) ")) {
            body = line + 14;
            body_len = n_line - 14;
        }
        if (body && current >= 0 && cg_results[current].count < CG_MAX_INLINE) {
            cg_sym_result *r = &cg_results[current];
            unsigned e = r->count++;
            cg_parse_location(body, body_len, r->entry[e].function, r->entry[e].file, &r->entry[e].line);
        }
        if (!*nl) break;
        line = nl + 1;
    }
}

size_t cg_symbolize(const uintptr_t *pcs, size_t n, size_t first_return, cg_sym_frame *out, size_t max)
{
    if (n > CG_MAX_PCS) n = CG_MAX_PCS;
    cg_maps_load();
    static const char *paths[CG_MAX_PCS];
    static uintptr_t offsets[CG_MAX_PCS];
    for (size_t i = 0; i < n; i++) {
        cg_results[i].count = 0;
        paths[i] = "";
        offsets[i] = pcs[i];
        const cg_mapping *m = cg_find_mapping(pcs[i]);
        if (m && m->path[0]) {
            paths[i] = m->path;
            uintptr_t lookup = i >= first_return && pcs[i] > 0 ? pcs[i] - 1 : pcs[i];
            if (m->path[0] == '/') offsets[i] = lookup - cg_object_bias(m->path);
            else offsets[i] = lookup - m->start; /* [vdso] and friends */
            cg_sbuf b;
            cg_sbuf_init(&b, cg_addr_text[i], sizeof cg_addr_text[i]);
            cg_sbuf_hex(&b, offsets[i]);
        }
    }
    /* One symbolizer run per object, in order of first appearance. */
    static bool done[CG_MAX_PCS];
    static unsigned group[CG_MAX_PCS];
    for (size_t i = 0; i < n; i++) done[i] = false;
    for (size_t i = 0; i < n; i++) {
        if (done[i] || paths[i][0] != '/') continue;
        size_t g = 0;
        for (size_t j = i; j < n; j++) {
            if (!done[j] && cg_str_eq(paths[j], paths[i])) {
                done[j] = true;
                group[g++] = (unsigned)j;
            }
        }
        cg_run_symbolizer(paths[i], group, g);
    }
    size_t o = 0;
    for (size_t i = 0; i < n && o < max; i++) {
        unsigned count = cg_results[i].count ? cg_results[i].count : 1;
        for (unsigned e = 0; e < count && o < max; e++, o++) {
            cg_sym_frame *f = &out[o];
            f->pc = pcs[i];
            f->index = (unsigned)i;
            f->inlined = e > 0;
            f->function[0] = f->file[0] = '\0';
            f->line = 0;
            if (cg_results[i].count) {
                cg_strlcpy(f->function, cg_results[i].entry[e].function, sizeof f->function);
                cg_strlcpy(f->file, cg_results[i].entry[e].file, sizeof f->file);
                f->line = cg_results[i].entry[e].line;
            }
            cg_strlcpy(f->module, paths[i], sizeof f->module);
            f->module_offset = offsets[i];
        }
    }
    return o;
}
