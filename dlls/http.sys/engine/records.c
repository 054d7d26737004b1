#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "records.h"
#include "log.h"

int hs_parse_addr(const char *text, struct sockaddr_storage *addr, uint16_t *port)
{
    char host[64];
    const char *p = NULL, *end;
    unsigned long v = 0;
    size_t len;
    char *stop;

    memset(addr, 0, sizeof(*addr));
    *port = 0;
    if (text[0] == '[')
    {
        if (!(end = strchr(text, ']'))) return -1;
        len = (size_t)(end - text - 1);
        if (end[1] == ':') p = end + 2;
        else if (end[1]) return -1;
        text++;
    }
    else
    {
        const char *colon = strchr(text, ':');
        if (colon && !strchr(colon + 1, ':')) { len = (size_t)(colon - text); p = colon + 1; }
        else len = strlen(text);
    }
    if (len >= sizeof(host)) return -1;
    memcpy(host, text, len);
    host[len] = 0;
    if (p)
    {
        v = strtoul(p, &stop, 10);
        if (!*p || *stop || v > 65535 || *p == '-' || *p == '+') return -1;
        *port = (uint16_t)v;
    }
    if (inet_pton(AF_INET, host, &((struct sockaddr_in *)addr)->sin_addr) == 1)
    {
        addr->ss_family = AF_INET;
        ((struct sockaddr_in *)addr)->sin_port = htons(*port);
        return 0;
    }
    if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)addr)->sin6_addr) == 1)
    {
        addr->ss_family = AF_INET6;
        ((struct sockaddr_in6 *)addr)->sin6_port = htons(*port);
        return 0;
    }
    return -1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Undoes the %XX escaping in place; -1 on a malformed escape. */
