/*
 * HTTP/1.1 request-head parser (RFC 9112 §2-§3, §5-§6; RFC 9110 §5-§7).
 *
 * Strictness follows http.sys: a request it would answer with an error page
 * is an error here, with the error page it would choose (reference §5.4).
 * Every call parses from the first byte; a prefix of a valid head always
 * gives HP_INCOMPLETE, and errors are reported at the first offending byte
 * so that a client cannot make the engine buffer a doomed request.
 */

#include <string.h>

#include "http_parse.h"

enum
{
    C_TCHAR   = 1,  /* RFC 9110 tchar */
    C_FIELD   = 2,  /* field-vchar, obs-text, SP, HTAB: allowed in a field value */
    C_TARGET  = 4,  /* allowed in a request-target: not CTL, SP or DEL (raw UTF-8/ANSI allowed) */
    C_HEX     = 8,
    C_REGNAME = 16, /* RFC 3986 unreserved and sub-delims, the bytes of a reg-name or IPv4 */
};

static const unsigned char char_class[256] =
{
     0,  0,  0,  0,  0,  0,  0,  0,  0,  2,  0,  0,  0,  0,  0,  0,  /* 00 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 10 */
     2, 23,  6,  7, 23,  7, 23, 23, 22, 22, 23, 23, 22, 23, 23,  6,  /* 20 */
    31, 31, 31, 31, 31, 31, 31, 31, 31, 31,  6, 22,  6, 22,  6,  6,  /* 30 */
     6, 31, 31, 31, 31, 31, 31, 23, 23, 23, 23, 23, 23, 23, 23, 23,  /* 40 */
    23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23,  6,  6,  6,  7, 23,  /* 50 */
     7, 31, 31, 31, 31, 31, 31, 23, 23, 23, 23, 23, 23, 23, 23, 23,  /* 60 */
    23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23,  6,  7,  6, 23,  0,  /* 70 */
     6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  /* 80 */
     6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  /* 90 */
     6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  /* a0 */
     6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  /* b0 */
     6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  /* c0 */
     6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  /* d0 */
     6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  /* e0 */
     6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  /* f0 */
};

static int has_class(char c, int cls)
{
    return char_class[(unsigned char)c] & cls;
}

int hp_is_tchar(unsigned char c)
{
    return char_class[c] & C_TCHAR;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : (unsigned char)c;
}

/* Case-insensitive comparison of s[0..n) with a lowercase-insensitive literal. */
static int equals_ci(const char *s, size_t n, const char *lit, size_t lit_len)
{
    size_t i;

    if (n != lit_len) return 0;
    for (i = 0; i < n; i++)
        if (to_lower(s[i]) != to_lower(lit[i])) return 0;
    return 1;
}

#define EQUALS_CI(s, n, lit) equals_ci((s), (n), lit, sizeof(lit) - 1)

static enum hp_status fail(enum hp_error *err, enum hp_error e)
{
    *err = e;
    return HP_ERROR;
}

/* ---- known headers and verbs ------------------------------------------ */

struct name_entry { const char *name; unsigned char len; };
#define NAME(s) { s, sizeof(s) - 1 }

/* HTTP_HEADER_ID order; ids 0..19 are shared by requests and responses. */
static const struct name_entry request_headers[HP_HDR_REQUEST_MAXIMUM] =
{
    NAME("Cache-Control"), NAME("Connection"), NAME("Date"), NAME("Keep-Alive"),
    NAME("Pragma"), NAME("Trailer"), NAME("Transfer-Encoding"), NAME("Upgrade"),
    NAME("Via"), NAME("Warning"), NAME("Allow"), NAME("Content-Length"),
    NAME("Content-Type"), NAME("Content-Encoding"), NAME("Content-Language"),
    NAME("Content-Location"), NAME("Content-MD5"), NAME("Content-Range"),
    NAME("Expires"), NAME("Last-Modified"), NAME("Accept"), NAME("Accept-Charset"),
    NAME("Accept-Encoding"), NAME("Accept-Language"), NAME("Authorization"),
    NAME("Cookie"), NAME("Expect"), NAME("From"), NAME("Host"), NAME("If-Match"),
    NAME("If-Modified-Since"), NAME("If-None-Match"), NAME("If-Range"),
    NAME("If-Unmodified-Since"), NAME("Max-Forwards"), NAME("Proxy-Authorization"),
    NAME("Referer"), NAME("Range"), NAME("TE"), NAME("Translate"), NAME("User-Agent"),
};

