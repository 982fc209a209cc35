/*
 * test_galloc.c: unit tests of the guarded allocator through its linked-in
 * API (cgoguard/galloc.h).
 *
 * One binary, run by CTest in several configurations given by the CGOGUARD_*
 * environment (the allocator reads it once per process):
 *   right   SAMPLE=1, 8 slots: placement, alignment, calloc/realloc/aligned
 *           contracts, the FIFO quarantine, exhaustion and oversize fallback,
 *           the describer, and in child processes: a read after free and a
 *           write past the end fault and are described with the right kind,
 *           offset and size; double free, invalid free, an overflow into
 *           the alignment slack, realloc or malloc_usable_size of a freed
 *           block and malloc_usable_size of an interior pointer abort with a
 *           report naming the error.
 *   left    PLACEMENT=left: an underflow faults at the first byte before.
 *   exact   ALIGN=1: an odd-sized block ends at the guard page.
 *   sample  SAMPLE=10: about one allocation in ten is guarded.
 *   off     SAMPLE=0: nothing is guarded and no pool is reserved.
 *   options   parsing of the variables, valid and malformed.
 *   malformed SLOTS=zero: initialisation fails with EINVAL, warns on
 *           stderr, and nothing is guarded.
 *   nomem   a pool larger than the address-space limit: ENOMEM and a
 *           warning.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cgoguard/galloc.h"
#include "check.h"

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static cg_galloc_stats stats(void) {
    cg_galloc_stats s;
    cg_galloc_get_stats(&s);
    return s;
}

/* ---- stack attribution: named, exported, never inlined or tail-called ---- */

void *volatile test_sink;

__attribute__((noinline)) void *test_alloc_site(size_t size) {
    void *p = cg_galloc_malloc(size);
    test_sink = p; /* keeps the call from being a tail call */
    return p;
}

__attribute__((noinline)) void test_free_site(void *p) {
    cg_galloc_free(p);
    test_sink = NULL;
}

static bool frame_is(uintptr_t pc, const char *name) {
    Dl_info info;
    return dladdr((void *)(pc - 1), &info) != 0 && info.dli_sname != NULL &&
           strcmp(info.dli_sname, name) == 0;
}

static bool frames_name(const uintptr_t *frames, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (frame_is(frames[i], name)) return true;
    return false;
}

/* ---- the fault reporter of the child processes ---- */

static void put(const char *s) {
    ssize_t ignored = write(STDOUT_FILENO, s, strlen(s));
    (void)ignored;
}

static void put_num(long long v) {
    char buf[24];
    size_t i = sizeof buf;
    bool neg = v < 0;
    unsigned long long u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (neg) buf[--i] = '-';
    ssize_t ignored = write(STDOUT_FILENO, buf + i, sizeof buf - i);
    (void)ignored;
}

/* Prints "<kind> <offset> <size> <alloc frames> <free frames>" for the fault
 * address, as the crash guard would learn it, and exits. */
static void on_fault(int sig, siginfo_t *info, void *uctx) {
    (void)sig;
    (void)uctx;
    cg_fault_detail d;
    if (!cg_galloc_describe((uintptr_t)info->si_addr, &d)) {
        put("not-described");
        _exit(3);
    }
    put(d.kind);
    put(" ");
    put_num((long long)(d.access_address - d.block_address));
    put(" ");
    put_num((long long)d.block_size);
    put(" ");
    put_num((long long)d.alloc_frame_count);
    put(" ");
    put_num((long long)d.free_frame_count);
    _exit(0);
}

static void catch_faults(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* Checks a child that must fault: "kind offset size" and non-empty stacks
 * (and a free stack exactly when freed). */
static void expect_fault(void (*fn)(void), const char *kind, long long offset, long long size, bool freed) {
    child_result r;
    run_child(fn, &r);
    char want[128];
    snprintf(want, sizeof want, "%s %lld %lld ", kind, offset, size);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0 || strncmp(r.out, want, strlen(want)) != 0) {
        fprintf(stderr, "want \"%s...\", child status %#x said \"%s\", stderr:\n%s\n", want, r.status, r.out, r.err);
        CHECK(false);
    }
    long long na = -1, nf = -1;
    CHECK(sscanf(r.out + strlen(want), "%lld %lld", &na, &nf) == 2);
    CHECK(na > 0);
    CHECK(freed ? nf > 0 : nf == 0);
}

