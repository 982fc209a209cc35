/*
 * report.c: writes the crash guard's one report per crash, as text to stderr
 * and, when CGOGUARD_REPORT=path is set, as one JSON object per line appended
 * to that file (append, because a child process inheriting the environment
 * may report into the same file; `cgoguard run` reads every line).
 *
 * Runs inside the signal handler: async-signal-safe calls only, all buffers
 * static (the caller holds cg_report_lock). Symbolization is done here too
 * (symbolize.c), so the report names function and file:line even with plain
 * LD_PRELOAD; raw addresses and object offsets are kept next to the names.
 */
#include "report.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    CG_TEXT_BYTES = 64 * 1024,
    CG_JSON_BYTES = 96 * 1024,
    CG_SYM_OUT = 3 * CG_FAULT_MAX_FRAMES,
};

static char cg_report_path[1024];
static char cg_text_storage[CG_TEXT_BYTES];
static char cg_json_storage[CG_JSON_BYTES];
static cg_sym_frame cg_sym_crash[CG_SYM_OUT];
static cg_sym_frame cg_sym_alloc[CG_SYM_OUT];
static cg_sym_frame cg_sym_free[CG_SYM_OUT];
static char cg_summary[1024];

#define CG_PREFIX "==cgoguard== "

void cg_report_config_load(void)
{
    const char *p = getenv("CGOGUARD_REPORT");
    cg_report_path[0] = '\0';
    if (!p || !*p) return;
    /* Made absolute now: the program may change directory before it crashes. */
    cg_sbuf b;
    cg_sbuf_init(&b, cg_report_path, sizeof cg_report_path);
    if (p[0] != '/') {
        char cwd[sizeof cg_report_path];
        if (getcwd(cwd, sizeof cwd)) {
            cg_sbuf_str(&b, cwd);
            cg_sbuf_char(&b, '/');
        }
    }
    cg_sbuf_str(&b, p);
}

const char *cg_signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    default: return "signal";
    }
}

const char *cg_signal_code_name(int sig, int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TKILL: return "SI_TKILL";
    default: break;
    }
    if (sig == SIGSEGV) {
        switch (code) {
        case SEGV_MAPERR: return "SEGV_MAPERR";
        case SEGV_ACCERR: return "SEGV_ACCERR";
#ifdef SEGV_BNDERR
        case SEGV_BNDERR: return "SEGV_BNDERR";
#endif
#ifdef SEGV_PKUERR
        case SEGV_PKUERR: return "SEGV_PKUERR";
#endif
        }
    } else if (sig == SIGBUS) {
        switch (code) {
        case BUS_ADRALN: return "BUS_ADRALN";
        case BUS_ADRERR: return "BUS_ADRERR";
        case BUS_OBJERR: return "BUS_OBJERR";
        }
    } else if (sig == SIGILL) {
        switch (code) {
        case ILL_ILLOPC: return "ILL_ILLOPC";
        case ILL_ILLOPN: return "ILL_ILLOPN";
        case ILL_ILLADR: return "ILL_ILLADR";
        case ILL_ILLTRP: return "ILL_ILLTRP";
        case ILL_PRVOPC: return "ILL_PRVOPC";
        case ILL_PRVREG: return "ILL_PRVREG";
        case ILL_COPROC: return "ILL_COPROC";
        case ILL_BADSTK: return "ILL_BADSTK";
        }
    } else if (sig == SIGFPE) {
        switch (code) {
        case FPE_INTDIV: return "FPE_INTDIV";
        case FPE_INTOVF: return "FPE_INTOVF";
        case FPE_FLTDIV: return "FPE_FLTDIV";
        case FPE_FLTOVF: return "FPE_FLTOVF";
        case FPE_FLTUND: return "FPE_FLTUND";
        case FPE_FLTRES: return "FPE_FLTRES";
        case FPE_FLTINV: return "FPE_FLTINV";
        case FPE_FLTSUB: return "FPE_FLTSUB";
        }
    }
    return "unknown";
}

/* Faults closer than this to the interrupted stack pointer, on memory that is
 * unmapped or inaccessible, are the stack running into its guard. */
enum { CG_STACK_SLACK = 64 * 1024, CG_NULL_PAGE = 64 * 1024 /* vm.mmap_min_addr */ };

