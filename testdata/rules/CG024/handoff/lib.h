/* A small C "library" that keeps some of what it is given. */
#ifndef HANDOFF_LIB_H
#define HANDOFF_LIB_H

struct config {
    const char *name;
    int level;
};

/* Keeps the pointer in a global: the caller must not free it. */
void lib_set_name(const char *name);
/* Reads the string during the call only. */
int lib_print(const char *s);
/* Stores src into dst->name. */
void lib_config_name(struct config *dst, const char *src);
/* Creates a window from a local copy of its settings: only the level is
 * kept (as GLFW's glfwCreateWindow keeps wndconfig.resizable, not the
 * title it also put in wndconfig). */
struct window;
struct window *lib_window_new(const char *title, int level);
/* A string vector the caller fills, hands to a call that copies it, and
 * destroys (gotk3's make_strings/set_string/destroy_strings). */
char **make_strings(int count);
void set_string(char **strings, int i, char *s);
void destroy_strings(char **strings);
int use_strings(int n, char **strings);
/* Options made from strings, used by a call, and freed (libbpfgo's
 * cgo_bpf_object_open_opts_new / _free): the struct keeps the pointers. */
struct opts { const char *path; int flags; };
struct opts *opts_new(const char *path);
void opts_free(struct opts *o);
int opts_use(struct opts *o);
/* The library's own configuration object. */
struct config *lib_config(void);

#endif
