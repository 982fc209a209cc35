/* A library's header, outside the module of the package that includes it
 * (like GLib's or GTK's in /usr/include): its static inline helpers are
 * compiled into every package that includes it, but run only if called. */
#ifndef WIDGET_H
#define WIDGET_H
typedef void (*widget_cb)(void *);
void widget_free_list(void *l, widget_cb f);
void widget_unref_flags(void *w, int flags);

/* safe: the package never calls this helper (nor anything that reaches it): the library's code, not the package's bug */
static inline void widget_clear_unused(void *l) { widget_free_list(l, (widget_cb)widget_unref_flags); }

static inline void widget_clear_used(void *l) {
    widget_free_list(l, (widget_cb)widget_unref_flags); /* want CG013 */
}

/* Reached only through widget_clear_via, which the package calls. */
static inline void widget_clear_inner(void *l) {
    widget_free_list(l, (widget_cb)widget_unref_flags); /* want CG013 */
}
static inline void widget_clear_via(void *l) { widget_clear_inner(l); }
#endif
