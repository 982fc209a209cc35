/*
 * gofile.c: parses one Go file with tree-sitter-go and extracts the cgo
 * preamble, #cgo directives, imports, //export and //go:linkname lines.
 */
#include "gofile.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_go(void);

/* ---- tree-sitter helpers (this file only: the parse and the lowering) ---- */

static bool ts_is(TSNode node, const char *type) {
    return !ts_node_is_null(node) && strcmp(ts_node_type(node), type) == 0;
}

static TSNode ts_field(TSNode node, const char *field) {
    if (ts_node_is_null(node)) return node;
    return ts_node_child_by_field_name(node, field, (uint32_t)strlen(field));
}

static const char *ts_text(cg_gofile *file, TSNode node) {
    if (ts_node_is_null(node)) return "";
    uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
    return cg_arena_strndup(&file->arena, file->source + start, end - start);
}

static unsigned ts_line(TSNode node) { return ts_node_start_point(node).row + 1; }

/* ---- Node text ---- */

const char *cg_node_text(cg_gofile *file, cg_gn node) {
    if (!node) return "";
    return cg_arena_strndup(&file->arena, file->source + node->start, node->end - node->start);
}

bool cg_node_text_eq(const cg_gofile *file, cg_gn node, const char *text) {
    if (!node) return false;
    size_t n = strlen(text);
    return node->end - node->start == n && memcmp(file->source + node->start, text, n) == 0;
}

bool cg_node_is_qualified(const cg_gofile *file, cg_gn node, const char *pkg, const char *name) {
    if (!pkg) return false;
    node = cg_gn_unparen(node);
    cg_gn operand, member;
    if (cg_gn_is(node, CG_GK_SELECTOR_EXPRESSION)) {
        operand = cg_gn_field(node, CG_GF_OPERAND);
        member = cg_gn_field(node, CG_GF_FIELD);
    } else if (cg_gn_is(node, CG_GK_QUALIFIED_TYPE)) {
        operand = cg_gn_field(node, CG_GF_PACKAGE);
        member = cg_gn_field(node, CG_GF_NAME);
    } else {
        return false;
    }
    if (!cg_gn_is(operand, CG_GK_IDENTIFIER) && !cg_gn_is(operand, CG_GK_PACKAGE_IDENTIFIER))
        return false;
    return cg_node_text_eq(file, operand, pkg) && (!name || cg_node_text_eq(file, member, name));
}

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

bool cg_gofile_mentions(const cg_gofile *file, uint32_t from, uint32_t to, const char *name) {
    size_t n = strlen(name);
    if (!n || to > file->source_len || from >= to || to - from < n) return false;
    const char *s = file->source, *p = s + from, *end = s + to - n;
    while (p <= end && (p = memchr(p, name[0], (size_t)(end - p) + 1)) != NULL) {
        if (memcmp(p, name, n) == 0 && (p == s || !ident_char(p[-1])) &&
            (p + n == s + file->source_len || !ident_char(p[n])))
            return true;
        p++;
    }
    return false;
}

/* ---- Imports ---- */

/* The import path without quotes, in the arena. */
static const char *import_path(cg_gofile *file, TSNode spec) {
    const char *quoted = ts_text(file, ts_field(spec, "path"));
    size_t n = strlen(quoted);
    if (n >= 2) return cg_arena_strndup(&file->arena, quoted + 1, n - 2);
    return quoted;
}

/* Contiguous comments that end on the line right before `node` (its doc). */
static void doc_comment_range(TSNode node, TSNode *first, TSNode *last, bool *found) {
    *found = false;
    unsigned want_end_row = ts_node_start_point(node).row;
    TSNode prev = ts_node_prev_sibling(node);
    while (!ts_node_is_null(prev) && ts_is(prev, "comment")) {
        unsigned end_row = ts_node_end_point(prev).row;
        /* A line comment's node ends on its own row; a block ends on its last row. */
        if (end_row + 1 != want_end_row && end_row != want_end_row) break;
        if (end_row == want_end_row && ts_node_end_point(prev).column > ts_node_start_point(node).column)
            break;
        if (!*found) *last = prev;
        *first = prev;
        *found = true;
        want_end_row = ts_node_start_point(prev).row;
        prev = ts_node_prev_sibling(prev);
    }
}

