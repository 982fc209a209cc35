/*
 * gocfg.c: building and querying the control-flow graph of gocfg.h.
 *
 * The builder walks the statements of a body once. Each construct is
 * entered from a set of predecessor steps and returns the set of steps that
 * fall through to whatever follows it; break, continue, goto and
 * fallthrough add their edges to the targets the enclosing constructs
 * recorded (gotos to labels further down are linked at the end).
 */
#include "gocfg.h"

#include <stdio.h>
#include <string.h>

typedef CG_VEC(uint32_t) idvec;

typedef struct label_target {
    const char *name;
    uint32_t entry;      /* the label's JOIN step (goto) */
    idvec *breaks;       /* of the loop, switch or select it names, or NULL */
    uint32_t cont;       /* continue target of the loop it names, or CG_CFG_NONE */
} label_target;

typedef struct cfg_edge {
    uint32_t from, to;
} cfg_edge;

typedef struct pending_goto {
    uint32_t from;
    const char *label;
} pending_goto;

typedef struct builder {
    cg_gopkg *pkg;
    cg_gofile *file;
    CG_VEC(cg_step) steps;
    CG_VEC(cfg_edge) edges;
    idvec *breaks;          /* innermost loop/switch/select */
    uint32_t cont;          /* innermost loop's continue target */
    uint32_t fallthrough;   /* the next case body's JOIN, in a switch case */
    CG_VEC(label_target) labels;
    CG_VEC(pending_goto) gotos;
    const char *pending_label; /* label of the statement being built */
    uint32_t pending_label_index;
} builder;

static uint32_t add_step(builder *b, cg_step_kind kind, cg_gn node, cg_gn owner) {
    cg_step s = {.kind = kind, .node = node, .owner = owner};
    cg_vec_push(&b->steps, s);
    return (uint32_t)(b->steps.len - 1);
}

static void edge(builder *b, uint32_t from, uint32_t to) {
    cfg_edge e = {from, to};
    cg_vec_push(&b->edges, e);
}

static void link_all(builder *b, const idvec *from, uint32_t to) {
    for (size_t i = 0; i < from->len; i++) edge(b, from->items[i], to);
}

/* The JOIN that starts the way out of `cond` when it is `branch`. */
static uint32_t branch_step(builder *b, uint32_t cond, cg_branch branch, cg_gn owner) {
    uint32_t id = add_step(b, CG_STEP_JOIN, NULL, owner);
    b->steps.items[id].branch = branch;
    edge(b, cond, id);
    return id;
}

static idvec one(uint32_t id) {
    idvec v = {0};
    cg_vec_push(&v, id);
    return v;
}

static void append(idvec *to, idvec *from) {
    for (size_t i = 0; i < from->len; i++) cg_vec_push(to, from->items[i]);
    cg_vec_free(from);
}

/* A step that runs after every step of `in`; `in` is consumed. */
static uint32_t then_step(builder *b, idvec *in, cg_step_kind kind, cg_gn node, cg_gn owner) {
    uint32_t id = add_step(b, kind, node, owner);
    link_all(b, in, id);
    cg_vec_free(in);
    return id;
}

static idvec build_stmt(builder *b, cg_gn s, idvec in);

/* The statements of a block or case clause (children without a field). */
static idvec build_list(builder *b, cg_gn list, idvec in) {
    for (uint32_t i = 0; i < cg_gn_count(list); i++) {
        cg_gn c = cg_gn_child(list, i);
        if (c->field != CG_GF_NONE) continue; /* a case's value, type or communication */
        in = build_stmt(b, c, in);
    }
    return in;
}

static bool is_builtin_call(builder *b, cg_gn call, const char *name) {
    cg_gn fn = cg_gn_unparen(cg_go_call_func(call));
    return cg_gn_is(fn, CG_GK_IDENTIFIER) && cg_node_text_eq(b->file, fn, name) &&
           !cg_gopkg_binding(b->pkg, b->file, fn) && !cg_gopkg_decl(b->pkg, name);
}

/* What an expression statement does to control: panic and Goexit unwind
 * (deferred calls run), os.Exit and log.Fatal end the process. */
static cg_step_kind call_statement_kind(builder *b, cg_gn s) {
    cg_gn call = cg_gn_unparen(cg_gn_child(s, 0));
    if (!cg_gn_is(call, CG_GK_CALL_EXPRESSION)) return CG_STEP_STMT;
    if (is_builtin_call(b, call, "panic")) return CG_STEP_PANIC;
    cg_gn fn = cg_gn_unparen(cg_go_call_func(call));
    const char *rt = b->file->runtime_name;
    if (rt && cg_node_is_qualified(b->file, fn, rt, "Goexit")) return CG_STEP_PANIC;
    static const char *const fatal[][2] = {{"os", "Exit"}, {"log", "Fatal"}, {"log", "Fatalf"},
                                           {"log", "Fatalln"}, {"log", "Panic"}, {"log", "Panicf"},
                                           {"log", "Panicln"}};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        if (cg_node_is_qualified(b->file, fn, fatal[i][0], fatal[i][1]))
            return strncmp(fatal[i][1], "Panic", 5) == 0 ? CG_STEP_PANIC : CG_STEP_FATAL;
    return CG_STEP_STMT;
}