#define SHARED_HEADERS 20

static const struct name_entry response_headers[HP_HDR_RESPONSE_MAXIMUM - SHARED_HEADERS] =
{
    NAME("Accept-Ranges"), NAME("Age"), NAME("ETag"), NAME("Location"),
    NAME("Proxy-Authenticate"), NAME("Retry-After"), NAME("Server"), NAME("Set-Cookie"),
    NAME("Vary"), NAME("WWW-Authenticate"),
};

static int find_name(const struct name_entry *table, int count, const char *name, size_t len)
{
    int i;

    for (i = 0; i < count; i++)
        if (table[i].len == len && equals_ci(name, len, table[i].name, len)) return i;
    return -1;
}

int hp_known_request_header(const char *name, size_t len)
{
    return find_name(request_headers, HP_HDR_REQUEST_MAXIMUM, name, len);
}

const char *hp_known_request_header_name(int id)
{
    if (id < 0 || id >= HP_HDR_REQUEST_MAXIMUM) return NULL;
    return request_headers[id].name;
}

int hp_known_response_header(const char *name, size_t len)
{
    int id = find_name(request_headers, SHARED_HEADERS, name, len);

    if (id >= 0) return id;
    id = find_name(response_headers, HP_HDR_RESPONSE_MAXIMUM - SHARED_HEADERS, name, len);
    return id >= 0 ? SHARED_HEADERS + id : -1;
}

const char *hp_known_response_header_name(int id)
{
    if (id < 0 || id >= HP_HDR_RESPONSE_MAXIMUM) return NULL;
    if (id < SHARED_HEADERS) return request_headers[id].name;
    return response_headers[id - SHARED_HEADERS].name;
}

static const struct name_entry verbs[] =
{
    /* index + HP_VERB_OPTIONS is the verb */
    NAME("OPTIONS"), NAME("GET"), NAME("HEAD"), NAME("POST"), NAME("PUT"), NAME("DELETE"),
    NAME("TRACE"), NAME("CONNECT"), NAME("TRACK"), NAME("MOVE"), NAME("COPY"),
    NAME("PROPFIND"), NAME("PROPPATCH"), NAME("MKCOL"), NAME("LOCK"), NAME("UNLOCK"),
    NAME("SEARCH"),
};

int hp_verb_from_method(const char *m, size_t len)
{
    size_t i;

    /* Methods are case-sensitive (RFC 9110 §9.1), so "get" is an unknown verb. */
    for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (verbs[i].len == len && !memcmp(m, verbs[i].name, len)) return HP_VERB_OPTIONS + (int)i;
    return HP_VERB_UNKNOWN;
}

const char *hp_verb_name(int verb)
{
    if (verb < HP_VERB_OPTIONS || verb >= HP_VERB_OPTIONS + (int)(sizeof(verbs) / sizeof(verbs[0]))) return NULL;
    return verbs[verb - HP_VERB_OPTIONS].name;
}

/* ---- small grammar helpers --------------------------------------------- */

/*
 * buf[p] should start a CRLF.  http.sys is strict about line ends, and a
 * bare CR or bare LF is how request smuggling through lenient proxies
 * starts, so both are HP_ERR_BAD_REQUEST (http.sys logs them as
 * Invalid_CR/LF) rather than being tolerated as RFC 9112 §2.2 permits.
 */
static enum hp_status expect_crlf(const char *buf, size_t len, size_t p, enum hp_error *err)
{
    if (p == len) return HP_INCOMPLETE;
    if (buf[p] != '\r') return fail(err, HP_ERR_BAD_REQUEST);
    if (p + 1 == len) return HP_INCOMPLETE;
    if (buf[p + 1] != '\n') return fail(err, HP_ERR_BAD_REQUEST);
    return HP_OK;
}