/* Copies source lines [first_row, last_row] and blanks everything that is
 * not comment content, so C positions equal Go positions. */
static char *blank_preamble(const cg_gofile *file, TSNode first, TSNode last) {
    uint32_t start = ts_node_start_byte(first);
    while (start > 0 && file->source[start - 1] != '\n') start--;
    uint32_t end = ts_node_end_byte(last);
    char *text = cg_xstrndup(file->source + start, end - start);
    /* Blank every byte outside comment nodes, and the comment delimiters. */
    size_t len = end - start;
    char *keep = cg_xcalloc(len ? len : 1, 1);
    for (TSNode c = first;; c = ts_node_next_sibling(c)) {
        uint32_t cs = ts_node_start_byte(c) - start, ce = ts_node_end_byte(c) - start;
        if (ts_is(c, "comment")) {
            bool block = file->source[start + cs + 1] == '*';
            uint32_t body_start = cs + 2, body_end = block && ce >= cs + 4 ? ce - 2 : ce;
            for (uint32_t i = body_start; i < body_end; i++) keep[i] = 1;
        }
        if (ts_node_eq(c, last)) break;
    }
    for (size_t i = 0; i < len; i++)
        if (!keep[i] && text[i] != '\n') text[i] = ' ';
    free(keep);
    return text;
}

static void parse_cgo_directives(cg_gofile *file) {
    char *line = file->preamble;
    unsigned lineno = file->preamble_line;
    while (line && *line) {
        char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        char *p = line;
        while (p < line + len && isspace((unsigned char)*p)) p++;
        if ((size_t)(line + len - p) > 5 && strncmp(p, "#cgo", 4) == 0 && isspace((unsigned char)p[4])) {
            char *body = cg_arena_strndup(&file->arena, p + 4, (size_t)(line + len - p - 4));
            char *colon = strchr(body, ':');
            cg_cgo_directive d = {.condition = "", .verb = "", .args = "", .line = lineno};
            char *head = body;
            if (colon) {
                *colon = '\0';
                d.args = colon + 1;
            }
            /* head: "[cond...] VERB" (noescape/nocallback have no colon: "noescape f") */
            char *words[8];
            size_t nwords = 0;
            for (char *tok = strtok(head, " \t"); tok && nwords < 8; tok = strtok(NULL, " \t"))
                words[nwords++] = tok;
            if (nwords > 0) {
                if (!colon && nwords >= 2 &&
                    (strcmp(words[0], "noescape") == 0 || strcmp(words[0], "nocallback") == 0)) {
                    d.verb = words[0];
                    d.args = words[1];
                } else {
                    d.verb = words[nwords - 1];
                    if (nwords > 1) {
                        cg_strbuf sb;
                        cg_strbuf_init(&sb);
                        for (size_t i = 0; i + 1 < nwords; i++)
                            cg_strbuf_printf(&sb, "%s%s", i ? " " : "", words[i]);
                        d.condition = cg_arena_strdup(&file->arena, sb.data);
                        cg_strbuf_free(&sb);
                    }
                }
                while (isspace((unsigned char)*d.args)) d.args++;
                cg_vec_push(&file->directives, d);
            }
            /* cgo removes #cgo lines from the C text; keep the line count. */
            memset(line, ' ', len);
        }
        lineno++;
        line = eol ? eol + 1 : NULL;
    }
}

