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
/* The library's own configuration object. */
struct config *lib_config(void);

#endif
