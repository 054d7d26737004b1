/*
 * The "cooked" URL of a request, as http.sys hands it to applications in
 * HTTP_COOKED_URL: scheme://host:port/abs/path?query in UTF-16, the path
 * percent-decoded and canonicalised, plus the same path in UTF-8 for routing.
 */
#ifndef HS_COOKURL_H
#define HS_COOKURL_H

#include <stddef.h>
#include <stdint.h>

/* The URL tunables of HKLM\...\HTTP\Parameters (KB 820129). */
struct hs_cook_params
{
    int enable_non_utf8;            /* EnableNonUTF8: also accept Windows-1252 */
    int favor_utf8;                 /* FavorUTF8: try UTF-8 before Windows-1252 */
    int percent_u_allowed;          /* PercentUAllowed: accept %uNNNN */
    int allow_restricted_chars;     /* AllowRestrictedChars: accept U+0000-001F, U+007F-009F */
    uint32_t url_segment_max_length;/* UrlSegmentMaxLength, UTF-16 units; 0 = unlimited */
    uint32_t url_segment_max_count; /* UrlSegmentMaxCount; 0 = unlimited */
};

/* The documented defaults: 1, 1, 1, 0, 260, 255. */
void hs_cook_params_default(struct hs_cook_params *p);

/* What hs_cook_url returns, and the response http.sys sends for it. */
enum hs_cook_error
{
    HS_COOK_OK = 0,
    HS_COOK_E_TARGET,          /* 400 Invalid URL: not origin-form nor http(s) absolute-form */
    HS_COOK_E_CHAR,            /* 400 Invalid URL: raw control, space or '#' in the path */
    HS_COOK_E_ESCAPE,          /* 400 Invalid URL: '%' without two hex digits, bad %uNNNN */
    HS_COOK_E_PERCENT_U,       /* 400 Invalid URL: %uNNNN while PercentUAllowed is 0 */
    HS_COOK_E_ENCODING,        /* 400 Invalid URL: bytes neither UTF-8 nor allowed Windows-1252,
                                *   or an unpaired surrogate from %u */
    HS_COOK_E_RESTRICTED,      /* 400 Invalid URL: U+0000-001F / U+007F-009F, not allowed */
    HS_COOK_E_SEGMENT_LENGTH,  /* 400 Invalid URL: a segment above UrlSegmentMaxLength */
    HS_COOK_E_SEGMENT_COUNT,   /* 400 Invalid URL: more segments than UrlSegmentMaxCount */
    HS_COOK_E_HOST,            /* 400 Invalid Hostname: empty host or a byte no host has */
    HS_COOK_E_TOO_LONG,        /* 414: the cooked URL does not fit HTTP_COOKED_URL's USHORTs */
    HS_COOK_E_NOMEM,           /* out of memory: the engine's choice (500) */
};

/*
 * The cooked URL, allocated by hs_cook_url and released by hs_cooked_free.
 * url holds UTF-16 code units in host byte order, which is UTF-16LE on every
 * host the engine supports; it is NUL-terminated (the NUL is not counted).
 * Offsets and lengths are in bytes, as HTTP_COOKED_URL wants them.
 */
struct hs_cooked
{
    uint16_t *url;
    size_t url_bytes;                 /* FullUrlLength */
    size_t host_off, host_bytes;      /* HostLength: "host:port" */
    size_t path_off, path_bytes;      /* AbsPathLength */
    size_t query_off, query_bytes;    /* QueryStringLength, '?' included; 0, 0 if none */
    char *path;                       /* decoded abs path, UTF-8, NUL-terminated */
    size_t path_len;                  /* bytes, without the NUL */
};

/*
 * target: the raw request-target, origin-form ("/p?q") or absolute-form
 * ("http://authority/p?q", whose authority is ignored here: the caller passes
 * it as host).  host: the Host value as sent (port optional), or for a request
 * without one (HTTP/1.0) the literal of the local address the connection
 * arrived on ("10.0.0.1", "[::1]").  When host carries no port, ":local_port"
 * is appended.  The scheme comes from secure.
 * Returns HS_COOK_OK (out filled) or an enum hs_cook_error (out zeroed).
 */
int hs_cook_url(const struct hs_cook_params *p, const char *target, size_t target_len,
                const char *host, size_t host_len, int secure, uint16_t local_port,
                struct hs_cooked *out);

/* Safe on a zeroed or already-freed struct. */
void hs_cooked_free(struct hs_cooked *c);

#endif
