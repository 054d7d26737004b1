/*
 * Building the cooked URL.
 *
 * The path goes through four steps, in this order so that nothing can be
 * smuggled past the later ones: percent-decoding (to "units": bytes, or code
 * points from %uNNNN), choosing UTF-8 or Windows-1252 for the bytes,
 * per-character checks (restricted characters, '\' to '/'), and only then
 * dot-segment removal, so "%2e%2e%2f" climbs like "../" and cannot reach
 * above the root.  Segment limits apply to the path the application sees.
 */
#include "cookurl.h"

#include <stdlib.h>
#include <string.h>

#define HS_COOKED_MAX_BYTES 0xffffu   /* HTTP_COOKED_URL lengths are USHORTs */

/* A decoded piece of the path: a byte (raw or %XX) that still needs a
 * character set, or a code point (%uNNNN) that does not. */
struct hs_unit
{
    uint32_t value;
    int is_cp;
};

/* Windows-1252 0x80-0x9F; 0 marks the five undefined bytes. */
static const uint16_t hs_cp1252_high[32] =
{
    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017d, 0,
    0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

void hs_cook_params_default(struct hs_cook_params *p)
{
    p->enable_non_utf8 = 1;
    p->favor_utf8 = 1;
    p->percent_u_allowed = 1;
    p->allow_restricted_chars = 0;
    p->url_segment_max_length = 260;
    p->url_segment_max_count = 255;
}

static int hs_hex(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 0 for the undefined bytes: decoding them fails, so FavorUTF8=0 can still
 * fall back to UTF-8. */
static uint32_t hs_cp1252(unsigned char b)
{
    return (b >= 0x80 && b < 0xa0) ? hs_cp1252_high[b - 0x80] : b;
}

/* Length of the shortest-form, non-surrogate UTF-8 sequence at s, storing
 * its code point; 0 if there is none. */
static size_t hs_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len, i;
    uint32_t v;

    if (!n) return 0;
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) { len = 2; v = s[0] & 0x1f; }
    else if (s[0] >= 0xe0 && s[0] <= 0xef) { len = 3; v = s[0] & 0x0f; }
    else if (s[0] >= 0xf0 && s[0] <= 0xf4) { len = 4; v = s[0] & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (i = 1; i < len; i++)
    {
        if ((s[i] & 0xc0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff))) return 0;
    if (v >= 0xd800 && v <= 0xdfff) return 0;
    *cp = v;
    return len;
}

static size_t hs_utf8_encode(char *out, uint32_t cp)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800)
    {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000)
    {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static size_t hs_utf16_encode(uint16_t *out, uint32_t cp)
{
    if (cp < 0x10000) { out[0] = (uint16_t)cp; return 1; }
    cp -= 0x10000;
    out[0] = (uint16_t)(0xd800 | (cp >> 10));
    out[1] = (uint16_t)(0xdc00 | (cp & 0x3ff));
    return 2;
}

/* ---- step 1: percent-decoding ------------------------------------------ */

static int hs_read_unit(const struct hs_cook_params *p, const char *s, size_t n,
                        size_t *pos, struct hs_unit *u)
{
    size_t i = *pos;
    int k, h;

    u->is_cp = 0;
    if (s[i] != '%')
    {
        u->value = (unsigned char)s[i];
        *pos = i + 1;
        return 0;
    }
    if (i + 1 < n && (s[i + 1] == 'u' || s[i + 1] == 'U'))
    {
        if (!p->percent_u_allowed) return HS_COOK_E_PERCENT_U;
        if (n - i < 6) return HS_COOK_E_ESCAPE;
        u->value = 0;
        for (k = 2; k < 6; k++)
        {
            if ((h = hs_hex((unsigned char)s[i + k])) < 0) return HS_COOK_E_ESCAPE;
            u->value = u->value << 4 | (uint32_t)h;
        }
        u->is_cp = 1;
        *pos = i + 6;
        return 0;
    }
    if (n - i < 3 || hs_hex((unsigned char)s[i + 1]) < 0 || hs_hex((unsigned char)s[i + 2]) < 0)
        return HS_COOK_E_ESCAPE;
    u->value = (uint32_t)(hs_hex((unsigned char)s[i + 1]) << 4 | hs_hex((unsigned char)s[i + 2]));
    *pos = i + 3;
    return 0;
}

/* %uD83D%uDE00 is one character; a surrogate on its own is not. */
static int hs_decode_units(const struct hs_cook_params *p, const char *s, size_t n,
                           struct hs_unit *units, size_t *count)
{
    size_t pos = 0, c = 0;
    struct hs_unit u, low;
    int err;

    while (pos < n)
    {
        if ((err = hs_read_unit(p, s, n, &pos, &u))) return err;
        if (u.is_cp && u.value >= 0xdc00 && u.value <= 0xdfff) return HS_COOK_E_ENCODING;
        if (u.is_cp && u.value >= 0xd800 && u.value <= 0xdbff)
        {
            if (pos >= n) return HS_COOK_E_ENCODING;
            if ((err = hs_read_unit(p, s, n, &pos, &low))) return err;
            if (!low.is_cp || low.value < 0xdc00 || low.value > 0xdfff) return HS_COOK_E_ENCODING;
            u.value = 0x10000 + ((u.value - 0xd800) << 10) + (low.value - 0xdc00);
        }
        units[c++] = u;
    }
    *count = c;
    return 0;
}

/* ---- step 2: character set ---------------------------------------------- */

/* Up to four consecutive byte units from i, for UTF-8 decoding. */
static size_t hs_gather_bytes(const struct hs_unit *u, size_t n, size_t i, unsigned char buf[4])
{
    size_t k = 0;

    while (k < 4 && i + k < n && !u[i + k].is_cp)
    {
        buf[k] = (unsigned char)u[i + k].value;
        k++;
    }
    return k;
}

/* Decodes the character at units[i] (UTF-8 or Windows-1252 for bytes);
 * returns the number of units used, 0 if they are not valid in that set. */
static size_t hs_unit_char(const struct hs_unit *u, size_t n, size_t i, int utf8, uint32_t *cp)
{
    unsigned char buf[4];

    if (u[i].is_cp || u[i].value < 0x80)
    {
        *cp = u[i].value;
        return 1;
    }
    if (!utf8)
    {
        *cp = hs_cp1252((unsigned char)u[i].value);
        return *cp ? 1 : 0;
    }
    return hs_utf8_decode(buf, hs_gather_bytes(u, n, i, buf), cp);
}

static int hs_units_valid(const struct hs_unit *u, size_t n, int utf8)
{
    size_t i = 0, used;
    uint32_t cp;

    while (i < n)
    {
        if (!(used = hs_unit_char(u, n, i, utf8, &cp))) return 0;
        i += used;
    }
    return 1;
}

static int hs_units_ascii(const struct hs_unit *u, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!u[i].is_cp && u[i].value >= 0x80) return 0;
    return 1;
}

