/*
 * libFuzzer target for httpapi's service configuration API:
 * HttpSetServiceConfiguration, HttpUpdateServiceConfiguration,
 * HttpDeleteServiceConfiguration and HttpQueryServiceConfiguration
 * (dlls/httpapi/config*.c) for every ConfigId, compiled natively against
 * tests/fuzz/config_shim (an in-memory registry, a stand-in SDDL
 * converter).  What the calls leave in the registry is then read by the
 * driver's records.c, as the service would, and parsed by the engine.
 *
 * Input: calls, each an operation, a ConfigId, flags (a handle, an
 * OVERLAPPED, HTTP_INITIALIZE_CONFIG missing, no structure), the
 * structure's bytes (its length is the length passed) and, for each
 * pointer in it, NULL, a string, an address or a hash from the input; for
 * queries an output buffer size.  Pointers always point at memory of the
 * size the structure promises (a caller that lies is outside the contract).
 *
 * Checked, besides memory errors and handles left open: every call answers
 * one of the documented Windows error codes; a query that succeeds fills
 * no more than the buffer and everything it points to lies inside what it
 * reported, strings terminated; one that asks for more reports a size that
 * then works; and at the end every record in the store is one the engine
 * takes (none skipped, one per binding key and per listen entry), every
 * reservation a valid prefix with a valid security descriptor.
 */
#include "windows.h"
#include "http.h"
#include "httpapi_ext.h"
#include "registry.h"
#include "urlprefix.h"

#undef REQUIRE
#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
                                   __builtin_trap(); } } while (0)

/* the engine's side, declared here: its headers and Windows' do not mix */
char *records_read(const void *registry_path, uint32_t *len);
int hs_records_parse_counts(const char *text, size_t len, uint32_t *listen, uint32_t *ssl, uint32_t *skipped);
ULONG urlacl_check_register(const WCHAR *prefix);
void hs_log_init(const char *spec, const char *file);

/* ----------------------------------------------------- httpapi's others */

static int initialized = 1;
BOOL httpapi_initialized(ULONG flags) { return initialized; }
int httpapi_debug_on(int level) { return 0; }
void httpapi_debug(int level, const char *func, const char *fmt, ...) {}
const char *debugstr_w(const WCHAR *s) { return ""; }
ULONG queue_ioctl(HANDLE h, DWORD code, const void *in, DWORD in_len, void *out, DWORD out_len, ULONG *ret, LPOVERLAPPED ovl)
{
    return ERROR_INVALID_HANDLE;
}
DWORD certkey_check(const WCHAR *store, const BYTE hash[20]) { return hash[0] == 0xff ? 2 : 0; }

/* as WideCharToMultiByte(CP_UTF8) does: a lone surrogate becomes U+FFFD */
char *utf16_to_utf8(const WCHAR *s, int *len)
{
    size_t n = shim_wcslen(s), i, o = 0;
    char *out = malloc(n * 3 + 1);

    if (!out) return NULL;
    for (i = 0; i < n; i++)
    {
        unsigned c = s[i];
        if (c >= 0xd800 && c < 0xdc00 && s[i + 1] >= 0xdc00 && s[i + 1] < 0xe000)
            c = 0x10000 + ((c - 0xd800) << 10) + (s[++i] - 0xdc00);
        else if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
        if (c < 0x80) out[o++] = (char)c;
        else if (c < 0x800) { out[o++] = (char)(0xc0 | c >> 6); out[o++] = (char)(0x80 | (c & 0x3f)); }
        else if (c < 0x10000) { out[o++] = (char)(0xe0 | c >> 12); out[o++] = (char)(0x80 | ((c >> 6) & 0x3f)); out[o++] = (char)(0x80 | (c & 0x3f)); }
        else { out[o++] = (char)(0xf0 | c >> 18); out[o++] = (char)(0x80 | ((c >> 12) & 0x3f)); out[o++] = (char)(0x80 | ((c >> 6) & 0x3f)); out[o++] = (char)(0x80 | (c & 0x3f)); }
    }
    out[o] = 0;
    if (len) *len = (int)o;
    return out;
}