cg_classification cg_crash_classify(int sig, const siginfo_t *info, uintptr_t sp, bool is_write, bool is_exec,
                              bool described, const cg_fault_detail *detail)
{
    cg_classification c = {"unknown", "the signal does not match a known fault pattern"};
    int code = info ? info->si_code : SI_USER;
    if (described && detail) {
        c.id = "guarded-allocator";
        c.description = "the address belongs to the guarded allocator (see the allocation details)";
        return c;
    }
    if (info && code <= 0 && code != SI_KERNEL && info->si_pid != getpid()) {
        c.id = "signal-sent";
        c.description = "another process sent the signal (kill), the program did not fault";
        return c;
    }
    if (sig == SIGABRT) {
        c.id = "abort";
        c.description = "the program aborted (abort(), a failed assert, or a library's fatal check)";
        return c;
    }
    if (code <= 0 && code != SI_KERNEL) {
        c.id = "signal-sent";
        c.description = "the program sent itself the signal (raise/kill), no instruction faulted";
        return c;
    }
    if (sig == SIGILL) {
        c.id = "illegal-instruction";
        c.description = "the CPU could not execute the instruction (corrupted code pointer, __builtin_trap, or ud2)";
        return c;
    }
    if (sig == SIGFPE) {
        c.id = code == FPE_INTDIV ? "integer-divide-by-zero" : "arithmetic-error";
        c.description = code == FPE_INTDIV ? "integer division by zero" : "arithmetic exception";
        return c;
    }
    uintptr_t addr = info ? (uintptr_t)info->si_addr : 0;
    if (sig == SIGBUS) {
        c.id = code == BUS_ADRALN ? "misaligned-access" : "bus-error";
        c.description = code == BUS_ADRERR ? "access beyond the end of a mapped file (truncated mmap?)"
                                           : "bus error on this address";
        return c;
    }
    if (addr < CG_NULL_PAGE && code != SI_KERNEL) {
        c.id = "null-page";
        c.description = "access to the null page: a null pointer dereference (or a small offset from null)";
        return c;
    }
    const cg_mapping *m = cg_find_mapping(addr);
    bool inaccessible = !m || (m->perms[0] == '-' && m->perms[1] == '-' && m->perms[2] == '-');
    uintptr_t dist = addr > sp ? addr - sp : sp - addr;
    if (inaccessible && sp && dist <= CG_STACK_SLACK) {
        c.id = "stack-overflow";
        c.description = "this thread's stack ran into its guard: stack overflow (unbounded recursion or a huge local)";
        return c;
    }
    if (code == SI_KERNEL) {
        c.id = "general-protection";
        c.description = "general protection fault: a non-canonical address (wild pointer)";
        return c;
    }
    if (!m) {
        c.id = "unmapped";
        c.description = "the address is not mapped (wild or dangling pointer)";
        return c;
    }
    if (inaccessible) {
        c.id = "guard-page";
        c.description = "the address is in an inaccessible (PROT_NONE) mapping, such as a guard page";
        return c;
    }
    if (is_exec && m->perms[2] != 'x') {
        c.id = "execute-non-executable";
        c.description = "jump to memory that is not executable (corrupted function pointer)";
        return c;
    }
    if (is_write && m->perms[1] != 'w') {
        c.id = "write-to-read-only";
        c.description = "write to read-only memory (a string literal, const data or code)";
        return c;
    }
    c.id = "access-violation";
    c.description = "the access is not permitted on this mapping";
    return c;
}

static const char *cg_go_thread_text(cg_go_thread_kind k, const char **answer)
{
    switch (k) {
    case CG_GO_NOT_GO_PROGRAM: *answer = "n/a"; return "not a Go program (no runtime.text symbol)";
    case CG_GO_MAIN: *answer = "yes"; return "the main thread of a Go program (m0)";
    case CG_GO_CREATED_BY_GO: *answer = "yes"; return "created by the Go runtime (runtime/cgo threadentry)";
    case CG_GO_HAS_GO_SIGSTACK: *answer = "yes"; return "has the Go runtime's signal stack";
    case CG_GO_CREATED_BY_C:
        *answer = "no";
        return "created by C code with pthread_create (Go only knows it while it calls into Go)";
    case CG_GO_NO_SIGSTACK:
        *answer = "no";
        return "it has no alternate signal stack, which every thread the Go runtime runs has";
    case CG_GO_C_THREAD_WITH_M:
        *answer = "yes";
        return "created by C code with pthread_create, and it has an M: it is inside an //export callback, "
               "or made one before (since Go 1.21 the M stays bound to the thread until it exits)";
    case CG_GO_C_THREAD_NO_M:
        *answer = "no";
        return "created by C code with pthread_create, and it has no M: it never called into Go";
    case CG_GO_HAS_G: *answer = "yes"; return "the Go runtime's g pointer (runtime.tlsg) is set: it runs on an M";
    case CG_GO_NO_G: *answer = "no"; return "the Go runtime's g pointer (runtime.tlsg) is nil: it has no M";
    case CG_GO_UNKNOWN:
    default: *answer = "unknown"; return "no evidence either way";
    }
}

