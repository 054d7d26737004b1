/*
 * What the engine relies on in the configuration it was given: records
 * complete (terminated names, hash sizes, known address families) and
 * every Parameters value within its documented range.  Shared by the
 * targets that produce configuration (fuzz_records, fuzz_config_store,
 * fuzz_config_api).
 */
#ifndef HS_FUZZ_RECORDS_CHECK_H
#define HS_FUZZ_RECORDS_CHECK_H

#include <string.h>
#include <netinet/in.h>

#include "config.h"
#include "records.h"

#ifndef REQUIRE
#define REQUIRE(c) do { if (!(c)) __builtin_trap(); } while (0)
#endif

static void check_records(const struct hs_records *r)
{
    uint32_t i;

    REQUIRE(!r->listen_count || r->listen);
    REQUIRE(!r->ssl_count || r->ssl);
    for (i = 0; i < r->listen_count; i++)
    {
        int family = r->listen[i].addr.ss_family;
        REQUIRE(family == AF_INET || family == AF_INET6);
    }
    for (i = 0; i < r->ssl_count; i++)
    {
        const struct hs_ssl_binding *b = &r->ssl[i];
        REQUIRE(b->kind == HS_SSL_IP || b->kind == HS_SSL_SNI || b->kind == HS_SSL_CCS || b->kind == HS_SSL_SCOPED);
        REQUIRE(memchr(b->subject, 0, sizeof(b->subject)));
        REQUIRE(memchr(b->store, 0, sizeof(b->store)));
        REQUIRE(b->hash_len <= sizeof(b->hash));
        if (b->kind == HS_SSL_IP || b->kind == HS_SSL_CCS)
            REQUIRE(b->addr.ss_family == AF_INET || b->addr.ss_family == AF_INET6);
    }
}

static void check_config(const struct hs_config *c)
{
    REQUIRE(c->enable_kernel_ssl <= 1 && c->enable_ssl_close_notify <= 1);
    REQUIRE(c->max_field_length >= 64 && c->max_field_length <= 65534);
    REQUIRE(c->max_request_bytes >= 256 && c->max_request_bytes <= 16777216);
    REQUIRE(c->max_field_length <= c->max_request_bytes);
    REQUIRE(c->max_connections >= 1024);
    REQUIRE(c->url_segment_max_count <= 16383 && c->url_segment_max_length <= 32766);
    REQUIRE(c->max_bytes_per_send >= 1 && c->max_bytes_per_send <= 0xfffff);
    REQUIRE(c->max_endpoints <= 1024);
    REQUIRE(c->uri_max_uri_bytes >= 4096 && c->uri_max_uri_bytes <= 16777216);
    REQUIRE(c->uri_scavenger_period >= 10);
    REQUIRE(c->disable_server_header <= 2);
    REQUIRE(c->error_log_file_truncate_size >= 0x100000);
    REQUIRE(memchr(c->error_logging_dir, 0, sizeof(c->error_logging_dir)));
    REQUIRE(memchr(c->error_log_unix_dir, 0, sizeof(c->error_log_unix_dir)));
    REQUIRE(memchr(c->error_log_default_dir, 0, sizeof(c->error_log_default_dir)));
}

#endif