/* A simple statement, if present, as a step after `in`. */
static idvec simple(builder *b, cg_gn s, idvec in) {
    if (!s) return in;
    return one(then_step(b, &in, CG_STEP_STMT, s, s));
}

/* Takes the label the enclosing labeled_statement left for this loop,
 * switch or select (for break L / continue L). */
static void claim_label(builder *b, idvec *breaks, uint32_t cont) {
    if (!b->pending_label) return;
    label_target *t = &b->labels.items[b->pending_label_index];
    t->breaks = breaks;
    t->cont = cont;
    b->pending_label = NULL;
}

static idvec build_for(builder *b, cg_gn s, idvec in) {
    cg_gn body = cg_gn_field(s, CG_GF_BODY), clause = NULL, cond = NULL, update = NULL, range = NULL;
    for (uint32_t i = 0; i < cg_gn_count(s); i++) {
        cg_gn c = cg_gn_child(s, i);
        if (c == body) continue;
        if (cg_gn_is(c, CG_GK_FOR_CLAUSE)) clause = c;
        else if (cg_gn_is(c, CG_GK_RANGE_CLAUSE)) range = c;
        else cond = c;
    }
    if (clause) {
        in = simple(b, cg_gn_field(clause, CG_GF_INITIALIZER), in);
        cond = cg_gn_field(clause, CG_GF_CONDITION);
        update = cg_gn_field(clause, CG_GF_UPDATE);
    }
    uint32_t head = range ? then_step(b, &in, CG_STEP_RANGE, range, s)
                  : cond  ? then_step(b, &in, CG_STEP_COND, cond, s)
                          : then_step(b, &in, CG_STEP_JOIN, NULL, s);
    uint32_t body_entry = cond ? branch_step(b, head, CG_BRANCH_TRUE, body) : head;
    /* continue goes to the update (or the head); the update to the head. */
    uint32_t cont = head;
    uint32_t update_step = CG_CFG_NONE;
    if (update) {
        update_step = add_step(b, CG_STEP_STMT, update, update);
        edge(b, update_step, head);
        cont = update_step;
    }
    idvec breaks = {0};
    idvec *saved_breaks = b->breaks;
    uint32_t saved_cont = b->cont;
    b->breaks = &breaks;
    b->cont = cont;
    claim_label(b, &breaks, cont);
    idvec out = build_stmt(b, body, one(body_entry));
    link_all(b, &out, cont);
    cg_vec_free(&out);
    b->breaks = saved_breaks;
    b->cont = saved_cont;
    idvec after = breaks;
    if (range) cg_vec_push(&after, head); /* the loop ends */
    if (cond) cg_vec_push(&after, branch_step(b, head, CG_BRANCH_FALSE, s));
    return after;
}

/* switch and type switch: the tag (or guard) once, then each case's value
 * list in order; a case with no match falls to the next, the last to the
 * default clause or past the switch. */
static idvec build_switch(builder *b, cg_gn s, idvec in, bool typed) {
    in = simple(b, cg_gn_field(s, CG_GF_INITIALIZER), in);
    cg_gn value = cg_gn_field(s, CG_GF_VALUE);
    if (value) in = one(then_step(b, &in, CG_STEP_HEADER, value, s));
    idvec breaks = {0};
    idvec *saved_breaks = b->breaks;
    uint32_t saved_fall = b->fallthrough;
    b->breaks = &breaks;
    claim_label(b, &breaks, CG_CFG_NONE);
    /* Each clause's body starts at a JOIN, so that the previous clause's
     * fallthrough can reach it. */
    uint32_t n = cg_gn_count(s);
    uint32_t *entry = cg_xcalloc(n ? n : 1, sizeof *entry);
    for (uint32_t i = 0; i < n; i++) {
        cg_gn c = cg_gn_child(s, i);
        entry[i] = cg_gn_is(c, CG_GK_EXPRESSION_CASE) || cg_gn_is(c, CG_GK_TYPE_CASE) || cg_gn_is(c, CG_GK_DEFAULT_CASE)
                       ? add_step(b, CG_STEP_JOIN, NULL, c)
                       : CG_CFG_NONE;
    }
    idvec no_match = in, after = {0};
    uint32_t default_entry = CG_CFG_NONE;
    for (uint32_t i = 0; i < n; i++) {
        cg_gn c = cg_gn_child(s, i);
        if (entry[i] == CG_CFG_NONE) continue;
        if (cg_gn_is(c, CG_GK_DEFAULT_CASE)) {
            default_entry = entry[i];
        } else if (typed) {
            link_all(b, &no_match, entry[i]); /* type cases test no code of their own */
        } else {
            uint32_t label = then_step(b, &no_match, CG_STEP_COND, cg_gn_field(c, CG_GF_VALUE), c);
            edge(b, label, entry[i]);
            no_match = one(label);
        }
        uint32_t next = CG_CFG_NONE;
        for (uint32_t j = i + 1; j < n && next == CG_CFG_NONE; j++) next = entry[j];
        b->fallthrough = next;
        idvec out = build_list(b, c, one(entry[i]));
        append(&after, &out);
    }
    if (default_entry != CG_CFG_NONE) {
        link_all(b, &no_match, default_entry);
        cg_vec_free(&no_match);
    } else {
        append(&after, &no_match);
    }
    free(entry);
    b->breaks = saved_breaks;
    b->fallthrough = saved_fall;
    append(&after, &breaks);
    return after;
}

