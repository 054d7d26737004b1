/*
 * UrlPrefix parsing.
 *
 * The parser is strict on purpose: anything the router could never match, or
 * could match ambiguously, is refused at registration time with
 * ERROR_INVALID_PARAMETER rather than silently never receiving requests.
 */
#include "urlprefix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_IPV6_TEXT_MAX 48   /* "[" + 39 + "]" with room to spare */

static int hs_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int hs_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static unsigned char hs_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Length of the UTF-8 sequence starting at s[0], or 0 if it is not a valid,
 * shortest-form, non-surrogate sequence. */
static size_t hs_utf8_seq_len(const unsigned char *s, size_t n)
{
    size_t len, i;
    uint32_t cp;

    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) { len = 2; cp = s[0] & 0x1f; }
    else if (s[0] >= 0xe0 && s[0] <= 0xef) { len = 3; cp = s[0] & 0x0f; }
    else if (s[0] >= 0xf0 && s[0] <= 0xf4) { len = 4; cp = s[0] & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (i = 1; i < len; i++)
    {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return 0;
    return len;
}

/* Dotted quad, each part 0-255 without leading zeros: "010" is refused
 * because other stacks read it as octal, so its meaning is ambiguous. */
static int hs_parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
    size_t i = 0;
    int part;

    for (part = 0; part < 4; part++)
    {
        unsigned value = 0;
        size_t start;

        if (part && (i >= n || s[i++] != '.')) return -1;
        start = i;
        while (i < n && hs_is_digit((unsigned char)s[i]) && i - start < 3)
            value = value * 10 + (unsigned)(s[i++] - '0');
        if (i == start || value > 255 || (i - start > 1 && s[start] == '0')) return -1;
        out[part] = (uint8_t)value;
    }
    return i == n ? 0 : -1;
}

/* Text between the brackets; no zone id (a registration is machine-wide). */
static int hs_parse_ipv6(const char *s, size_t n, uint8_t out[16])
{
    uint8_t words[16];
    size_t i = 0, count = 0;   /* count: bytes written to words */
    long gap = -1;             /* byte index where "::" stands */

    if (n >= 2 && s[0] == ':' && s[1] == ':') { gap = 0; i = 2; }
    else if (n && s[0] == ':') return -1;

    while (i < n)
    {
        size_t start = i;
        unsigned value = 0;

        while (i < n && i - start < 4 && hs_hex_value((unsigned char)s[i]) >= 0)
            value = value * 16 + (unsigned)hs_hex_value((unsigned char)s[i++]);
        if (i < n && s[i] == '.')
        {
            /* trailing dotted quad takes the last 32 bits */
            if (count > 12 || hs_parse_ipv4(s + start, n - start, words + count)) return -1;
            count += 4;
            i = n;
            break;
        }
        if (i == start || count >= 16) return -1;
        words[count++] = (uint8_t)(value >> 8);
        words[count++] = (uint8_t)value;
        if (i == n) break;
        if (s[i] != ':') return -1;
        i++;
        if (i < n && s[i] == ':')
        {
            if (gap >= 0) return -1;
            gap = (long)count;
            i++;
        }
        else if (i == n) return -1;   /* trailing single ':' */
    }

    if (gap < 0)
    {
        if (count != 16) return -1;
        memcpy(out, words, 16);
        return 0;
    }
    if (count > 14) return -1;   /* "::" must stand for at least one group */
    memset(out, 0, 16);
    memcpy(out, words, (size_t)gap);
    memcpy(out + 16 - (count - (size_t)gap), words + gap, count - (size_t)gap);
    return 0;
}

/* RFC 5952 text so that equal addresses give equal canonical strings. */
static size_t hs_format_ipv6(const uint8_t a[16], char *buf)
{
    static const uint8_t mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };
    int best = -1, best_len = 0, run = -1, i;
    char *p = buf;

    if (!memcmp(a, mapped, 12))
        return (size_t)sprintf(buf, "[::ffff:%u.%u.%u.%u]", a[12], a[13], a[14], a[15]);

    for (i = 0; i <= 8; i++)
    {
        int zero = i < 8 && !a[2 * i] && !a[2 * i + 1];
        if (zero && run < 0) run = i;
        if (!zero && run >= 0)
        {
            if (i - run > best_len && i - run >= 2) { best = run; best_len = i - run; }
            run = -1;
        }
    }

    *p++ = '[';
    for (i = 0; i < 8; i++)
    {
        if (i == best)
        {
            *p++ = ':';
            if (i == 0) *p++ = ':';
            i += best_len - 1;
            continue;
        }
        p += sprintf(p, "%x", (unsigned)(a[2 * i] << 8 | a[2 * i + 1]));
        if (i < 7) *p++ = ':';
    }
    *p++ = ']';
    *p = 0;
    return (size_t)(p - buf);
}

