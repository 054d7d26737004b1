#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errlog.h"
#include "conn.h"
#include "cookurl.h"
#include "httperr.h"

/* cs-uri is cut at HS_HTTPERR_URI_MAX; a few bytes more let the cut fall
 * before a character, not inside it */
#define URI_BUF (HS_HTTPERR_URI_MAX + 4)

/* UTF-16LE bytes (a cooked URL's path and query) appended as UTF-8, as far
 * as they fit. */
static size_t utf16_to_utf8(const uint8_t *p, size_t bytes, char *out, size_t len, size_t cap)
{
    size_t i;

    for (i = 0; i + 1 < bytes && len < cap; i += 2)
    {
        unsigned c = p[i] | p[i + 1] << 8;
        char u[4];
        size_t n;

        if (c >= 0xd800 && c < 0xdc00 && i + 3 < bytes)
        {
            unsigned lo = p[i + 2] | p[i + 3] << 8;
            if (lo >= 0xdc00 && lo < 0xe000)
            {
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                i += 2;
            }
        }
        if (c < 0x80) { u[0] = (char)c; n = 1; }
        else if (c < 0x800) { u[0] = (char)(0xc0 | c >> 6); u[1] = (char)(0x80 | (c & 0x3f)); n = 2; }
        else if (c < 0x10000)
        {
            u[0] = (char)(0xe0 | c >> 12); u[1] = (char)(0x80 | ((c >> 6) & 0x3f)); u[2] = (char)(0x80 | (c & 0x3f));
            n = 3;
        }
        else
        {
            u[0] = (char)(0xf0 | c >> 18); u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
            u[2] = (char)(0x80 | ((c >> 6) & 0x3f)); u[3] = (char)(0x80 | (c & 0x3f));
            n = 4;
        }
        if (len + n > cap) break;
        memcpy(out + len, u, n);
        len += n;
    }
    return len;
}

static void base_entry(struct hs_conn *c, struct hs_httperr_entry *e, unsigned status, const char *reason)
{
    memset(e, 0, sizeof(*e));
    e->when = time(NULL);
    e->client = &c->remote.sa;
    e->server = &c->local.sa;
    e->version_major = e->version_minor = -1;
    e->status = status;
    e->reason = reason;
}

void hs_errlog_head(struct hs_conn *c, const struct hp_request *hp, const struct hs_cooked *cooked,
                    unsigned status, const char *reason, const struct hs_queue *q)
{
    const char *head = (const char *)c->in.data;
    struct hs_httperr_entry e;
    char uri[URI_BUF];

    if (!c->eng->httperr) return;
    base_entry(c, &e, status, reason);
    if (hp->method_len)
    {
        e.method = head + hp->method_off;
        e.method_len = hp->method_len;
    }
    else if (c->in.len)
    {
        /* a method that is no token: its bytes up to the space, as sent */
        size_t i = 0, start;
        while (i < c->in.len && (head[i] == '\r' || head[i] == '\n')) i++;
        for (start = i; i < c->in.len && i - start <= HS_HTTPERR_VERB_MAX; i++)
            if (head[i] == ' ' || head[i] == '\r' || head[i] == '\n') break;
        e.method = head + start;
        e.method_len = i - start;
    }
    if (cooked && cooked->url)
    {
        const uint8_t *url = (const uint8_t *)cooked->url;
        size_t n = utf16_to_utf8(url + cooked->path_off, cooked->path_bytes, uri, 0, sizeof(uri));
        e.uri_len = utf16_to_utf8(url + cooked->query_off, cooked->query_bytes, uri, n, sizeof(uri));
        e.uri = uri;
    }
    else if (hp->target_len)
    {
        e.uri = head + hp->target_off;
        e.uri_len = hp->target_len;
    }
    if (hp->version_major)
    {
        e.version_major = hp->version_major;
        e.version_minor = hp->version_minor;
    }
    e.queue = q ? q->name : NULL;
    hs_httperr_write(c->eng->httperr, &e);
}

void hs_errlog_request(struct hs_conn *c, const struct hs_request *req, unsigned status, const char *reason)
{
    struct hs_httperr_entry e;
    char uri[URI_BUF];

    if (!c->eng->httperr) return;
    base_entry(c, &e, status, reason);
    if (req && req->wire_len >= sizeof(struct hs_wire_request))
    {
        const struct hs_wire_request *w = (const struct hs_wire_request *)req->wire;
        const uint8_t *url = req->wire + w->cooked_url.off;
        const char *verb = hp_verb_name(req->verb);
        size_t n;

        if (req->verb == HP_VERB_UNKNOWN)
        {
            e.method = (const char *)req->wire + w->unknown_verb.off;
            e.method_len = w->unknown_verb.len;
        }
        else if (verb)
        {
            e.method = verb;
            e.method_len = strlen(verb);
        }
        n = utf16_to_utf8(url + w->cooked_path_off, w->cooked_path_len, uri, 0, sizeof(uri));
        e.uri_len = utf16_to_utf8(url + w->cooked_query_off, w->cooked_query_len, uri, n, sizeof(uri));
        e.uri = uri;
        e.version_major = w->version_major;
        e.version_minor = w->version_minor;
        e.queue = req->queue ? req->queue->name : NULL;
    }
    hs_httperr_write(c->eng->httperr, &e);
}
