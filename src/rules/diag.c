/*
 * diag.c: the diagnostic list every rule writes into (see diag.h).
 *
 * Diags live in the list's arena and the list keeps an index of pointers to
 * them, so a cg_diag * handed back by cg_diag_list_add stays valid while more
 * diags are added and while the sink sorts or filters the list. Every string
 * a diag points to is copied into the same arena: rules may build messages
 * in temporary buffers and the list owns everything it shows.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

struct cg_diag_list {
    cg_arena arena;
    CG_VEC(cg_diag *) diags;
};

const char *cg_severity_name(cg_severity sev) {
    switch (sev) {
    case CG_SEV_NOTE: return "note";
    case CG_SEV_WARNING: return "warning";
    case CG_SEV_ERROR: return "error";
    }
    return "error"; /* out-of-range values: treat as the most severe */
}

int cg_severity_parse(const char *text, cg_severity *out) {
    static const cg_severity all[] = {CG_SEV_NOTE, CG_SEV_WARNING, CG_SEV_ERROR};
    if (!text) return -1;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(text, cg_severity_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

cg_diag_list *cg_diag_list_new(void) {
    cg_diag_list *list = cg_xcalloc(1, sizeof *list);
    cg_arena_init(&list->arena);
    return list;
}

void cg_diag_list_free(cg_diag_list *list) {
    if (!list) return;
    cg_vec_free(&list->diags);
    cg_arena_free(&list->arena);
    free(list);
}

size_t cg_diag_list_count(const cg_diag_list *list) { return list->diags.len; }

cg_diag *cg_diag_list_at(cg_diag_list *list, size_t index) {
    CG_ASSERT(index < list->diags.len);
    return list->diags.items[index];
}

const cg_diag *cg_diag_list_at_const(const cg_diag_list *list, size_t index) {
    CG_ASSERT(index < list->diags.len);
    return list->diags.items[index];
}

const char *cg_diag_list_intern(cg_diag_list *list, const char *s) {
    return s ? cg_arena_strdup(&list->arena, s) : NULL;
}

const char *cg_diag_list_intern_n(cg_diag_list *list, const char *s, size_t n) {
    return s ? cg_arena_strndup(&list->arena, s, n) : NULL;
}

static cg_location copy_location(cg_diag_list *list, cg_location loc) {
    loc.file = cg_diag_list_intern(list, loc.file);
    return loc;
}

cg_diag *cg_diag_list_add(cg_diag_list *list, const cg_diag *diag) {
    CG_ASSERT(diag->rule_id != NULL && diag->message != NULL);
    CG_ASSERT(diag->related_count <= CG_MAX_RELATED);
    cg_diag *d = cg_arena_alloc(&list->arena, sizeof *d);
    *d = *diag;
    d->rule_id = cg_diag_list_intern(list, diag->rule_id);
    d->rule_name = cg_diag_list_intern(list, diag->rule_name);
    d->loc = copy_location(list, diag->loc);
    d->message = cg_diag_list_intern(list, diag->message);
    for (unsigned i = 0; i < d->related_count; i++) {
        d->related[i].loc = copy_location(list, diag->related[i].loc);
        d->related[i].message = cg_diag_list_intern(list, diag->related[i].message);
        d->related[i].source_line = NULL;
    }
    d->fix = cg_diag_list_intern(list, diag->fix);
    d->fix_title = cg_diag_list_intern(list, diag->fix_title);
    CG_ASSERT(diag->edit_count <= CG_MAX_EDITS);
    for (unsigned i = 0; i < d->edit_count; i++) {
        d->edits[i].file = cg_diag_list_intern(list, diag->edits[i].file);
        d->edits[i].text = cg_diag_list_intern(list, diag->edits[i].text ? diag->edits[i].text : "");
    }
    d->confidence = cg_diag_list_intern(list, diag->confidence);
    /* The sink decides these; a rule's stack struct may hold anything. */
    d->suppressed = 0;
    d->suppression = NULL;
    d->source_line = NULL;
    cg_vec_push(&list->diags, d);
    return d;
}

bool cg_diag_add_edit(cg_diag_list *list, cg_diag *diag, const cg_edit *edit) {
    if (diag->edit_count >= CG_MAX_EDITS) return false;
    CG_ASSERT(edit->file != NULL && edit->start <= edit->end);
    cg_edit *e = &diag->edits[diag->edit_count++];
    *e = *edit;
    e->file = cg_diag_list_intern(list, edit->file);
    e->text = cg_diag_list_intern(list, edit->text ? edit->text : "");
    return true;
}

void cg_diag_relate(cg_diag_list *list, cg_diag *diag, cg_location loc, const char *fmt, ...) {
    if (diag->related_count >= CG_MAX_RELATED) return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = cg_xvasprintf(fmt, ap);
    va_end(ap);
    cg_related *r = &diag->related[diag->related_count++];
    r->loc = copy_location(list, loc);
    r->message = cg_diag_list_intern(list, msg);
    r->source_line = NULL;
    free(msg);
}

/* Merge sort of the pointer index: qsort is not stable, and the order in
 * which a rule reported two findings at one position is worth keeping. */
static void merge_sort(cg_diag **items, cg_diag **tmp, size_t n,
                       int (*cmp)(const cg_diag *, const cg_diag *)) {
    if (n < 2) return;
    size_t half = n / 2;
    merge_sort(items, tmp, half, cmp);
    merge_sort(items + half, tmp, n - half, cmp);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) tmp[k++] = cmp(items[j], items[i]) < 0 ? items[j++] : items[i++];
    while (i < half) tmp[k++] = items[i++];
    while (j < n) tmp[k++] = items[j++];
    memcpy(items, tmp, n * sizeof *items);
}

void cg_diag_list_sort(cg_diag_list *list, int (*cmp)(const cg_diag *a, const cg_diag *b)) {
    size_t n = list->diags.len;
    if (n < 2) return;
    cg_diag **tmp = cg_xmalloc(n * sizeof *tmp);
    merge_sort(list->diags.items, tmp, n, cmp);
    free(tmp);
}

void cg_diag_list_remove_if(cg_diag_list *list, int (*drop)(const cg_diag *d, void *ctx), void *ctx) {
    size_t kept = 0;
    for (size_t i = 0; i < list->diags.len; i++) {
        cg_diag *d = list->diags.items[i];
        if (!drop(d, ctx)) list->diags.items[kept++] = d;
    }
    /* Dropped diags stay in the arena until the list is freed. */
    list->diags.len = kept;
}