/* A host name: letters, digits, '-', '_', '.', and UTF-8 for IDNs; no empty
 * label.  Names made only of digits and dots must be dotted quads, so that
 * "1.2.3" cannot be registered as a name that some stack reads as an IP. */
static int hs_check_name(const char *s, size_t n)
{
    size_t i = 0, label = 0;
    int numeric = 1;

    if (!n) return -1;
    while (i < n)
    {
        unsigned char c = (unsigned char)s[i];
        size_t seq = 1;

        if (c == '.')
        {
            if (!label) return -1;
            label = 0;
        }
        else if (c >= 0x80)
        {
            if (!(seq = hs_utf8_seq_len((const unsigned char *)s + i, n - i))) return -1;
            numeric = 0;
            label++;
        }
        else if (hs_is_digit(c)) label++;
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_')
        {
            numeric = 0;
            label++;
        }
        else return -1;
        i += seq;
    }
    if (!label) return -1;
    return numeric ? -1 : 0;
}

/* Decimal 1-65535, no sign, no leading zero. */
static int hs_parse_port(const char *s, size_t n, uint16_t *port)
{
    unsigned long value = 0;
    size_t i;

    if (!n || n > 5 || s[0] == '0') return -1;
    for (i = 0; i < n; i++)
    {
        if (!hs_is_digit((unsigned char)s[i])) return -1;
        value = value * 10 + (unsigned long)(s[i] - '0');
    }
    if (value > 65535) return -1;
    *port = (uint16_t)value;
    return 0;
}

/* The path must be something a cooked request path can equal: no query or
 * fragment, no escapes (cooked paths are decoded), no backslash (cooked paths
 * have '/'), no dot segments (cooked paths have none), no spaces or controls. */
static int hs_check_path(const char *s, size_t n)
{
    size_t i = 0, seg = 0;

    if (n < 1 || s[0] != '/' || s[n - 1] != '/') return -1;
    while (i < n)
    {
        unsigned char c = (unsigned char)s[i];
        size_t seq = 1;

        if (c == '/')
        {
            if ((i - seg == 1 && s[seg] == '.') || (i - seg == 2 && s[seg] == '.' && s[seg + 1] == '.'))
                return -1;
            seg = i + 1;
        }
        else if (c <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '%' || c == '\\')
            return -1;
        else if (c >= 0x80 && !(seq = hs_utf8_seq_len((const unsigned char *)s + i, n - i)))
            return -1;
        i += seq;
    }
    return 0;
}

struct hs_host_parse
{
    enum hs_host_kind kind;
    uint8_t addr[16];
    char text[HS_IPV6_TEXT_MAX];   /* canonical text for IPv6 only */
    size_t text_len;
};

/* s..n is the host as written, without the ":port". */
static int hs_parse_host(const char *s, size_t n, struct hs_host_parse *h)
{
    memset(h, 0, sizeof(*h));
    if (n == 1 && s[0] == '+') { h->kind = HS_HOST_STRONG; return 0; }
    if (n == 1 && s[0] == '*') { h->kind = HS_HOST_WEAK; return 0; }
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
    {
        if (hs_parse_ipv6(s + 1, n - 2, h->addr)) return -1;
        h->kind = HS_HOST_IPV6;
        h->text_len = hs_format_ipv6(h->addr, h->text);
        return 0;
    }
    if (!hs_parse_ipv4(s, n, h->addr)) { h->kind = HS_HOST_IPV4; return 0; }
    /* one trailing dot is the DNS root: "host." and "host" are one name */
    if (n > 1 && s[n - 1] == '.') n--;
    if (hs_check_name(s, n)) return -1;
    h->kind = HS_HOST_NAME;
    return 0;
}