/* FavorUTF8 picks the order; EnableNonUTF8=0 removes Windows-1252.
 * Returns 1 for UTF-8, 0 for Windows-1252, -1 for neither. */
static int hs_choose_charset(const struct hs_cook_params *p, const struct hs_unit *u, size_t n)
{
    if (hs_units_ascii(u, n)) return 1;
    if (p->favor_utf8 || !p->enable_non_utf8)
    {
        if (hs_units_valid(u, n, 1)) return 1;
        if (p->enable_non_utf8 && hs_units_valid(u, n, 0)) return 0;
        return -1;
    }
    if (hs_units_valid(u, n, 0)) return 0;
    return hs_units_valid(u, n, 1) ? 1 : -1;
}

/* ---- step 3: characters -------------------------------------------------- */

static int hs_restricted(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* units -> UTF-8 in out, which has room for 3 bytes per byte of the encoded
 * path (the most any escape or Windows-1252 byte grows); returns bytes or -err. */
static long hs_units_to_utf8(const struct hs_cook_params *p, const struct hs_unit *u, size_t n,
                             int utf8, char *out)
{
    size_t i = 0, o = 0, used;
    uint32_t cp;

    while (i < n)
    {
        if (!(used = hs_unit_char(u, n, i, utf8, &cp))) return -HS_COOK_E_ENCODING;
        if (hs_restricted(cp) && !p->allow_restricted_chars) return -HS_COOK_E_RESTRICTED;
        if (cp == '\\') cp = '/';
        o += hs_utf8_encode(out + o, cp);
        i += used;
    }
    return (long)o;
}

/* ---- step 4: dot segments (RFC 3986 section 5.2.4) ---------------------- */

static int hs_is_dot_segment(const char *s, size_t n)
{
    return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

/* in starts with '/'; out has room for n + 1 bytes.  Returns the length.
 * Empty segments go too: http.sys collapses consecutive slashes (backslashes
 * and %2F included, since they are slashes by now) before it resolves "..",
 * so "/a//b" is "/a/b" and "/a/b//../c" is "/a/c"; it routes on that path
 * (ASP.NET Core's HttpSys server works around exactly this, aspnetcore#42751). */
static size_t hs_remove_dots(const char *in, size_t n, char *out)
{
    size_t i = 0, o = 0, seg, len;
    int trailing = 0;

    while (i < n)
    {
        seg = i + 1;   /* in[i] == '/' */
        for (len = 0; seg + len < n && in[seg + len] != '/'; len++) ;
        i = seg + len;
        if (!len)
        {
            /* a final '/' stays, once */
            if (i == n && (!o || out[o - 1] != '/')) trailing = 1;
            continue;
        }
        trailing = 0;
        if (hs_is_dot_segment(in + seg, len))
        {
            if (len == 2)
                while (o > 0 && out[--o] != '/') ;
            /* a dot segment at the end leaves the directory: "/a/.." is "/" */
            trailing = i == n;
            continue;
        }
        out[o++] = '/';
        memcpy(out + o, in + seg, len);
        o += len;
    }
    if (trailing || !o) out[o++] = '/';
    return o;
}

/* Segments are what lies between slashes; the empty one after a final '/'
 * does not count, so "/" has none and "/a/" has one.  Lengths are in UTF-16
 * units, the characters Windows counts. */
static int hs_check_segments(const struct hs_cook_params *p, const char *s, size_t n)
{
    size_t i, count = 0, len = 0;

    for (i = 1; i <= n; i++)
    {
        unsigned char c = i < n ? (unsigned char)s[i] : '/';

        if (c == '/')
        {
            if (i < n || len) count++;
            len = 0;
            continue;
        }
        if ((c & 0xc0) != 0x80) len++;
        if (c >= 0xf0) len++;   /* needs a surrogate pair */
        if (p->url_segment_max_length && len > p->url_segment_max_length)
            return HS_COOK_E_SEGMENT_LENGTH;
    }
    if (p->url_segment_max_count && count > p->url_segment_max_count) return HS_COOK_E_SEGMENT_COUNT;
    return 0;
}

/* ---- the request target ---------------------------------------------------- */

struct hs_target
{
    const char *path, *query;
    size_t path_len, query_len;   /* query includes '?' */
};

static int hs_prefix_ci(const char *s, size_t n, const char *lit)
{
    size_t i, len = strlen(lit);

    if (n < len) return 0;
    for (i = 0; i < len; i++)
    {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != lit[i]) return 0;
    }
    return 1;
}

static int hs_split_target(const char *t, size_t n, struct hs_target *out)
{
    size_t start = 0, q, i;

    if (!n) return HS_COOK_E_TARGET;
    if (t[0] != '/')
    {
        if (hs_prefix_ci(t, n, "http://")) start = 7;
        else if (hs_prefix_ci(t, n, "https://")) start = 8;
        else return HS_COOK_E_TARGET;
        /* a '#' ends the authority too, and is then refused in the path */
        while (start < n && t[start] != '/' && t[start] != '?' && t[start] != '#') start++;
    }
    for (q = start; q < n && t[q] != '?'; q++) ;
    for (i = start; i < n; i++)
    {
        unsigned char c = (unsigned char)t[i];
        if (c <= 0x20 || c == 0x7f || (c == '#' && i < q)) return HS_COOK_E_CHAR;
    }
    /* "http://host" and "http://host?q" have the root as their path */
    out->path = q > start ? t + start : "/";
    out->path_len = q > start ? q - start : 1;
    out->query = t + q;
    out->query_len = n - q;
    return 0;
}

/* The decoded, canonical path in UTF-8; *out is malloc'ed. */
static int hs_cook_path(const struct hs_cook_params *p, const struct hs_target *t,
                        char **out, size_t *out_len)
{
    struct hs_unit *units;
    size_t count = 0;
    char *decoded = NULL, *clean = NULL;
    long len;
    int err, utf8;

    units = malloc(t->path_len * sizeof(*units));
    decoded = malloc(3 * t->path_len + 1);
    clean = malloc(3 * t->path_len + 2);
    if (!units || !decoded || !clean) { err = HS_COOK_E_NOMEM; goto done; }

    if ((err = hs_decode_units(p, t->path, t->path_len, units, &count))) goto done;
    if ((utf8 = hs_choose_charset(p, units, count)) < 0) { err = HS_COOK_E_ENCODING; goto done; }
    if ((len = hs_units_to_utf8(p, units, count, utf8, decoded)) < 0) { err = (int)-len; goto done; }
    /* the path began with '/', which decoding keeps */
    *out_len = hs_remove_dots(decoded, (size_t)len, clean);
    clean[*out_len] = 0;
    if ((err = hs_check_segments(p, clean, *out_len))) goto done;
    *out = clean;
    clean = NULL;
done:
    free(units);
    free(decoded);
    free(clean);
    return err;
}

/* ---- UTF-16 output ---------------------------------------------------------- */

/* Host and query are not decoded: bytes become characters, as UTF-8 when the
 * whole string is valid UTF-8, else as Windows-1252 (undefined bytes kept as
 * the same code point, since nothing here can fail). */
static size_t hs_bytes_to_utf16(const char *s, size_t n, uint16_t *out)
{
    const unsigned char *b = (const unsigned char *)s;
    size_t i = 0, o = 0, used;
    int utf8 = 1;
    uint32_t cp;

    while (i < n && utf8)
    {
        if (!(used = hs_utf8_decode(b + i, n - i, &cp))) utf8 = 0;
        i += used;
    }
    for (i = 0; i < n; i += used)
    {
        if (utf8) used = hs_utf8_decode(b + i, n - i, &cp);
        else
        {
            used = 1;
            cp = hs_cp1252(b[i]);
            if (!cp) cp = b[i];
        }
        o += hs_utf16_encode(out + o, cp);
    }
    return o;
}

static size_t hs_ascii_to_utf16(const char *s, uint16_t *out)
{
    size_t i;

    for (i = 0; s[i]; i++) out[i] = (uint16_t)(unsigned char)s[i];
    return i;
}

/* Returns the length of the host without a port, or 0 if it is unusable;
 * *has_port tells whether a non-empty ":port" follows. */
static size_t hs_check_host(const char *h, size_t n, int *has_port)
{
    size_t i, name;

    *has_port = 0;
    for (i = 0; i < n; i++)
    {
        unsigned char c = (unsigned char)h[i];
        if (c <= 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '?' || c == '#' || c == '@')
            return 0;
    }
    if (n && h[0] == '[')
    {
        for (name = 0; name < n && h[name] != ']'; name++) ;
        if (name == n) return 0;
        name++;
        if (name < n && h[name] != ':') return 0;
    }
    else
        for (name = 0; name < n && h[name] != ':'; name++) ;
    if (!name) return 0;
    *has_port = n - name > 1;
    return name;
}

static void hs_format_port(uint16_t port, char buf[8])
{
    char tmp[6];
    size_t n = 0, i;
    unsigned v = port;

    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    buf[0] = ':';
    for (i = 0; i < n; i++) buf[1 + i] = tmp[n - 1 - i];
    buf[1 + n] = 0;
}

static size_t hs_utf8_to_utf16(const char *s, size_t n, uint16_t *out)
{
    size_t i = 0, o = 0, used;
    uint32_t cp = 0;

    while (i < n)
    {
        /* the path was built as valid UTF-8; still never loop forever */
        if (!(used = hs_utf8_decode((const unsigned char *)s + i, n - i, &cp))) { cp = 0xfffd; used = 1; }
        o += hs_utf16_encode(out + o, cp);
        i += used;
    }
    return o;
}

static int hs_build_url(const char *host, size_t host_len, int secure, uint16_t local_port,
                        const struct hs_target *t, struct hs_cooked *out)
{
    char port[8] = "";
    size_t name_len, o, cap;
    int has_port;
    uint16_t *u;

    if (!(name_len = hs_check_host(host, host_len, &has_port))) return HS_COOK_E_HOST;
    /* "host:" has an empty port: treat it like none */
    if (!has_port)
    {
        host_len = name_len;
        hs_format_port(local_port, port);
    }

    cap = 8 + host_len + 7 + out->path_len + t->query_len + 1;
    if (!(u = malloc(cap * sizeof(*u)))) return HS_COOK_E_NOMEM;

    o = hs_ascii_to_utf16(secure ? "https://" : "http://", u);
    out->host_off = o * 2;
    o += hs_bytes_to_utf16(host, host_len, u + o);
    o += hs_ascii_to_utf16(port, u + o);
    out->host_bytes = o * 2 - out->host_off;
    out->path_off = o * 2;
    o += hs_utf8_to_utf16(out->path, out->path_len, u + o);
    out->path_bytes = o * 2 - out->path_off;
    if (t->query_len)
    {
        out->query_off = o * 2;
        o += hs_bytes_to_utf16(t->query, t->query_len, u + o);
        out->query_bytes = o * 2 - out->query_off;
    }
    u[o] = 0;
    out->url = u;
    out->url_bytes = o * 2;
    return out->url_bytes > HS_COOKED_MAX_BYTES ? HS_COOK_E_TOO_LONG : 0;
}

int hs_cook_url(const struct hs_cook_params *p, const char *target, size_t target_len,
                const char *host, size_t host_len, int secure, uint16_t local_port,
                struct hs_cooked *out)
{
    struct hs_target t;
    int err;

    memset(out, 0, sizeof(*out));
    if (!target) return HS_COOK_E_TARGET;
    if (!host && host_len) return HS_COOK_E_HOST;
    /* keeps every size computation below far from overflow */
    if (target_len > HS_COOKED_MAX_BYTES * 8u || host_len > HS_COOKED_MAX_BYTES) return HS_COOK_E_TOO_LONG;
    if ((err = hs_split_target(target, target_len, &t))) return err;
    if ((err = hs_cook_path(p, &t, &out->path, &out->path_len)) ||
        (err = hs_build_url(host ? host : "", host_len, secure, local_port, &t, out)))
        hs_cooked_free(out);
    return err;
}

void hs_cooked_free(struct hs_cooked *c)
{
    free(c->url);
    free(c->path);
    memset(c, 0, sizeof(*c));
}