static void expect_abort(void (*fn)(void), const char *kind) {
    child_result r;
    run_child(fn, &r);
    if (!child_aborted(&r) || strstr(r.err, kind) == NULL) {
        fprintf(stderr, "want an abort reporting %s, child status %#x, stderr:\n%s\n", kind, r.status, r.err);
        CHECK(false);
    }
}

/* ---- children ---- */

static void child_read_after_free(void) {
    catch_faults();
    volatile char *p = cg_galloc_malloc(40);
    p[5] = 1;
    cg_galloc_free((void *)p);
    char c = p[5];
    (void)c;
    put("no fault");
}

static void child_write_past_end(void) {
    catch_faults();
    volatile char *p = cg_galloc_malloc(64);
    p[64] = 1;
    put("no fault");
}

static void child_write_before_start(void) {
    catch_faults();
    volatile char *p = cg_galloc_malloc(64);
    p[-1] = 1;
    put("no fault");
}

static void child_write_past_odd_end(void) {
    catch_faults();
    volatile char *p = cg_galloc_malloc(13);
    p[13] = 1;
    put("no fault");
}

static void child_double_free(void) {
    void *p = cg_galloc_malloc(24);
    cg_galloc_free(p);
    cg_galloc_free(p);
    put("returned");
}

static void child_invalid_free(void) {
    char *p = cg_galloc_malloc(24);
    cg_galloc_free(p + 8);
    put("returned");
}

static void child_slack_overflow(void) {
    char *p = cg_galloc_malloc(13); /* 16-aligned: 3 bytes of slack */
    p[13] = 'x';
    cg_galloc_free(p);
    put("returned");
}

static void child_realloc_freed(void) {
    void *p = cg_galloc_malloc(24);
    cg_galloc_free(p);
    void *q = cg_galloc_realloc(p, 48);
    (void)q;
    put("returned");
}

static void child_usable_size_freed(void) {
    void *p = cg_galloc_malloc(24);
    cg_galloc_free(p);
    put_num((long long)cg_galloc_usable_size(p));
}

static void child_usable_size_interior(void) {
    char *p = cg_galloc_malloc(24);
    put_num((long long)cg_galloc_usable_size(p + 4));
}

/* ---- configurations ---- */

