/*
 * UrlPrefix strings: "scheme://host:port/relativeURI/", as registered with
 * HttpAddUrl / HttpAddUrlToUrlGroup.  The string arrives as UTF-8 (httpapi.dll
 * converts the caller's UTF-16).
 */
#ifndef HS_URLPREFIX_H
#define HS_URLPREFIX_H

#include <stddef.h>
#include <stdint.h>

#define HS_ERROR_INVALID_PARAMETER   87
#define HS_ERROR_NOT_ENOUGH_MEMORY   8

/* In routing precedence order: the router walks the categories this way. */
enum hs_host_kind
{
    HS_HOST_STRONG,     /* '+' */
    HS_HOST_NAME,       /* explicit host name, compared with the Host header */
    HS_HOST_IPV4,       /* IP-bound weak wildcard */
    HS_HOST_IPV6,       /* IP-bound weak wildcard, written "[...]" */
    HS_HOST_WEAK,       /* '*' */
};

struct hs_prefix
{
    int secure;                 /* 1 for https */
    enum hs_host_kind kind;
    uint16_t port;
    uint8_t addr[16];           /* HS_HOST_IPV4: 4 bytes; HS_HOST_IPV6: 16 bytes */
    /* One allocation: canon is "scheme://host:port/path/", NUL-terminated;
     * host and path point into it (neither is NUL-terminated on its own). */
    char *canon;
    size_t canon_len;
    const char *host;           /* lowercase; IPv6 in RFC 5952 form with brackets */
    size_t host_len;
    const char *path;           /* as given, starts and ends with '/' */
    size_t path_len;
};

/* Returns 0 or HS_ERROR_INVALID_PARAMETER / HS_ERROR_NOT_ENOUGH_MEMORY.
 * On success *out owns memory: release it with hs_prefix_free. */
int hs_prefix_parse(const char *s, size_t len, struct hs_prefix *out);

/* Same scheme, kind, host, port and (ASCII case-insensitively) path. */
int hs_prefix_equal(const struct hs_prefix *a, const struct hs_prefix *b);

/* Deep copy; returns 0 or HS_ERROR_NOT_ENOUGH_MEMORY. */
int hs_prefix_copy(struct hs_prefix *dst, const struct hs_prefix *src);

/* Safe on a zeroed or already-freed prefix. */
void hs_prefix_free(struct hs_prefix *p);

#endif
