/*
 * libFuzzer target for the driver's reading of the configuration store:
 * dlls/http.sys/driver/records.c (the records text the engine gets) and
 * params.c (the --param items), compiled natively against
 * tests/fuzz/config_shim (an in-memory registry behind the Zw* calls).
 * The registry is whatever the input makes it, since anybody who can
 * write HKLM\...\HTTP\Parameters (or import a .reg file) decides it:
 * wrong types, truncated binaries, huge or empty strings, odd key names.
 *
 * Input: steps, each a selector byte (which key: Parameters, a kind's
 * root, a binding under a kind with a name from the input or a well-formed
 * one), a value name (one of the store's own, by index, or UTF-16 from the
 * input), a type and the data.
 *
 * Checked, besides memory errors and the handles being closed: the text is
 * whole lines of printable bytes (no control character, so no value can
 * start a line of its own), each line one record at most for the engine's
 * parser; with a text limit the input can reach, only whole lines are
 * dropped (each line of the small text is a line of the full one, in
 * order); the items are "Name:type=value" with a type params.c writes, the
 * engine's Unix folder only from params.c's own checked folder; and the
 * engine's configuration from them stays in its documented ranges.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "records.h"

#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
                                   __builtin_trap(); } } while (0)
#include "records_check.h"
#include "config_shim/registry.h"

struct us { uint16_t len, max; const uint16_t *buf; };
char *records_read(const void *registry_path, uint32_t *len);
char *records_read_small(const void *registry_path, uint32_t *len);
int params_read(const void *registry_path, char **items, int max);
extern int shim_unix_path_fails;

#define MAX_PARAMS 64   /* driver.c's */

static const wchar_t *const value_names[] =
{
    L"ListenOnlyList", L"IdleConnectionTimeout", L"HeaderWaitTimeout", L"MaxCacheResponseSize",
    L"CacheRangeChunkSize", L"TlsThrottle", L"SslCertHash", L"SslCertStoreName", L"DefaultFlags",
    L"DefaultSslCertCheckMode", L"DefaultSslRevocationFreshnessTime", L"DefaultSslRevocationUrlRetrievalTimeout",
    L"DefaultSslCtlIdentifier", L"DefaultSslCtlStoreName", L"AppId", L"ErrorLoggingDir", L"ErrorLogFileTruncateSize",
    L"EnableErrorLogging", L"MaxConnections", L"MaxFieldLength", L"MaxRequestBytes", L"EnableKernelSSL",
    L"UrlSegmentMaxCount", L"UrlSegmentMaxLength", L"DisableServerHeader", L"MaxBytesPerSend", L"MaxEndpoints",
    L"UriMaxUriBytes", L"UriScavengerPeriod", L"EnableSslCloseNotify", L"", L"errorloggingdir",
};
static const wchar_t *const kinds[] = { L"SslBindingInfo", L"SslSniBindingInfo", L"SslCcsBindingInfo", L"SslScopedCcsBindingInfo" };
static const wchar_t *const good_names[] =
{
    L"0.0.0.0:443", L"[::1]:8443", L"127.0.0.1:1", L"www.example.com:443", L"*:443", L"h\x00e9:65535", L"[::]:443",
};

struct input { const uint8_t *p; size_t left; };

static uint8_t u8(struct input *in) { if (!in->left) return 0; in->left--; return *in->p++; }
static uint16_t u16(struct input *in) { uint16_t v = u8(in); return v | (uint16_t)(u8(in) << 8); }
static uint32_t u32(struct input *in) { uint32_t v = u16(in); return v | (uint32_t)u16(in) << 16; }

/* up to max UTF-16 units from the input, length first */
static size_t wstr(struct input *in, uint16_t *out, size_t max)
{
    size_t n = u16(in) % (max + 1), i;
    for (i = 0; i < n; i++) out[i] = u16(in);
    out[n] = 0;
    return n;
}

static size_t wcopy(uint16_t *out, const wchar_t *s)
{
    size_t n = 0;
    while (s[n]) { out[n] = (uint16_t)s[n]; n++; }
    out[n] = 0;
    return n;
}

static struct shim_node *params_key(void)
{
    uint16_t path[80];
    wcopy(path, L"System\\CurrentControlSet\\Services\\HTTP\\Parameters");
    return shim_reg_make(path);
}

static void build(struct input *in)
{
    static uint16_t name[20000];
    while (in->left)
    {
        uint8_t sel = u8(in), nsel;
        struct shim_node *key = params_key();
        size_t nlen, dlen;
        uint32_t type;

        if (sel & 4)
        {
            nlen = wcopy(name, kinds[sel & 3]);
            key = shim_reg_make_child(key, name, nlen);
            if (sel & 8) nlen = wcopy(name, good_names[(sel >> 4) % (sizeof(good_names) / sizeof(good_names[0]))]);
            else nlen = wstr(in, name, sel & 0x10 ? 600 : 40);
            if (!(sel & 0x80)) key = shim_reg_make_child(key, name, nlen);
        }
        nsel = u8(in);
        if (nsel < 2 * sizeof(value_names) / sizeof(value_names[0])) nlen = wcopy(name, value_names[nsel % (sizeof(value_names) / sizeof(value_names[0]))]);
        else nlen = wstr(in, name, nsel == 255 ? 17000 : 64);
        type = u8(in);
        if (type >= 12) type = type == 255 ? u32(in) : type % 12;
        dlen = u16(in);
        if (dlen > in->left) dlen = in->left;
        if (u8(in) == 0xee && dlen) dlen = 16384 + dlen;   /* large values, the buffers' limits */
        {
            uint8_t *data = malloc(dlen ? dlen : 1);
            size_t i;
            for (i = 0; i < dlen; i++) data[i] = i < in->left ? in->p[i] : (uint8_t)('A' + i % 26);
            shim_reg_set(key, name, nlen, type, data, dlen);
            free(data);
            in->p += dlen < in->left ? dlen : in->left;
            in->left -= dlen < in->left ? dlen : in->left;
        }
    }
}

