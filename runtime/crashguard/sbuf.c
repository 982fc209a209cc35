/*
 * sbuf.c: async-signal-safe text building for crash reports. The handler may
 * run while the crashing thread holds malloc's or stdio's lock, so reports are
 * assembled in caller-provided static storage with these helpers and written
 * with write(2).
 */
#include "cg_internal.h"

#include <errno.h>
#include <unistd.h>

void cg_sbuf_init(cg_sbuf *b, char *storage, size_t cap)
{
    b->data = storage;
    b->len = 0;
    b->cap = cap;
    if (cap) storage[0] = '\0';
}

void cg_sbuf_mem(cg_sbuf *b, const char *s, size_t n)
{
    if (b->cap == 0) return;
    size_t room = b->cap - 1 - b->len;
    if (n > room) n = room;
    for (size_t i = 0; i < n; i++) b->data[b->len + i] = s[i];
    b->len += n;
    b->data[b->len] = '\0';
}

void cg_sbuf_str(cg_sbuf *b, const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    cg_sbuf_mem(b, s, n);
}

void cg_sbuf_char(cg_sbuf *b, char c) { cg_sbuf_mem(b, &c, 1); }

void cg_sbuf_dec(cg_sbuf *b, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    cg_sbuf_mem(b, tmp + i, sizeof tmp - i);
}

static void cg_sbuf_hex_digits(cg_sbuf *b, uint64_t v, int min_digits)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[18];
    size_t i = sizeof tmp;
    int n = 0;
    do {
        tmp[--i] = digits[v & 15];
        v >>= 4;
        n++;
    } while (v || n < min_digits);
    cg_sbuf_str(b, "0x");
    cg_sbuf_mem(b, tmp + i, sizeof tmp - i);
}

void cg_sbuf_hex(cg_sbuf *b, uint64_t v) { cg_sbuf_hex_digits(b, v, 1); }
void cg_sbuf_hex_fixed(cg_sbuf *b, uint64_t v) { cg_sbuf_hex_digits(b, v, 16); }

void cg_sbuf_json_str(cg_sbuf *b, const char *s)
{
    static const char digits[] = "0123456789abcdef";
    cg_sbuf_char(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            cg_sbuf_char(b, '\\');
            cg_sbuf_char(b, (char)c);
        } else if (c == '\n') {
            cg_sbuf_str(b, "\\n");
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', digits[c >> 4], digits[c & 15]};
            cg_sbuf_mem(b, esc, sizeof esc);
        } else {
            cg_sbuf_char(b, (char)c);
        }
    }
    cg_sbuf_char(b, '"');
}

void cg_write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

size_t cg_strlcpy(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    if (cap == 0) return 0;
    for (; src[i] && i + 1 < cap; i++) dst[i] = src[i];
    dst[i] = '\0';
    return i;
}

bool cg_str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

bool cg_str_starts(const char *s, const char *prefix)
{
    while (*prefix && *s == *prefix) s++, prefix++;
    return *prefix == '\0';
}