/* A CR or LF where a line may not end: a proper CRLF makes the line itself
 * invalid (what), anything else is a framing error. */
static enum hp_status early_line_end(const char *buf, size_t len, size_t p, enum hp_error what,
                                     enum hp_error *err)
{
    enum hp_status st = expect_crlf(buf, len, p, err);

    return st == HP_OK ? fail(err, what) : st;
}

static size_t token_length(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && has_class(s[i], C_TCHAR)) i++;
    return i;
}

/* Length of the quoted-string at s (RFC 9110 §5.6.4), 0 if there is none. */
static size_t quoted_length(const char *s, size_t n)
{
    size_t i = 1;

    if (!n || s[0] != '"') return 0;
    while (i < n)
    {
        if (s[i] == '"') return i + 1;
        if (s[i] == '\\')
        {
            if (i + 1 == n || !has_class(s[i + 1], C_FIELD)) return 0;
            i += 2;
            continue;
        }
        if (!has_class(s[i], C_FIELD)) return 0;
        i++;
    }
    return 0;
}

/*
 * Next element of a comma-separated list (RFC 9110 §5.6.1) with OWS
 * trimmed; commas inside quoted strings do not split.  Empty elements are
 * returned too, so that each field can decide what they mean.
 */
static int list_next(const char *v, size_t n, size_t *pos, size_t *off, size_t *len)
{
    size_t i = *pos, start, end;
    int quoted = 0;

    if (i > n) return 0;
    while (i < n && is_ows(v[i])) i++;
    start = end = i;
    for (; i < n; i++)
    {
        if (quoted)
        {
            if (v[i] == '\\' && i + 1 < n) i++;
            else if (v[i] == '"') quoted = 0;
            end = i + 1;
            continue;
        }
        if (v[i] == ',') break;
        if (v[i] == '"') quoted = 1;
        if (!is_ows(v[i])) end = i + 1;
    }
    *off = start;
    *len = end - start;
    *pos = i + 1;
    return 1;
}

static int valid_port(const char *s, size_t n, int required)
{
    unsigned long v = 0;
    size_t i;

    if (!n) return !required;  /* RFC 3986 port = *DIGIT */
    for (i = 0; i < n; i++)
    {
        if (!is_digit(s[i])) return 0;
        v = v * 10 + (unsigned long)(s[i] - '0');
        if (v > 65535) return 0;
    }
    return 1;
}

/* dec-octet "." dec-octet "." dec-octet "." dec-octet (RFC 3986 §3.2.2):
 * no leading zeros, which some resolvers read as octal. */
static int valid_ipv4(const char *s, size_t n)
{
    size_t i = 0, start;
    unsigned v;
    int part;

    for (part = 0; part < 4; part++)
    {
        if (part && (i == n || s[i++] != '.')) return 0;
        start = i;
        for (v = 0; i < n && is_digit(s[i]) && i - start < 3; i++) v = v * 10 + (unsigned)(s[i] - '0');
        if (i == start || v > 255 || (s[start] == '0' && i - start > 1)) return 0;
    }
    return i == n;
}

/* IPv6address (RFC 3986 §3.2.2): eight pieces of 1-4 hex digits, the last
 * two possibly written as an IPv4 address, and at most one "::" standing
 * for one or more zero pieces. */
static int valid_ipv6(const char *s, size_t n)
{
    size_t i = 0, start;
    int pieces = 0, elided = 0;

    if (n >= 2 && s[0] == ':' && s[1] == ':')
    {
        elided = 1;
        i = 2;
    }
    while (i < n)
    {
        start = i;
        while (i < n && has_class(s[i], C_HEX)) i++;
        if (i < n && s[i] == '.')
        {
            if (!valid_ipv4(s + start, n - start)) return 0;
            pieces += 2;
            break;
        }
        if (i == start || i - start > 4) return 0;
        pieces++;
        if (i == n) break;
        if (s[i++] != ':' || i == n) return 0;
        if (s[i] == ':')
        {
            if (elided) return 0;
            elided = 1;
            i++;
        }
    }
    return elided ? pieces <= 7 : pieces == 8;
}

