/*
 * goinfo.c: learns, once and outside any signal handler, whether this process
 * is a Go program and where its Go code lives. The signal handler needs to
 * decide "did this fault happen in Go code?" without calling into the Go
 * runtime; the linker-defined symbols runtime.text and runtime.etext bound the
 * Go text (Go assembly included; cgo's C objects are linked outside it), and
 * runtime/cgo's thread start routine `threadentry` (gcc_linux_*.c) identifies
 * the threads the Go runtime creates through pthread_create.
 *
 * The symbols are read from .symtab of /proc/self/exe. A stripped binary
 * (go build -ldflags=-s) has no .symtab; then the Go text range comes from
 * the runtime's own module data (runtime.firstmoduledata: section .go.module
 * in recent Go, .data or .noptrdata in older releases),
 * found in memory as the word that points at .gopclntab, its first field
 * (layout: runtime/symtab.go moduledata, stable since Go 1.18). Without
 * either, the process counts as "not a Go program", and faults in Go code
 * would be reported like C faults.
 *
 * Whether a thread has an M (the runtime knows it) is the runtime's own
 * per-thread g pointer: Go code on linux/amd64 keeps it in the executable's
 * TLS block at the symbol runtime.tlsg, and cgocallback (asm_amd64.s) sets
 * it when a C-created thread first calls into Go (needm; since Go 1.21 the
 * M then stays bound until the thread exits), so it is non-zero exactly on
 * threads with an M. Its address is the thread pointer minus the
 * executable's TLS offset plus the symbol's offset: glibc places the main
 * program's TLS block first, directly below the thread pointer
 * (x86-64 TLS variant II, _dl_determine_tlsoffset).
 */
#include "cg_internal.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

cg_go_info cg_go;

static int cg_main_bias_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    *(uintptr_t *)data = (uintptr_t)info->dlpi_addr;
    return 1; /* the first object is the main program */
}

/* Sets cg_go.g_slot_offset from the symbol's offset in the TLS block and
 * the executable's PT_TLS segment (see the file comment). */
static void cg_locate_g_slot(const unsigned char *img, size_t size, uintptr_t sym_offset)
{
#if defined(__x86_64__)
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)img;
    if (eh->e_phoff == 0 || eh->e_phoff + (size_t)eh->e_phnum * sizeof(ElfW(Phdr)) > size) return;
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(img + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_TLS) continue;
        uintptr_t align = ph[i].p_align ? (uintptr_t)ph[i].p_align : 1;
        if (align & (align - 1) || sym_offset + sizeof(void *) > ph[i].p_memsz) return;
        uintptr_t firstbyte = (0 - ((uintptr_t)ph[i].p_vaddr & (align - 1))) & (align - 1);
        uintptr_t block = (((uintptr_t)ph[i].p_memsz - firstbyte + align - 1) & ~(align - 1)) + firstbyte;
        cg_go.g_slot_offset = (intptr_t)sym_offset - (intptr_t)block;
        cg_go.have_g_slot = true;
        return;
    }
#else
    (void)img;
    (void)size;
    (void)sym_offset; /* other architectures: the thread facts fall back to heuristics */
#endif
}

static void cg_scan_symtab(const unsigned char *img, size_t size, uintptr_t bias)
{
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)img;
    if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32))
        return;
    if (eh->e_shoff == 0 || eh->e_shoff + (size_t)eh->e_shnum * sizeof(ElfW(Shdr)) > size) return;
    const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(img + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) continue;
        const ElfW(Shdr) *strsh = &sh[sh[i].sh_link];
        if (sh[i].sh_offset + sh[i].sh_size > size || strsh->sh_offset + strsh->sh_size > size)
            continue;
        const ElfW(Sym) *syms = (const ElfW(Sym) *)(img + sh[i].sh_offset);
        size_t nsyms = sh[i].sh_size / sizeof(ElfW(Sym));
        const char *strtab = (const char *)(img + strsh->sh_offset);
        size_t strsize = strsh->sh_size;
        const char *file = "";
        uintptr_t any_threadentry = 0;
        bool have_tlsg = false;
        uintptr_t tlsg = 0;
        for (size_t s = 0; s < nsyms; s++) {
            if (syms[s].st_name >= strsize) continue;
            const char *name = strtab + syms[s].st_name;
            int type = ELF64_ST_TYPE(syms[s].st_info);
            /* Local symbols follow the STT_FILE symbol of their source file. */
            if (type == STT_FILE) {
                file = name;
                continue;
            }
            uintptr_t value = (uintptr_t)syms[s].st_value + bias;
            if (strcmp(name, "runtime.text") == 0) {
                cg_go.text_lo = value;
            } else if (strcmp(name, "runtime.etext") == 0) {
                cg_go.text_hi = value;
            } else if (type == STT_TLS && strcmp(name, "runtime.tlsg") == 0) {
                tlsg = (uintptr_t)syms[s].st_value; /* offset in the TLS block, no bias */
                have_tlsg = true;
            } else if (type == STT_FUNC && strcmp(name, "threadentry") == 0) {
                if (strncmp(file, "gcc_linux", 9) == 0) cg_go.threadentry = value;
                else if (!any_threadentry) any_threadentry = value;
            }
        }
        if (!cg_go.threadentry) cg_go.threadentry = any_threadentry;
        if (have_tlsg) cg_locate_g_slot(img, size, tlsg);
    }
    cg_go.is_go = cg_go.text_lo != 0 && cg_go.text_hi > cg_go.text_lo;
}