/* select waits for one of its cases; with a default clause it may take
 * none of the communications. */
static idvec build_select(builder *b, cg_gn s, idvec in) {
    uint32_t head = then_step(b, &in, CG_STEP_JOIN, NULL, s);
    idvec breaks = {0}, after = {0};
    idvec *saved_breaks = b->breaks;
    b->breaks = &breaks;
    claim_label(b, &breaks, CG_CFG_NONE);
    for (uint32_t i = 0; i < cg_gn_count(s); i++) {
        cg_gn c = cg_gn_child(s, i);
        if (!cg_gn_is(c, CG_GK_COMMUNICATION_CASE) && !cg_gn_is(c, CG_GK_DEFAULT_CASE)) continue;
        idvec start = one(head);
        cg_gn comm = cg_gn_field(c, CG_GF_COMMUNICATION);
        if (comm) start = one(then_step(b, &start, CG_STEP_STMT, comm, c));
        idvec out = build_list(b, c, start);
        append(&after, &out);
    }
    b->breaks = saved_breaks;
    append(&after, &breaks);
    return after;
}

static label_target *find_label(builder *b, const char *name) {
    for (size_t i = b->labels.len; i-- > 0;)
        if (strcmp(b->labels.items[i].name, name) == 0) return &b->labels.items[i];
    return NULL;
}

static idvec build_jump(builder *b, cg_gn s, idvec in) {
    cg_gn label = cg_gn_child(s, 0);
    const char *name = label ? cg_node_text(b->file, label) : NULL;
    /* The jump itself runs no code: its predecessors go to the target. */
    uint32_t from = then_step(b, &in, CG_STEP_JOIN, NULL, s);
    if (cg_gn_is(s, CG_GK_GOTO_STATEMENT)) {
        pending_goto g = {from, name ? name : ""};
        cg_vec_push(&b->gotos, g);
    } else if (cg_gn_is(s, CG_GK_FALLTHROUGH_STATEMENT)) {
        if (b->fallthrough != CG_CFG_NONE) edge(b, from, b->fallthrough);
    } else if (cg_gn_is(s, CG_GK_BREAK_STATEMENT)) {
        label_target *t = name ? find_label(b, name) : NULL;
        idvec *target = name ? (t ? t->breaks : NULL) : b->breaks;
        if (target) cg_vec_push(target, from);
    } else { /* continue */
        label_target *t = name ? find_label(b, name) : NULL;
        uint32_t target = name ? (t ? t->cont : CG_CFG_NONE) : b->cont;
        if (target != CG_CFG_NONE) edge(b, from, target);
    }
    return (idvec){0};
}

static idvec build_stmt(builder *b, cg_gn s, idvec in) {
    switch (cg_gn_kind(s)) {
    case CG_GK_BLOCK: return build_list(b, s, in);
    case CG_GK_EMPTY_STATEMENT: return in;
    case CG_GK_IF_STATEMENT: {
        in = simple(b, cg_gn_field(s, CG_GF_INITIALIZER), in);
        uint32_t cond = then_step(b, &in, CG_STEP_COND, cg_gn_field(s, CG_GF_CONDITION), s);
        cg_gn consequence = cg_gn_field(s, CG_GF_CONSEQUENCE), alt = cg_gn_field(s, CG_GF_ALTERNATIVE);
        idvec out = build_stmt(b, consequence, one(branch_step(b, cond, CG_BRANCH_TRUE, consequence)));
        uint32_t no = branch_step(b, cond, CG_BRANCH_FALSE, alt ? alt : s);
        idvec other = alt ? build_stmt(b, alt, one(no)) : one(no);
        append(&out, &other);
        return out;
    }
    case CG_GK_FOR_STATEMENT: return build_for(b, s, in);
    case CG_GK_EXPRESSION_SWITCH_STATEMENT: return build_switch(b, s, in, false);
    case CG_GK_TYPE_SWITCH_STATEMENT: return build_switch(b, s, in, true);
    case CG_GK_SELECT_STATEMENT: return build_select(b, s, in);
    case CG_GK_LABELED_STATEMENT: {
        cg_gn label = cg_gn_field(s, CG_GF_LABEL);
        uint32_t entry = then_step(b, &in, CG_STEP_JOIN, NULL, s);
        label_target t = {cg_node_text(b->file, label), entry, NULL, CG_CFG_NONE};
        cg_vec_push(&b->labels, t);
        /* break L / continue L name the loop, switch or select it labels. */
        cg_gn inner = cg_gn_child(s, cg_gn_count(s) - 1);
        cg_gk k = cg_gn_kind(inner);
        if (k == CG_GK_FOR_STATEMENT || k == CG_GK_EXPRESSION_SWITCH_STATEMENT || k == CG_GK_TYPE_SWITCH_STATEMENT ||
            k == CG_GK_SELECT_STATEMENT) {
            b->pending_label = t.name;
            b->pending_label_index = (uint32_t)(b->labels.len - 1);
        }
        idvec out = one(entry);
        for (uint32_t i = 0; i < cg_gn_count(s); i++)
            if (cg_gn_child(s, i) != label) out = build_stmt(b, cg_gn_child(s, i), out);
        b->pending_label = NULL;
        return out;
    }
    case CG_GK_BREAK_STATEMENT:
    case CG_GK_CONTINUE_STATEMENT:
    case CG_GK_GOTO_STATEMENT:
    case CG_GK_FALLTHROUGH_STATEMENT: return build_jump(b, s, in);
    case CG_GK_RETURN_STATEMENT: {
        uint32_t r = then_step(b, &in, CG_STEP_RETURN, s, s);
        edge(b, r, CG_CFG_EXIT);
        return (idvec){0};
    }
    case CG_GK_DEFER_STATEMENT: return one(then_step(b, &in, CG_STEP_DEFER, s, s));
    case CG_GK_EXPRESSION_STATEMENT: {
        cg_step_kind kind = call_statement_kind(b, s);
        uint32_t id = then_step(b, &in, kind, s, s);
        if (kind == CG_STEP_PANIC) edge(b, id, CG_CFG_PANIC_EXIT);
        if (kind == CG_STEP_STMT) return one(id);
        return (idvec){0};
    }
    default:
        /* A simple statement or a declaration (var, const, type). Syntax
         * errors parse as ERROR nodes: a step too, so their code is seen. */
        return one(then_step(b, &in, CG_STEP_STMT, s, s));
    }
}