static void scan_imports(cg_gofile *file, TSNode root) {
    uint32_t n = ts_node_named_child_count(root);
    for (uint32_t i = 0; i < n; i++) {
        TSNode decl = ts_node_named_child(root, i);
        if (ts_is(decl, "package_clause")) {
            file->package_name = ts_text(file, ts_node_named_child(decl, 0));
            continue;
        }
        if (!ts_is(decl, "import_declaration")) continue;
        TSNode first_spec = ts_node_named_child(decl, 0);
        bool grouped = ts_is(first_spec, "import_spec_list");
        TSNode list = grouped ? first_spec : decl;
        uint32_t m = ts_node_named_child_count(list);
        for (uint32_t j = 0; j < m; j++) {
            TSNode spec = ts_node_named_child(list, j);
            if (!ts_is(spec, "import_spec")) continue;
            const char *path = import_path(file, spec);
            TSNode alias = ts_field(spec, "name");
            const char *local = ts_node_is_null(alias) ? NULL : ts_text(file, alias);
            if (strcmp(path, "C") == 0) {
                file->imports_c = true;
                file->import_c_line = ts_line(spec);
                TSNode first, last;
                bool found;
                doc_comment_range(grouped ? spec : decl, &first, &last, &found);
                /* cgo concatenates the preambles of several import "C" in one
                 * file; this model keeps one line-mapped block: the first. */
                if (found && !file->preamble) {
                    file->preamble = blank_preamble(file, first, last);
                    file->preamble_line = ts_line(first);
                    parse_cgo_directives(file);
                }
            } else if (strcmp(path, "unsafe") == 0) {
                file->unsafe_name = local ? local : "unsafe";
            } else if (strcmp(path, "runtime") == 0) {
                file->runtime_name = local ? local : "runtime";
            } else if (strcmp(path, "runtime/cgo") == 0) {
                file->cgo_name = local ? local : "cgo";
            } else if (strcmp(path, "reflect") == 0) {
                file->reflect_name = local ? local : "reflect";
            }
        }
    }
}

/* //export Name directly in the doc comment of a function; //go:linkname
 * anywhere. Comments are not part of the lowered tree, so this reads the
 * tree-sitter tree; an export's function is found in the lowered tree by
 * its position afterwards (link_exports). */
typedef CG_VEC(uint32_t) offset_vec;

static void scan_directive_comments(cg_gofile *file, TSNode root, offset_vec *export_starts) {
    uint32_t n = ts_node_named_child_count(root);
    for (uint32_t i = 0; i < n; i++) {
        TSNode node = ts_node_named_child(root, i);
        if (!ts_is(node, "comment")) continue;
        const char *text = ts_text(file, node);
        if (strncmp(text, "//export ", 9) == 0) {
            /* The function must follow with only comments in between. */
            TSNode next = ts_node_next_named_sibling(node);
            while (!ts_node_is_null(next) && ts_is(next, "comment"))
                next = ts_node_next_named_sibling(next);
            if (!ts_is(next, "function_declaration")) continue;
            const char *name = text + 9;
            while (*name == ' ') name++;
            size_t len = strcspn(name, " \t\r\n");
            cg_go_export e = {.name = cg_arena_strndup(&file->arena, name, len), .line = ts_line(node)};
            cg_vec_push(&file->exports, e);
            cg_vec_push(export_starts, ts_node_start_byte(next));
        } else if (strncmp(text, "//go:linkname ", 14) == 0) {
            char *rest = cg_arena_strdup(&file->arena, text + 14);
            char *local = strtok(rest, " \t");
            char *target = strtok(NULL, " \t");
            if (!local) continue;
            cg_go_linkname l = {.local = local,
                                .target = target ? target : "",
                                .line = ts_line(node),
                                .column = ts_node_start_point(node).column + 1,
                                .end_column = ts_node_end_point(node).column + 1};
            cg_vec_push(&file->linknames, l);
        }
    }
}

static bool find_first_error(TSNode node, TSPoint *where) {
    if (ts_is(node, "ERROR") || ts_node_is_missing(node)) {
        *where = ts_node_start_point(node);
        return true;
    }
    if (!ts_node_has_error(node)) return false;
    uint32_t n = ts_node_child_count(node);
    for (uint32_t i = 0; i < n; i++)
        if (find_first_error(ts_node_child(node, i), where)) return true;
    *where = ts_node_start_point(node);
    return true;
}

/* ---- Nesting limits (see CG_GO_MAX_BRACKET_DEPTH) ---- */

/* What a lexical pass over Go source tells before tree-sitter sees it. */
typedef struct lex_shape {
    size_t bracket_depth; /* deepest nesting of ( [ { */
    size_t tokens;        /* an upper bound on the number of tokens */
    bool unbalanced;      /* a bracket left open at the end, or closed without an opener */
} lex_shape;