/* ---- Frames ---- */
static void cg_text_frames(cg_sbuf *t, const cg_sym_frame *f, size_t n, const char *indent)
{
    for (size_t i = 0; i < n; i++) {
        cg_sbuf_str(t, CG_PREFIX);
        cg_sbuf_str(t, indent);
        if (f[i].inlined) {
            cg_sbuf_str(t, "    inlined into ");
        } else {
            cg_sbuf_char(t, '#');
            cg_sbuf_dec(t, f[i].index);
            cg_sbuf_char(t, ' ');
            cg_sbuf_hex_fixed(t, f[i].pc);
            cg_sbuf_str(t, " in ");
        }
        cg_sbuf_str(t, f[i].function[0] ? f[i].function : "??");
        if (f[i].file[0]) {
            cg_sbuf_str(t, " at ");
            cg_sbuf_str(t, f[i].file);
            cg_sbuf_char(t, ':');
            cg_sbuf_dec(t, f[i].line);
        }
        if (!f[i].inlined && f[i].module[0]) {
            cg_sbuf_str(t, " (");
            cg_sbuf_str(t, f[i].module);
            cg_sbuf_char(t, '+');
            cg_sbuf_hex(t, f[i].module_offset);
            cg_sbuf_char(t, ')');
        }
        cg_sbuf_char(t, '\n');
    }
}

static void cg_json_frames(cg_sbuf *j, const cg_sym_frame *f, size_t n)
{
    cg_sbuf_char(j, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) cg_sbuf_char(j, ',');
        cg_sbuf_str(j, "{\"index\":");
        cg_sbuf_dec(j, f[i].index);
        cg_sbuf_str(j, ",\"pc\":\"");
        cg_sbuf_hex(j, f[i].pc);
        cg_sbuf_str(j, "\",\"inlined\":");
        cg_sbuf_str(j, f[i].inlined ? "true" : "false");
        cg_sbuf_str(j, ",\"function\":");
        cg_sbuf_json_str(j, f[i].function);
        cg_sbuf_str(j, ",\"file\":");
        cg_sbuf_json_str(j, f[i].file);
        cg_sbuf_str(j, ",\"line\":");
        cg_sbuf_dec(j, f[i].line);
        cg_sbuf_str(j, ",\"module\":");
        cg_sbuf_json_str(j, f[i].module);
        cg_sbuf_str(j, ",\"module_offset\":\"");
        cg_sbuf_hex(j, f[i].module_offset);
        cg_sbuf_str(j, "\"}");
    }
    cg_sbuf_char(j, ']');
}

/* The first frame worth naming: skips libc's abort/raise machinery and
 * frames without a name so that the summary points at the user's code. */
static bool cg_is_system_object(const char *path)
{
    return cg_str_starts(path, "/lib/") || cg_str_starts(path, "/lib64/") || cg_str_starts(path, "/usr/lib/") ||
           cg_str_starts(path, "/usr/lib64/");
}

static const cg_sym_frame *cg_culprit(const cg_sym_frame *f, size_t n)
{
    const cg_sym_frame *first_named = NULL, *first_with_line = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!f[i].function[0]) continue;
        if (!first_named) first_named = &f[i];
        if (!f[i].file[0]) continue;
        if (!first_with_line) first_with_line = &f[i];
        if (!cg_is_system_object(f[i].module)) return &f[i];
    }
    return first_with_line ? first_with_line : first_named;
}

