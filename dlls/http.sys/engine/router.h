/*
 * The URL-prefix routing table: which request queue gets a request.
 * A pure data structure; the caller owns it and does all I/O.
 */
#ifndef HS_ROUTER_H
#define HS_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "urlprefix.h"

#define HS_ERROR_FILE_NOT_FOUND   2
#define HS_ERROR_ALREADY_EXISTS   183

struct hs_registration
{
    struct hs_prefix prefix;
    uint64_t owner;      /* request queue id */
    uint64_t context;    /* HTTP_URL_CONTEXT */
};

struct hs_router
{
    struct hs_registration *regs;   /* in registration order */
    size_t count, capacity;
};

enum hs_route_status
{
    HS_ROUTE_OK,         /* owner, context and prefix say who gets it */
    HS_ROUTE_NO_HOST,    /* no registration's host matched: 400 Invalid Hostname */
    HS_ROUTE_NO_PATH,    /* a host matched but no path did: 404 */
};

struct hs_route_result
{
    enum hs_route_status status;
    /* Set when status is HS_ROUTE_OK (else 0 / NULL).  prefix points into the
     * table: valid until the table next changes. */
    uint64_t owner;
    uint64_t context;
    const struct hs_prefix *prefix;
};

/* hs_router_port_scheme results */
#define HS_PORT_UNUSED  (-1)
#define HS_PORT_HTTP    0
#define HS_PORT_HTTPS   1

void hs_router_init(struct hs_router *r);
void hs_router_free(struct hs_router *r);

/* Copies the prefix.  Returns 0; HS_ERROR_ALREADY_EXISTS when an equal prefix
 * is registered (whoever owns it), or when the port is registered with the
 * other scheme (http and https cannot share a port); or
 * HS_ERROR_NOT_ENOUGH_MEMORY. */
int hs_router_add(struct hs_router *r, const struct hs_prefix *prefix,
                  uint64_t owner, uint64_t context);

/* Removes owner's registration equal to prefix: 0 or HS_ERROR_FILE_NOT_FOUND
 * (also when the prefix is registered, but by another owner). */
int hs_router_remove(struct hs_router *r, const struct hs_prefix *prefix, uint64_t owner);

/* A queue closed: drop everything it registered. */
void hs_router_remove_owner(struct hs_router *r, uint64_t owner);

/* Number of registrations on the port (0: the listener can close). */
int hs_router_port_in_use(const struct hs_router *r, uint16_t port);

/* HS_PORT_UNUSED, HS_PORT_HTTP or HS_PORT_HTTPS. */
int hs_router_port_scheme(const struct hs_router *r, uint16_t port);

/*
 * Picks the registration for a request that arrived on local address
 * local_ip (4 bytes if local_family is 4, 16 if 6; an IPv4-mapped IPv6
 * address counts as IPv4) and port, over TLS if secure.
 * host: the Host header value or the absolute-URI authority, as sent, port
 * part allowed, may be empty.  path: the cooked (decoded, dot-segment-free)
 * absolute path in UTF-8.
 * Returns out->status.
 */
int hs_router_route(const struct hs_router *r, int secure, uint16_t port,
                    const char *host, size_t host_len,
                    const uint8_t *local_ip, int local_family,
                    const char *path, size_t path_len,
                    struct hs_route_result *out);

#endif