static bool is_word_byte(unsigned char c) { return isalnum(c) || c == '_' || c >= 0x80; }

/* Skips comments, strings and runes the way the Go scanner does (an
 * interpreted string or rune ends at a newline); every other byte that is
 * not white space or part of a word counts as one token, so the count
 * never falls below the real one. */
static lex_shape lex_shape_of(const char *s, size_t len) {
    lex_shape shape = {0, 0, false};
    size_t depth = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (isspace((unsigned char)c)) continue;
        shape.tokens++;
        if (c == '/' && i + 1 < len && s[i + 1] == '/') {
            while (i < len && s[i] != '\n') i++;
        } else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
            for (i += 2; i < len && !(s[i] == '*' && i + 1 < len && s[i + 1] == '/'); i++) {}
            i++; /* onto the '/' (or past the end) */
        } else if (c == '`') {
            for (i++; i < len && s[i] != '`'; i++) {}
        } else if (c == '"' || c == '\'') {
            for (i++; i < len && s[i] != c && s[i] != '\n'; i++)
                if (s[i] == '\\') i++;
        } else if (is_word_byte((unsigned char)c)) {
            while (i + 1 < len && is_word_byte((unsigned char)s[i + 1])) i++;
        } else if (c == '(' || c == '[' || c == '{') {
            if (++depth > shape.bracket_depth) shape.bracket_depth = depth;
        } else if (c == ')' || c == ']' || c == '}') {
            if (depth > 0) depth--;
            else shape.unbalanced = true;
        }
    }
    if (depth) shape.unbalanced = true;
    return shape;
}

/* tree-sitter 0.20.7 builds a broken node (its children found through a
 * truncated count: reads of and a free() of the wrong memory) when error
 * recovery gathers 65536 or more subtrees into one node, e.g. at the end of
 * 70000 unclosed `-` (found with hostile input). That needs at least that
 * many tokens and a syntax error. Such a tree can be neither walked nor deleted,
 * nor can the parser that built it (its node pool may hold the broken node):
 * both stay reachable here until exit, and the file is not analysed. */
enum { TS_MAX_SAFE_ERROR_TOKENS = 65535 };
static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
static CG_VEC(void *) quarantine; /* TSTree and TSParser pointers */

static void quarantine_add(void *object) {
    pthread_mutex_lock(&quarantine_lock);
    cg_vec_push(&quarantine, object);
    pthread_mutex_unlock(&quarantine_lock);
}

/* The depth of the deepest node, walked with a cursor (no recursion). */
static size_t tree_depth(TSNode root) {
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    size_t depth = 1, max = 1;
    for (;;) {
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            if (++depth > max) max = depth;
            continue;
        }
        while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
            if (!ts_tree_cursor_goto_parent(&cursor)) {
                ts_tree_cursor_delete(&cursor);
                return max;
            }
            depth--;
        }
    }
}

/* Parses Go source. With more than TS_MAX_SAFE_ERROR_TOKENS tokens and a
 * syntax error, the tree and the parser (whose node pool may hold the
 * broken node) are quarantined and NULL is returned. */
static TSTree *parse_go(const char *source, size_t len, size_t tokens) {
    TSParser *parser = ts_parser_new();
    CG_ASSERT(ts_parser_set_language(parser, tree_sitter_go()));
    TSTree *tree = ts_parser_parse_string(parser, NULL, source, (uint32_t)len);
    CG_ASSERT(tree != NULL);
    if (tokens > TS_MAX_SAFE_ERROR_TOKENS && ts_node_has_error(ts_tree_root_node(tree))) {
        quarantine_add(tree);
        quarantine_add(parser);
        return NULL;
    }
    ts_parser_delete(parser);
    return tree;
}

/* ---- Lowering (see goast.h) ---- */

/* Grammar symbols and field ids to our enums, built once per process. */
typedef struct lowering_tables {
    cg_gk *kinds;        /* by TSSymbol */
    uint32_t kind_count;
    cg_gfield *fields;   /* by TSFieldId */
    uint32_t field_count;
} lowering_tables;

