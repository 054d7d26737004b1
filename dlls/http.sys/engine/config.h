/*
 * The service's tunables: HKLM\System\CurrentControlSet\Services\HTTP\Parameters.
 *
 * The driver reads the key at DriverEntry and hands every value it finds to
 * the engine as "Name:type=value" (type dword, sz, or the registry type
 * number for anything else), and ErrorLoggingDir also as the Unix paths it
 * stands for (types unix and unixdefault, which no registry value has, since
 * only the driver can convert).  The engine applies the documented defaults and
 * ranges (reference/httpapi.md §3.2, §3.3): a value of the wrong type or out
 * of range gets the default and a logged warning, as Windows does.
 */
#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <stdint.h>

struct hs_config
{
    /* TLS (reference §3.3) */
    uint32_t enable_kernel_ssl;           /* here: 1 = use kTLS when the kernel has it */
    uint32_t enable_ssl_close_notify;
    uint32_t disable_ssl_cert_chain_cache_only_url_retrieval;
    /* limits (reference §3.2) */
    uint32_t max_field_length;
    uint32_t max_request_bytes;
    uint32_t max_connections;
    uint32_t url_segment_max_count;
    uint32_t url_segment_max_length;
    uint32_t max_bytes_per_send;
    uint32_t max_endpoints;
    /* URL handling */
    uint32_t allow_restricted_chars;
    uint32_t enable_non_utf8;
    uint32_t favor_utf8;
    uint32_t percent_u_allowed;
    /* cache */
    uint32_t uri_enable_cache;
    uint32_t uri_max_uri_bytes;
    uint32_t uri_scavenger_period;
    /* responses and logging */
    uint32_t disable_server_header;
    uint32_t enable_aggressive_memory_usage;
    uint32_t enable_error_logging;
    uint32_t error_log_file_truncate_size;
    char error_logging_dir[512];
    /* the driver's Unix paths for it: of ErrorLoggingDir when that is a
     * local path it could convert, and of the default; "" when not given */
    char error_log_unix_dir[1100];
    char error_log_default_dir[1100];
};

void hs_config_defaults(struct hs_config *cfg);
/* Applies one "Name:type=value" item; unknown names are ignored (Windows
 * ignores values it does not know), bad ones logged.  Returns 0 if applied. */
int hs_config_apply(struct hs_config *cfg, const char *item);
/* Cross-value rules, run once every item has been applied. */
void hs_config_finish(struct hs_config *cfg);

#endif