static int unescape(char *s)
{
    char *out = s;
    while (*s)
    {
        if (*s == '%')
        {
            int hi = hexval((unsigned char)s[1]), lo = hi < 0 ? -1 : hexval((unsigned char)s[2]);
            if (hi < 0 || lo < 0) return -1;
            *out++ = (char)(hi << 4 | lo);
            s += 3;
        }
        else *out++ = *s++;
    }
    *out = 0;
    return 0;
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    unsigned long long v;
    if (!*s || *s == '-' || *s == '+') return -1;
    v = strtoull(s, &end, 10);
    if (*end || v > 0xffffffffull) return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_ssl(char *words[], int count, struct hs_ssl_binding *b)
{
    const char *colon;
    int i;

    memset(b, 0, sizeof(*b));
    if (count < 3) return -1;
    if (!strcmp(words[1], "ip")) b->kind = HS_SSL_IP;
    else if (!strcmp(words[1], "sni")) b->kind = HS_SSL_SNI;
    else if (!strcmp(words[1], "ccs")) b->kind = HS_SSL_CCS;
    else if (!strcmp(words[1], "scoped")) b->kind = HS_SSL_SCOPED;
    else return -1;
    if (unescape(words[2]) || strlen(words[2]) >= sizeof(b->subject)) return -1;
    snprintf(b->subject, sizeof(b->subject), "%s", words[2]);
    if (b->kind == HS_SSL_IP || b->kind == HS_SSL_CCS)
    {
        if (hs_parse_addr(b->subject, &b->addr, &b->port) || !b->port) return -1;
    }
    else
    {
        uint32_t port;
        if (!(colon = strrchr(b->subject, ':')) || colon == b->subject || parse_u32(colon + 1, &port) || !port || port > 65535)
            return -1;
        b->port = (uint16_t)port;
    }
    for (i = 3; i < count; i++)
    {
        char *eq = strchr(words[i], '=');
        if (!eq) return -1;
        *eq++ = 0;
        if (unescape(eq)) return -1;
        if (!strcmp(words[i], "hash"))
        {
            size_t n = strlen(eq), k;
            if (n % 2 || n / 2 > sizeof(b->hash)) return -1;
            for (k = 0; k < n / 2; k++)
            {
                int hi = hexval((unsigned char)eq[2 * k]), lo = hexval((unsigned char)eq[2 * k + 1]);
                if (hi < 0 || lo < 0) return -1;
                b->hash[k] = (uint8_t)(hi << 4 | lo);
            }
            b->hash_len = (uint32_t)(n / 2);
        }
        else if (!strcmp(words[i], "store")) snprintf(b->store, sizeof(b->store), "%s", eq);
        else if (!strcmp(words[i], "flags")) { if (parse_u32(eq, &b->flags)) return -1; }
        else if (!strcmp(words[i], "checkmode")) { if (parse_u32(eq, &b->checkmode)) return -1; }
        else if (!strcmp(words[i], "freshness")) { if (parse_u32(eq, &b->freshness)) return -1; }
        else if (!strcmp(words[i], "urltimeout")) { if (parse_u32(eq, &b->urltimeout)) return -1; }
        /* ctlid, ctlstore and anything newer: not used by the engine */
    }
    return 0;
}

static int parse_line(char *line, struct hs_records *r)
{
    char *words[16], *save = NULL, *w;
    int count = 0;
    uint32_t v;

    for (w = strtok_r(line, " \t", &save); w && count < 16; w = strtok_r(NULL, " \t", &save)) words[count++] = w;
    if (!count) return 0;
    if (!strcmp(words[0], "listen") && count == 2)
    {
        struct hs_listen_addr a, *grown;
        if (unescape(words[1]) || hs_parse_addr(words[1], &a.addr, &a.port)) return -1;
        if (!(grown = realloc(r->listen, (r->listen_count + 1) * sizeof(*grown)))) return -2;
        r->listen = grown;
        r->listen[r->listen_count++] = a;
        return 0;
    }
    if (!strcmp(words[0], "timeout") && count == 3)
    {
        if (parse_u32(words[2], &v) || !v || v > 65535) return -1;
        if (!strcmp(words[1], "idle")) r->idle_timeout = v;
        else if (!strcmp(words[1], "headerwait")) r->header_wait = v;
        else return -1;
        return 0;
    }
    if (!strcmp(words[0], "cache") && count == 3)
    {
        if (parse_u32(words[2], &v)) return -1;
        if (!strcmp(words[1], "maxresponse")) r->max_cache_response = v;
        else if (!strcmp(words[1], "rangechunk")) r->cache_range_chunk = v;
        else return -1;
        return 0;
    }
    if (!strcmp(words[0], "setting") && count == 3 && !strcmp(words[1], "tlsthrottle"))
        return parse_u32(words[2], &r->tls_throttle);
    if (!strcmp(words[0], "ssl"))
    {
        struct hs_ssl_binding b, *grown;
        if (parse_ssl(words, count, &b)) return -1;
        if (!(grown = realloc(r->ssl, (r->ssl_count + 1) * sizeof(*grown)))) return -2;
        r->ssl = grown;
        r->ssl[r->ssl_count++] = b;
        return 0;
    }
    return -1;
}

int hs_records_parse(const char *text, size_t len, struct hs_records *out)
{
    size_t pos = 0;

    memset(out, 0, sizeof(*out));
    while (pos < len)
    {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
        char *line = malloc(n + 1);
        int ret;

        if (!line) { hs_records_free(out); return -1; }
        memcpy(line, text + pos, n);
        line[n] = 0;
        if (memchr(line, 0, n)) ret = -1;   /* an embedded NUL: not a line of ours */
        else
        {
            char shown[61];
            size_t i;
            /* parse_line cuts the line up: keep a printable copy to report */
            for (i = 0; i < n && i < 60; i++) shown[i] = line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '?';
            shown[i] = 0;
            ret = parse_line(line, out);
            if (ret == -1) WARN("configuration store: ignoring a record that does not parse (%s)", shown);
        }
        if (ret == -1 && memchr(text + pos, 0, n)) WARN("configuration store: ignoring a record with a NUL byte");
        if (ret == -1) out->skipped++;
        free(line);
        if (ret == -2) { hs_records_free(out); return -1; }
        pos += n + 1;
    }
    return 0;
}

void hs_records_free(struct hs_records *r)
{
    free(r->listen);
    free(r->ssl);
    memset(r, 0, sizeof(*r));
}
