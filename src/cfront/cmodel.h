/*
 * cmodel.h: what the C front-end knows about one cgo package's C code.
 *
 * The C front-end (libclang) parses each cgo preamble as its own translation
 * unit, with a #line directive so that every C location maps back to the .go
 * file line it came from, and each .c file of the package, with the package's
 * CFLAGS/CPPFLAGS. It records function signatures, typedefs and struct/union
 * layouts (which fields are pointers), so the Go side can answer questions
 * such as "does C.struct_s contain a pointer field?" or "is parameter 0 of
 * C.keep a pointer?". Parse problems are data: they are recorded here and
 * turned into diagnostics later; whatever did parse stays usable.
 *
 * Function bodies are also summarised for the C-side rules: see csummary.h
 * (cg_cmodel_compute_summaries / cg_cmodel_summary).
 *
 * Ownership: everything reachable from a cg_cmodel lives in its arena and is
 * freed by cg_cmodel_free. Not thread-safe; one model per package (distinct
 * models may be used from distinct threads).
 */
#ifndef CG_CMODEL_H
#define CG_CMODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/base.h"
#include "../rules/diag.h"

/* The shape of a C type, as far as the Go side cares. */
typedef enum cg_ctype_kind {
    CG_CTYPE_UNKNOWN = 0,
    CG_CTYPE_VOID,
    CG_CTYPE_INTEGER, /* char, short, int, long, _Bool, enums, size_t, uintptr_t, ... */
    CG_CTYPE_FLOAT,
    CG_CTYPE_POINTER, /* any data pointer (including void *) */
    CG_CTYPE_FUNC_POINTER,
    CG_CTYPE_ARRAY,
    CG_CTYPE_RECORD, /* struct or union */
} cg_ctype_kind;

typedef struct cg_ctype {
    cg_ctype_kind kind;
    const char *spelling;       /* as written after typedef resolution, e.g. "struct node *" */
    const char *record_tag;     /* RECORD, or POINTER/ARRAY to a record: the tag ("node") */
    bool record_is_union;       /* with record_tag */
    bool pointee_is_const;      /* POINTER: "const T *" */
    bool contains_pointer;      /* RECORD/ARRAY: some (nested) member is a pointer */
    bool is_uintptr;            /* INTEGER: uintptr_t/intptr_t (can smuggle an address) */
} cg_ctype;

typedef struct cg_cfield {
    const char *name;
    cg_ctype type;
} cg_cfield;

typedef struct cg_crecord {
    const char *tag; /* "s" for struct s; for an anonymous struct, its typedef name */
    bool is_union;
    bool is_complete; /* a definition was seen (not only a forward declaration) */
    cg_cfield *fields;
    size_t field_count;
    bool contains_pointer; /* some field, recursively, is a pointer or func pointer */
    cg_location loc;
    const char *spelling; /* "struct s" / "union u" (or the typedef name if anonymous) */
    bool is_anonymous;    /* no tag of its own: `typedef struct {...} name;` (tag is name) */
} cg_crecord;

typedef struct cg_ctypedef {
    const char *name;
    cg_ctype type; /* the canonical type */
    cg_location loc;
} cg_ctypedef;

typedef struct cg_cparam {
    const char *name; /* "" when unnamed */
    cg_ctype type;
    cg_location loc;
} cg_cparam;

typedef struct cg_cfunc {
    const char *name;
    cg_ctype result;
    cg_cparam *params;
    size_t param_count;
    bool variadic;
    bool has_body;        /* defined in the package (preamble or .c file) */
    bool is_static;
    bool in_system_header;
    cg_location decl_loc; /* first declaration seen */
    cg_location body_loc; /* definition, when has_body */
} cg_cfunc;

typedef struct cg_cvar {
    const char *name;
    cg_ctype type;
    bool is_thread_local;
    cg_location loc;
} cg_cvar;

/* A problem met while parsing. Severity: note for a missing header ("C
 * header 'foo.h' not found: declarations from it are unknown") and for
 * #cgo CFLAGS clang ignored; warning for syntax errors ("C parse error:
 * ...") and files not analysed (unreadable, binary, over the size limit). */
typedef struct cg_cproblem {
    cg_location loc;
    cg_severity severity;
    const char *message;
} cg_cproblem;

/* An in-memory file that the parser sees instead of the disk (for example
 * the _cgo_export.h that `go build` would generate). */
typedef struct cg_cvirtual_file {
    const char *path;
    const char *contents;
} cg_cvirtual_file;

typedef struct cg_cparse_options {
    const char *const *cflags; /* the package's #cgo CFLAGS + CPPFLAGS, split */
    size_t cflag_count;
    const cg_cvirtual_file *virtual_files;
    size_t virtual_file_count;
    /* Files (and preambles) larger than this are not parsed; a problem says
     * so. 0 means CG_CFRONT_DEFAULT_MAX_FILE_BYTES, SIZE_MAX means no limit. */
    size_t max_file_bytes;
} cg_cparse_options;