/* Steps are created nearly in source order, so an insertion sort by start
 * byte is close to linear (and needs no comparison context, which qsort
 * lacks). */
static void sort_positions(uint32_t *ids, uint32_t n, const cg_step *steps) {
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = ids[i], j = i;
        while (j > 0 && steps[ids[j - 1]].node->start > steps[v].node->start) {
            ids[j] = ids[j - 1];
            j--;
        }
        ids[j] = v;
    }
}

static cg_cfg *build(cg_gopkg *pkg, cg_gofile *file, cg_gn func) {
    cg_gn body = cg_go_func_body(func);
    if (!cg_gn_is(body, CG_GK_BLOCK)) return NULL;
    builder b = {.pkg = pkg, .file = file, .cont = CG_CFG_NONE, .fallthrough = CG_CFG_NONE};
    add_step(&b, CG_STEP_ENTRY, NULL, func);
    add_step(&b, CG_STEP_EXIT, NULL, func);
    add_step(&b, CG_STEP_PANIC_EXIT, NULL, func);
    idvec out = build_list(&b, body, one(CG_CFG_ENTRY));
    link_all(&b, &out, CG_CFG_EXIT); /* falling off the end returns */
    cg_vec_free(&out);
    for (size_t i = 0; i < b.gotos.len; i++) {
        label_target *t = find_label(&b, b.gotos.items[i].label);
        if (t) edge(&b, b.gotos.items[i].from, t->entry);
    }

    /* Into the package arena: one block of steps, one of edge ids. */
    cg_cfg *cfg = cg_arena_alloc(&pkg->arena, sizeof *cfg);
    cfg->func = func;
    cfg->file = file;
    cfg->count = (uint32_t)b.steps.len;
    cfg->steps = cg_arena_alloc(&pkg->arena, sizeof(cg_step) * cfg->count);
    memcpy(cfg->steps, b.steps.items, sizeof(cg_step) * cfg->count);
    for (size_t i = 0; i < b.edges.len; i++) {
        cfg->steps[b.edges.items[i].from].succ_count++;
        cfg->steps[b.edges.items[i].to].pred_count++;
    }
    uint32_t *ids = cg_arena_alloc(&pkg->arena, sizeof(uint32_t) * (2 * b.edges.len + cfg->count + 1));
    uint32_t *next = ids;
    for (uint32_t i = 0; i < cfg->count; i++) {
        cg_step *s = &cfg->steps[i];
        s->succ = next;
        next += s->succ_count;
        s->pred = next;
        next += s->pred_count;
        s->succ_count = s->pred_count = 0;
    }
    for (size_t i = 0; i < b.edges.len; i++) {
        cg_step *from = &cfg->steps[b.edges.items[i].from], *to = &cfg->steps[b.edges.items[i].to];
        from->succ[from->succ_count++] = b.edges.items[i].to;
        to->pred[to->pred_count++] = b.edges.items[i].from;
    }
    cfg->by_position = next;
    for (uint32_t i = 0; i < cfg->count; i++)
        if (cfg->steps[i].node) cfg->by_position[cfg->positioned++] = i;
    sort_positions(cfg->by_position, cfg->positioned, cfg->steps);
    for (uint32_t i = 0; i < cfg->count; i++) cfg->defer_count += cfg->steps[i].kind == CG_STEP_DEFER;
    cfg->defers = cg_arena_alloc(&pkg->arena, sizeof(uint32_t) * (cfg->defer_count + 1));
    for (uint32_t i = 0, k = 0; i < cfg->count; i++)
        if (cfg->steps[i].kind == CG_STEP_DEFER) cfg->defers[k++] = i;

    cg_vec_free(&b.steps);
    cg_vec_free(&b.edges);
    cg_vec_free(&b.labels);
    cg_vec_free(&b.gotos);
    return cfg;
}

