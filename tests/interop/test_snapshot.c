/*
 * test_snapshot.c: unit and concurrency tests of cgoguard/snapshot.h.
 *
 * Builds snapshots of each kind from the documented encoding, checks every
 * lookup (including keys with NUL bytes and empty strings), rejects each
 * kind of malformed input, and has reader threads look up a shared snapshot
 * while retaining and releasing it, so ASan/TSan see the refcounted free.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgoguard/snapshot.h"
#include "check.h"

/* A growable encoder for the input format. */
typedef struct enc {
    unsigned char *p;
    size_t len, cap, count;
} enc;

static void put(enc *e, const void *data, size_t n) {
    if (e->len + n > e->cap) {
        e->cap = (e->len + n) * 2 + 64;
        e->p = realloc(e->p, e->cap);
        CHECK(e->p != NULL);
    }
    if (n) memcpy(e->p + e->len, data, n);
    e->len += n;
}

static void put_str(enc *e, const char *s, uint32_t n) {
    put(e, &n, 4);
    put(e, s, n);
}

static cg_snapshot *build(cg_snapshot_kind kind, enc *e) {
    cg_snapshot *s = NULL;
    CHECK_EQ(cg_snapshot_build(kind, e->p, e->len, e->count, &s), CG_SNAPSHOT_OK);
    CHECK(s != NULL);
    return s;
}

static void test_string_map(void) {
    enc e = {0};
    put_str(&e, "host", 4), put_str(&e, "example.org", 11), e.count++;
    put_str(&e, "", 0), put_str(&e, "empty key", 9), e.count++;
    put_str(&e, "nul\0key", 7), put_str(&e, "v\0v", 3), e.count++;
    put_str(&e, "port", 4), put_str(&e, "", 0), e.count++;
    cg_snapshot *s = build(CG_SNAPSHOT_STRING_MAP, &e);
    free(e.p);
    CHECK_EQ(cg_snapshot_kind_of(s), CG_SNAPSHOT_STRING_MAP);
    CHECK_EQ(cg_snapshot_len(s), 4);
    cg_snapshot_str v;
    CHECK_EQ(cg_snapshot_get(s, "host", 4, &v), CG_SNAPSHOT_OK);
    CHECK(v.len == 11 && strcmp(v.data, "example.org") == 0);
    CHECK_EQ(cg_snapshot_get(s, "", 0, &v), CG_SNAPSHOT_OK);
    CHECK(v.len == 9 && memcmp(v.data, "empty key", 9) == 0);
    CHECK_EQ(cg_snapshot_get(s, "nul\0key", 7, &v), CG_SNAPSHOT_OK);
    CHECK(v.len == 3 && memcmp(v.data, "v\0v", 4) == 0); /* NUL-terminated too */
    CHECK_EQ(cg_snapshot_get(s, "nul", 3, &v), CG_SNAPSHOT_NOT_FOUND);
    CHECK(v.data == NULL && v.len == 0);
    CHECK_EQ(cg_snapshot_get(s, "port", 4, &v), CG_SNAPSHOT_OK);
    CHECK(v.len == 0 && v.data[0] == '\0');
    CHECK_EQ(cg_snapshot_get(s, "hos", 3, &v), CG_SNAPSHOT_NOT_FOUND);
    int64_t n;
    CHECK_EQ(cg_snapshot_get_int(s, "host", 4, &n), CG_SNAPSHOT_WRONG_KIND);
    cg_snapshot_str k;
    CHECK_EQ(cg_snapshot_at(s, 0, &k, &v), CG_SNAPSHOT_OK); /* input order */
    CHECK(k.len == 4 && strcmp(k.data, "host") == 0 && strcmp(v.data, "example.org") == 0);
    CHECK_EQ(cg_snapshot_at(s, 4, &k, &v), CG_SNAPSHOT_NOT_FOUND);
    CHECK(cg_snapshot_contains(s, "port", 4));
    CHECK(!cg_snapshot_contains(s, "ports", 5));
    cg_snapshot_release(s);
}

static void test_int_map_large(void) {
    enc e = {0};
    char key[32];
    for (int64_t i = 0; i < 50000; i++) {
        int n = snprintf(key, sizeof(key), "key-%lld", (long long)i);
        put_str(&e, key, (uint32_t)n);
        int64_t v = i * i - 7;
        put(&e, &v, 8);
        e.count++;
    }
    cg_snapshot *s = build(CG_SNAPSHOT_INT_MAP, &e);
    free(e.p);
    CHECK_EQ(cg_snapshot_len(s), 50000);
    for (int64_t i = 0; i < 50000; i++) {
        int n = snprintf(key, sizeof(key), "key-%lld", (long long)i);
        int64_t v;
        CHECK_EQ(cg_snapshot_get_int(s, key, (size_t)n, &v), CG_SNAPSHOT_OK);
        CHECK_EQ(v, i * i - 7);
    }
    int64_t v = 99;
    CHECK_EQ(cg_snapshot_get_int(s, "key-50000", 9, &v), CG_SNAPSHOT_NOT_FOUND);
    CHECK_EQ(v, 0);
    cg_snapshot_str sv;
    CHECK_EQ(cg_snapshot_get(s, "key-1", 5, &sv), CG_SNAPSHOT_WRONG_KIND);
    cg_snapshot_release(s);
}