static lowering_tables tables;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static const struct {
    const char *name;
    cg_gk kind;
} kind_rows[] = {
#define CG_GK(id, name) {name, CG_GK_##id},
#include "gokinds.def"
#undef CG_GK
};

static const struct {
    const char *name;
    cg_gfield field;
} field_rows[] = {
#define CG_GF(id, name) {name, CG_GF_##id},
#include "gofields.def"
#undef CG_GF
};

static void build_tables(void) {
    const TSLanguage *lang = tree_sitter_go();
    tables.kind_count = ts_language_symbol_count(lang);
    tables.kinds = cg_xcalloc(tables.kind_count, sizeof(cg_gk));
    for (uint32_t sym = 0; sym < tables.kind_count; sym++) {
        tables.kinds[sym] = CG_GK_OTHER;
        if (ts_language_symbol_type(lang, (TSSymbol)sym) != TSSymbolTypeRegular) continue;
        const char *name = ts_language_symbol_name(lang, (TSSymbol)sym);
        for (size_t i = 0; name && i < sizeof kind_rows / sizeof kind_rows[0]; i++)
            if (strcmp(kind_rows[i].name, name) == 0) tables.kinds[sym] = kind_rows[i].kind;
    }
    tables.field_count = ts_language_field_count(lang) + 1; /* ids start at 1 */
    tables.fields = cg_xcalloc(tables.field_count, sizeof(cg_gfield));
    for (uint32_t id = 1; id < tables.field_count; id++) {
        const char *name = ts_language_field_name_for_id(lang, (TSFieldId)id);
        for (size_t i = 0; name && i < sizeof field_rows / sizeof field_rows[0]; i++)
            if (strcmp(field_rows[i].name, name) == 0) tables.fields[id] = field_rows[i].field;
    }
}

static cg_gk kind_of(TSNode n) {
    TSSymbol sym = ts_node_symbol(n);
    if (sym == (TSSymbol)-1) return CG_GK_ERROR; /* ts_builtin_sym_error */
    return sym < tables.kind_count ? tables.kinds[sym] : CG_GK_OTHER;
}

/* Kept in the lowered tree: named nodes except comments. */
static bool kept(TSNode n) { return ts_node_is_named(n) && kind_of(n) != CG_GK_COMMENT; }

static size_t count_kept(TSNode root) {
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    size_t count = 0;
    for (;;) {
        count += kept(ts_tree_cursor_current_node(&cursor));
        if (ts_tree_cursor_goto_first_child(&cursor)) continue;
        while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
            if (!ts_tree_cursor_goto_parent(&cursor)) {
                ts_tree_cursor_delete(&cursor);
                return count;
            }
        }
    }
}

static cg_gop token_op(const char *t) {
    static const struct {
        const char *text;
        cg_gop op;
    } ops[] = {
        {"&", CG_GOP_AMP},   {"*", CG_GOP_STAR},    {"+", CG_GOP_PLUS},    {"-", CG_GOP_MINUS},
        {"!", CG_GOP_NOT},   {"^", CG_GOP_XOR},     {"<-", CG_GOP_ARROW},  {"/", CG_GOP_SLASH},
        {"%", CG_GOP_PERCENT}, {"<<", CG_GOP_SHL},  {">>", CG_GOP_SHR},    {"&^", CG_GOP_AND_NOT},
        {"|", CG_GOP_OR},    {"==", CG_GOP_EQ},     {"!=", CG_GOP_NE},     {"<", CG_GOP_LT},
        {"<=", CG_GOP_LE},   {">", CG_GOP_GT},      {">=", CG_GOP_GE},     {"&&", CG_GOP_ANDAND},
        {"||", CG_GOP_OROR}, {"=", CG_GOP_ASSIGN},  {":=", CG_GOP_DEFINE},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].text, t) == 0) return ops[i].op;
    size_t n = strlen(t);
    if (n >= 2 && t[n - 1] == '=') return CG_GOP_OP_ASSIGN; /* +=, <<=, &^=, ... */
    return CG_GOP_NONE;
}

/* The operator of a node from its anonymous children (the tokens the
 * lowered tree drops). */
