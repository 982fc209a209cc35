/*
 * gofile.h: one parsed Go file and what cgo makes of it.
 *
 * The Go front-end parses each file with tree-sitter-go and extracts what the
 * later stages need: the package name, the imports that matter at the
 * boundary ("C", "unsafe", "runtime", "runtime/cgo"), the cgo preamble as C
 * text whose lines and columns are exactly those of the .go file (comment
 * markers are blanked, not removed), the #cgo directives, the //export and
 * //go:linkname directives. Syntax errors are data: the tree keeps ERROR
 * nodes and the file records where the first one is.
 */
#ifndef CG_GOFILE_H
#define CG_GOFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "../base/base.h"
#include "goast.h"

typedef struct cg_cgo_directive {
    const char *condition; /* build condition before the verb ("linux,amd64"), or "" */
    const char *verb;      /* "CFLAGS", "CPPFLAGS", "LDFLAGS", "pkg-config", "noescape", ... */
    const char *args;      /* the rest of the line, trimmed */
    unsigned line;
} cg_cgo_directive;

typedef struct cg_go_export {
    const char *name; /* the C name: //export Name */
    cg_gn func;       /* its function_declaration */
    unsigned line;    /* line of the //export comment */
} cg_go_export;

typedef struct cg_go_linkname {
    const char *local;  /* the Go name in this file */
    const char *target; /* "runtime.mapaccess1", or "" */
    unsigned line, column, end_column; /* of the directive comment */
} cg_go_linkname;

typedef struct cg_gofile {
    char *path;   /* as displayed: the path the user gave, joined */
    char *source; /* whole file, NUL-terminated */
    size_t source_len;
    cg_gn root;             /* the lowered syntax tree (goast.h): source_file */
    struct cg_gnode *nodes; /* every node of it */
    size_t node_count;
    const char *package_name;

    bool imports_c;
    unsigned import_c_line;
    const char *unsafe_name;  /* local name of "unsafe", or NULL when not imported */
    const char *runtime_name; /* "runtime" */
    const char *cgo_name;     /* "runtime/cgo" (usually "cgo") */
    const char *reflect_name; /* "reflect" */

    char *preamble;            /* C text, or NULL; lines map 1:1 from preamble_line */
    unsigned preamble_line;    /* .go line of the preamble's first line */
    CG_VEC(cg_cgo_directive) directives;
    CG_VEC(cg_go_export) exports;
    CG_VEC(cg_go_linkname) linknames;

    bool has_syntax_errors;
    unsigned first_error_line;
    unsigned first_error_column;

    /* Set when the file was not parsed: nested too deeply for the parser
     * and for the recursive walks of the later stages. The tree is then
     * an empty source_file, and the caller reports the reason. */
    const char *not_analysed;

    cg_arena arena; /* every string above that is not separately owned */
} cg_gofile;

/* Syntax nested deeper than these is not analysed (see not_analysed):
 * real Go code stays far below them, while hostile input (tens of
 * thousands of open brackets, say) breaks tree-sitter 0.20's error
 * recovery (a double free) and overflows the stack of the recursive walks
 * in the type and flow stages. */
enum { CG_GO_MAX_BRACKET_DEPTH = 500, CG_GO_MAX_TREE_DEPTH = 1500 };

/* Parses source (takes ownership of it; it must be NUL-terminated). Never
 * fails for syntax errors: those are recorded in the result. */
cg_gofile *cg_gofile_parse(const char *path, char *source, size_t len);
void cg_gofile_free(cg_gofile *file); /* NULL is a no-op */

/* ---- Node text, shared by the Go-side stages. ---- */
/* Node text copied into the file's arena; "" for the null node. */
const char *cg_node_text(cg_gofile *file, cg_gn node);
/* Compares node text without copying. */
bool cg_node_text_eq(const cg_gofile *file, cg_gn node, const char *text);
/* True when node is a selector "pkg.Name" with the given package-local name
 * and (when name is non-NULL) member name. */
bool cg_node_is_qualified(const cg_gofile *file, cg_gn node, const char *pkg, const char *name);

/* Does the identifier `name` appear as a whole word in the source between
 * two bytes? A cheap filter before resolving identifiers one by one. */
bool cg_gofile_mentions(const cg_gofile *file, uint32_t from, uint32_t to, const char *name);

/* Prints the lowered tree as an S-expression (`cgoguard dump-tree`): kinds,
 * fields, operators, positions and the text of leaves. */
void cg_gofile_print_tree(FILE *out, cg_gofile *file);

#endif /* CG_GOFILE_H */