static void cg_build_summary(const char *what, const char *classification, const cg_sym_frame *culprit,
                             const cg_thread_facts_out *t)
{
    cg_sbuf s;
    cg_sbuf_init(&s, cg_summary, sizeof cg_summary);
    cg_sbuf_str(&s, what);
    cg_sbuf_str(&s, " (");
    cg_sbuf_str(&s, classification);
    cg_sbuf_str(&s, ")");
    if (culprit) {
        cg_sbuf_str(&s, " in ");
        cg_sbuf_str(&s, culprit->function);
        if (culprit->file[0]) {
            cg_sbuf_str(&s, " at ");
            cg_sbuf_str(&s, culprit->file);
            cg_sbuf_char(&s, ':');
            cg_sbuf_dec(&s, culprit->line);
        }
    }
    const char *answer;
    cg_go_thread_text(t->known_to_go, &answer);
    cg_sbuf_str(&s, " on thread ");
    cg_sbuf_dec(&s, (uint64_t)t->tid);
    bool go_known = !cg_str_eq(answer, "n/a");
    if (t->is_main || go_known) {
        cg_sbuf_str(&s, " (");
        if (t->is_main) cg_sbuf_str(&s, "main thread");
        if (t->is_main && go_known) cg_sbuf_str(&s, ", ");
        if (go_known) {
            cg_sbuf_str(&s, "known to Go: ");
            cg_sbuf_str(&s, answer);
        }
        cg_sbuf_char(&s, ')');
    }
}

/* ---- Registers ---- */
typedef struct cg_reg {
    const char *name;
    int index;
} cg_reg;

static void cg_registers(cg_sbuf *t, cg_sbuf *j, const ucontext_t *uc)
{
    cg_sbuf_str(j, ",\"registers\":{");
#if defined(__x86_64__)
    static const cg_reg regs[] = {
        {"rip", REG_RIP}, {"rsp", REG_RSP}, {"rbp", REG_RBP}, {"rax", REG_RAX}, {"rbx", REG_RBX},
        {"rcx", REG_RCX}, {"rdx", REG_RDX}, {"rsi", REG_RSI}, {"rdi", REG_RDI}, {"r8", REG_R8},
        {"r9", REG_R9},   {"r10", REG_R10}, {"r11", REG_R11}, {"r12", REG_R12}, {"r13", REG_R13},
        {"r14", REG_R14}, {"r15", REG_R15}, {"eflags", REG_EFL}, {"err", REG_ERR}, {"trapno", REG_TRAPNO},
    };
    cg_sbuf_str(t, CG_PREFIX "registers:\n");
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        uint64_t v = (uint64_t)uc->uc_mcontext.gregs[regs[i].index];
        if (i % 4 == 0) cg_sbuf_str(t, CG_PREFIX "  ");
        const char *name = regs[i].name;
        size_t len = strlen(name);
        for (size_t k = len; k < 6; k++) cg_sbuf_char(t, ' ');
        cg_sbuf_str(t, name);
        cg_sbuf_char(t, ' ');
        cg_sbuf_hex_fixed(t, v);
        cg_sbuf_char(t, i % 4 == 3 ? '\n' : ' ');
        if (i) cg_sbuf_char(j, ',');
        cg_sbuf_json_str(j, name);
        cg_sbuf_str(j, ":\"");
        cg_sbuf_hex(j, v);
        cg_sbuf_char(j, '"');
    }
#elif defined(__aarch64__)
    cg_sbuf_str(t, CG_PREFIX "registers:\n" CG_PREFIX "  pc ");
    cg_sbuf_hex_fixed(t, uc->uc_mcontext.pc);
    cg_sbuf_str(t, " sp ");
    cg_sbuf_hex_fixed(t, uc->uc_mcontext.sp);
    cg_sbuf_char(t, '\n');
    cg_sbuf_str(j, "\"pc\":\"");
    cg_sbuf_hex(j, uc->uc_mcontext.pc);
    cg_sbuf_str(j, "\",\"sp\":\"");
    cg_sbuf_hex(j, uc->uc_mcontext.sp);
    cg_sbuf_char(j, '"');
#else
    (void)t;
    (void)uc;
#endif
    cg_sbuf_char(j, '}');
}

static uintptr_t cg_context_sp(const ucontext_t *uc)
{
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.sp;
#else
    (void)uc;
    return 0;
#endif
}

static void cg_context_access(const ucontext_t *uc, int sig, bool *is_write, bool *is_exec)
{
    *is_write = *is_exec = false;
#if defined(__x86_64__)
    /* Page-fault error code: bit 1 = write, bit 4 = instruction fetch. */
    if (sig == SIGSEGV && uc->uc_mcontext.gregs[REG_TRAPNO] == 14) {
        uint64_t err = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
        *is_write = (err & 2) != 0;
        *is_exec = (err & 16) != 0;
    }
#else
    (void)uc;
    (void)sig;
#endif
}

