/*
 * gopkg.h: package-level view of the Go side: declarations, types, local
 * bindings and the type of an expression.
 *
 * This is a deliberately small type checker: it resolves what cgo rules need
 * (named types, struct fields, pointers/slices/maps/..., locals, parameters,
 * results, package variables, function results, conversions, C.xxx names)
 * and answers "unknown" for everything else (types from other packages,
 * generics, untyped constant arithmetic). Rules must not report on unknown
 * alone. All types live in the package arena.
 */
#ifndef CG_GOPKG_H
#define CG_GOPKG_H

#include "gofile.h"

typedef enum cg_gotype_kind {
    CG_GT_UNKNOWN = 0,
    CG_GT_BOOL,
    CG_GT_INT,     /* every integer type except uintptr (including byte, rune) */
    CG_GT_UINTPTR, /* uintptr, and cgo.Handle whose underlying type is uintptr */
    CG_GT_FLOAT,
    CG_GT_COMPLEX,
    CG_GT_STRING,
    CG_GT_UNSAFE_POINTER,
    CG_GT_POINTER,
    CG_GT_SLICE,
    CG_GT_ARRAY,
    CG_GT_MAP,
    CG_GT_CHAN,
    CG_GT_FUNC,
    CG_GT_INTERFACE,
    CG_GT_STRUCT,
    CG_GT_NAMED, /* a named type of this package; see cg_gotype_underlying */
    CG_GT_C,     /* C.name: the C type is resolved by the model stage */
    CG_GT_TUPLE, /* several results of a call */
    CG_GT_NIL,   /* the untyped nil */
} cg_gotype_kind;

typedef struct cg_gotype cg_gotype;

typedef struct cg_gofield {
    const char *name; /* "" for an embedded field without a simple name */
    cg_gotype *type;
    bool embedded;
} cg_gofield;

struct cg_gotype {
    cg_gotype_kind kind;
    const char *name; /* NAMED: type name; C: the name after "C."; basics: spelling */
    cg_gotype *elem;  /* POINTER, SLICE, ARRAY, CHAN; MAP value */
    const char *length; /* ARRAY: the length as written ("64", "N", "..."), for messages */
    cg_gotype *key;   /* MAP */
    cg_gofield *fields; /* STRUCT */
    size_t field_count;
    cg_gotype **items; /* FUNC results; TUPLE members */
    size_t item_count;
    struct cg_godecl *decl; /* NAMED: its declaration */
    bool c_call; /* C: the result of calling C.name (name is the function,
                  * maybe followed by a field path: "new_table.slots") */
};

typedef enum cg_godecl_kind {
    CG_GODECL_TYPE,
    CG_GODECL_FUNC,
    CG_GODECL_METHOD, /* name is "Recv.Method" */
    CG_GODECL_VAR,
    CG_GODECL_CONST,
} cg_godecl_kind;

typedef struct cg_godecl {
    cg_godecl_kind kind;
    const char *name;
    cg_gofile *file;
    cg_gn node;      /* type_spec, function_declaration, method_declaration, var_spec, const_spec */
    cg_gn type_node; /* TYPE: the type; VAR/CONST: the explicit type or null */
    cg_gn value;     /* VAR/CONST: the initializer expression or null */
    unsigned value_index;
    cg_gotype *type; /* resolved lazily */
    bool resolving;
} cg_godecl;

typedef enum cg_gobinding_kind {
    CG_BIND_PARAM,
    CG_BIND_RESULT,
    CG_BIND_RECEIVER,
    CG_BIND_VAR,   /* var x T = v */
    CG_BIND_SHORT, /* x := v */
    CG_BIND_CONST, /* const x = v */
    CG_BIND_RANGE_KEY,
    CG_BIND_RANGE_VALUE,
    CG_BIND_TYPE_SWITCH, /* switch v := x.(type): one binding per case clause */
    CG_BIND_RECEIVE,     /* case v, ok := <-ch in a select */
} cg_gobinding_kind;

/* A later definition of a local: what the binding's initializer is for its
 * first value. */