const cg_cfg *cg_cfg_of(cg_gopkg *pkg, cg_gofile *file, cg_gn func) {
    if (!cg_go_is_func(func)) return NULL;
    cg_cfg *cfg = cg_ptrmap_get(&pkg->cfgs, func);
    if (!cfg) {
        cfg = build(pkg, file, func);
        if (!cfg) return NULL;
        cg_ptrmap_put(&pkg->cfgs, func, cfg);
    }
    return cfg;
}

const cg_cfg *cg_cfg_around(cg_gopkg *pkg, cg_gofile *file, cg_gn node) {
    return cg_cfg_of(pkg, file, cg_gopkg_enclosing_func(pkg, file, node));
}

uint32_t cg_cfg_step_of(const cg_cfg *cfg, cg_gn node) {
    if (!cfg || !node) return CG_CFG_NONE;
    /* The last step that starts at or before node. */
    uint32_t lo = 0, hi = cfg->positioned;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cfg->steps[cfg->by_position[mid]].node->start <= node->start) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return CG_CFG_NONE;
    uint32_t id = cfg->by_position[lo - 1];
    cg_gn step_node = cfg->steps[id].node;
    if (!cg_gn_within(node, step_node)) return CG_CFG_NONE;
    /* Inside the step's node, but in a nested func literal's body? */
    for (cg_gn p = node; p && p != step_node; p = p->parent)
        if (cg_gn_is(p, CG_GK_FUNC_LITERAL)) return CG_CFG_NONE;
    return id;
}

/* ---- Queries ---- */

typedef struct walk {
    uint8_t *seen;
    uint32_t *stack;
    uint32_t len;
} walk;

bool cg_cfg_walk_after(const cg_cfg *cfg, uint32_t from,
                       cg_flow_action (*visit)(const cg_cfg *cfg, uint32_t step, void *arg), void *arg) {
    if (!cfg || from >= cfg->count) return true;
    walk w = {cg_xcalloc(cfg->count, 1), cg_xmalloc(sizeof(uint32_t) * (cfg->count + 1)), 0};
    bool completed = true;
    for (uint32_t i = 0; i < cfg->steps[from].succ_count; i++) w.stack[w.len++] = cfg->steps[from].succ[i];
    while (w.len && completed) {
        uint32_t s = w.stack[--w.len];
        if (w.seen[s]) continue;
        w.seen[s] = 1;
        cg_flow_action a = visit(cfg, s, arg);
        if (a == CG_FLOW_STOP) completed = false;
        if (a != CG_FLOW_CONTINUE) continue;
        const cg_step *st = &cfg->steps[s];
        for (uint32_t i = 0; i < st->succ_count; i++)
            if (!w.seen[st->succ[i]]) w.stack[w.len++] = st->succ[i];
    }
    free(w.seen);
    free(w.stack);
    return completed;
}

bool cg_cfg_walk_before(const cg_cfg *cfg, uint32_t from,
                        cg_flow_action (*visit)(const cg_cfg *cfg, uint32_t step, void *arg), void *arg) {
    if (!cfg || from >= cfg->count) return true;
    walk w = {cg_xcalloc(cfg->count, 1), cg_xmalloc(sizeof(uint32_t) * (cfg->count + 1)), 0};
    bool completed = true;
    for (uint32_t i = 0; i < cfg->steps[from].pred_count; i++) w.stack[w.len++] = cfg->steps[from].pred[i];
    while (w.len && completed) {
        uint32_t s = w.stack[--w.len];
        if (w.seen[s]) continue;
        w.seen[s] = 1;
        cg_flow_action a = visit(cfg, s, arg);
        if (a == CG_FLOW_STOP) completed = false;
        if (a != CG_FLOW_CONTINUE) continue;
        const cg_step *st = &cfg->steps[s];
        for (uint32_t i = 0; i < st->pred_count; i++)
            if (!w.seen[st->pred[i]]) w.stack[w.len++] = st->pred[i];
    }
    free(w.seen);
    free(w.stack);
    return completed;
}

typedef struct reach_arg {
    uint32_t target;
} reach_arg;

static cg_flow_action visit_reach(const cg_cfg *cfg, uint32_t step, void *arg) {
    (void)cfg;
    return step == ((reach_arg *)arg)->target ? CG_FLOW_STOP : CG_FLOW_CONTINUE;
}

bool cg_cfg_reaches(const cg_cfg *cfg, uint32_t from, uint32_t to) {
    if (!cfg || from >= cfg->count || to >= cfg->count) return false;
    reach_arg a = {to};
    return !cg_cfg_walk_after(cfg, from, visit_reach, &a);
}

