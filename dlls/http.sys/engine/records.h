/*
 * The configuration records of the service's store that the engine acts
 * on, as the driver sends them (text, one record per line, values
 * %-escaped):
 *
 *   listen 127.0.0.1            listen [::1]:8080
 *   timeout idle 60             timeout headerwait 30
 *   cache maxresponse 262144    cache rangechunk 0       setting tlsthrottle 1
 *   ssl ip 0.0.0.0:443 hash=<hex> store=MY flags=0 checkmode=0 freshness=0 urltimeout=0
 *   ssl sni www.example.com:443 ...   ssl ccs 0.0.0.0:443 ...   ssl scoped name:port ...
 *
 * Parsing is a pure function; a line it cannot read is skipped with a
 * warning (a record written by hand into the registry must not stop the
 * service).
 */
#ifndef HS_RECORDS_H
#define HS_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum hs_ssl_kind { HS_SSL_IP, HS_SSL_SNI, HS_SSL_CCS, HS_SSL_SCOPED };

struct hs_listen_addr
{
    struct sockaddr_storage addr;   /* the port in it is 0 for "every port" */
    uint16_t port;
};

struct hs_ssl_binding
{
    enum hs_ssl_kind kind;
    char subject[300];              /* "ip:port", "host:port" */
    uint16_t port;
    struct sockaddr_storage addr;   /* HS_SSL_IP, HS_SSL_CCS */
    uint8_t hash[32];
    uint32_t hash_len;
    char store[128];                /* empty: "MY" */
    uint32_t flags, checkmode, freshness, urltimeout;
};

struct hs_records
{
    struct hs_listen_addr *listen;
    uint32_t listen_count;
    uint32_t idle_timeout, header_wait;   /* seconds; 0: Windows' default, 120 */
    uint32_t max_cache_response, cache_range_chunk, tls_throttle;
    struct hs_ssl_binding *ssl;
    uint32_t ssl_count;
    uint32_t skipped;                     /* lines that did not parse (logged) */
};

int  hs_records_parse(const char *text, size_t len, struct hs_records *out);   /* 0, or -1 out of memory */
void hs_records_free(struct hs_records *r);
/* Reads "1.2.3.4", "1.2.3.4:80", "::1", "[::1]", "[::1]:80"; port 0 if none. */
int  hs_parse_addr(const char *text, struct sockaddr_storage *addr, uint16_t *port);

#endif