void test_right(void); /* exported: named in a captured stack */
void test_right(void) {
    CHECK(cg_galloc_init(NULL) == 0);
    cg_galloc_stats s0 = stats();
    CHECK_EQ(s0.sample_rate, 1);
    CHECK_EQ(s0.slot_count, 8);
    size_t page = page_size();

    /* Right-aligned on a 16-byte boundary: a 64-byte block ends at the
     * guard page, a 40-byte one 8 bytes before it. */
    char *a = cg_galloc_malloc(64);
    CHECK(cg_galloc_owns(a));
    CHECK_EQ(((uintptr_t)a + 64) % page, 0);
    char *b = cg_galloc_malloc(40);
    CHECK_EQ((uintptr_t)b % 16, 0);
    CHECK_EQ(((uintptr_t)b + 48) % page, 0);
    CHECK_EQ(cg_galloc_usable_size(b), 40);
    memset(a, 'a', 64);
    memset(b, 'b', 40);

    /* realloc copies and frees the old block into quarantine. */
    char *c = cg_galloc_realloc(b, 100);
    CHECK(cg_galloc_owns(c) && c != b);
    for (int i = 0; i < 40; i++) CHECK(c[i] == 'b');
    cg_fault_detail d;
    CHECK(cg_galloc_describe((uintptr_t)b + 3, &d));
    CHECK(strcmp(d.kind, "heap-use-after-free") == 0);
    CHECK_EQ(d.block_address, (uintptr_t)b);
    CHECK_EQ(d.block_size, 40);

    int *z = cg_galloc_calloc(10, sizeof(int));
    CHECK(cg_galloc_owns(z));
    for (int i = 0; i < 10; i++) CHECK_EQ(z[i], 0);
    errno = 0;
    CHECK(cg_galloc_calloc(SIZE_MAX / 2, 4) == NULL && errno == ENOMEM);

    void *al = cg_galloc_aligned_alloc(256, 100);
    CHECK(cg_galloc_owns(al));
    CHECK_EQ((uintptr_t)al % 256, 0);
    CHECK(cg_galloc_aligned_alloc(24, 10) == NULL && errno == EINVAL);

    void *zero = cg_galloc_malloc(0);
    CHECK(zero != NULL && cg_galloc_owns(zero));

    /* Larger than a slot: the fallback allocator, counted. */
    uint64_t too_large = stats().fallback_too_large;
    void *big = cg_galloc_malloc(3 * page);
    CHECK(big != NULL && !cg_galloc_owns(big));
    CHECK_EQ(stats().fallback_too_large, too_large + 1);
    cg_galloc_free(big);
    cg_galloc_free(a);
    cg_galloc_free(c);
    cg_galloc_free(z);
    cg_galloc_free(al);
    cg_galloc_free(zero);
    CHECK_EQ(stats().live, 0);

    /* Quarantine is FIFO: with 8 slots and none live, a freed slot is
     * reused only after the 7 others. Every block below is freed at once,
     * so each allocation takes the oldest freed slot. */
    uintptr_t mask = ~(uintptr_t)(page - 1);
    char *q = cg_galloc_malloc(32);
    cg_galloc_free(q);
    for (int i = 0; i < 7; i++) {
        char *o = cg_galloc_malloc(32);
        CHECK(((uintptr_t)o & mask) != ((uintptr_t)q & mask));
        CHECK(cg_galloc_describe((uintptr_t)q, &d) && strcmp(d.kind, "heap-use-after-free") == 0);
        cg_galloc_free(o);
    }
    char *again = cg_galloc_malloc(32);
    CHECK_EQ((uintptr_t)again & mask, (uintptr_t)q & mask);
    cg_galloc_free(again);

    /* Exhaustion: 8 live blocks, the 9th comes from the fallback. */
    void *live[8];
    for (int i = 0; i < 8; i++) {
        live[i] = cg_galloc_malloc(16);
        CHECK(cg_galloc_owns(live[i]));
    }
    uint64_t exhausted = stats().fallback_exhausted;
    void *extra = cg_galloc_malloc(16);
    CHECK(extra != NULL && !cg_galloc_owns(extra));
    CHECK_EQ(stats().fallback_exhausted, exhausted + 1);
    cg_galloc_free(extra);
    for (int i = 0; i < 8; i++) cg_galloc_free(live[i]);

    /* The describer: kinds, offsets, and stacks naming the sites. */
    char *p = test_alloc_site(40);
    CHECK(cg_galloc_describe((uintptr_t)p + 40, &d)); /* slack after the end */
    CHECK(strcmp(d.kind, "heap-buffer-overflow") == 0);
    CHECK_EQ(d.access_address - d.block_address, 40);
    CHECK_EQ(d.free_frame_count, 0);
    CHECK(frames_name(d.alloc_frames, d.alloc_frame_count, "test_alloc_site"));
    CHECK(!frames_name(d.alloc_frames, d.alloc_frame_count, "cg_galloc_malloc"));
    CHECK(cg_galloc_describe((uintptr_t)p + 48 + 100, &d)); /* in the guard page */
    CHECK(strcmp(d.kind, "heap-buffer-overflow") == 0 && d.block_address == (uintptr_t)p);
    test_free_site(p);
    CHECK(cg_galloc_describe((uintptr_t)p + 7, &d));
    CHECK(strcmp(d.kind, "heap-use-after-free") == 0);
    CHECK_EQ(d.access_address, (uintptr_t)p + 7);
    CHECK_EQ(d.block_size, 40);
    CHECK(frames_name(d.alloc_frames, d.alloc_frame_count, "test_alloc_site"));
    CHECK(frames_name(d.free_frames, d.free_frame_count, "test_free_site"));
    CHECK(frames_name(d.free_frames, d.free_frame_count, "test_right"));
    CHECK(d.alloc_thread == (uint64_t)gettid() && d.free_thread == d.alloc_thread);
    int local;
    CHECK(!cg_galloc_describe((uintptr_t)&local, &d));
    CHECK(!cg_galloc_owns(&local));

    /* Faults and errors, each in a child process. */
    expect_fault(child_read_after_free, "heap-use-after-free", 5, 40, true);
    expect_fault(child_write_past_end, "heap-buffer-overflow", 64, 64, false);
    expect_abort(child_double_free, "double-free");
    expect_abort(child_invalid_free, "invalid-free");
    expect_abort(child_slack_overflow, "heap-buffer-overflow");
    expect_abort(child_realloc_freed, "double-free");
    expect_abort(child_usable_size_freed, "heap-use-after-free");
    expect_abort(child_usable_size_interior, "invalid-pointer");
    CHECK_EQ(stats().errors, 0); /* the children's errors stay in the children */
}