bool cg_cfg_exclusive(const cg_cfg *cfg, uint32_t a, uint32_t b) {
    if (a == b) return false;
    return !cg_cfg_reaches(cfg, a, b) && !cg_cfg_reaches(cfg, b, a);
}

bool cg_cfg_may_precede(cg_gopkg *pkg, cg_gofile *file, cg_gn a, cg_gn b) {
    const cg_cfg *cfg = cg_cfg_around(pkg, file, b);
    uint32_t sa = cg_cfg_step_of(cfg, a), sb = cg_cfg_step_of(cfg, b);
    if (sa == CG_CFG_NONE || sb == CG_CFG_NONE || sa == sb) return a->end <= b->start;
    return cg_cfg_reaches(cfg, sa, sb);
}

typedef struct every_arg {
    bool (*pass)(const cg_cfg *cfg, uint32_t step, void *arg);
    void *arg;
} every_arg;

static cg_flow_action visit_every(const cg_cfg *cfg, uint32_t step, void *arg) {
    every_arg *e = arg;
    if (step == CG_CFG_EXIT) return CG_FLOW_STOP; /* a path avoided every passing step */
    return e->pass(cfg, step, e->arg) ? CG_FLOW_KILL : CG_FLOW_CONTINUE;
}

bool cg_cfg_every_path(const cg_cfg *cfg, uint32_t from, bool (*pass)(const cg_cfg *cfg, uint32_t step, void *arg),
                       void *arg) {
    if (!cfg) return false;
    every_arg e = {pass, arg};
    return cg_cfg_walk_after(cfg, from, visit_every, &e);
}

void cg_cfg_forward(const cg_cfg *cfg, uint32_t from, unsigned init, cg_cfg_transfer transfer, void *arg,
                    unsigned *in, unsigned *out) {
    memset(in, 0, sizeof(unsigned) * cfg->count);
    memset(out, 0, sizeof(unsigned) * cfg->count);
    /* A worklist of steps whose input grew; each step's output only grows,
     * and the states are finite bit sets, so this terminates. */
    uint32_t *work = cg_xmalloc(sizeof(uint32_t) * (cfg->count + 1));
    uint8_t *queued = cg_xcalloc(cfg->count, 1);
    uint32_t len = 0;
    const cg_step *start = &cfg->steps[from];
    for (uint32_t i = 0; i < start->succ_count; i++) {
        uint32_t s = start->succ[i];
        in[s] |= init;
        if (!queued[s]) queued[s] = 1, work[len++] = s;
    }
    while (len) {
        uint32_t s = work[--len];
        queued[s] = 0;
        unsigned o = in[s] ? transfer(cfg, s, in[s], arg) : 0;
        if ((o | out[s]) == out[s]) continue;
        out[s] |= o;
        const cg_step *st = &cfg->steps[s];
        for (uint32_t i = 0; i < st->succ_count; i++) {
            uint32_t t = st->succ[i];
            if ((in[t] | out[s]) == in[t]) continue;
            in[t] |= out[s];
            if (!queued[t]) queued[t] = 1, work[len++] = t;
        }
    }
    free(work);
    free(queued);
}

typedef struct earliest_arg {
    uint32_t start;
} earliest_arg;

static cg_flow_action visit_earliest(const cg_cfg *cfg, uint32_t step, void *arg) {
    earliest_arg *e = arg;
    cg_gn n = cfg->steps[step].node;
    if (n && n->start < e->start) e->start = n->start;
    return CG_FLOW_CONTINUE;
}

uint32_t cg_cfg_later_code_start(const cg_cfg *cfg, uint32_t step) {
    cg_gn own = cfg->steps[step].node;
    earliest_arg e = {own ? own->end : cfg->func->end};
    cg_cfg_walk_after(cfg, step, visit_earliest, &e);
    return e.start;
}

/* ---- Reaching definitions ---- */

typedef struct defs_walk {
    cg_gopkg *pkg;
    cg_gofile *file;
    cg_gobinding *b;
    cg_reach_vec *out;
} defs_walk;

static void add_reach(cg_reach_vec *out, cg_reach r) {
    for (size_t i = 0; i < out->len; i++)
        if (out->items[i].kind == r.kind && out->items[i].def == r.def && out->items[i].at == r.at) return;
    cg_vec_push(out, r);
}

typedef struct address_scan {
    defs_walk *w;
    uint32_t before;
    cg_gn found;
} address_scan;

/* &x (also &x.f of a struct x, &x[i] of an array x) of the local, in code
 * that starts before a byte: x itself may change through that pointer.
 * (&s[i] of a slice, &p.f of a pointer point elsewhere.) */