/* ---- Common parts ---- */
static void cg_thread_lines(cg_sbuf *t, cg_sbuf *j, const cg_thread_facts_out *th)
{
    const char *answer;
    const char *how = cg_go_thread_text(th->known_to_go, &answer);
    cg_sbuf_str(t, CG_PREFIX "thread: tid ");
    cg_sbuf_dec(t, (uint64_t)th->tid);
    cg_sbuf_str(t, th->is_main ? " (main thread)" : "");
    cg_sbuf_str(t, "; known to the Go runtime: ");
    cg_sbuf_str(t, answer);
    cg_sbuf_str(t, " (");
    cg_sbuf_str(t, how);
    cg_sbuf_str(t, ")\n");

    cg_sbuf_str(j, ",\"thread\":{\"tid\":");
    cg_sbuf_dec(j, (uint64_t)th->tid);
    cg_sbuf_str(j, ",\"main\":");
    cg_sbuf_str(j, th->is_main ? "true" : "false");
    cg_sbuf_str(j, ",\"known_to_go\":");
    cg_sbuf_json_str(j, answer);
    cg_sbuf_str(j, ",\"evidence\":");
    cg_sbuf_json_str(j, how);
    cg_sbuf_char(j, '}');
}

static void cg_detail_lines(cg_sbuf *t, cg_sbuf *j, const cg_fault_detail *d)
{
    uintptr_t off = d->access_address - d->block_address;
    bool inside = d->access_address >= d->block_address;
    cg_sbuf_str(t, CG_PREFIX "guarded allocation: ");
    cg_sbuf_str(t, d->kind ? d->kind : "fault");
    cg_sbuf_str(t, " at ");
    cg_sbuf_hex(t, d->access_address);
    cg_sbuf_str(t, inside ? ", offset " : ", ");
    cg_sbuf_dec(t, inside ? off : d->block_address - d->access_address);
    cg_sbuf_str(t, inside ? " into a " : " bytes before a ");
    cg_sbuf_dec(t, d->block_size);
    cg_sbuf_str(t, "-byte block at ");
    cg_sbuf_hex(t, d->block_address);
    cg_sbuf_char(t, '\n');

    size_t na = d->alloc_frame_count > CG_FAULT_MAX_FRAMES ? CG_FAULT_MAX_FRAMES : d->alloc_frame_count;
    size_t nf = d->free_frame_count > CG_FAULT_MAX_FRAMES ? CG_FAULT_MAX_FRAMES : d->free_frame_count;
    size_t sa = na && d->alloc_frames ? cg_symbolize(d->alloc_frames, na, 0, cg_sym_alloc, CG_SYM_OUT) : 0;
    size_t sf = nf && d->free_frames ? cg_symbolize(d->free_frames, nf, 0, cg_sym_free, CG_SYM_OUT) : 0;
    cg_sbuf_str(t, CG_PREFIX "  allocated by thread ");
    cg_sbuf_dec(t, d->alloc_thread);
    cg_sbuf_str(t, ":\n");
    cg_text_frames(t, cg_sym_alloc, sa, "    ");
    if (nf) {
        cg_sbuf_str(t, CG_PREFIX "  freed by thread ");
        cg_sbuf_dec(t, d->free_thread);
        cg_sbuf_str(t, ":\n");
        cg_text_frames(t, cg_sym_free, sf, "    ");
    }

    cg_sbuf_str(j, ",\"allocation\":{\"kind\":");
    cg_sbuf_json_str(j, d->kind ? d->kind : "");
    cg_sbuf_str(j, ",\"access_address\":\"");
    cg_sbuf_hex(j, d->access_address);
    cg_sbuf_str(j, "\",\"block_address\":\"");
    cg_sbuf_hex(j, d->block_address);
    cg_sbuf_str(j, "\",\"block_size\":");
    cg_sbuf_dec(j, d->block_size);
    cg_sbuf_str(j, ",\"offset\":");
    if (!inside) cg_sbuf_char(j, '-');
    cg_sbuf_dec(j, inside ? off : d->block_address - d->access_address);
    cg_sbuf_str(j, ",\"alloc_thread\":");
    cg_sbuf_dec(j, d->alloc_thread);
    cg_sbuf_str(j, ",\"alloc_frames\":");
    cg_json_frames(j, cg_sym_alloc, sa);
    cg_sbuf_str(j, ",\"freed\":");
    cg_sbuf_str(j, nf ? "true" : "false");
    cg_sbuf_str(j, ",\"free_thread\":");
    cg_sbuf_dec(j, d->free_thread);
    cg_sbuf_str(j, ",\"free_frames\":");
    cg_json_frames(j, cg_sym_free, sf);
    cg_sbuf_char(j, '}');
}