/* ------------------------------------------------------------ the input */

struct input { const uint8_t *p; size_t left; };
static uint8_t u8(struct input *in) { if (!in->left) return 0; in->left--; return *in->p++; }
static uint16_t u16(struct input *in) { uint16_t v = u8(in); return v | (uint16_t)(u8(in) << 8); }
static uint32_t u32(struct input *in) { uint32_t v = u16(in); return v | (uint32_t)u16(in) << 16; }

#define MAX_ALLOCS 64
static void *allocs[MAX_ALLOCS];
static unsigned alloc_count;
static void *keep(void *p)
{
    REQUIRE(p && alloc_count < MAX_ALLOCS);
    return allocs[alloc_count++] = p;
}
static void free_all(void)
{
    while (alloc_count) free(allocs[--alloc_count]);
}

static const wchar_t *const words[] =
{
    L"http://+:80/", L"https://www.example.com:443/app/", L"http://*:8080/x/", L"http://127.0.0.1:80/",
    L"http://[::1]:80/a/", L"D:(A;;GX;;;WD)", L"D:(A;;GA;;;BA)(D;;GX;;;BU)", L"D:", L"D:(A;;0x20000000;;;S-1-5-11)",
    L"MY", L"Root", L"www.example.com", L"*", L"ctl", L"", L"h\x00e9llo.example",
};

static WCHAR *string(struct input *in)
{
    uint8_t mode = u8(in);
    size_t n, i;
    WCHAR *s;

    if (mode < 2 * sizeof(words) / sizeof(words[0]))
    {
        const wchar_t *w = words[mode % (sizeof(words) / sizeof(words[0]))];
        n = shim_wcslen((const WCHAR *)w);
        s = keep(malloc((n + 1) * sizeof(WCHAR)));
        memcpy(s, w, (n + 1) * sizeof(WCHAR));
        return s;
    }
    n = u16(in) % (mode == 255 ? 1100 : 300);
    s = keep(malloc((n + 1) * sizeof(WCHAR)));
    for (i = 0; i < n; i++) s[i] = u16(in);
    s[n] = 0;
    return s;
}

/* A socket address: IPv4, IPv6 or another family, of the size its family has. */
static SOCKADDR *address(struct input *in, size_t *size)
{
    uint8_t kind = u8(in);
    size_t n = kind % 3 == 1 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN), i;
    BYTE *sa = keep(calloc(1, n));

    for (i = 2; i < n; i++) sa[i] = kind & 0x80 ? u8(in) : 0;
    ((SOCKADDR *)sa)->sa_family = kind % 3 == 0 ? AF_INET : kind % 3 == 1 ? AF_INET6 : u16(in);
    ((SOCKADDR_IN *)sa)->sin_port = kind & 0x40 ? 0 : htons(u16(in));
    if (size) *size = n;
    return (SOCKADDR *)sa;
}

enum slot { S_END, S_WSTR, S_ADDR, S_HASH, S_LISTEN };   /* S_END ends a list */
struct slot_def { size_t offset; enum slot kind; };

#define SSL_PARAM_SLOTS(base) \
    { base + offsetof(HTTP_SERVICE_CONFIG_SSL_PARAM, pSslHash), S_HASH }, \
    { base + offsetof(HTTP_SERVICE_CONFIG_SSL_PARAM, pSslCertStoreName), S_WSTR }, \
    { base + offsetof(HTTP_SERVICE_CONFIG_SSL_PARAM, pDefaultSslCtlIdentifier), S_WSTR }, \
    { base + offsetof(HTTP_SERVICE_CONFIG_SSL_PARAM, pDefaultSslCtlStoreName), S_WSTR }