/*
 * uri-host [ ":" port ] (RFC 9110 §7.2, RFC 3986 §3.2.2).  An empty host
 * is rejected: an http(s) URI must not have one (RFC 9110 §4.2.1) and
 * http.sys could not route it.  Raw non-ASCII is not a valid host either,
 * nor is an IPvFuture literal.
 */
static int valid_authority(const char *s, size_t n, int port_required)
{
    size_t i = 0;

    if (!n) return 0;
    if (s[0] == '[')
    {
        for (i = 1; i < n && s[i] != ']'; i++) ;
        if (i == n || !valid_ipv6(s + 1, i - 1)) return 0;
        i++;
    }
    else
    {
        while (i < n && s[i] != ':')
        {
            if (s[i] == '%')
            {
                if (i + 2 >= n || !has_class(s[i + 1], C_HEX) || !has_class(s[i + 2], C_HEX)) return 0;
                i += 3;
                continue;
            }
            if (!has_class(s[i], C_REGNAME)) return 0;
            i++;
        }
        if (!i) return 0;
    }
    if (i == n) return !port_required;
    if (s[i] != ':') return 0;
    return valid_port(s + i + 1, n - i - 1, port_required);
}

/* transfer-coding = token *( OWS ";" OWS token "=" ( token / quoted-string ) ) */
static int valid_coding(const char *s, size_t n)
{
    size_t i = token_length(s, n), k;

    if (!i) return 0;
    for (;;)
    {
        while (i < n && is_ows(s[i])) i++;
        if (i == n) return 1;
        if (s[i++] != ';') return 0;
        while (i < n && is_ows(s[i])) i++;
        if (!(k = token_length(s + i, n - i))) return 0;
        i += k;
        if (i == n || s[i++] != '=') return 0;
        if (!(k = token_length(s + i, n - i)) && !(k = quoted_length(s + i, n - i))) return 0;
        i += k;
    }
}

/* ---- field lines -------------------------------------------------------- */

enum hp_status hp_parse_field(const char *buf, size_t len, size_t pos, uint32_t max_line,
                              struct hp_header *h, size_t *next, enum hp_error *err)
{
    size_t p = pos, name_end, value_start, value_end;

    /* field-name = token, directly followed by ":" (RFC 9112 §5.1 forbids
     * whitespace before the colon; a leading SP/HTAB is obs-fold, §5.2). */
    while (p < len && has_class(buf[p], C_TCHAR))
    {
        if (p - pos >= max_line) return fail(err, HP_ERR_REQUEST_TOO_LONG);
        p++;
    }
    if (p == len) return HP_INCOMPLETE;
    if (buf[p] == '\r' || buf[p] == '\n') return early_line_end(buf, len, p, HP_ERR_INVALID_HEADER, err);
    if (buf[p] != ':' || p == pos) return fail(err, HP_ERR_INVALID_HEADER);
    if (p - pos >= max_line) return fail(err, HP_ERR_REQUEST_TOO_LONG);
    name_end = p++;

    while (p < len && is_ows(buf[p]))
    {
        if (p - pos >= max_line) return fail(err, HP_ERR_REQUEST_TOO_LONG);
        p++;
    }
    value_start = value_end = p;
    for (;; p++)
    {
        if (p == len) return HP_INCOMPLETE;
        if (buf[p] == '\r' || buf[p] == '\n') break;
        if (p - pos >= max_line) return fail(err, HP_ERR_REQUEST_TOO_LONG);
        /* NUL and other controls (but HTAB) are how header injection hides. */
        if (!has_class(buf[p], C_FIELD)) return fail(err, HP_ERR_INVALID_HEADER);
        if (!is_ows(buf[p])) value_end = p + 1;
    }
    {
        enum hp_status st = expect_crlf(buf, len, p, err);
        if (st != HP_OK) return st;
    }
    h->name_off = (uint32_t)pos;
    h->name_len = (uint32_t)(name_end - pos);
    h->value_off = (uint32_t)value_start;
    h->value_len = (uint32_t)(value_end - value_start);
    h->known = hp_known_request_header(buf + pos, name_end - pos);
    *next = p + 2;
    return HP_OK;
}