static void cg_json_head(cg_sbuf *j, const char *kind)
{
    cg_sbuf_str(j, "{\"cgoguard\":\"crash-report\",\"version\":1,\"kind\":");
    cg_sbuf_json_str(j, kind);
    cg_sbuf_str(j, ",\"pid\":");
    cg_sbuf_dec(j, (uint64_t)getpid());
    static char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    cg_sbuf_str(j, ",\"executable\":");
    cg_sbuf_json_str(j, exe);
}

static void cg_emit(cg_sbuf *t, cg_sbuf *j)
{
    cg_sbuf_str(j, ",\"summary\":");
    cg_sbuf_json_str(j, cg_summary);
    cg_sbuf_str(j, "}\n");
    cg_write_all(2, t->data, t->len);
    if (cg_report_path[0]) {
        int fd = open(cg_report_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
            cg_write_all(fd, j->data, j->len);
            close(fd);
        } else {
            static const char msg[] = CG_PREFIX "cannot open CGOGUARD_REPORT file\n";
            cg_write_all(2, msg, sizeof msg - 1);
        }
    }
}

void cg_report_fault(int sig, const siginfo_t *info, const ucontext_t *uc, bool in_go,
                     const cg_thread_facts_out *thread, const cg_fault_detail *detail,
                     const uintptr_t *frames, size_t nframes)
{
    cg_sbuf t, j;
    cg_sbuf_init(&t, cg_text_storage, sizeof cg_text_storage);
    cg_sbuf_init(&j, cg_json_storage, sizeof cg_json_storage);
    uintptr_t addr = info ? (uintptr_t)info->si_addr : 0;
    int code = info ? info->si_code : SI_USER;
    bool is_write, is_exec;
    cg_context_access(uc, sig, &is_write, &is_exec);
    size_t nsym = cg_symbolize(frames, nframes, 1, cg_sym_crash, CG_SYM_OUT); /* loads the maps too */
    cg_classification cls = cg_crash_classify(sig, info, cg_context_sp(uc), is_write, is_exec, detail != NULL, detail);
    const cg_mapping *code_map = nframes ? cg_find_mapping(frames[0]) : NULL;

    cg_sbuf_str(&t, "\n" CG_PREFIX "CRASH: ");
    cg_sbuf_str(&t, cg_signal_name(sig));
    cg_sbuf_str(&t, " (");
    cg_sbuf_str(&t, cg_signal_code_name(sig, code));
    cg_sbuf_str(&t, ")");
    if (info && code <= 0 && code != SI_KERNEL) {
        cg_sbuf_str(&t, " sent by pid ");
        cg_sbuf_dec(&t, (uint64_t)info->si_pid);
    } else if (sig != SIGABRT && code > 0) {
        cg_sbuf_str(&t, is_write ? " writing address " : (is_exec ? " executing address " : " at address "));
        cg_sbuf_hex(&t, addr);
    }
    cg_sbuf_str(&t, "\n" CG_PREFIX "cause: ");
    cg_sbuf_str(&t, cls.id);
    cg_sbuf_str(&t, ": ");
    cg_sbuf_str(&t, cls.description);
    cg_sbuf_str(&t, "\n" CG_PREFIX "code: ");
    cg_sbuf_str(&t, in_go ? "Go" : "C");
    if (code_map && code_map->path[0]) {
        cg_sbuf_str(&t, " (pc in ");
        cg_sbuf_str(&t, code_map->path);
        cg_sbuf_char(&t, ')');
    }
    cg_sbuf_char(&t, '\n');

    cg_json_head(&j, "signal");
    cg_sbuf_str(&j, ",\"signal\":{\"name\":");
    cg_sbuf_json_str(&j, cg_signal_name(sig));
    cg_sbuf_str(&j, ",\"number\":");
    cg_sbuf_dec(&j, (uint64_t)sig);
    cg_sbuf_str(&j, ",\"code\":");
    cg_sbuf_json_str(&j, cg_signal_code_name(sig, code));
    cg_sbuf_str(&j, "},\"fault_address\":\"");
    cg_sbuf_hex(&j, addr);
    cg_sbuf_str(&j, "\",\"access\":");
    cg_sbuf_json_str(&j, is_exec ? "execute" : (is_write ? "write" : "read-or-unknown"));
    cg_sbuf_str(&j, ",\"classification\":");
    cg_sbuf_json_str(&j, cls.id);
    cg_sbuf_str(&j, ",\"description\":");
    cg_sbuf_json_str(&j, cls.description);
    cg_sbuf_str(&j, ",\"in_go_code\":");
    cg_sbuf_str(&j, in_go ? "true" : "false");

    cg_thread_lines(&t, &j, thread);
    if (detail) cg_detail_lines(&t, &j, detail);
    cg_sbuf_str(&t, CG_PREFIX "backtrace:\n");
    cg_text_frames(&t, cg_sym_crash, nsym, "  ");
    cg_sbuf_str(&j, ",\"frames\":");
    cg_json_frames(&j, cg_sym_crash, nsym);
    if (uc) cg_registers(&t, &j, uc);
    cg_sbuf_str(&t, CG_PREFIX "the signal now goes to the previous handler or the default action\n");

    cg_build_summary(cg_signal_name(sig), detail && detail->kind ? detail->kind : cls.id,
                     cg_culprit(cg_sym_crash, nsym), thread);
    cg_emit(&t, &j);
}

