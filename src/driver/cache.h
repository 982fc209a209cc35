/*
 * cache.h: the result cache of `cgoguard scan`.
 *
 * The unit is a package, not a file: findings depend on every file of the
 * package (types, C declarations, summaries), so a package's findings are
 * valid exactly while all of its inputs are unchanged. The key hashes the
 * tool binary (any rebuild invalidates), the analysis options, and each Go,
 * C and package-local header file's path and contents; an entry also lists
 * the other files the C parser read (system and -I headers) with their size
 * and modification time, checked on every hit. A second run on an unchanged
 * tree therefore parses nothing.
 *
 * Entries live under $XDG_CACHE_HOME/cgoguard (default ~/.cache/cgoguard),
 * are written to a temporary file and renamed into place (safe under
 * concurrent runs), and carry a checksum: a corrupt or truncated entry is a
 * miss and is rewritten.
 */
#ifndef CG_CACHE_H
#define CG_CACHE_H

#include <stdint.h>

#include "../discover/discover.h"
#include "../rules/diag.h"

typedef struct cg_cache cg_cache;

/* dir NULL: $XDG_CACHE_HOME/cgoguard or ~/.cache/cgoguard. Returns NULL (no
 * caching, with *err saying why) when the directory cannot be created. */
cg_cache *cg_cache_open(const char *dir, uint64_t options_hash, char **err);
void cg_cache_close(cg_cache *cache); /* NULL is a no-op */

/* The key of a package: hashes its files' paths and contents. Returns false
 * when a file cannot be read (then the package is not cached). */
bool cg_cache_package_key(const cg_cache *cache, const cg_pkg_files *files, char key[33]);

/* On a hit, appends the cached findings to out and returns true. */
bool cg_cache_load(cg_cache *cache, const char *key, cg_diag_list *out);
/* Stores a package's findings and the extra files its analysis read. Errors
 * are ignored: a failed store only costs a later re-analysis. Thread-safe. */
void cg_cache_store(cg_cache *cache, const char *key, const cg_diag_list *diags,
                    const cg_strvec *dependencies);

/* The entry format itself (also how a scan's worker process hands a
 * package's findings to its supervisor, scan.c): encode appends an entry
 * (checksummed) to out; decode (which modifies data) appends its findings
 * to out and returns false for a corrupt entry or a changed dependency. */
void cg_cache_encode(const cg_diag_list *diags, const cg_strvec *dependencies, cg_strbuf *out);
bool cg_cache_decode(char *data, size_t len, cg_diag_list *out);

/* Hash of the running executable's contents (0 when unreadable). */
uint64_t cg_cache_tool_hash(void);

#endif /* CG_CACHE_H */