/* ---- request head ------------------------------------------------------- */

/* What the framing fields said so far; decided on at the end of the head. */
struct framing
{
    int host_count;
    int cl_seen;
    uint64_t cl;
    int te_seen, te_chunked, te_last_chunked, te_other;
    int conn_close, conn_keep_alive, conn_upgrade;
    int upgrade_field;
    int expect_continue;
};

static enum hp_status skip_empty_lines(const char *buf, size_t len, size_t *pos, enum hp_error *err)
{
    size_t p = *pos;

    /* RFC 9112 §2.2: a server SHOULD ignore empty lines before the request
     * line (clients have sent a stray CRLF after a POST body). */
    while (p == len || buf[p] == '\r' || buf[p] == '\n')
    {
        enum hp_status st = expect_crlf(buf, len, p, err);
        if (st != HP_OK) return st;
        p += 2;
    }
    *pos = p;
    return HP_OK;
}

static enum hp_status parse_method(const char *buf, size_t len, size_t *pos, const struct hp_limits *l,
                                   struct hp_request *req, enum hp_error *err)
{
    size_t start = *pos, p = start;

    /* HTTP_REQUEST carries an unknown verb with a USHORT length; bound it by
     * the field limit (at most 65534) rather than by the head alone. */
    while (p < len && has_class(buf[p], C_TCHAR))
    {
        if (p - start >= l->max_field_length) return fail(err, HP_ERR_REQUEST_TOO_LONG);
        p++;
    }
    if (p == len) return HP_INCOMPLETE;
    if (buf[p] == '\r' || buf[p] == '\n') return early_line_end(buf, len, p, HP_ERR_BAD_REQUEST, err);
    if (buf[p] != ' ' || p == start) return fail(err, HP_ERR_INVALID_VERB);
    req->method_off = (uint32_t)start;
    req->method_len = (uint32_t)(p - start);
    req->verb = hp_verb_from_method(buf + start, p - start);
    *pos = p + 1;
    return HP_OK;
}

static enum hp_status scan_target(const char *buf, size_t len, size_t *pos, const struct hp_limits *l,
                                  struct hp_request *req, enum hp_error *err)
{
    size_t start = *pos, p = start;

    for (; p < len && buf[p] != ' '; p++)
    {
        /* A line ending here has no HTTP-version: HTTP/0.9, which http.sys refuses. */
        if (buf[p] == '\r' || buf[p] == '\n') return early_line_end(buf, len, p, HP_ERR_BAD_REQUEST, err);
        if (p - start >= l->max_url_bytes) return fail(err, HP_ERR_URL_TOO_LONG);
        if (!has_class(buf[p], C_TARGET)) return fail(err, HP_ERR_INVALID_URL);
    }
    if (p == len) return HP_INCOMPLETE;
    if (p == start) return fail(err, HP_ERR_INVALID_URL);  /* two spaces */
    req->target_off = (uint32_t)start;
    req->target_len = (uint32_t)(p - start);
    *pos = p + 1;
    return HP_OK;
}

static enum hp_status parse_version(const char *buf, size_t len, size_t *pos, struct hp_request *req,
                                    enum hp_error *err)
{
    /* "HTTP/" DIGIT "." DIGIT CRLF, HTTP-name case-sensitive (RFC 9112 §2.3);
     * '#' stands for a digit in the pattern. */
    static const char pattern[] = "HTTP/#.#";
    size_t p = *pos, i;
    enum hp_status st;

    for (i = 0; i < sizeof(pattern) - 1; i++, p++)
    {
        if (p == len) return HP_INCOMPLETE;
        if (pattern[i] == '#' ? !is_digit(buf[p]) : buf[p] != pattern[i])
            return fail(err, HP_ERR_BAD_REQUEST);
    }
    if ((st = expect_crlf(buf, len, p, err)) != HP_OK) return st;
    req->version_major = buf[p - 3] - '0';
    req->version_minor = buf[p - 1] - '0';
    if (req->version_major == 0) return fail(err, HP_ERR_BAD_REQUEST);
    if (req->version_major > 1) return fail(err, HP_ERR_VERSION);
    /* RFC 9110 §2.5: a higher minor version is answered as the highest we
     * implement. */
    if (req->version_minor > 1) req->version_minor = 1;
    *pos = p + 2;
    return HP_OK;
}