/* Byte offsets in runtime.moduledata (64-bit): pcHeader, then six slices,
 * ftab, findfunctab, minpc, maxpc, text, etext, noptrdata. */
enum {
    CG_MD_MINPC = 8 + 6 * 24 + 8,
    CG_MD_MAXPC = CG_MD_MINPC + 8,
    CG_MD_TEXT = CG_MD_MAXPC + 8,
    CG_MD_ETEXT = CG_MD_TEXT + 8,
    CG_MD_NOPTRDATA = CG_MD_ETEXT + 8,
    CG_MD_MIN_SIZE = CG_MD_NOPTRDATA + 8,
};

static void cg_scan_moduledata(const unsigned char *img, size_t size, uintptr_t bias)
{
    if (sizeof(void *) != 8) return;
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)img;
    if (eh->e_shoff == 0 || eh->e_shstrndx >= eh->e_shnum ||
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(ElfW(Shdr)) > size)
        return;
    const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(img + eh->e_shoff);
    const ElfW(Shdr) *names = &sh[eh->e_shstrndx];
    if (names->sh_offset + names->sh_size > size) return;
    const char *shstr = (const char *)(img + names->sh_offset);
    const ElfW(Shdr) *pcln = NULL, *noptr = NULL, *data = NULL, *module = NULL;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_name >= names->sh_size || !(sh[i].sh_flags & SHF_ALLOC)) continue;
        const char *name = shstr + sh[i].sh_name;
        if (strcmp(name, ".gopclntab") == 0) pcln = &sh[i];
        else if (strcmp(name, ".noptrdata") == 0) noptr = &sh[i];
        else if (strcmp(name, ".data") == 0) data = &sh[i];
        else if (strcmp(name, ".go.module") == 0) module = &sh[i];
    }
    if (!pcln || !noptr) return;
    uintptr_t want = (uintptr_t)pcln->sh_addr + bias;
    uintptr_t noptr_lo = (uintptr_t)noptr->sh_addr + bias;
    const ElfW(Shdr) *where[3] = {module, data, noptr};
    for (int w = 0; w < 3; w++) {
        if (!where[w] || where[w]->sh_type == SHT_NOBITS || where[w]->sh_size < CG_MD_MIN_SIZE) continue;
        uintptr_t lo = (uintptr_t)where[w]->sh_addr + bias;
        uintptr_t hi = lo + (uintptr_t)where[w]->sh_size - CG_MD_MIN_SIZE;
        for (uintptr_t p = (lo + 7) & ~(uintptr_t)7; p <= hi; p += 8) {
            if (*(const uintptr_t *)p != want) continue;
            uintptr_t minpc = *(const uintptr_t *)(p + CG_MD_MINPC);
            uintptr_t maxpc = *(const uintptr_t *)(p + CG_MD_MAXPC);
            uintptr_t text = *(const uintptr_t *)(p + CG_MD_TEXT);
            uintptr_t etext = *(const uintptr_t *)(p + CG_MD_ETEXT);
            uintptr_t noptrdata = *(const uintptr_t *)(p + CG_MD_NOPTRDATA);
            if (noptrdata == noptr_lo && text <= minpc && minpc < maxpc && maxpc <= etext) {
                cg_go.text_lo = text;
                cg_go.text_hi = etext;
                cg_go.is_go = true;
                return;
            }
        }
    }
}

void cg_go_info_load(void)
{
    memset(&cg_go, 0, sizeof cg_go);
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        void *img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (img != MAP_FAILED) {
            uintptr_t bias = 0;
            dl_iterate_phdr(cg_main_bias_cb, &bias);
            cg_scan_symtab(img, (size_t)st.st_size, bias);
            if (!cg_go.is_go) cg_scan_moduledata(img, (size_t)st.st_size, bias);
            munmap(img, (size_t)st.st_size);
        }
    }
    close(fd);
}

bool cg_pc_in_go(uintptr_t pc)
{
    return cg_go.is_go && pc >= cg_go.text_lo && pc < cg_go.text_hi;
}

uintptr_t cg_go_current_g(void)
{
#if defined(__x86_64__)
    if (!cg_go.have_g_slot) return 0;
    uintptr_t tp;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(tp)); /* glibc: the TCB points to itself */
    return *(volatile uintptr_t *)(tp + (uintptr_t)cg_go.g_slot_offset);
#else
    return 0;
#endif
}