typedef enum cg_godef_kind {
    CG_DEF_ASSIGN, /* x = v; x, y = f(); v = <-c; x redeclared by := */
    CG_DEF_UPDATE, /* x += v, x++: computed from the old value */
    CG_DEF_RANGE,  /* for k, v = range e (index 0: the key, 1: the value) */
} cg_godef_kind;

typedef struct cg_godef {
    cg_godef_kind kind;
    cg_gn value;    /* the right-hand side: the expression, or the whole call of x, y = f() */
    unsigned index; /* which result of a multi-value right-hand side */
    cg_gn stmt;     /* the statement (or range clause) that makes it */
} cg_godef;

/* A local name: where it is visible, how it got its first value, and every
 * later definition (for provenance questions such as "is this pointer
 * always C memory?", and for reaching definitions along the control flow). */
typedef struct cg_gobinding {
    const char *name;
    cg_gobinding_kind kind;
    uint32_t scope_start, scope_end; /* bytes where the name is visible */
    uint32_t visible_from;           /* byte after which uses refer to it */
    cg_gn ident;                     /* the declaring identifier */
    cg_gn decl;                      /* the declaring statement, spec, clause or parameter */
    cg_gn type_node;                 /* explicit type (a type switch case's single type), or null */
    cg_gn value;                     /* initializer / range or guard expression, or null */
    unsigned value_index;            /* which result of a multi-value call */
    CG_VEC(cg_godef) defs;           /* every later definition, in source order */
    bool address_taken;              /* &x appears somewhere: it may change through a pointer */
    bool variadic;                   /* ...T parameter: its type is []T */
    cg_gotype *type;
    bool resolving; /* its type is being resolved (type T T, x := x) */
    bool visiting;  /* a model walk through its definitions is in progress (p = p.next) */
} cg_gobinding;

typedef struct cg_gofunc {
    cg_gn node; /* function_declaration, method_declaration or func_literal */
    cg_gofile *file;
    size_t file_index; /* position of file in the package's files */
    const char *name;  /* "F" or "T.M" */
    CG_VEC(cg_gobinding *) bindings; /* of this function and its nested literals */
    cg_ptrmap declared;              /* declaring identifier -> its binding */
    cg_ptrmap resolved;              /* identifier use -> its binding (or a miss marker) */
    bool bindings_done;
} cg_gofunc;

typedef struct cg_gopkg {
    char *dir;
    const char *name;
    CG_VEC(cg_gofile *) files;
    CG_VEC(cg_gofunc *) funcs; /* top-level functions and methods, in file order */
    cg_strmap decls;           /* name -> cg_godecl* */
    cg_ptrmap cfgs;            /* function node -> its control-flow graph (gocfg.h) */
    cg_arena arena;
} cg_gopkg;

/* The package takes ownership of the files. */
cg_gopkg *cg_gopkg_new(const char *dir);
void cg_gopkg_add_file(cg_gopkg *pkg, cg_gofile *file);
/* Indexes declarations; call once after every file is added. */
void cg_gopkg_index(cg_gopkg *pkg);
void cg_gopkg_free(cg_gopkg *pkg); /* NULL is a no-op */

const cg_godecl *cg_gopkg_decl(const cg_gopkg *pkg, const char *name);

/* Type of a type expression (pointer_type, qualified_type, ...). */
cg_gotype *cg_gopkg_type_of_type(cg_gopkg *pkg, cg_gofile *file, cg_gn type_node);
/* Type of a value expression; CG_GT_UNKNOWN when it cannot tell. */
cg_gotype *cg_gopkg_type_of_expr(cg_gopkg *pkg, cg_gofile *file, cg_gn expr);
/* When expr is a conversion T(x) (including (*T)(x) and unsafe.Pointer(x)),
 * sets *operand and returns the target type; otherwise returns NULL. */
cg_gotype *cg_gopkg_conversion(cg_gopkg *pkg, cg_gofile *file, cg_gn expr, cg_gn *operand);
/* True when the node (an identifier, selector or type node) names a type. */
bool cg_gopkg_names_type(cg_gopkg *pkg, cg_gofile *file, cg_gn node);

