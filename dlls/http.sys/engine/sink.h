/*
 * A bounded text buffer that counts what it could not hold: the log
 * writers (W3C, HTTPERR) format a line into the caller's buffer and learn
 * its whole length, as snprintf does.
 */
#ifndef HS_SINK_H
#define HS_SINK_H

#include <stddef.h>
#include <string.h>

struct sink
{
    char *out;
    size_t cap, len;
};

static inline void put(struct sink *s, const char *p, size_t n)
{
    if (s->len + n < s->cap) memcpy(s->out + s->len, p, n);
    s->len += n;
}

static inline void puts_(struct sink *s, const char *p)
{
    put(s, p, strlen(p));
}

/* The NUL, where it fits; the length without it. */
static inline size_t finish(struct sink *s)
{
    if (s->len < s->cap) s->out[s->len] = 0;
    return s->len;
}

#endif