static const struct slot_def ssl_set_slots[] =
{
    { offsetof(HTTP_SERVICE_CONFIG_SSL_SET, KeyDesc.pIpPort), S_ADDR },
    SSL_PARAM_SLOTS(offsetof(HTTP_SERVICE_CONFIG_SSL_SET, ParamDesc)), { 0, 0 }
};
static const struct slot_def sni_set_slots[] =
{
    { offsetof(HTTP_SERVICE_CONFIG_SSL_SNI_SET, KeyDesc.Host), S_WSTR },
    SSL_PARAM_SLOTS(offsetof(HTTP_SERVICE_CONFIG_SSL_SNI_SET, ParamDesc)), { 0, 0 }
};
static const struct slot_def ccs_set_slots[] = { SSL_PARAM_SLOTS(offsetof(HTTP_SERVICE_CONFIG_SSL_CCS_SET, ParamDesc)), { 0, 0 } };
static const struct slot_def sni_ex_slots[] = { { offsetof(HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX, KeyDesc.Host), S_WSTR }, { 0, 0 } };
static const struct slot_def ssl_query_slots[] = { { offsetof(HTTP_SERVICE_CONFIG_SSL_QUERY, KeyDesc.pIpPort), S_ADDR }, { 0, 0 } };
static const struct slot_def sni_query_slots[] = { { offsetof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY, KeyDesc.Host), S_WSTR }, { 0, 0 } };
static const struct slot_def sni_query_ex_slots[] = { { offsetof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX, KeyDesc.Host), S_WSTR }, { 0, 0 } };
static const struct slot_def urlacl_set_slots[] =
{
    { offsetof(HTTP_SERVICE_CONFIG_URLACL_SET, KeyDesc.pUrlPrefix), S_WSTR },
    { offsetof(HTTP_SERVICE_CONFIG_URLACL_SET, ParamDesc.pStringSecurityDescriptor), S_WSTR }, { 0, 0 }
};
static const struct slot_def urlacl_query_slots[] = { { offsetof(HTTP_SERVICE_CONFIG_URLACL_QUERY, KeyDesc.pUrlPrefix), S_WSTR }, { 0, 0 } };
static const struct slot_def listen_slots[] = { { offsetof(HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM, pAddress), S_LISTEN }, { 0, 0 } };

static const struct slot_def *slots_for(int id, int query)
{
    switch (id)
    {
    case 0: return query ? NULL : listen_slots;
    case 1: return query ? ssl_query_slots : ssl_set_slots;
    case 2: return query ? urlacl_query_slots : urlacl_set_slots;
    case 5: case 11: return query ? sni_query_slots : sni_set_slots;
    case 6: return query ? NULL : ccs_set_slots;
    case 9: case 12: return query ? sni_query_ex_slots : sni_ex_slots;
    }
    return NULL;
}

/* The caller's structure: len bytes from the input, its pointers made good. */
static BYTE *structure(struct input *in, int id, int query, ULONG len)
{
    const struct slot_def *s = slots_for(id, query);
    BYTE *info = keep(malloc(len ? len : 1));
    size_t i;

    for (i = 0; i < len; i++) info[i] = u8(in);
    for (; s && s->kind != S_END; s++)
    {
        void *p = NULL;
        uint8_t how;
        if (s->offset + sizeof(void *) > len) continue;
        how = u8(in);
        if (how % 8)
            switch (s->kind)
            {
            case S_WSTR: p = string(in); break;
            case S_ADDR: p = address(in, NULL); break;
            case S_HASH:
            {
                /* SslHashLength says how much there is */
                ULONG *hlen = (ULONG *)(info + s->offset - offsetof(HTTP_SERVICE_CONFIG_SSL_PARAM, pSslHash));
                if (*hlen > 256) *hlen = how & 0x80 ? 20 : *hlen % 64;
                p = keep(malloc(*hlen ? *hlen : 1));
                for (i = 0; i < *hlen; i++) ((BYTE *)p)[i] = u8(in);
                break;
            }
            case S_END: break;
            case S_LISTEN:
            {
                /* AddrLength says how much there is */
                USHORT *alen = (USHORT *)info;
                size_t size;
                p = address(in, &size);
                if (how & 0x80) *alen = (USHORT)size;
                else if (*alen > size)
                {
                    BYTE *big = keep(calloc(1, *alen));
                    memcpy(big, p, size);
                    p = big;
                }
                else
                {
                    BYTE *small = keep(malloc(*alen ? *alen : 1));
                    memcpy(small, p, *alen);
                    p = small;
                }
                break;
            }
            }
        memcpy(info + s->offset, &p, sizeof(p));
    }
    return info;
}

