/*
 * libFuzzer target for the configuration as it reaches the engine from the
 * registry: the records text the driver sends (HS_MSG_CONFIG and
 * HS_IOCTL_APPLY_CONFIG, records.h) and the Parameters values it passes as
 * --param "Name:type=value" (config.h).  Whatever the store holds, since
 * anybody who can write the registry (or a hand edit) decides it.
 *
 * Input: the records text, then optionally a NUL and the --param items,
 * one a line.  Besides memory errors it checks what the rest of the engine
 * relies on: every record read is complete (terminated names, hash sizes,
 * addresses of a known family, the ports the subject names), every
 * Parameters value within its documented range, and MaxFieldLength never
 * above MaxRequestBytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "config.h"
#include "log.h"
#include "records.h"

#define REQUIRE(c) do { if (!(c)) __builtin_trap(); } while (0)

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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    hs_log_init("-all", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t text_len = nul ? (size_t)(nul - data) : size;
    struct hs_records r;
    struct hs_config cfg;
    char *items, *line, *save = NULL;

    /* the driver's text is not NUL-terminated: give the parser exactly its bytes */
    {
        char *text = malloc(text_len ? text_len : 1);
        if (!text) return 0;
        memcpy(text, data, text_len);
        if (!hs_records_parse(text, text_len, &r))
        {
            check_records(&r);
            hs_records_free(&r);
        }
        free(text);
    }

    if (!nul) return 0;
    if (!(items = malloc(size - text_len))) return 0;
    memcpy(items, nul + 1, size - text_len - 1);
    items[size - text_len - 1] = 0;
    hs_config_defaults(&cfg);
    for (line = strtok_r(items, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        hs_config_apply(&cfg, line);
    hs_config_finish(&cfg);
    check_config(&cfg);
    free(items);
    return 0;
}