static cg_walk_action visit_address(cg_gn n, void *arg) {
    address_scan *a = arg;
    if (n->start >= a->before) return CG_WALK_SKIP_CHILDREN;
    cg_gn operand = cg_go_addr_operand(n);
    while (cg_gn_is(operand, CG_GK_SELECTOR_EXPRESSION) || cg_gn_is(operand, CG_GK_INDEX_EXPRESSION)) {
        cg_gn base = cg_gn_unparen(cg_gn_field(operand, CG_GF_OPERAND));
        cg_gotype *t = cg_gotype_underlying(a->w->pkg, cg_gopkg_type_of_expr(a->w->pkg, a->w->file, base));
        bool inside = t && (cg_gn_is(operand, CG_GK_SELECTOR_EXPRESSION) ? t->kind == CG_GT_STRUCT : t->kind == CG_GT_ARRAY);
        if (!inside) return CG_WALK_CONTINUE;
        operand = base;
    }
    if (cg_gn_is(operand, CG_GK_IDENTIFIER) && cg_node_text_eq(a->w->file, operand, a->w->b->name) &&
        cg_gopkg_binding(a->w->pkg, a->w->file, operand) == a->w->b) {
        a->found = n;
        return CG_WALK_STOP;
    }
    return CG_WALK_CONTINUE;
}

/* What the step defines of the local, latest first; true when a
 * definition ends the walk back along this path. Only what is complete
 * before the byte `before` counts (in the step the walk starts from, a
 * statement's own assignment happens after the expression at `before`). */
static bool step_defines(defs_walk *w, const cg_cfg *cfg, uint32_t step, uint32_t before) {
    cg_gn n = cfg->steps[step].node;
    cg_gobinding *b = w->b;
    if (!n) {
        /* A type switch's binding is declared where its case clause starts. */
        if (cfg->steps[step].owner != b->decl || b->kind != CG_BIND_TYPE_SWITCH) return false;
        cg_reach r = {CG_REACH_INIT, NULL, b->decl};
        add_reach(w->out, r);
        return true;
    }
    /* The declaration: an initializer or the zero value. */
    cg_gn decl = b->decl && cg_gn_within(b->decl, n) ? b->decl : n;
    if (cg_gn_within(b->ident, n) && decl->end <= before) {
        cg_reach r = {b->value ? CG_REACH_INIT : CG_REACH_ZERO, NULL, n};
        if (b->kind == CG_BIND_RANGE_KEY || b->kind == CG_BIND_RANGE_VALUE || b->kind == CG_BIND_RECEIVE)
            r.kind = CG_REACH_INIT;
        add_reach(w->out, r);
        return true;
    }
    /* The latest definition of the step that starts before `before`. */
    const cg_godef *latest = NULL;
    for (size_t i = 0; i < b->defs.len; i++) {
        const cg_godef *d = &b->defs.items[i];
        if (cg_gn_within(d->stmt, n) && d->stmt->end <= before && (!latest || d->stmt->start >= latest->stmt->start))
            latest = d;
    }
    address_scan a = {w, before, NULL};
    if (b->address_taken) cg_walk(n, visit_address, &a);
    if (a.found && (!latest || a.found->start > latest->stmt->start)) {
        cg_reach r = {CG_REACH_ADDRESS, NULL, a.found};
        add_reach(w->out, r);
        /* The pointer may be used later still: earlier definitions reach too. */
        return false;
    }
    if (latest) {
        cg_reach r = {CG_REACH_DEF, latest, latest->stmt};
        add_reach(w->out, r);
        return latest->kind == CG_DEF_ASSIGN || latest->kind == CG_DEF_RANGE;
    }
    return false;
}

static cg_flow_action visit_defs(const cg_cfg *cfg, uint32_t step, void *arg) {
    defs_walk *w = arg;
    if (step == CG_CFG_ENTRY) {
        cg_reach r = {w->b->kind == CG_BIND_PARAM || w->b->kind == CG_BIND_RECEIVER || w->b->kind == CG_BIND_RESULT
                          ? CG_REACH_ENTRY
                          : CG_REACH_UNKNOWN,
                      NULL, NULL};
        add_reach(w->out, r);
        return CG_FLOW_KILL;
    }
    return step_defines(w, cfg, step, UINT32_MAX) ? CG_FLOW_KILL : CG_FLOW_CONTINUE;
}

void cg_cfg_reaching_defs(cg_gopkg *pkg, cg_gofile *file, cg_gobinding *b, cg_gn at, cg_reach_vec *out) {
    const cg_cfg *cfg = cg_cfg_around(pkg, file, at);
    uint32_t step = cg_cfg_step_of(cfg, at);
    if (!cfg || step == CG_CFG_NONE || b->scope_start < cfg->func->start || b->scope_end > cfg->func->end) {
        cg_reach r = {CG_REACH_UNKNOWN, NULL, NULL};
        add_reach(out, r);
        return;
    }
    defs_walk w = {pkg, file, b, out};
    /* Earlier in at's own step first (var (a = 1; b = &a) is one step). */
    if (step_defines(&w, cfg, step, at->start)) return;
    cg_cfg_walk_before(cfg, step, visit_defs, &w);
}

/* ---- Reads of a local ---- */

typedef struct read_scan {
    cg_gopkg *pkg;
    cg_gofile *file;
    cg_gobinding *b;
    uint32_t from; /* only identifiers that start at or after this byte */
    bool found;
} read_scan;

/* An identifier that is the whole left-hand side of a plain assignment
 * (x = v) writes the local, it does not read it. */