/* ---------------------------------------------------------------- checks */

static int inside(const BYTE *out, ULONG used, const void *p, size_t n)
{
    return (const BYTE *)p >= out && (const BYTE *)p + n <= out + used && (const BYTE *)p + n >= (const BYTE *)p;
}

static void check_wstr(const BYTE *out, ULONG used, const WCHAR *s)
{
    size_t n = 0;
    if (!s) return;
    REQUIRE(inside(out, used, s, sizeof(WCHAR)));
    while (inside(out, used, s + n, sizeof(WCHAR)) && s[n]) n++;
    REQUIRE(inside(out, used, s + n, sizeof(WCHAR)));
}

static void check_param(const BYTE *out, ULONG used, const HTTP_SERVICE_CONFIG_SSL_PARAM *p)
{
    REQUIRE(p->SslHashLength == 0 || p->SslHashLength == 20);
    if (p->SslHashLength) REQUIRE(inside(out, used, p->pSslHash, p->SslHashLength));
    check_wstr(out, used, p->pSslCertStoreName);
    check_wstr(out, used, p->pDefaultSslCtlIdentifier);
    check_wstr(out, used, p->pDefaultSslCtlStoreName);
}

static void check_family(const SOCKADDR_STORAGE *ss)
{
    REQUIRE(ss->ss_family == AF_INET || ss->ss_family == AF_INET6);
}

/* What a successful query wrote: inside the used part of out. */
static void check_output(int id, const BYTE *out, ULONG used)
{
    switch (id)
    {
    case 0:
    {
        const HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *q = (const void *)out;
        ULONG i;
        REQUIRE(used >= offsetof(HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY, AddrList) + q->AddrCount * sizeof(SOCKADDR_STORAGE));
        for (i = 0; i < q->AddrCount; i++) check_family(&q->AddrList[i]);
        break;
    }
    case 1:
    {
        const HTTP_SERVICE_CONFIG_SSL_SET *s = (const void *)out;
        REQUIRE(used >= sizeof(*s));
        REQUIRE(inside(out, used, s->KeyDesc.pIpPort, sizeof(SOCKADDR_IN)));
        if (s->KeyDesc.pIpPort->sa_family == AF_INET6) REQUIRE(inside(out, used, s->KeyDesc.pIpPort, sizeof(SOCKADDR_IN6)));
        else REQUIRE(s->KeyDesc.pIpPort->sa_family == AF_INET);
        check_param(out, used, &s->ParamDesc);
        break;
    }
    case 2:
    {
        const HTTP_SERVICE_CONFIG_URLACL_SET *s = (const void *)out;
        REQUIRE(used >= sizeof(*s));
        REQUIRE(s->KeyDesc.pUrlPrefix && s->ParamDesc.pStringSecurityDescriptor);
        check_wstr(out, used, s->KeyDesc.pUrlPrefix);
        check_wstr(out, used, s->ParamDesc.pStringSecurityDescriptor);
        break;
    }
    case 3: REQUIRE(used == sizeof(USHORT)); break;
    case 4: case 7: REQUIRE(used == sizeof(ULONG)); break;
    case 5: case 11:
    {
        const HTTP_SERVICE_CONFIG_SSL_SNI_SET *s = (const void *)out;
        REQUIRE(used >= sizeof(*s) && s->KeyDesc.Host);
        check_wstr(out, used, s->KeyDesc.Host);
        check_param(out, used, &s->ParamDesc);
        break;
    }
    case 6:
    {
        const HTTP_SERVICE_CONFIG_SSL_CCS_SET *s = (const void *)out;
        REQUIRE(used >= sizeof(*s));
        check_family(&s->KeyDesc.LocalAddress);
        check_param(out, used, &s->ParamDesc);
        break;
    }
    case 8: REQUIRE(used >= sizeof(HTTP_SERVICE_CONFIG_SSL_SET_EX)); break;
    case 9: case 12:
    {
        const HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX *s = (const void *)out;
        REQUIRE(used >= sizeof(*s) && s->KeyDesc.Host);
        check_wstr(out, used, s->KeyDesc.Host);
        break;
    }
    case 10: REQUIRE(used >= sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX)); break;
    default: REQUIRE(!"query of an unknown id succeeded");
    }
}