static void note_token(struct cg_gnode *node, TSNode token, TSFieldId field, bool seen_chan) {
    const char *t = ts_node_type(token);
    switch ((cg_gk)node->kind) {
    case CG_GK_UNARY_EXPRESSION:
    case CG_GK_BINARY_EXPRESSION:
    case CG_GK_ASSIGNMENT_STATEMENT:
        if (field && field < tables.field_count && tables.fields[field] == CG_GF_OPERATOR)
            node->op = (uint8_t)token_op(t);
        break;
    case CG_GK_RANGE_CLAUSE:
    case CG_GK_RECEIVE_STATEMENT:
        if (strcmp(t, ":=") == 0 || strcmp(t, "=") == 0) node->op = (uint8_t)token_op(t);
        break;
    case CG_GK_CHANNEL_TYPE:
        if (strcmp(t, "<-") == 0) node->op = seen_chan ? CG_GOP_CHAN_SEND : CG_GOP_CHAN_RECV;
        break;
    default: break;
    }
}

static void fill(struct cg_gnode *node, TSNode n, cg_gn parent, uint32_t index, TSFieldId field) {
    node->kind = (uint16_t)kind_of(n);
    node->field = field && field < tables.field_count ? (uint8_t)tables.fields[field] : CG_GF_NONE;
    node->start = ts_node_start_byte(n);
    node->end = ts_node_end_byte(n);
    TSPoint s = ts_node_start_point(n), e = ts_node_end_point(n);
    node->line = s.row + 1;
    node->column = s.column + 1;
    node->end_line = e.row + 1;
    node->end_column = e.column + 1;
    node->parent = parent;
    node->index = index;
    if (node->kind == CG_GK_SHORT_VAR_DECLARATION) node->op = CG_GOP_DEFINE;
    else if (node->kind == CG_GK_INC_STATEMENT) node->op = CG_GOP_INC;
    else if (node->kind == CG_GK_DEC_STATEMENT) node->op = CG_GOP_DEC;
}

/* Breadth-first, so that the children of each node are consecutive: the
 * node array itself is the queue, with the tree-sitter node of each entry
 * kept beside it until the lowering ends. */
static void lower(cg_gofile *file, TSNode root) {
    size_t count = count_kept(root);
    struct cg_gnode *nodes = cg_xcalloc(count ? count : 1, sizeof *nodes);
    TSNode *from = cg_xcalloc(count ? count : 1, sizeof *from);
    fill(&nodes[0], root, NULL, 0, 0);
    from[0] = root;
    size_t next = 1;
    for (size_t i = 0; i < next; i++) {
        struct cg_gnode *node = &nodes[i];
        node->children = &nodes[next];
        TSTreeCursor cursor = ts_tree_cursor_new(from[i]);
        bool seen_chan = false;
        for (bool more = ts_tree_cursor_goto_first_child(&cursor); more;
             more = ts_tree_cursor_goto_next_sibling(&cursor)) {
            TSNode c = ts_tree_cursor_current_node(&cursor);
            TSFieldId field = ts_tree_cursor_current_field_id(&cursor);
            if (!kept(c)) {
                if (!ts_node_is_named(c)) note_token(node, c, field, seen_chan);
                if (strcmp(ts_node_type(c), "chan") == 0) seen_chan = true;
                continue;
            }
            CG_ASSERT(next < count);
            fill(&nodes[next], c, node, node->child_count++, field);
            from[next++] = c;
        }
        ts_tree_cursor_delete(&cursor);
        if (!node->child_count) node->children = NULL;
    }
    CG_ASSERT(next == count);
    free(from);
    file->nodes = nodes;
    file->node_count = count;
    file->root = &nodes[0];
}

/* The function declaration of each //export, by position. */
static void link_exports(cg_gofile *file, const uint32_t *starts) {
    for (size_t e = 0; e < file->exports.len; e++) {
        for (uint32_t i = 0; i < file->root->child_count; i++) {
            cg_gn decl = &file->root->children[i];
            if (decl->start == starts[e] && decl->kind == CG_GK_FUNCTION_DECLARATION) file->exports.items[e].func = decl;
        }
    }
}