/* The error reporter is called from inside libcgoguard (the guarded
 * allocator's free()); the frames that matter start at its caller. When the
 * crash guard lives in a shared object (the preload library, libcgoguard.so),
 * leading frames in that object are skipped; linked statically into the
 * program, only our own three frames are (the object is the program then). */
static size_t cg_first_caller_frame(const uintptr_t *frames, size_t n)
{
    if (!cg_maps_load()) return 0;
    const cg_mapping *own = cg_find_mapping((uintptr_t)&cg_report_error_now);
    if (!own || own->path[0] != '/') return 0;
    static char exe[512];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    if (cg_str_eq(exe, own->path)) return 0;
    size_t i = 0;
    while (i + 1 < n) {
        const cg_mapping *m = cg_find_mapping(frames[i]);
        if (!m || !cg_str_eq(m->path, own->path)) break;
        i++;
    }
    return i;
}

void cg_report_error_now(const cg_fault_detail *detail, const cg_thread_facts_out *thread)
{
    cg_sbuf t, j;
    cg_sbuf_init(&t, cg_text_storage, sizeof cg_text_storage);
    cg_sbuf_init(&j, cg_json_storage, sizeof cg_json_storage);
    uintptr_t frames[CG_FAULT_MAX_FRAMES];
    /* Skip cg_current_backtrace, cg_report_error_now and cg_crashguard_report_error. */
    size_t nframes = cg_current_backtrace(frames, CG_FAULT_MAX_FRAMES, 3);
    size_t first = cg_first_caller_frame(frames, nframes);
    size_t nsym = cg_symbolize(frames + first, nframes - first, 0, cg_sym_crash, CG_SYM_OUT);
    const char *kind = detail && detail->kind ? detail->kind : "error";

    cg_sbuf_str(&t, "\n" CG_PREFIX "ERROR: ");
    cg_sbuf_str(&t, kind);
    cg_sbuf_str(&t, " on address ");
    cg_sbuf_hex(&t, detail ? detail->access_address : 0);
    cg_sbuf_char(&t, '\n');
    cg_json_head(&j, "error");
    cg_sbuf_str(&j, ",\"classification\":");
    cg_sbuf_json_str(&j, kind);
    cg_sbuf_str(&j, ",\"fault_address\":\"");
    cg_sbuf_hex(&j, detail ? detail->access_address : 0);
    cg_sbuf_char(&j, '"');
    cg_thread_lines(&t, &j, thread);
    if (detail) cg_detail_lines(&t, &j, detail);
    cg_sbuf_str(&t, CG_PREFIX "backtrace:\n");
    cg_text_frames(&t, cg_sym_crash, nsym, "  ");
    cg_sbuf_str(&j, ",\"frames\":");
    cg_json_frames(&j, cg_sym_crash, nsym);
    cg_sbuf_str(&t, CG_PREFIX "aborting\n");
    cg_build_summary("error", kind, cg_culprit(cg_sym_crash, nsym), thread);
    cg_emit(&t, &j);
}
