/*
 * test_crashguard_unit.c: unit tests of the crash guard's pieces that can be
 * checked without crashing: async-signal-safe formatting, fault
 * classification against real mappings, symbolization of a known line, the
 * Go-program detection (this is not a Go program) and the alternate stack.
 * Runs in the sanitizer builds too.
 */
#include "../../runtime/crashguard/report.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CG_CHECK_CONTINUE
#include "../common/check.h"

static void test_sbuf(void)
{
    char storage[64];
    cg_sbuf b;
    cg_sbuf_init(&b, storage, sizeof storage);
    cg_sbuf_str(&b, "a=");
    cg_sbuf_dec(&b, 1234567890123ULL);
    cg_sbuf_str(&b, " h=");
    cg_sbuf_hex(&b, 0xbeef);
    cg_sbuf_char(&b, ' ');
    cg_sbuf_json_str(&b, "q\"\\\n\x01");
    CHECK(strcmp(storage, "a=1234567890123 h=0xbeef \"q\\\"\\\\\\n\\u0001\"") == 0);

    char small[8];
    cg_sbuf_init(&b, small, sizeof small);
    cg_sbuf_str(&b, "truncated text");
    CHECK(strcmp(small, "truncat") == 0 && b.len == 7);

    cg_sbuf_init(&b, storage, sizeof storage);
    cg_sbuf_hex_fixed(&b, 0x1f);
    CHECK(strcmp(storage, "0x000000000000001f") == 0);
}

static cg_classification classify(int sig, int code, uintptr_t addr, uintptr_t sp, bool write)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    info.si_code = code;
    /* si_pid shares storage with si_addr: a sent signal has a sender, a
     * fault an address. */
    if (code <= 0) info.si_pid = getpid();
    else info.si_addr = (void *)addr;
    return cg_crash_classify(sig, &info, sp, write, false, false, NULL);
}

static void test_classify(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *none = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *ro = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *gone = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(none != MAP_FAILED && ro != MAP_FAILED && gone != MAP_FAILED);
    munmap(gone, (size_t)page);
    CHECK(cg_maps_load());
    uintptr_t far_sp = (uintptr_t)&page; /* this stack: far from the test pages */

    CHECK(strcmp(classify(SIGSEGV, SEGV_MAPERR, 0x10, far_sp, false).id, "null-page") == 0);
    CHECK(strcmp(classify(SIGSEGV, SEGV_ACCERR, (uintptr_t)none + 8, far_sp, false).id, "guard-page") == 0);
    CHECK(strcmp(classify(SIGSEGV, SEGV_ACCERR, (uintptr_t)ro + 8, far_sp, true).id, "write-to-read-only") == 0);
    CHECK(strcmp(classify(SIGSEGV, SEGV_MAPERR, (uintptr_t)gone + 8, far_sp, false).id, "unmapped") == 0);
    /* A fault just below the stack pointer, on inaccessible memory. */
    CHECK(strcmp(classify(SIGSEGV, SEGV_ACCERR, (uintptr_t)none + 64, (uintptr_t)none + 72, true).id,
                 "stack-overflow") == 0);
    CHECK(strcmp(classify(SIGSEGV, SEGV_MAPERR, (uintptr_t)gone, (uintptr_t)gone + 8, true).id,
                 "stack-overflow") == 0);
    CHECK(strcmp(classify(SIGABRT, SI_TKILL, 0, far_sp, false).id, "abort") == 0);
    CHECK(strcmp(classify(SIGFPE, FPE_INTDIV, 0x1234, far_sp, false).id, "integer-divide-by-zero") == 0);
    CHECK(strcmp(classify(SIGSEGV, SI_USER, 0, far_sp, false).id, "signal-sent") == 0);
    {
        /* SIGABRT from another process is not an abort() of this one. */
        siginfo_t other;
        memset(&other, 0, sizeof other);
        other.si_code = SI_USER;
        other.si_pid = getpid() + 1;
        CHECK(strcmp(cg_crash_classify(SIGABRT, &other, far_sp, false, false, false, NULL).id, "signal-sent") == 0);
    }
    CHECK(strcmp(classify(SIGILL, ILL_ILLOPN, 0x1234, far_sp, false).id, "illegal-instruction") == 0);
    CHECK(strcmp(classify(SIGBUS, BUS_ADRERR, (uintptr_t)ro, far_sp, false).id, "bus-error") == 0);

    cg_fault_detail d;
    memset(&d, 0, sizeof d);
    d.kind = "heap-use-after-free";
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_code = SEGV_ACCERR;
    CHECK(strcmp(cg_crash_classify(SIGSEGV, &info, far_sp, false, false, true, &d).id, "guarded-allocator") == 0);

    CHECK(strcmp(cg_signal_code_name(SIGSEGV, SEGV_MAPERR), "SEGV_MAPERR") == 0);
    CHECK(strcmp(cg_signal_name(SIGBUS), "SIGBUS") == 0);
    munmap(none, (size_t)page);
    munmap(ro, (size_t)page);
}

__attribute__((noinline)) static uintptr_t return_address(void)
{
    return (uintptr_t)__builtin_return_address(0);
}

static void test_symbolize(void)
{
    cg_symbolizer_init();
    uintptr_t ra = return_address(); int expected_line = __LINE__;
    static cg_sym_frame out[8];
    CHECK(cg_report_lock());
    size_t n = cg_symbolize(&ra, 1, 0, out, 8);
    cg_report_unlock();
    CHECK(n >= 1);
    if (n >= 1) {
        CHECK(strcmp(out[0].function, "test_symbolize") == 0);
        CHECK(strstr(out[0].file, "test_crashguard_unit.c") != NULL);
        CHECK(out[0].line == (unsigned)expected_line);
        CHECK(out[0].module[0] == '/');
        if (out[0].line != (unsigned)expected_line)
            fprintf(stderr, "symbolized as %s at %s:%u\n", out[0].function, out[0].file, out[0].line);
    }
}

static void test_go_info_and_altstack(void)
{
    cg_go_info_load();
    CHECK(!cg_go.is_go);
    CHECK(!cg_pc_in_go((uintptr_t)&test_sbuf));

    /* An existing alternate stack (a sanitizer's) is kept; otherwise the
     * crash guard installs its own 64 KiB one. */
    stack_t before, ss;
    CHECK(sigaltstack(NULL, &before) == 0);
    CHECK(cg_crashguard_install() == 0);
    CHECK(cg_crashguard_install() == 0); /* idempotent */
    CHECK(sigaltstack(NULL, &ss) == 0);
    CHECK(!(ss.ss_flags & SS_DISABLE));
    if (before.ss_flags & SS_DISABLE) CHECK(ss.ss_size >= 64 * 1024);
    else CHECK(ss.ss_sp == before.ss_sp);
    struct sigaction sa;
    CHECK(sigaction(SIGSEGV, NULL, &sa) == 0);
    CHECK((sa.sa_flags & SA_ONSTACK) && (sa.sa_flags & SA_SIGINFO));
}

int main(void)
{
    test_sbuf();
    test_classify();
    test_symbolize();
    test_go_info_and_altstack();
    if (check_failures) {
        fprintf(stderr, "%d check(s) failed\n", check_failures);
        return 1;
    }
    puts("crashguard unit tests passed");
    return 0;
}