static int documented(ULONG ret)
{
    switch (ret)
    {
    case NO_ERROR: case ERROR_FILE_NOT_FOUND: case ERROR_INVALID_HANDLE: case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_NOT_SUPPORTED: case ERROR_INVALID_PARAMETER: case ERROR_INSUFFICIENT_BUFFER: case ERROR_ALREADY_EXISTS:
    case ERROR_MORE_DATA: case ERROR_NO_MORE_ITEMS: case ERROR_DLL_INIT_FAILED: case ERROR_NO_SUCH_LOGON_SESSION:
        return 1;
    }
    return 0;
}

static void query(int id, void *in, ULONG in_len, ULONG out_len, int no_out, int no_ret_len, HANDLE handle, LPOVERLAPPED ovl)
{
    BYTE *out = no_out ? NULL : keep(malloc(out_len ? out_len : 1));
    ULONG ret_len = 0xdeadbeef, ret;

    ret = HttpQueryServiceConfiguration(handle, id, in, in_len, out, out_len, no_ret_len ? NULL : &ret_len, ovl);
    if (getenv("HS_FUZZ_LOG")) fprintf(stderr, "query id %d: %u (%u)\n", id, ret, ret_len);
    REQUIRE(documented(ret));
    REQUIRE(!shim_reg_open_handles());
    if (!ret)
    {
        REQUIRE(out || id == 0);
        if (!no_ret_len) REQUIRE(ret_len <= out_len);
        if (out && !no_ret_len) check_output(id, out, ret_len);
    }
    if ((ret == ERROR_INSUFFICIENT_BUFFER || ret == ERROR_MORE_DATA) && !no_ret_len && ret_len != 0xdeadbeef)
    {
        /* the size reported must be enough */
        ULONG again = 0xdeadbeef, need = ret_len;
        REQUIRE(need > out_len && need < 1 << 20);
        out = keep(malloc(need));
        ret = HttpQueryServiceConfiguration(handle, id, in, in_len, out, need, &again, ovl);
        REQUIRE(!ret && again == need);
        check_output(id, out, need);
    }
}

static void one_call(struct input *in)
{
    uint8_t op = u8(in), idb = u8(in), flags = u8(in);
    int id = idb < 0xf0 ? idb % 14 : (int)u32(in);
    HANDLE handle = flags & 1 ? (HANDLE)0x1234 : NULL;
    OVERLAPPED ovl_storage, *ovl = flags & 2 ? &ovl_storage : NULL;
    ULONG len = u16(in) % 1024, ret;
    BYTE *info;

    initialized = !(flags & 4);
    memset(&ovl_storage, 0, sizeof(ovl_storage));
    info = flags & 8 ? NULL : structure(in, id, (op & 3) == 3, len);
    switch (op & 3)
    {
    case 0: ret = HttpSetServiceConfiguration(handle, id, info, len, ovl); break;
    case 1: ret = HttpUpdateServiceConfiguration(handle, id, info, len, ovl); break;
    case 2: ret = HttpDeleteServiceConfiguration(handle, id, info, len, ovl); break;
    default:
        query(id, info, len, u16(in) % 2048, flags & 0x10, flags & 0x20, handle, ovl);
        return;
    }
    if (getenv("HS_FUZZ_LOG")) fprintf(stderr, "op %d id %d: %u\n", op & 3, id, ret);
    REQUIRE(documented(ret));
    REQUIRE(!shim_reg_open_handles());
}

/* ------------------------------------------------------- the store after */

