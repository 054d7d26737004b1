#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>

#include "config.h"
#include "log.h"

struct dword_param
{
    const char *name;
    size_t offset;
    uint32_t def, min, max;
};

#define P(name, field, def, min, max) { name, offsetof(struct hs_config, field), def, min, max }

/* Defaults and ranges from KB 820129 and the Kernel Mode SSL page. */
static const struct dword_param dword_params[] =
{
    P("EnableKernelSSL",                          enable_kernel_ssl, 1, 0, 1),
    P("EnableSslCloseNotify",                     enable_ssl_close_notify, 0, 0, 1),
    P("DisableSslCertChainCacheOnlyUrlRetrieval", disable_ssl_cert_chain_cache_only_url_retrieval, 0, 0, 1),
    P("MaxFieldLength",                           max_field_length, 16384, 64, 65534),
    P("MaxRequestBytes",                          max_request_bytes, 16384, 256, 16777216),
    P("MaxConnections",                           max_connections, 0xffffffffu, 1024, 2031616),
    P("UrlSegmentMaxCount",                       url_segment_max_count, 255, 0, 16383),
    P("UrlSegmentMaxLength",                      url_segment_max_length, 260, 0, 32766),
    P("MaxBytesPerSend",                          max_bytes_per_send, 65536, 1, 0xfffff),
    P("MaxEndpoints",                             max_endpoints, 0, 0, 1024),
    P("AllowRestrictedChars",                     allow_restricted_chars, 0, 0, 1),
    P("EnableNonUTF8",                            enable_non_utf8, 1, 0, 1),
    P("FavorUTF8",                                favor_utf8, 1, 0, 1),
    P("PercentUAllowed",                          percent_u_allowed, 1, 0, 1),
    P("UriEnableCache",                           uri_enable_cache, 1, 0, 1),
    P("UriMaxUriBytes",                           uri_max_uri_bytes, 262144, 4096, 16777216),
    P("UriScavengerPeriod",                       uri_scavenger_period, 120, 10, 0xffffffffu),
    P("DisableServerHeader",                      disable_server_header, 0, 0, 2),
    P("EnableAggressiveMemoryUsage",              enable_aggressive_memory_usage, 0, 0, 1),
    P("EnableErrorLogging",                       enable_error_logging, 1, 0, 1),
    P("ErrorLogFileTruncateSize",                 error_log_file_truncate_size, 0x100000, 0x100000, 0xffffffffu),
};

static uint32_t *field(struct hs_config *cfg, size_t offset)
{
    return (uint32_t *)((char *)cfg + offset);
}

void hs_config_defaults(struct hs_config *cfg)
{
    size_t i;

    memset(cfg, 0, sizeof(*cfg));
    for (i = 0; i < sizeof(dword_params) / sizeof(dword_params[0]); i++)
        *field(cfg, dword_params[i].offset) = dword_params[i].def;
    snprintf(cfg->error_logging_dir, sizeof(cfg->error_logging_dir), "%s", "%SystemRoot%\\System32\\LogFiles");
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    unsigned long long v;

    if (!*s || *s == '-' || *s == '+' || *s == ' ') return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > 0xffffffffull) return -1;
    *out = (uint32_t)v;
    return 0;
}

static int apply_dword(struct hs_config *cfg, const struct dword_param *p, const char *type, const char *value)
{
    uint32_t v;

    if (strcmp(type, "dword"))
    {
        WARN("Parameters\\%s has registry type %s, not REG_DWORD; using the default %u", p->name, type, p->def);
        return -1;
    }
    if (parse_u32(value, &v))
    {
        WARN("Parameters\\%s: unreadable value; using the default %u", p->name, p->def);
        return -1;
    }
    if (v < p->min || v > p->max)
    {
        WARN("Parameters\\%s = %u is outside %u..%u; using the default %u", p->name, v, p->min, p->max, p->def);
        return -1;
    }
    *field(cfg, p->offset) = v;
    return 0;
}

/* The driver's conversions of ErrorLoggingDir, types no registry value
 * has: an absolute path without "." or ".." segments. */
static int apply_unix_dir(struct hs_config *cfg, const char *type, const char *value)
{
    char *dst = strcmp(type, "unix") ? cfg->error_log_default_dir : cfg->error_log_unix_dir;
    size_t size = sizeof(cfg->error_log_unix_dir), len = strlen(value);

    if (value[0] != '/' || len >= size || strstr(value, "/./") || strstr(value, "/../") ||
        (len >= 2 && !strcmp(value + len - 2, "/.")) || (len >= 3 && !strcmp(value + len - 3, "/..")))
    {
        WARN("error log directory %s is not an absolute path", value);
        return -1;
    }
    snprintf(dst, size, "%s", value);
    return 0;
}

int hs_config_apply(struct hs_config *cfg, const char *item)
{
    char name[128], type[16];
    const char *colon = strchr(item, ':'), *eq;
    size_t i, nlen, tlen;

    if (!colon || !(eq = strchr(colon, '='))) return -1;
    nlen = (size_t)(colon - item);
    tlen = (size_t)(eq - colon - 1);
    if (nlen >= sizeof(name) || tlen >= sizeof(type)) return -1;
    memcpy(name, item, nlen); name[nlen] = 0;
    memcpy(type, colon + 1, tlen); type[tlen] = 0;

    for (i = 0; i < sizeof(dword_params) / sizeof(dword_params[0]); i++)
        if (!strcasecmp(name, dword_params[i].name))
            return apply_dword(cfg, &dword_params[i], type, eq + 1);

    if (!strcasecmp(name, "ErrorLoggingDir") && (!strcmp(type, "unix") || !strcmp(type, "unixdefault")))
        return apply_unix_dir(cfg, type, eq + 1);
    if (!strcasecmp(name, "ErrorLoggingDir"))
    {
        if (strcmp(type, "sz") && strcmp(type, "expand_sz"))
        {
            WARN("Parameters\\ErrorLoggingDir is not a string; using the default");
            return -1;
        }
        if (strlen(eq + 1) >= sizeof(cfg->error_logging_dir) || !eq[1])
        {
            WARN("Parameters\\ErrorLoggingDir is empty or too long; using the default");
            return -1;
        }
        snprintf(cfg->error_logging_dir, sizeof(cfg->error_logging_dir), "%s", eq + 1);
        return 0;
    }
    TRACE("ignoring Parameters\\%s", name);
    return 0;
}

void hs_config_finish(struct hs_config *cfg)
{
    /* KB 820729: a fully qualified local path, which may start with
     * %SystemRoot%; the driver converted it if it was one */
    if (strcmp(cfg->error_logging_dir, "%SystemRoot%\\System32\\LogFiles") && !cfg->error_log_unix_dir[0])
        WARN("Parameters\\ErrorLoggingDir \"%s\" is not a fully qualified local path; using the default",
             cfg->error_logging_dir);
    /* KB 820129: "If MaxRequestBytes is lower than MaxFieldLength, MaxFieldLength is adjusted." */
    if (cfg->max_request_bytes < cfg->max_field_length)
    {
        WARN("MaxRequestBytes %u is below MaxFieldLength %u; MaxFieldLength lowered to match",
             cfg->max_request_bytes, cfg->max_field_length);
        cfg->max_field_length = cfg->max_request_bytes;
    }
}
