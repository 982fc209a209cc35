/*
 * gofile.c: parses one Go file with tree-sitter-go and extracts the cgo
 * preamble, #cgo directives, imports, //export and //go:linkname lines.
 */
#include "gofile.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const TSLanguage *tree_sitter_go(void);

/* ---- Node helpers ---- */

bool cg_node_is(TSNode node, const char *type) {
    return !ts_node_is_null(node) && strcmp(ts_node_type(node), type) == 0;
}

TSNode cg_node_field(TSNode node, const char *field) {
    /* tree-sitter dereferences a null node; broken code (an empty receiver
     * list, a missing operand) hands us null nodes, so absorb them here. */
    if (ts_node_is_null(node)) return node;
    return ts_node_child_by_field_name(node, field, (uint32_t)strlen(field));
}

const char *cg_node_text(cg_gofile *file, TSNode node) {
    if (ts_node_is_null(node)) return "";
    uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
    return cg_arena_strndup(&file->arena, file->source + start, end - start);
}

bool cg_node_text_eq(const cg_gofile *file, TSNode node, const char *text) {
    if (ts_node_is_null(node)) return false;
    uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
    size_t n = strlen(text);
    return end - start == n && memcmp(file->source + start, text, n) == 0;
}

unsigned cg_node_line(TSNode node) { return ts_node_start_point(node).row + 1; }

unsigned cg_node_column(TSNode node) { return ts_node_start_point(node).column + 1; }

TSNode cg_node_unparen(TSNode node) {
    while (cg_node_is(node, "parenthesized_expression") || cg_node_is(node, "parenthesized_type")) {
        TSNode inner = ts_node_named_child(node, 0);
        if (ts_node_is_null(inner)) break;
        node = inner;
    }
    return node;
}

bool cg_node_is_qualified(const cg_gofile *file, TSNode node, const char *pkg, const char *name) {
    if (!pkg) return false;
    node = cg_node_unparen(node);
    TSNode operand, member;
    if (cg_node_is(node, "selector_expression")) {
        operand = cg_node_field(node, "operand");
        member = cg_node_field(node, "field");
    } else if (cg_node_is(node, "qualified_type")) {
        operand = cg_node_field(node, "package");
        member = cg_node_field(node, "name");
    } else {
        return false;
    }
    if (!cg_node_is(operand, "identifier") && !cg_node_is(operand, "package_identifier"))
        return false;
    return cg_node_text_eq(file, operand, pkg) && (!name || cg_node_text_eq(file, member, name));
}

/* ---- Imports ---- */

/* The import path without quotes, in the arena. */
static const char *import_path(cg_gofile *file, TSNode spec) {
    const char *quoted = cg_node_text(file, cg_node_field(spec, "path"));
    size_t n = strlen(quoted);
    if (n >= 2) return cg_arena_strndup(&file->arena, quoted + 1, n - 2);
    return quoted;
}

