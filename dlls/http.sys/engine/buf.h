/* A growable byte buffer; allocation failure is sticky and checked once. */
#ifndef HS_BUF_H
#define HS_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct hs_buf
{
    uint8_t *data;
    size_t len, cap;
    int failed;
};

static inline int hs_buf_reserve(struct hs_buf *b, size_t extra)
{
    size_t cap;
    uint8_t *p;

    if (b->failed) return 0;
    if (b->len + extra <= b->cap) return 1;
    cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) cap *= 2;
    if (!(p = realloc(b->data, cap))) { b->failed = 1; return 0; }
    b->data = p;
    b->cap = cap;
    return 1;
}

static inline void hs_buf_add(struct hs_buf *b, const void *p, size_t n)
{
    if (!n || !hs_buf_reserve(b, n)) return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static inline void hs_buf_adds(struct hs_buf *b, const char *s) { hs_buf_add(b, s, strlen(s)); }

static inline void hs_buf_pad(struct hs_buf *b, size_t align)
{
    static const uint8_t zeros[8];
    size_t n = (align - b->len % align) % align;
    hs_buf_add(b, zeros, n);
}

static inline void hs_buf_consume(struct hs_buf *b, size_t n)
{
    if (n >= b->len) { b->len = 0; return; }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

static inline void hs_buf_free(struct hs_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

#endif