static size_t scheme_length(const char *t, size_t n)
{
    if (n >= 7 && EQUALS_CI(t, 7, "http://")) return 7;
    if (n >= 8 && EQUALS_CI(t, 8, "https://")) return 8;
    return 0;
}

/* RFC 9112 §3.2: which form the target has, and whether the method allows it. */
static enum hp_status classify_target(const char *buf, struct hp_request *req, enum hp_error *err)
{
    const char *t = buf + req->target_off;
    size_t n = req->target_len, a, e;

    if (req->verb == HP_VERB_CONNECT)
    {
        /* authority-form only: uri-host ":" port, and the port is mandatory. */
        if (!valid_authority(t, n, 1)) return fail(err, HP_ERR_INVALID_URL);
        req->target_form = HP_AUTHORITY_FORM;
        return HP_OK;
    }
    if (t[0] == '/')
    {
        req->target_form = HP_ORIGIN_FORM;
        return HP_OK;
    }
    if (n == 1 && t[0] == '*')
    {
        if (req->verb != HP_VERB_OPTIONS) return fail(err, HP_ERR_INVALID_URL);
        req->target_form = HP_ASTERISK_FORM;
        return HP_OK;
    }
    if (!(a = scheme_length(t, n))) return fail(err, HP_ERR_INVALID_URL);
    for (e = a; e < n && t[e] != '/' && t[e] != '?' && t[e] != '#'; e++) ;
    /* valid_authority also refuses userinfo ("@"), deprecated by RFC 9110 §4.2.4. */
    if (!valid_authority(t + a, e - a, 0)) return fail(err, HP_ERR_INVALID_URL);
    req->target_form = HP_ABSOLUTE_FORM;
    req->host_off = (uint32_t)(req->target_off + a);
    req->host_len = (uint32_t)(e - a);
    return HP_OK;
}

/* Content-Length = 1*DIGIT; a list of identical values is one value (RFC 9110 §8.6). */
static enum hp_status note_content_length(const char *v, size_t n, struct framing *f, enum hp_error *err)
{
    size_t pos = 0, off, len, i;

    while (list_next(v, n, &pos, &off, &len))
    {
        uint64_t x = 0;

        /* 19 digits cannot overflow 64 bits; more is refused even with
         * leading zeros, as no sane client sends them. */
        if (!len || len > 19) return fail(err, HP_ERR_BAD_REQUEST);
        for (i = off; i < off + len; i++)
        {
            if (!is_digit(v[i])) return fail(err, HP_ERR_BAD_REQUEST);
            x = x * 10 + (uint64_t)(v[i] - '0');
        }
        if (x > (uint64_t)INT64_MAX) return fail(err, HP_ERR_BAD_REQUEST);
        if (f->cl_seen && x != f->cl) return fail(err, HP_ERR_INVALID_HEADER);
        f->cl_seen = 1;
        f->cl = x;
    }
    return HP_OK;
}

static enum hp_status note_transfer_encoding(const char *v, size_t n, struct framing *f, enum hp_error *err)
{
    size_t pos = 0, off, len;
    int any = 0;

    f->te_seen = 1;
    while (list_next(v, n, &pos, &off, &len))
    {
        if (!len) continue;  /* RFC 9110 §5.6.1: empty elements are ignored */
        any = 1;
        if (EQUALS_CI(v + off, len, "chunked"))
        {
            /* RFC 9112 §6.1: chunked is never applied twice. */
            if (f->te_chunked) return fail(err, HP_ERR_INVALID_HEADER);
            f->te_chunked = f->te_last_chunked = 1;
            continue;
        }
        if (!valid_coding(v + off, len)) return fail(err, HP_ERR_INVALID_HEADER);
        f->te_other = 1;
        f->te_last_chunked = 0;
    }
    return any ? HP_OK : fail(err, HP_ERR_INVALID_HEADER);
}