static int known_type(const char *t, size_t n)
{
    size_t i;
    if ((n == 5 && !memcmp(t, "dword", 5)) || (n == 2 && !memcmp(t, "sz", 2)) || (n == 9 && !memcmp(t, "expand_sz", 9)) ||
        (n == 4 && !memcmp(t, "unix", 4)) || (n == 11 && !memcmp(t, "unixdefault", 11)))
        return 1;
    if (n < 5 || memcmp(t, "type", 4)) return 0;
    for (i = 4; i < n; i++) if (t[i] < '0' || t[i] > '9') return 0;
    return 1;
}

static void check_items(char **items, int count)
{
    struct hs_config cfg;
    int i, unix_items = 0;

    REQUIRE(count >= 0 && count <= MAX_PARAMS);
    hs_config_defaults(&cfg);
    for (i = 0; i < count; i++)
    {
        const char *item = items[i], *colon, *eq;
        REQUIRE(item);
        REQUIRE(strlen(item) < 1100);
        /* the engine splits at the first ':' and the first '=' after it */
        REQUIRE((colon = strchr(item, ':')) && (eq = strchr(colon, '=')));
        REQUIRE(known_type(colon + 1, (size_t)(eq - colon - 1)));
        if (!memcmp(colon + 1, "unix", 4))
        {
            REQUIRE(colon - item == 15 && !memcmp(item, "ErrorLoggingDir", 15));
            REQUIRE(!strncmp(eq + 1, "/shim-unix/", 11));
            unix_items++;
        }
        hs_config_apply(&cfg, item);
        free(items[i]);
    }
    REQUIRE(unix_items <= 2);
    hs_config_finish(&cfg);
    check_config(&cfg);
}

/* the lines of text, each NUL-terminated in place */
static size_t split(char *text, uint32_t len, char **lines, size_t max)
{
    size_t n = 0;
    char *p = text, *end = text + len;
    while (p < end)
    {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        REQUIRE(nl);   /* whole lines only */
        *nl = 0;
        REQUIRE(n < max);
        lines[n++] = p;
        p = nl + 1;
    }
    return n;
}

static void check_text(const char *text, uint32_t len)
{
    static const char *const first[] = { "listen ", "timeout ", "cache ", "setting ", "ssl " };
    const char *p = text, *end = text + len;
    uint32_t i;

    REQUIRE(text && strlen(text) == len);
    for (i = 0; i < len; i++) REQUIRE(text[i] == '\n' || ((unsigned char)text[i] >= 0x20 && text[i] != 0x7f));
    while (p < end)
    {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct hs_records r;
        size_t k, n;
        int known = 0;

        REQUIRE(nl);
        n = (size_t)(nl - p);
        for (k = 0; k < sizeof(first) / sizeof(first[0]); k++)
            if (n > strlen(first[k]) && !memcmp(p, first[k], strlen(first[k]))) known = 1;
        REQUIRE(known);
        REQUIRE(!hs_records_parse(p, n, &r));
        REQUIRE(r.listen_count + r.ssl_count <= 1);
        check_records(&r);
        hs_records_free(&r);
        p = nl + 1;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    hs_log_init("-all", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const wchar_t service[] = L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\HTTP";
    struct us path = { sizeof(service) - 2, sizeof(service), (const uint16_t *)service };
    struct input in = { data, size };
    char *items[MAX_PARAMS], *big, *small, *big_lines[4096], *small_lines[4096];
    uint32_t big_len, small_len;
    size_t nbig, nsmall, i, j;
    int count;

    shim_reg_reset();
    shim_unix_path_fails = size && data[size - 1] == 0xfe;
    build(&in);

    count = params_read(&path, items, MAX_PARAMS);
    REQUIRE(!shim_reg_open_handles());
    check_items(items, count);

    big = records_read(&path, &big_len);
    REQUIRE(!shim_reg_open_handles());
    small = records_read_small(&path, &small_len);
    REQUIRE(!shim_reg_open_handles());
    REQUIRE(big && small);
    check_text(big, big_len);
    check_text(small, small_len);
    REQUIRE(small_len < 2048);

    /* full: whole lines dropped, never a line cut short */
    nbig = split(big, big_len, big_lines, 4096);
    nsmall = split(small, small_len, small_lines, 4096);
    for (i = 0, j = 0; i < nsmall; i++, j++)
    {
        while (j < nbig && strcmp(small_lines[i], big_lines[j])) j++;
        REQUIRE(j < nbig);
    }
    free(big);
    free(small);
    return 0;
}