static void test_left(void) {
    CHECK(cg_galloc_init(NULL) == 0);
    char *p = cg_galloc_malloc(64);
    CHECK(cg_galloc_owns(p));
    CHECK_EQ((uintptr_t)p % page_size(), 0);
    cg_fault_detail d;
    CHECK(cg_galloc_describe((uintptr_t)p - 1, &d));
    CHECK(strcmp(d.kind, "heap-buffer-overflow") == 0 && d.block_address == (uintptr_t)p);
    cg_galloc_free(p);
    expect_fault(child_write_before_start, "heap-buffer-overflow", -1, 64, false);
}

static void test_exact(void) {
    CHECK(cg_galloc_init(NULL) == 0);
    char *p = cg_galloc_malloc(13);
    CHECK_EQ(((uintptr_t)p + 13) % page_size(), 0);
    cg_galloc_free(p);
    expect_fault(child_write_past_odd_end, "heap-buffer-overflow", 13, 13, false);
}

static void test_sample(void) {
    CHECK(cg_galloc_init(NULL) == 0);
    CHECK_EQ(stats().sample_rate, 10);
    int guarded = 0;
    for (int i = 0; i < 20000; i++) {
        void *p = cg_galloc_malloc(32);
        guarded += cg_galloc_owns(p);
        cg_galloc_free(p);
    }
    /* Intervals are uniform in [1, 19]: 2000 expected, and the spread over
     * 2000 draws is a few dozen. */
    if (guarded < 1700 || guarded > 2300) {
        fprintf(stderr, "guarded %d of 20000 at 1 in 10\n", guarded);
        CHECK(false);
    }
    CHECK_EQ(stats().guarded_allocs, (uint64_t)guarded);
}

static void test_off(void) {
    CHECK(cg_galloc_init(NULL) == 0);
    for (int i = 0; i < 1000; i++) {
        void *p = cg_galloc_malloc(32);
        CHECK(p != NULL && !cg_galloc_owns(p));
        cg_galloc_free(p);
    }
    CHECK_EQ(stats().slot_count, 0);
    CHECK_EQ(stats().guarded_allocs, 0);
}

static void child_init_from_env(void) {
    errno = 0;
    if (cg_galloc_init(NULL) == -1 && errno == EINVAL) put("EINVAL");
}

#ifndef CG_TEST_SANITIZED
static void child_init_small_address_space(void) {
    struct rlimit limit = {512u << 20, 512u << 20};
    CHECK(setrlimit(RLIMIT_AS, &limit) == 0);
    errno = 0;
    if (cg_galloc_init(NULL) == -1 && errno == ENOMEM) put("ENOMEM");
}
#endif

/* A pool that cannot be reserved (16384 slots of 64 KiB, over 1 GiB, under
 * a 512 MiB address-space limit) turns the allocator off, and says so.
 * Sanitizers reserve terabytes of shadow memory: no address-space limit
 * there. */
static void test_nomem(void) {
#ifdef CG_TEST_SANITIZED
    printf("skipped under a sanitizer\n");
#else
    child_result r;
    run_child(child_init_small_address_space, &r);
    if (strcmp(r.out, "ENOMEM") != 0 || strstr(r.err, "cgoguard: guarded allocator off: cannot reserve") == NULL) {
        fprintf(stderr, "child said \"%s\", stderr:\n%s\n", r.out, r.err);
        CHECK(false);
    }
#endif
}