/* The FUNC type (results in items) of a function_declaration,
 * method_declaration or func_literal node. */
cg_gotype *cg_gopkg_func_type(cg_gopkg *pkg, cg_gofile *file, cg_gn func);
/* The top-level function containing node (nested literals belong to it). */
cg_gofunc *cg_gopkg_func_at(cg_gopkg *pkg, cg_gofile *file, cg_gn node);
/* The innermost function (declaration, method or func literal) that strictly
 * contains node; null when node is not inside one. */
cg_gn cg_gopkg_enclosing_func(cg_gopkg *pkg, cg_gofile *file, cg_gn node);
/* The local binding an identifier refers to or declares, or NULL
 * (package-level or unknown). */
cg_gobinding *cg_gopkg_binding(cg_gopkg *pkg, cg_gofile *file, cg_gn ident);
/* True when ident is the declaring identifier of a local (x in x := v). */
bool cg_gopkg_declares(cg_gopkg *pkg, cg_gofile *file, cg_gn ident);
/* The one value a local ever gets: its initializer when it has no later
 * definition, or its single plain assignment when it is declared without
 * one (var p T; p = v). Null for several values, for a later result of a
 * multi-value call, and for parameters. */
cg_gn cg_binding_single_value(const cg_gobinding *b);
/* The expression whose value a definition stores: the right-hand side of a
 * plain assignment (the first result of a multi-value call); NULL when the
 * value is a later result, computed from the old one (x += v) or a range
 * element: then it is not a whole expression of its own. */
static inline cg_gn cg_def_value(const cg_godef *d) {
    return d->kind == CG_DEF_ASSIGN && d->index == 0 && !cg_gn_is(d->stmt, CG_GK_RECEIVE_STATEMENT) ? d->value : NULL;
}
/* The type of a local binding (its declaring identifier is not a use of it,
 * so cg_gopkg_type_of_expr on b->ident may not find it). */
cg_gotype *cg_gopkg_binding_type(cg_gopkg *pkg, cg_gofile *file, cg_gobinding *b);
/* The function a call expression calls, when it is a function or method of
 * this package; NULL otherwise. */
const cg_godecl *cg_gopkg_callee(cg_gopkg *pkg, cg_gofile *file, cg_gn call);

/* The argument a call passes for a parameter of the function `decl`
 * (counting the declared names), or for the receiver the operand x of
 * x.M(...); NULL for a variadic parameter or a missing argument. */
cg_gn cg_gopkg_call_argument(cg_gn call, const cg_gobinding *param, cg_gn decl);

/* Does the call call `member` of the package imported as `import_path`
 * ("runtime/cgo", "runtime", "unsafe" or "reflect")? Directly
 * (cgo.NewHandle(v), under the file's own name for the import), or through
 * a package variable or a local that holds only that function
 * (var newHandle = cgo.NewHandle; newHandle(v)). */
bool cg_gopkg_calls(cg_gopkg *pkg, cg_gofile *file, cg_gn call, const char *import_path, const char *member);

/* Strips NAMED (following declarations) to the underlying type. */
cg_gotype *cg_gotype_underlying(cg_gopkg *pkg, cg_gotype *type);
/* Field by name in a struct (or pointer to struct), including promoted fields
 * of embedded structs; NULL when absent or unknown. */
const cg_gofield *cg_gotype_field(cg_gopkg *pkg, cg_gotype *type, const char *name);
/* The method `name` of type (T or *T, T a named type of this package):
 * declared on T or promoted from an embedded field, the shallowest as in
 * the spec (NULL when two at that depth have it, or none does). */
const cg_godecl *cg_gopkg_method(cg_gopkg *pkg, cg_gotype *type, const char *name);
/* "map[string]int", "*C.struct_s", ... for messages (arena string). */
const char *cg_gotype_string(cg_gopkg *pkg, cg_gotype *type);

#endif /* CG_GOPKG_H */
