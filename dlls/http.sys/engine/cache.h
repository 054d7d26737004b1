/*
 * http.sys's kernel cache: named fragments (HttpAddFragmentToCache) and
 * whole responses (HttpSendHttpResponse with a cache policy).  Each entry
 * belongs to a request queue (the API speaks of "the cache associated with
 * a given request queue"): a queue reads, uses and flushes only its own.
 *
 * A pure data structure keyed by (owner, kind, URL); the caller passes the
 * time and does all I/O.  Keys are UTF-8 URLs "scheme://host:port/path?query"
 * with scheme and host in lower case, made by hs_cache_name_key (names an
 * application passes) or hs_cache_url_key (a request's cooked URL), so that
 * a name and a request for the same resource meet.
 */
#ifndef HS_CACHE_H
#define HS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define HS_CACHE_FRAGMENT 0
#define HS_CACHE_RESPONSE 1

struct hs_cache_entry
{
    struct hs_cache_entry *next;     /* hash chain */
    uint64_t owner;                  /* request queue id */
    int kind;                        /* HS_CACHE_* */
    uint32_t hash;
    char *url;                       /* the key, NUL-terminated */
    size_t url_len;
    uint8_t *data;                   /* fragment bytes, or the stored response (the caller's format) */
    size_t len;
    uint64_t created_ms;
    uint64_t expires_ms;             /* 0: until flushed (HttpCachePolicyUserInvalidates) */
    uint64_t used_ms;                /* last time it was read or served, for the scavenger */
    uint64_t hits;
    uint32_t policy, seconds;        /* the HTTP_CACHE_POLICY it came with */
};

struct hs_cache;

struct hs_cache *hs_cache_new(void);
void hs_cache_free(struct hs_cache *c);   /* NULL is fine */

/* Entries of a kind, and bytes held: data, keys and entries (a NULL cache is empty). */
size_t hs_cache_count(const struct hs_cache *c, int kind);
uint64_t hs_cache_bytes(const struct hs_cache *c);

/* Stores data (malloc'd; the cache owns it from now on, also on failure)
 * under (owner, kind, url), replacing an entry there.  expires_ms 0: no
 * expiry.  Returns the entry, or NULL when out of memory. */
struct hs_cache_entry *hs_cache_put(struct hs_cache *c, uint64_t owner, int kind, const char *url, size_t url_len,
                                    uint8_t *data, size_t len, uint64_t expires_ms, uint64_t now_ms);

/* The live entry, or NULL (an expired one is removed on the way).  A hit
 * counts as a use. */
struct hs_cache_entry *hs_cache_get(struct hs_cache *c, uint64_t owner, int kind, const char *url, size_t url_len,
                                    uint64_t now_ms);

/*
 * HttpFlushResponseCache: removes owner's entries (both kinds) named by
 * pattern, a key.  An entry matches when it is the pattern's resource (with
 * any query), or lies directly in the pattern's directory (the pattern with
 * a '/' added if it has none); with recursive also anywhere below it.  A
 * '+' or '*' host in the pattern matches every host; paths compare without
 * regard to ASCII case, as routing does, so that no spelling of a URL
 * outlives a flush of it.  Returns the number removed.
 */
size_t hs_cache_flush(struct hs_cache *c, uint64_t owner, const char *pattern, size_t len, int recursive);
/* owner for flushes of every queue's entries (netsh http delete cache) */
#define HS_CACHE_ANY_OWNER UINT64_MAX
size_t hs_cache_flush_owner(struct hs_cache *c, uint64_t owner);

/* Removes expired entries and those not used since unused_before_ms. */
size_t hs_cache_scavenge(struct hs_cache *c, uint64_t now_ms, uint64_t unused_before_ms);

void hs_cache_walk(const struct hs_cache *c, void (*fn)(void *ctx, const struct hs_cache_entry *e), void *ctx);

/* The key of a name an application passed ("scheme://host:port/path"):
 * 0 and *key (malloc'd), or HS_ERROR_INVALID_PARAMETER when it is not a URL
 * a request could have (the rules of UrlPrefix strings, without the final
 * '/'), or HS_ERROR_NOT_ENOUGH_MEMORY. */
int hs_cache_name_key(const char *name, size_t len, char **key, size_t *key_len);

/* The key of a cooked URL (UTF-16 code units, host order; path_start: the
 * unit where the absolute path begins).  Returns a malloc'd key or NULL. */
char *hs_cache_url_key(const uint16_t *url, size_t units, size_t path_start, size_t *key_len);

#endif