static void note_connection(const char *v, size_t n, struct framing *f)
{
    size_t pos = 0, off, len;

    while (list_next(v, n, &pos, &off, &len))
    {
        if (EQUALS_CI(v + off, len, "close")) f->conn_close = 1;
        else if (EQUALS_CI(v + off, len, "keep-alive")) f->conn_keep_alive = 1;
        else if (EQUALS_CI(v + off, len, "upgrade")) f->conn_upgrade = 1;
    }
}

static void note_expect(const char *v, size_t n, struct framing *f)
{
    size_t pos = 0, off, len;

    while (list_next(v, n, &pos, &off, &len))
        if (EQUALS_CI(v + off, len, "100-continue")) f->expect_continue = 1;
}

static enum hp_status note_field(const char *buf, struct hp_request *req, const struct hp_header *h,
                                 struct framing *f, enum hp_error *err)
{
    const char *v = buf + h->value_off;

    switch (h->known)
    {
    case HP_HDR_HOST:
        /* RFC 9112 §3.2: more than one Host, or an invalid one, is a 400. */
        if (++f->host_count > 1 || !valid_authority(v, h->value_len, 0))
            return fail(err, HP_ERR_HOSTNAME);
        if (req->target_form != HP_ABSOLUTE_FORM)
        {
            req->host_off = h->value_off;
            req->host_len = h->value_len;
        }
        return HP_OK;
    case HP_HDR_CONTENT_LENGTH:
        return note_content_length(v, h->value_len, f, err);
    case HP_HDR_TRANSFER_ENCODING:
        return note_transfer_encoding(v, h->value_len, f, err);
    case HP_HDR_CONNECTION:
        note_connection(v, h->value_len, f);
        return HP_OK;
    case HP_HDR_UPGRADE:
        f->upgrade_field = 1;
        return HP_OK;
    case HP_HDR_EXPECT:
        note_expect(v, h->value_len, f);
        return HP_OK;
    default:
        return HP_OK;
    }
}

static enum hp_status parse_fields(const char *buf, size_t len, size_t *pos, const struct hp_limits *l,
                                   struct hp_request *req, struct framing *f, enum hp_error *err)
{
    size_t p = *pos;
    enum hp_status st;

    for (;;)
    {
        if (p == len) return HP_INCOMPLETE;
        if (buf[p] == '\r' || buf[p] == '\n')
        {
            if ((st = expect_crlf(buf, len, p, err)) != HP_OK) return st;
            *pos = p + 2;
            return HP_OK;
        }
        /* The caller sized the array; http.sys has no count limit of its own,
         * but refusing beats dropping fields silently. */
        if (req->header_count == req->header_capacity) return fail(err, HP_ERR_REQUEST_TOO_LONG);
        st = hp_parse_field(buf, len, p, l->max_field_length, &req->headers[req->header_count], &p, err);
        if (st != HP_OK) return st;
        if ((st = note_field(buf, req, &req->headers[req->header_count++], f, err)) != HP_OK) return st;
    }
}

/* RFC 9112 §6.1, §6.3, §9.3 and RFC 9110 §7.2, §10.1.1, once every field is known. */
static enum hp_status finish_head(struct hp_request *req, const struct framing *f, enum hp_error *err)
{
    int http11 = req->version_minor >= 1;

    if (f->te_seen)
    {
        /* A 1.0 client cannot send chunked; a TE there comes from a confused
         * or malicious intermediary, as does TE next to Content-Length. */
        if (!http11 || f->cl_seen) return fail(err, HP_ERR_INVALID_HEADER);
        /* Without chunked last the body's end cannot be known: 400 and close
         * (RFC 9112 §6.3).  With it, another coding is one http.sys does not
         * implement: 501 (RFC 9112 §6.1). */
        if (!f->te_last_chunked) return fail(err, HP_ERR_BAD_REQUEST);
        if (f->te_other) return fail(err, HP_ERR_NOT_IMPLEMENTED);
        req->body_kind = HP_BODY_CHUNKED;
    }
    else if (f->cl_seen)
    {
        req->body_kind = HP_BODY_LENGTH;
        req->content_length = f->cl;
    }