static size_t wcopy(uint16_t *out, const wchar_t *s)
{
    size_t n = 0;
    while (s[n]) { out[n] = (uint16_t)s[n]; n++; }
    out[n] = 0;
    return n;
}

static unsigned count_children(const wchar_t *path)
{
    uint16_t p[200];
    struct shim_node *n;
    unsigned count = 0;

    wcopy(p, path);
    if (!(n = shim_reg_find(p))) return 0;
    while (shim_reg_child(n, count)) count++;
    return count;
}

static void check_store(void)
{
    static const wchar_t service[] = L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\HTTP";
    struct { uint16_t len, max; const wchar_t *buf; } path = { sizeof(service) - 2, sizeof(service), service };
    uint16_t p[200];
    struct shim_node *params, *acl;
    uint32_t len, listen, ssl, skipped, entries = 0, bindings;
    const uint16_t *name;
    const uint8_t *data;
    size_t name_len, data_len;
    uint32_t type;
    unsigned i;
    char *text;

    text = records_read(&path, &len);
    REQUIRE(!shim_reg_open_handles());
    REQUIRE(text && strlen(text) == len);
    REQUIRE(!hs_records_parse_counts(text, len, &listen, &ssl, &skipped));
    if (skipped || getenv("HS_FUZZ_LOG")) fprintf(stderr, "records (%u the engine skipped):\n%s", skipped, text);
    REQUIRE(!skipped);
    free(text);

    bindings = count_children(L"System\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo") +
               count_children(L"System\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslSniBindingInfo") +
               count_children(L"System\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslCcsBindingInfo") +
               count_children(L"System\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslScopedCcsBindingInfo");
    REQUIRE(ssl == bindings);
    wcopy(p, L"System\\CurrentControlSet\\Services\\HTTP\\Parameters");
    if ((params = shim_reg_find(p)))
        for (i = 0; shim_reg_value(params, i, &name, &name_len, &type, &data, &data_len); i++)
        {
            const uint16_t *w = (const uint16_t *)data;
            size_t k;
            if (name_len != 14 || memcmp(name, L"ListenOnlyList", 28)) continue;
            REQUIRE(type == REG_MULTI_SZ && data_len % 2 == 0 && data_len >= 4);
            REQUIRE(!w[data_len / 2 - 1] && !w[data_len / 2 - 2]);   /* ends with an empty string */
            for (k = 0; k + 1 < data_len / 2; k++) if (!w[k] && (k == 0 || w[k - 1])) entries++;
        }
    REQUIRE(listen == entries);

    wcopy(p, L"System\\CurrentControlSet\\Services\\HTTP\\Parameters\\UrlAclInfo");
    if ((acl = shim_reg_find(p)))
        for (i = 0; shim_reg_value(acl, i, &name, &name_len, &type, &data, &data_len); i++)
        {
            WCHAR *copy = malloc((name_len + 1) * sizeof(WCHAR));
            struct hs_prefix prefix;
            char *utf8;
            int n;
            memcpy(copy, name, name_len * sizeof(WCHAR));
            copy[name_len] = 0;
            REQUIRE(type == REG_BINARY && data_len >= sizeof(SECURITY_DESCRIPTOR_RELATIVE));
            REQUIRE(IsValidSecurityDescriptor((void *)data));
            REQUIRE((utf8 = utf16_to_utf8(copy, &n)));
            REQUIRE(!hs_prefix_parse(utf8, (size_t)n, &prefix));
            hs_prefix_free(&prefix);
            free(utf8);
            free(copy);
        }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    hs_log_init("-all", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    unsigned calls = 0;

    shim_reg_reset();
    shim_token_is_admin = size && (data[0] & 1);
    while (in.left && calls++ < 64)
    {
        one_call(&in);
        free_all();
    }
    check_store();
    {
        /* a registration against whatever reservations there are */
        WCHAR *url = string(&in);
        ULONG ret = urlacl_check_register(url);
        REQUIRE(ret == NO_ERROR || ret == ERROR_ACCESS_DENIED);
        REQUIRE(!shim_reg_open_handles());
        free_all();
    }
    return 0;
}