static bool is_overwritten(cg_gn ident) {
    cg_gn list = cg_gn_parent(ident), stmt = cg_gn_parent(list);
    return cg_gn_is(list, CG_GK_EXPRESSION_LIST) && list->field == CG_GF_LEFT &&
           cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT) && cg_gn_op(stmt) == CG_GOP_ASSIGN;
}

static cg_walk_action visit_read(cg_gn n, void *arg) {
    read_scan *r = arg;
    if (n->end <= r->from) return CG_WALK_SKIP_CHILDREN;
    if (!cg_gn_is(n, CG_GK_IDENTIFIER) || n->start < r->from || !cg_node_text_eq(r->file, n, r->b->name))
        return CG_WALK_CONTINUE;
    if (cg_gopkg_binding(r->pkg, r->file, n) != r->b || cg_gopkg_declares(r->pkg, r->file, n) || is_overwritten(n))
        return CG_WALK_CONTINUE;
    r->found = true;
    return CG_WALK_STOP;
}

static bool reads(read_scan *r, cg_gn node, uint32_t from) {
    r->from = from;
    r->found = false;
    cg_walk(node, visit_read, r);
    return r->found;
}

/* Does the step overwrite the local with a plain assignment (after its
 * right-hand side, which may still read the old value)? */
static bool overwrites(read_scan *r, cg_gn stmt) {
    if (!cg_gn_is(stmt, CG_GK_ASSIGNMENT_STATEMENT) || cg_gn_op(stmt) != CG_GOP_ASSIGN) return false;
    cg_gn left = cg_gn_field(stmt, CG_GF_LEFT);
    for (uint32_t i = 0; i < cg_gn_count(left); i++) {
        cg_gn id = cg_gn_unparen(cg_gn_child(left, i));
        if (cg_gn_is(id, CG_GK_IDENTIFIER) && cg_gopkg_binding(r->pkg, r->file, id) == r->b) return true;
    }
    return false;
}

typedef struct read_walk {
    read_scan scan;
} read_walk;

static cg_flow_action visit_read_step(const cg_cfg *cfg, uint32_t step, void *arg) {
    read_walk *w = arg;
    cg_gn n = cfg->steps[step].node;
    if (!n) return CG_FLOW_CONTINUE;
    if (reads(&w->scan, n, 0)) return CG_FLOW_STOP;
    return overwrites(&w->scan, n) ? CG_FLOW_KILL : CG_FLOW_CONTINUE;
}

static cg_walk_action visit_capture(cg_gn n, void *arg) {
    read_scan *r = arg;
    if (!cg_gn_is(n, CG_GK_FUNC_LITERAL)) return CG_WALK_CONTINUE;
    if (reads(r, n, 0)) return CG_WALK_STOP;
    return CG_WALK_SKIP_CHILDREN;
}

bool cg_cfg_read_after(cg_gopkg *pkg, cg_gofile *file, cg_gobinding *b, cg_gn at) {
    const cg_cfg *cfg = cg_cfg_around(pkg, file, at);
    uint32_t step = cg_cfg_step_of(cfg, at);
    if (!cfg || step == CG_CFG_NONE) return true;
    /* Declared outside this function (a closure's free variable): whoever
     * declared it may read it after the closure returns. */
    if (b->scope_start < cfg->func->start || b->scope_end > cfg->func->end) return true;
    read_walk w = {{pkg, file, b, 0, false}};
    /* Captured by a func literal of the function: the literal may run whenever. */
    if (!cg_walk(cg_go_func_body(cfg->func), visit_capture, &w.scan)) return true;
    if (reads(&w.scan, cfg->steps[step].node, at->end)) return true;
    if (!cg_cfg_walk_after(cfg, step, visit_read_step, &w)) return true;
    /* Deferred calls registered before or after `at` on its paths run after it. */
    for (uint32_t i = 0; i < cfg->defer_count; i++) {
        uint32_t d = cfg->defers[i];
        if (d != step && !cg_cfg_reaches(cfg, d, step) && !cg_cfg_reaches(cfg, step, d)) continue;
        if (reads(&w.scan, cfg->steps[d].node, 0)) return true;
    }
    return false;
}

/* ---- Printing ---- */

const char *cg_step_kind_name(cg_step_kind kind) {
    static const char *const names[] = {"entry", "exit", "panic-exit", "stmt", "cond", "header",
                                        "range", "defer", "return", "panic", "fatal", "join"};
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

void cg_cfg_print(FILE *out, const cg_cfg *cfg) {
    for (uint32_t i = 0; i < cfg->count; i++) {
        const cg_step *s = &cfg->steps[i];
        cg_gn at = s->node ? s->node : s->owner;
        fprintf(out, "%u %s%s", i, cg_step_kind_name(s->kind),
                s->branch == CG_BRANCH_TRUE ? "(true)" : s->branch == CG_BRANCH_FALSE ? "(false)" : "");
        if (at) fprintf(out, " %u:%u %s", at->line, at->column, cg_gk_name(cg_gn_kind(at)));
        fprintf(out, " ->");
        for (uint32_t j = 0; j < s->succ_count; j++) fprintf(out, " %u", s->succ[j]);
        fputc('\n', out);
    }
}