    if (http11 && !f->host_count) return fail(err, HP_ERR_HOSTNAME);
    /* No framing field means no body (RFC 9112 §6.3 rule 7), but POST and
     * PUT are the verbs defined to carry one, and http.sys answers them with
     * 411 "The request must be chunked or have a content length" (reference
     * §5.4), in 1.0 as in 1.1: an empty POST needs "Content-Length: 0". */
    if (!f->te_seen && !f->cl_seen && (req->verb == HP_VERB_POST || req->verb == HP_VERB_PUT))
        return fail(err, HP_ERR_LENGTH_REQUIRED);

    if (f->conn_close) req->keep_alive = 0;
    else req->keep_alive = http11 || f->conn_keep_alive;
    req->expect_continue = http11 && f->expect_continue;  /* RFC 9110 §10.1.1: ignored from 1.0 */
    req->upgrade = f->conn_upgrade && f->upgrade_field;
    return HP_OK;
}

/* Only the first max_request_bytes can hold an acceptable head: a head still
 * incomplete there is too long, and waiting for more would buffer without bound. */
static enum hp_status within_head_limit(enum hp_status st, size_t len, const struct hp_limits *l,
                                        enum hp_error *err)
{
    if (st == HP_INCOMPLETE && len >= l->max_request_bytes) return fail(err, HP_ERR_REQUEST_TOO_LONG);
    return st;
}

static enum hp_status parse_head(const char *buf, size_t len, const struct hp_limits *l,
                                 struct hp_request *req, enum hp_error *err)
{
    size_t window = len < l->max_request_bytes ? len : l->max_request_bytes;
    struct framing f;
    size_t pos = 0;
    enum hp_status st;

    memset(&f, 0, sizeof(f));
    if ((st = skip_empty_lines(buf, window, &pos, err)) != HP_OK) return within_head_limit(st, len, l, err);
    if ((st = parse_method(buf, window, &pos, l, req, err)) != HP_OK) return within_head_limit(st, len, l, err);
    /* The target alone is looked at past max_request_bytes, up to
     * max_url_bytes of it, so that an over-long URL gets 414 as from
     * http.sys rather than Request Too Long (both limits are 16384 by
     * default, and the URL would hit the head limit first). */
    if ((st = scan_target(buf, len, &pos, l, req, err)) != HP_OK) return st;
    if (pos > window) return fail(err, HP_ERR_REQUEST_TOO_LONG);
    /* The version comes before the target's form, so that an h2 preface
     * ("PRI * HTTP/2.0") gets 505 as in http.sys, not Invalid URL. */
    if ((st = parse_version(buf, window, &pos, req, err)) != HP_OK) return within_head_limit(st, len, l, err);
    if ((st = classify_target(buf, req, err)) != HP_OK) return st;
    if ((st = parse_fields(buf, window, &pos, l, req, &f, err)) != HP_OK) return within_head_limit(st, len, l, err);
    if ((st = finish_head(req, &f, err)) != HP_OK) return st;
    req->head_len = (uint32_t)pos;
    return HP_OK;
}

enum hp_status hp_parse_request(const char *buf, size_t len, const struct hp_limits *lim,
                                struct hp_request *req, enum hp_error *err)
{
    struct hp_limits l = { HP_DEFAULT_MAX_FIELD_LENGTH, HP_DEFAULT_MAX_REQUEST_BYTES, HP_DEFAULT_MAX_URL_BYTES };
    struct hp_header *headers = req->headers;
    uint32_t capacity = headers ? req->header_capacity : 0;

    if (lim)
    {
        if (lim->max_field_length) l.max_field_length = lim->max_field_length;
        if (lim->max_request_bytes) l.max_request_bytes = lim->max_request_bytes;
        if (lim->max_url_bytes) l.max_url_bytes = lim->max_url_bytes;
    }
    memset(req, 0, sizeof(*req));
    req->headers = headers;
    req->header_capacity = capacity;
    *err = HP_ERR_NONE;

    return parse_head(buf, len, &l, req, err);
}