static int hs_build(struct hs_prefix *out, int secure, const struct hs_host_parse *h,
                    const char *host, size_t host_len, uint16_t port,
                    const char *path, size_t path_len)
{
    size_t cap, i, pos;
    char *buf;

    if (h->kind == HS_HOST_IPV6) { host = h->text; host_len = h->text_len; }
    else if (h->kind == HS_HOST_NAME && host[host_len - 1] == '.') host_len--;

    cap = 8 + host_len + 6 + path_len + 1;
    if (!(buf = malloc(cap))) return HS_ERROR_NOT_ENOUGH_MEMORY;

    memset(out, 0, sizeof(*out));
    pos = (size_t)sprintf(buf, "%s://", secure ? "https" : "http");
    for (i = 0; i < host_len; i++) buf[pos + i] = (char)hs_lower((unsigned char)host[i]);
    out->host_len = host_len;
    out->host = buf + pos;
    pos += host_len;
    pos += (size_t)sprintf(buf + pos, ":%u", (unsigned)port);
    memcpy(buf + pos, path, path_len);
    out->path = buf + pos;
    out->path_len = path_len;
    pos += path_len;
    buf[pos] = 0;

    out->canon = buf;
    out->canon_len = pos;
    out->secure = secure;
    out->kind = h->kind;
    out->port = port;
    memcpy(out->addr, h->addr, sizeof(out->addr));
    return 0;
}

int hs_prefix_parse(const char *s, size_t len, struct hs_prefix *out)
{
    struct hs_host_parse h;
    size_t i, host_start, host_end, port_end;
    uint16_t port;
    int secure;

    memset(out, 0, sizeof(*out));
    if (!s) return HS_ERROR_INVALID_PARAMETER;
    if (len >= 7 && !memcmp(s, "http://", 7)) { secure = 0; i = 7; }
    else if (len >= 8 && !memcmp(s, "https://", 8)) { secure = 1; i = 8; }
    else return HS_ERROR_INVALID_PARAMETER;

    host_start = i;
    if (i < len && s[i] == '[')
    {
        while (i < len && s[i] != ']' && s[i] != '/') i++;
        if (i == len || s[i] != ']') return HS_ERROR_INVALID_PARAMETER;
        i++;
    }
    else
        while (i < len && s[i] != ':' && s[i] != '/') i++;
    host_end = i;
    /* the port is mandatory */
    if (i == len || s[i] != ':') return HS_ERROR_INVALID_PARAMETER;
    i++;
    while (i < len && s[i] != '/') i++;
    port_end = i;

    if (hs_parse_host(s + host_start, host_end - host_start, &h)) return HS_ERROR_INVALID_PARAMETER;
    if (hs_parse_port(s + host_end + 1, port_end - host_end - 1, &port)) return HS_ERROR_INVALID_PARAMETER;
    if (hs_check_path(s + port_end, len - port_end)) return HS_ERROR_INVALID_PARAMETER;
    return hs_build(out, secure, &h, s + host_start, host_end - host_start, port,
                    s + port_end, len - port_end);
}

static int hs_ascii_caseeq(const char *a, const char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (hs_lower((unsigned char)a[i]) != hs_lower((unsigned char)b[i])) return 0;
    return 1;
}

int hs_prefix_equal(const struct hs_prefix *a, const struct hs_prefix *b)
{
    if (a->secure != b->secure || a->kind != b->kind || a->port != b->port) return 0;
    if (a->host_len != b->host_len || memcmp(a->host, b->host, a->host_len)) return 0;
    return a->path_len == b->path_len && hs_ascii_caseeq(a->path, b->path, a->path_len);
}

int hs_prefix_copy(struct hs_prefix *dst, const struct hs_prefix *src)
{
    char *buf = malloc(src->canon_len + 1);

    if (!buf) return HS_ERROR_NOT_ENOUGH_MEMORY;
    memcpy(buf, src->canon, src->canon_len + 1);
    *dst = *src;
    dst->canon = buf;
    dst->host = buf + (src->host - src->canon);
    dst->path = buf + (src->path - src->canon);
    return 0;
}

void hs_prefix_free(struct hs_prefix *p)
{
    free(p->canon);
    memset(p, 0, sizeof(*p));
}