/* Contiguous comments that end on the line right before `node` (its doc). */
static void doc_comment_range(TSNode node, TSNode *first, TSNode *last, bool *found) {
    *found = false;
    unsigned want_end_row = ts_node_start_point(node).row;
    TSNode prev = ts_node_prev_sibling(node);
    while (!ts_node_is_null(prev) && cg_node_is(prev, "comment")) {
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
        if (cg_node_is(c, "comment")) {
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

static void scan_imports(cg_gofile *file) {
    uint32_t n = ts_node_named_child_count(file->root);
    for (uint32_t i = 0; i < n; i++) {
        TSNode decl = ts_node_named_child(file->root, i);
        if (cg_node_is(decl, "package_clause")) {
            file->package_name = cg_node_text(file, ts_node_named_child(decl, 0));
            continue;
        }
        if (!cg_node_is(decl, "import_declaration")) continue;
        TSNode first_spec = ts_node_named_child(decl, 0);
        bool grouped = cg_node_is(first_spec, "import_spec_list");
        TSNode list = grouped ? first_spec : decl;
        uint32_t m = ts_node_named_child_count(list);
        for (uint32_t j = 0; j < m; j++) {
            TSNode spec = ts_node_named_child(list, j);
            if (!cg_node_is(spec, "import_spec")) continue;
            const char *path = import_path(file, spec);
            TSNode alias = cg_node_field(spec, "name");
            const char *local = ts_node_is_null(alias) ? NULL : cg_node_text(file, alias);
            if (strcmp(path, "C") == 0) {
                file->imports_c = true;
                file->import_c_line = cg_node_line(spec);
                TSNode first, last;
                bool found;
                doc_comment_range(grouped ? spec : decl, &first, &last, &found);
                /* cgo concatenates the preambles of several import "C" in one
                 * file; this model keeps one line-mapped block: the first. */
                if (found && !file->preamble) {
                    file->preamble = blank_preamble(file, first, last);
                    file->preamble_line = cg_node_line(first);
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

/* //export Name directly in the doc comment of a function; //go:linkname anywhere. */
static void scan_directive_comments(cg_gofile *file) {
    uint32_t n = ts_node_named_child_count(file->root);
    for (uint32_t i = 0; i < n; i++) {
        TSNode node = ts_node_named_child(file->root, i);
        if (!cg_node_is(node, "comment")) continue;
        const char *text = cg_node_text(file, node);
        if (strncmp(text, "//export ", 9) == 0) {
            /* The function must follow with only comments in between. */
            TSNode next = ts_node_next_named_sibling(node);
            while (!ts_node_is_null(next) && cg_node_is(next, "comment"))
                next = ts_node_next_named_sibling(next);
            if (!cg_node_is(next, "function_declaration")) continue;
            const char *name = text + 9;
            while (*name == ' ') name++;
            size_t len = strcspn(name, " \t\r\n");
            cg_go_export e = {.name = cg_arena_strndup(&file->arena, name, len),
                              .func = next,
                              .line = cg_node_line(node)};
            cg_vec_push(&file->exports, e);
        } else if (strncmp(text, "//go:linkname ", 14) == 0) {
            char *rest = cg_arena_strdup(&file->arena, text + 14);
            char *local = strtok(rest, " \t");
            char *target = strtok(NULL, " \t");
            if (!local) continue;
            cg_go_linkname l = {.local = local, .target = target ? target : "",
                                .line = cg_node_line(node)};
            cg_vec_push(&file->linknames, l);
        }
    }
}

static bool find_first_error(TSNode node, TSPoint *where) {
    if (cg_node_is(node, "ERROR") || ts_node_is_missing(node)) {
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

cg_gofile *cg_gofile_parse(const char *path, char *source, size_t len) {
    cg_gofile *file = cg_xcalloc(1, sizeof(*file));
    cg_arena_init(&file->arena);
    file->path = cg_xstrdup(path);
    file->source = source;
    file->source_len = len;
    file->package_name = "";

    lex_shape shape = lex_shape_of(source, len);
    if (shape.bracket_depth > CG_GO_MAX_BRACKET_DEPTH) {
        file->not_analysed = cg_arena_printf(
            &file->arena, "brackets nested %zu deep, over the limit of %d", shape.bracket_depth,
            (int)CG_GO_MAX_BRACKET_DEPTH);
    } else if ((shape.unbalanced && shape.tokens > TS_MAX_SAFE_ERROR_TOKENS) ||
               (file->tree = parse_go(source, len, shape.tokens)) == NULL) {
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
        size_t depth = tree_depth(ts_tree_root_node(file->tree));
        if (depth > CG_GO_MAX_TREE_DEPTH) {
            file->not_analysed = cg_arena_printf(
                &file->arena, "syntax nested %zu levels deep, over the limit of %d", depth,
                (int)CG_GO_MAX_TREE_DEPTH);
            ts_tree_delete(file->tree);
        }
    }
    if (file->not_analysed) {
        /* The tree of an empty file: every walk sees nothing. */
        file->tree = parse_go("", 0, 0);
        file->root = ts_tree_root_node(file->tree);
        return file;
    }
    file->root = ts_tree_root_node(file->tree);

    if (ts_node_has_error(file->root)) {
        TSPoint where = {0, 0};
        find_first_error(file->root, &where);
        file->has_syntax_errors = true;
        file->first_error_line = where.row + 1;
        file->first_error_column = where.column + 1;
    }
    scan_imports(file);
    scan_directive_comments(file);
    return file;
}

void cg_gofile_free(cg_gofile *file) {
    if (!file) return;
    ts_tree_delete(file->tree);
    free(file->source);
    free(file->preamble);
    free(file->path);
    cg_vec_free(&file->directives);
    cg_vec_free(&file->exports);
    cg_vec_free(&file->linknames);
    cg_arena_free(&file->arena);
    free(file);
}

bool cg_walk(TSNode root, cg_walk_fn visit, void *arg) {
    if (ts_node_is_null(root)) return true;
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    bool completed = true;
    for (;;) {
        cg_walk_action action = visit(ts_tree_cursor_current_node(&cursor), arg);
        if (action == CG_WALK_STOP) {
            completed = false;
            break;
        }
        if (action == CG_WALK_CONTINUE && ts_tree_cursor_goto_first_child(&cursor)) continue;
        bool moved = false;
        while (!(moved = ts_tree_cursor_goto_next_sibling(&cursor)))
            if (!ts_tree_cursor_goto_parent(&cursor)) break;
        if (!moved) break;
    }
    ts_tree_cursor_delete(&cursor);
    return completed;
}