/* The default size limit: generated amalgamations (sqlite3.c is ~9 MB) still
 * parse, a 50 MB machine-generated table does not cost minutes and gigabytes. */
#define CG_CFRONT_DEFAULT_MAX_FILE_BYTES ((size_t)16 * 1024 * 1024)

typedef struct cg_cmodel cg_cmodel;

/* Initialises libclang's process-wide state (LLVM's lazily created
 * statics) with one tiny parse. Call once from the main thread before
 * models are parsed on several threads at once. */
void cg_cfront_init(void);

/* The precompiled headers shared between parses live in a private
 * directory under $TMPDIR. cg_cfront_remove_temp_files removes it now
 * (idempotent; later parses build no more): call it once parsing is over,
 * before writing output that a closed pipe may interrupt. Also registered
 * with atexit. cg_cfront_remove_temp_files_from_signal does the same with
 * async-signal-safe calls only, for a SIGINT/SIGTERM handler. */
void cg_cfront_remove_temp_files(void);
void cg_cfront_remove_temp_files_from_signal(void);

cg_cmodel *cg_cmodel_new(void);
void cg_cmodel_free(cg_cmodel *model); /* NULL is a no-op */

/* Parses a cgo preamble taken from go_path, whose first preamble line is
 * go_path:first_line (the comment text with its #cgo lines blanked, as cgo
 * does). Locations of everything it declares map to the .go
 * file (lines exactly; columns count bytes of the text as given, so a
 * caller that strips "//" from comment lines shifts them). cgo's builtin
 * prolog (_GoString_, _GoStringLen, ...) is visible before the text; its
 * functions are not recorded as the package's. `#include "x.h"` and -I are
 * resolved as cgo does (the .go file's directory first); relative -I paths
 * in cflags are relative to that directory. opts may be NULL.
 * Returns CG_OK also when the text had errors (those become problems);
 * returns an error status only when libclang could not run at all, with
 * *err a message the caller frees. */
cg_status cg_cfront_parse_preamble(cg_cmodel *model, const char *go_path, unsigned first_line,
                                   const char *text, const cg_cparse_options *opts, char **err);
/* Both parsers may read the leading #include <...> block of a unit from a
 * precompiled header that the process shares between units and packages
 * (cfront.c explains when; the model is exactly what a plain parse gives).
 * CGOGUARD_NO_PCH=1 turns this off. Different models may be filled from
 * different threads at once. */
/* Parses one .c file of the package (headers are reached through #include,
 * virtual files such as _cgo_export.h take precedence over the disk).
 * Unreadable, binary (NUL bytes) and oversized files are problems, not
 * errors. Same return convention as cg_cfront_parse_preamble. */
cg_status cg_cfront_parse_file(cg_cmodel *model, const char *c_path,
                               const cg_cparse_options *opts, char **err);

/* Lookups; NULL when unknown. When the same name is declared in several
 * translation units, a definition with a body wins over a prototype. */
const cg_cfunc *cg_cmodel_func(const cg_cmodel *model, const char *name);
const cg_crecord *cg_cmodel_record(const cg_cmodel *model, const char *tag, bool is_union);
const cg_ctypedef *cg_cmodel_typedef(const cg_cmodel *model, const char *name);
const cg_cvar *cg_cmodel_var(const cg_cmodel *model, const char *name);

/* Resolves the name that follows "C." in Go ("struct_s", "union_u",
 * "enum_e", "int", "uintptr_t", "mytypedef", "char", "longlong", ...) to a
 * C type, following cgo's naming rules. Returns false when unknown. */
bool cg_cmodel_resolve_go_name(const cg_cmodel *model, const char *c_name, cg_ctype *out);

/* True when a header could not be found: names it would have declared are
 * unknown, so an unknown name says nothing about what it is. */
bool cg_cmodel_headers_missing(const cg_cmodel *model);

size_t cg_cmodel_problem_count(const cg_cmodel *model);
const cg_cproblem *cg_cmodel_problem(const cg_cmodel *model, size_t index);

/* The files the parser read for this model (main files and every header
 * they included), in the order first seen: what the analysis depends on. */
size_t cg_cmodel_dependency_count(const cg_cmodel *model);
const char *cg_cmodel_dependency_at(const cg_cmodel *model, size_t index);

/* Iteration over functions in a stable order (by name). */
size_t cg_cmodel_func_count(const cg_cmodel *model);
const cg_cfunc *cg_cmodel_func_at(const cg_cmodel *model, size_t index);

#endif /* CG_CMODEL_H */