/* A malformed variable turns the allocator off, and says so on stderr. */
static void test_malformed(void) {
    child_result r;
    run_child(child_init_from_env, &r);
    CHECK(strcmp(r.out, "EINVAL") == 0);
    CHECK(strstr(r.err, "cgoguard: guarded allocator off: CGOGUARD_SLOTS is malformed") != NULL);
    void *p = cg_galloc_malloc(8);
    CHECK(p != NULL && !cg_galloc_owns(p));
    cg_galloc_free(p);
    CHECK_EQ(stats().slot_count, 0);
}

static void test_options(void) {
    static const char *vars[] = {"CGOGUARD_SAMPLE", "CGOGUARD_SLOTS", "CGOGUARD_MAX_SIZE",
                                 "CGOGUARD_PLACEMENT", "CGOGUARD_ALIGN"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) unsetenv(vars[i]);
    cg_galloc_options o;
    CHECK(cg_galloc_options_from_env(&o) == 0);
    CHECK_EQ(o.sample_rate, CG_GALLOC_DEFAULT_SAMPLE);
    CHECK_EQ(o.slot_count, CG_GALLOC_DEFAULT_SLOTS);
    CHECK_EQ(o.max_size, CG_GALLOC_DEFAULT_MAX_SIZE);
    CHECK_EQ(o.placement, CG_GALLOC_RIGHT);
    CHECK_EQ(o.min_align, CG_GALLOC_DEFAULT_ALIGN);
    setenv("CGOGUARD_SAMPLE", "7", 1);
    setenv("CGOGUARD_SLOTS", "100", 1);
    setenv("CGOGUARD_MAX_SIZE", "5000", 1);
    setenv("CGOGUARD_PLACEMENT", "left", 1);
    setenv("CGOGUARD_ALIGN", "1", 1);
    CHECK(cg_galloc_options_from_env(&o) == 0);
    CHECK(o.sample_rate == 7 && o.slot_count == 100 && o.max_size == 5000);
    CHECK(o.placement == CG_GALLOC_LEFT && o.min_align == 1);
    static const char *bad[][2] = {
        {"CGOGUARD_SAMPLE", "ten"},         {"CGOGUARD_SAMPLE", "-1"},
        {"CGOGUARD_SAMPLE", "99999999999"}, {"CGOGUARD_SLOTS", "0"},
        {"CGOGUARD_SLOTS", "16385"},        {"CGOGUARD_MAX_SIZE", ""},
        {"CGOGUARD_PLACEMENT", "middle"},   {"CGOGUARD_ALIGN", "24"},
        {"CGOGUARD_ALIGN", "8192"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv(bad[i][0], bad[i][1], 1);
        errno = 0;
        if (cg_galloc_options_from_env(&o) != -1 || errno != EINVAL) {
            fprintf(stderr, "%s=%s accepted\n", bad[i][0], bad[i][1]);
            CHECK(false);
        }
        unsetenv(bad[i][0]);
    }
    /* Explicit options are validated too; a failed init leaves the
     * allocator off, not half-configured. */
    cg_galloc_options invalid = {.sample_rate = 1, .slot_count = 0, .max_size = 16, .min_align = 16};
    errno = 0;
    CHECK(cg_galloc_init(&invalid) == -1 && errno == EINVAL);
    void *p = cg_galloc_malloc(8);
    CHECK(p != NULL && !cg_galloc_owns(p));
    cg_galloc_free(p);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s right|left|exact|sample|off|options|malformed|nomem\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    if (strcmp(mode, "right") == 0) test_right();
    else if (strcmp(mode, "left") == 0) test_left();
    else if (strcmp(mode, "exact") == 0) test_exact();
    else if (strcmp(mode, "sample") == 0) test_sample();
    else if (strcmp(mode, "off") == 0) test_off();
    else if (strcmp(mode, "options") == 0) test_options();
    else if (strcmp(mode, "malformed") == 0) test_malformed();
    else if (strcmp(mode, "nomem") == 0) test_nomem();
    else return 2;
    printf("galloc %s: ok\n", mode);
    return 0;
}