static void empty_tree(cg_gofile *file) {
    struct cg_gnode *root = cg_xcalloc(1, sizeof *root);
    root->kind = CG_GK_SOURCE_FILE;
    root->line = root->end_line = root->column = root->end_column = 1;
    file->nodes = root;
    file->node_count = 1;
    file->root = root;
}

cg_gofile *cg_gofile_parse(const char *path, char *source, size_t len) {
    pthread_once(&tables_once, build_tables);
    cg_gofile *file = cg_xcalloc(1, sizeof(*file));
    cg_arena_init(&file->arena);
    file->path = cg_xstrdup(path);
    file->source = source;
    file->source_len = len;
    file->package_name = "";

    TSTree *tree = NULL;
    lex_shape shape = lex_shape_of(source, len);
    if (shape.bracket_depth > CG_GO_MAX_BRACKET_DEPTH) {
        file->not_analysed = cg_arena_printf(
            &file->arena, "brackets nested %zu deep, over the limit of %d", shape.bracket_depth,
            (int)CG_GO_MAX_BRACKET_DEPTH);
    } else if ((shape.unbalanced && shape.tokens > TS_MAX_SAFE_ERROR_TOKENS) ||
               (tree = parse_go(source, len, shape.tokens)) == NULL) {
        /* Unbalanced brackets are a syntax error for sure, so such a tree
         * would be refused below anyway; not parsing it at all also saves
         * tree-sitter's error recovery, which grows quadratically (a 1 MB
         * file with an unclosed `(` took 65 s). */
        file->not_analysed = cg_arena_printf(
            &file->arena,
            "it has a syntax error and about %zu tokens, and past %d tokens the Go parser "
            "(tree-sitter 0.20) can build a broken tree for such a file",
            shape.tokens, (int)TS_MAX_SAFE_ERROR_TOKENS);
    } else {
        size_t depth = tree_depth(ts_tree_root_node(tree));
        if (depth > CG_GO_MAX_TREE_DEPTH) {
            file->not_analysed = cg_arena_printf(
                &file->arena, "syntax nested %zu levels deep, over the limit of %d", depth,
                (int)CG_GO_MAX_TREE_DEPTH);
            ts_tree_delete(tree);
        }
    }
    if (file->not_analysed) {
        empty_tree(file); /* every walk sees nothing */
        return file;
    }
    TSNode root = ts_tree_root_node(tree);
    if (ts_node_has_error(root)) {
        TSPoint where = {0, 0};
        find_first_error(root, &where);
        file->has_syntax_errors = true;
        file->first_error_line = where.row + 1;
        file->first_error_column = where.column + 1;
    }
    offset_vec export_starts = {0};
    scan_imports(file, root);
    scan_directive_comments(file, root, &export_starts);
    lower(file, root);
    link_exports(file, export_starts.items);
    cg_vec_free(&export_starts);
    ts_tree_delete(tree);
    return file;
}

void cg_gofile_free(cg_gofile *file) {
    if (!file) return;
    free(file->nodes);
    free(file->source);
    free(file->preamble);
    free(file->path);
    cg_vec_free(&file->directives);
    cg_vec_free(&file->exports);
    cg_vec_free(&file->linknames);
    cg_arena_free(&file->arena);
    free(file);
}

static void print_node(FILE *out, cg_gofile *file, cg_gn n, int depth) {
    fprintf(out, "%*s", depth * 2, "");
    if (n->field) fprintf(out, "%s: ", cg_gfield_name((cg_gfield)n->field));
    fprintf(out, "(%s", cg_gk_name((cg_gk)n->kind));
    if (n->op) fprintf(out, " [%s]", cg_gop_name((cg_gop)n->op));
    fprintf(out, " %u:%u", n->line, n->column);
    if (!n->child_count) {
        size_t len = n->end - n->start;
        fprintf(out, " \"%.*s%s\"", (int)(len > 40 ? 40 : len), file->source + n->start, len > 40 ? "..." : "");
    }
    for (uint32_t i = 0; i < n->child_count; i++) {
        fputc('\n', out);
        print_node(out, file, &n->children[i], depth + 1);
    }
    fputc(')', out);
}

void cg_gofile_print_tree(FILE *out, cg_gofile *file) {
    print_node(out, file, file->root, 0);
    fputc('\n', out);
}