static void test_list(void) {
    enc e = {0};
    const char *items[] = {"b", "a", "b", ""};
    for (int i = 0; i < 4; i++) put_str(&e, items[i], (uint32_t)strlen(items[i])), e.count++;
    cg_snapshot *s = build(CG_SNAPSHOT_LIST, &e); /* lists may repeat */
    free(e.p);
    CHECK_EQ(cg_snapshot_len(s), 4);
    cg_snapshot_str k, v;
    for (size_t i = 0; i < 4; i++) {
        CHECK_EQ(cg_snapshot_at(s, i, &k, &v), CG_SNAPSHOT_OK);
        CHECK(strcmp(k.data, items[i]) == 0);
        CHECK(v.data == NULL);
    }
    CHECK(cg_snapshot_contains(s, "a", 1));
    CHECK(cg_snapshot_contains(s, "", 0));
    CHECK(!cg_snapshot_contains(s, "c", 1));
    CHECK_EQ(cg_snapshot_get(s, "a", 1, &v), CG_SNAPSHOT_WRONG_KIND);
    cg_snapshot_release(s);

    /* Empty snapshots are valid. */
    cg_snapshot *empty = NULL;
    CHECK_EQ(cg_snapshot_build(CG_SNAPSHOT_LIST, NULL, 0, 0, &empty), CG_SNAPSHOT_OK);
    CHECK_EQ(cg_snapshot_len(empty), 0);
    CHECK(!cg_snapshot_contains(empty, "a", 1));
    cg_snapshot_release(empty);
    cg_snapshot_release(NULL);
}

static void test_malformed(void) {
    cg_snapshot *s = (cg_snapshot *)1;
    enc e = {0};
    put_str(&e, "k", 1), put_str(&e, "v", 1), e.count++;
    /* Truncated at every possible length. */
    for (size_t cut = 0; cut < e.len; cut++)
        CHECK_EQ(cg_snapshot_build(CG_SNAPSHOT_STRING_MAP, e.p, cut, 1, &s), CG_SNAPSHOT_MALFORMED);
    CHECK(s == NULL);
    /* Count larger than the records, trailing bytes. */
    CHECK_EQ(cg_snapshot_build(CG_SNAPSHOT_STRING_MAP, e.p, e.len, 2, &s), CG_SNAPSHOT_MALFORMED);
    CHECK_EQ(cg_snapshot_build(CG_SNAPSHOT_LIST, e.p, e.len, 1, &s), CG_SNAPSHOT_MALFORMED);
    /* A huge length field must not read out of bounds. */
    unsigned char bad[8] = {0xff, 0xff, 0xff, 0x7f, 'x', 'y', 'z', 'w'};
    CHECK_EQ(cg_snapshot_build(CG_SNAPSHOT_LIST, bad, sizeof(bad), 1, &s), CG_SNAPSHOT_MALFORMED);
    /* Duplicate keys in a map. */
    put_str(&e, "k", 1), put_str(&e, "w", 1), e.count++;
    CHECK_EQ(cg_snapshot_build(CG_SNAPSHOT_STRING_MAP, e.p, e.len, e.count, &s), CG_SNAPSHOT_MALFORMED);
    CHECK(s == NULL);
    CHECK_EQ(cg_snapshot_build((cg_snapshot_kind)9, e.p, e.len, 1, &s), CG_SNAPSHOT_INVALID);
    CHECK_EQ(cg_snapshot_build(CG_SNAPSHOT_LIST, NULL, 4, 1, &s), CG_SNAPSHOT_INVALID);
    CHECK_EQ(cg_snapshot_build(CG_SNAPSHOT_LIST, NULL, 0, (size_t)1 << 31, &s), CG_SNAPSHOT_TOO_BIG);
    CHECK(strstr(cg_snapshot_strerror(CG_SNAPSHOT_MALFORMED), "malformed") != NULL);
    free(e.p);
}

/* ---- Concurrent readers sharing one snapshot ---- */

enum { READERS = 4, KEYS = 1000 };

static void *reader(void *arg) {
    cg_snapshot *s = arg; /* this thread owns one reference */
    char key[16], want[16];
    for (int round = 0; round < STRESS_SCALE(100); round++) {
        for (int i = 0; i < KEYS; i++) {
            int n = snprintf(key, sizeof(key), "k%d", i);
            snprintf(want, sizeof(want), "v%d", i * 3);
            cg_snapshot_str v;
            CHECK_EQ(cg_snapshot_get(s, key, (size_t)n, &v), CG_SNAPSHOT_OK);
            CHECK(strcmp(v.data, want) == 0);
        }
    }
    cg_snapshot_release(s);
    return NULL;
}

static void test_concurrent_readers(void) {
    enc e = {0};
    char key[16], val[16];
    for (int i = 0; i < KEYS; i++) {
        int kn = snprintf(key, sizeof(key), "k%d", i), vn = snprintf(val, sizeof(val), "v%d", i * 3);
        put_str(&e, key, (uint32_t)kn), put_str(&e, val, (uint32_t)vn), e.count++;
    }
    cg_snapshot *s = build(CG_SNAPSHOT_STRING_MAP, &e);
    free(e.p);
    pthread_t th[READERS];
    for (int i = 0; i < READERS; i++) {
        cg_snapshot_retain(s);
        CHECK(pthread_create(&th[i], NULL, reader, s) == 0);
    }
    cg_snapshot_release(s); /* the builder lets go first; readers keep it alive */
    join_threads(th, READERS);
}

int main(void) {
    test_string_map();
    test_int_map_large();
    test_list();
    test_malformed();
    test_concurrent_readers();
    puts("test_snapshot: ok");
    return 0;
}
