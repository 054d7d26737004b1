/*
 * Helpers shared by the service-configuration conformance tests (config_*.c): the records'
 * addresses, the configuration store in the registry, the size-probing query sequence and the
 * checks that a query's output is self-contained.
 *
 * Written from Microsoft's documentation of HttpSetServiceConfiguration,
 * HttpQueryServiceConfiguration, HttpDeleteServiceConfiguration and
 * HttpUpdateServiceConfiguration (shared/reference/httpapi.md §1.3, §2, §3.1) and the registry
 * layout of docs/configuration.md.
 */

#ifndef HTTPAPI_TEST_CONFIG_UTIL_H
#define HTTPAPI_TEST_CONFIG_UTIL_H

#include "util.h"
#include <sddl.h>
#include "httpapi_ext.h"

/* HKLM\<this> holds every record (reference §3.1). */
#define HTTP_PARAMS_KEY L"System\\CurrentControlSet\\Services\\HTTP\\Parameters"

/* Enough for any record the tests make, and for the ones a prefix may already hold. */
#define BIG_BUFFER 65536

/* The port of argv[1]: every record a test makes is derived from it. */
static USHORT cfg_port;

/* ------------------------------------------------------------------------------------------ */
/* Initialisation. */

static TEST_UNUSED BOOL config_init(void)
{
    ULONG ret = HttpInitialize(version1, HTTP_INITIALIZE_CONFIG, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(1.0, HTTP_INITIALIZE_CONFIG): expected NO_ERROR, got %lu\n", ret);
    return ret == NO_ERROR;
}

static TEST_UNUSED void config_term(void)
{
    ULONG ret = HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
    ok(ret == NO_ERROR, "HttpTerminate(HTTP_INITIALIZE_CONFIG): expected NO_ERROR, got %lu\n", ret);
}

/* The four functions with the arguments every test passes (ServiceHandle 0, no OVERLAPPED). */
static TEST_UNUSED ULONG cfg_set(HTTP_SERVICE_CONFIG_ID id, void *info, ULONG len)
{
    return HttpSetServiceConfiguration(NULL, id, info, len, NULL);
}

static TEST_UNUSED ULONG cfg_update(HTTP_SERVICE_CONFIG_ID id, void *info, ULONG len)
{
    return HttpUpdateServiceConfiguration(NULL, id, info, len, NULL);
}

static TEST_UNUSED ULONG cfg_delete(HTTP_SERVICE_CONFIG_ID id, void *info, ULONG len)
{
    return HttpDeleteServiceConfiguration(NULL, id, info, len, NULL);
}

static TEST_UNUSED ULONG cfg_query(HTTP_SERVICE_CONFIG_ID id, void *in, ULONG in_len, void *out, ULONG out_len,
                                   ULONG *ret_len)
{
    return HttpQueryServiceConfiguration(NULL, id, in, in_len, out, out_len, ret_len, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Addresses. */

static TEST_UNUSED SOCKADDR *make_v4(SOCKADDR_STORAGE *ss, BYTE a, BYTE b, BYTE c, BYTE d, USHORT port)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;

    memset(ss, 0, sizeof(*ss));
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    sin->sin_addr.S_un.S_un_b.s_b1 = a;
    sin->sin_addr.S_un.S_un_b.s_b2 = b;
    sin->sin_addr.S_un.S_un_b.s_b3 = c;
    sin->sin_addr.S_un.S_un_b.s_b4 = d;
    return (SOCKADDR *)ss;
}

/* `words` are the eight 16-bit groups of the address, in the order they are written. */
static TEST_UNUSED SOCKADDR *make_v6(SOCKADDR_STORAGE *ss, const USHORT words[8], USHORT port)
{
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    int i;

    memset(ss, 0, sizeof(*ss));
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    for (i = 0; i < 8; i++)
    {
        sin6->sin6_addr.s6_addr[2 * i] = (BYTE)(words[i] >> 8);
        sin6->sin6_addr.s6_addr[2 * i + 1] = (BYTE)words[i];
    }
    return (SOCKADDR *)ss;
}

static TEST_UNUSED USHORT sockaddr_port(const SOCKADDR *sa)
{
    if (sa->sa_family == AF_INET) return ntohs(((const struct sockaddr_in *)sa)->sin_port);
    if (sa->sa_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    return 0;
}

/* Same family, address and port (the IPv6 scope and flow info are not compared). */
static TEST_UNUSED BOOL sockaddr_eq(const SOCKADDR *a, const SOCKADDR *b)
{
    if (!a || !b || a->sa_family != b->sa_family) return FALSE;
    if (a->sa_family == AF_INET)
    {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->sa_family == AF_INET6)
    {
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
        return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
    }
    return FALSE;
}

/* The address alone, as text ("127.0.0.1", "::1"), as Windows writes it. */
static TEST_UNUSED const WCHAR *addr_text(const SOCKADDR *sa, WCHAR *buf, DWORD count)
{
    const void *addr = sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                                                 : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
    if (!InetNtopW(sa->sa_family, (void *)addr, buf, count)) buf[0] = 0;
    return buf;
}

/* "<ip>:<port>" or "[<ip6>]:<port>": the name of a binding's registry key (reference §3.1). */
static TEST_UNUSED const WCHAR *addr_port_text(const SOCKADDR *sa, WCHAR *buf, DWORD count)
{
    WCHAR addr[64];

    addr_text(sa, addr, 64);
    if (sa->sa_family == AF_INET6) swprintf(buf, count, L"[%ls]:%u", addr, sockaddr_port(sa));
    else swprintf(buf, count, L"%ls:%u", addr, sockaddr_port(sa));
    return buf;
}

/* For messages. */
static TEST_UNUSED const char *dbgaddr(const SOCKADDR *sa)
{
    static char bufs[4][80];
    static LONG next;
    char *buf = bufs[InterlockedIncrement(&next) & 3];
    WCHAR text[80];

    if (!sa) return "(null)";
    if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
    {
        snprintf(buf, 80, "(family %u)", sa->sa_family);
        return buf;
    }
    addr_port_text(sa, text, 80);
    WideCharToMultiByte(CP_ACP, 0, text, -1, buf, 80, NULL, NULL);
    return buf;
}

static TEST_UNUSED const char *dbgw(const WCHAR *s)
{
    if (!s) return "(null)";
    return dbgwstr(s, (int)wcslen(s) * 2);
}

static TEST_UNUSED BOOL wstr_same(const WCHAR *a, const WCHAR *b)
{
    if (!a || !b) return a == b;
    return !wcscmp(a, b);
}

/* ------------------------------------------------------------------------------------------ */
/* A query's output is one self-contained buffer (reference §2.1). */

static TEST_UNUSED BOOL ptr_in(const void *buf, ULONG size, const void *p, ULONG len)
{
    const char *b = buf, *q = p;
    return q && q >= b && len <= size && q - b <= (LONG_PTR)(size - len);
}

/* A NUL-terminated wide string that lies wholly within the buffer (NULL is accepted if allowed). */
static TEST_UNUSED BOOL wstr_in(const void *buf, ULONG size, const WCHAR *s, BOOL null_ok)
{
    const char *b = buf, *end = b + size;
    const WCHAR *p;

    if (!s) return null_ok;
    if ((const char *)s < b || (const char *)s >= end) return FALSE;
    for (p = s; (const char *)(p + 1) <= end; p++)
        if (!*p) return TRUE;
    return FALSE;
}

/*
 * The documented way to read a record: ask with no buffer (ERROR_INSUFFICIENT_BUFFER, the size in
 * ReturnLength), ask again one byte short (the same answer), then with exactly that size (NO_ERROR,
 * ReturnLength the size written).  Three checks.  Returns the output (HeapFree it) and its size,
 * or NULL if a step failed.
 */
static TEST_UNUSED void *query_sized_(const char *file, int line, HTTP_SERVICE_CONFIG_ID id, void *in,
                                      ULONG in_len, const char *what, ULONG *size_out)
{
    ULONG ret, need = 0, len;
    BYTE *buf;

    *size_out = 0;
    ret = cfg_query(id, in, in_len, NULL, 0, &need);
    ok_(file, line, ret == ERROR_INSUFFICIENT_BUFFER && need > 0,
        "Query of %s with no output buffer: expected ERROR_INSUFFICIENT_BUFFER (122) and the size needed, "
        "got %lu, size %lu\n", what, ret, need);
    if (ret != ERROR_INSUFFICIENT_BUFFER || !need || need > BIG_BUFFER) return NULL;

    buf = HeapAlloc(GetProcessHeap(), 0, need);
    memset(buf, 0xcc, need);
    len = 0;
    ret = cfg_query(id, in, in_len, buf, need - 1, &len);
    ok_(file, line, ret == ERROR_INSUFFICIENT_BUFFER && len == need,
        "Query of %s with a buffer one byte short (%lu): expected ERROR_INSUFFICIENT_BUFFER (122) and size %lu, "
        "got %lu, size %lu\n", what, need - 1, need, ret, len);

    memset(buf, 0xcc, need);
    len = 0;
    ret = cfg_query(id, in, in_len, buf, need, &len);
    ok_(file, line, ret == NO_ERROR && len == need,
        "Query of %s with a buffer of exactly the size reported (%lu): expected NO_ERROR and ReturnLength %lu, "
        "got %lu, ReturnLength %lu\n", what, need, need, ret, len);
    if (ret)
    {
        HeapFree(GetProcessHeap(), 0, buf);
        return NULL;
    }
    *size_out = need;
    return buf;
}
#define query_sized(id, in, in_len, what, size) query_sized_(__FILE__, __LINE__, id, in, in_len, what, size)

static TEST_UNUSED void *big_alloc(void)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, BIG_BUFFER);
}

static TEST_UNUSED void big_free(void *p)
{
    HeapFree(GetProcessHeap(), 0, p);
}

/* ------------------------------------------------------------------------------------------ */
/* The configuration store in the registry (reference §3.1, docs/configuration.md). */

/* Opens HKLM\...\HTTP\Parameters[\subkey]; 0 if it does not exist. */
static TEST_UNUSED HKEY reg_open(const WCHAR *subkey, REGSAM access)
{
    WCHAR path[512];
    HKEY key;

    if (subkey) swprintf(path, 512, L"%ls\\%ls", HTTP_PARAMS_KEY, subkey);
    else wcscpy(path, HTTP_PARAMS_KEY);
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, access, &key)) return 0;
    return key;
}

static TEST_UNUSED BOOL reg_key_exists(const WCHAR *subkey)
{
    HKEY key = reg_open(subkey, KEY_READ);
    if (key) RegCloseKey(key);
    return key != 0;
}

/* Reads a value; returns the registry error (ERROR_FILE_NOT_FOUND if the key or value is missing). */
static TEST_UNUSED LONG reg_get(const WCHAR *subkey, const WCHAR *name, DWORD *type, void *data, DWORD *size)
{
    HKEY key = reg_open(subkey, KEY_READ);
    LONG ret;

    if (!key) return ERROR_FILE_NOT_FOUND;
    ret = RegQueryValueExW(key, name, NULL, type, data, size);
    RegCloseKey(key);
    return ret;
}

/* Writes a value, creating the key as a .reg import would. */
static TEST_UNUSED LONG reg_put(const WCHAR *subkey, const WCHAR *name, DWORD type, const void *data, DWORD size)
{
    WCHAR path[512];
    HKEY key;
    LONG ret;

    if (subkey) swprintf(path, 512, L"%ls\\%ls", HTTP_PARAMS_KEY, subkey);
    else wcscpy(path, HTTP_PARAMS_KEY);
    ret = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);
    if (ret) return ret;
    ret = RegSetValueExW(key, name, 0, type, data, size);
    RegCloseKey(key);
    return ret;
}

static TEST_UNUSED void reg_put_dword(const WCHAR *subkey, const WCHAR *name, DWORD value)
{
    reg_put(subkey, name, REG_DWORD, &value, sizeof(value));
}

static TEST_UNUSED void reg_put_sz(const WCHAR *subkey, const WCHAR *name, const WCHAR *value)
{
    reg_put(subkey, name, REG_SZ, value, (DWORD)(wcslen(value) + 1) * sizeof(WCHAR));
}

/* Removes a key with everything under it (cleanup only: no check). */
static TEST_UNUSED void reg_remove_tree(const WCHAR *subkey)
{
    HKEY key = reg_open(NULL, KEY_ALL_ACCESS);
    if (!key) return;
    RegDeleteTreeW(key, subkey);
    RegDeleteKeyW(key, subkey);
    RegCloseKey(key);
}

/* Removes a key if it holds nothing (a parent key a test created: cleanup only). */
static TEST_UNUSED void reg_remove_if_empty(const WCHAR *subkey)
{
    DWORD subkeys = 1, values = 1;
    HKEY key = reg_open(subkey, KEY_READ), parent;

    if (!key) return;
    RegQueryInfoKeyW(key, NULL, NULL, NULL, &subkeys, NULL, NULL, &values, NULL, NULL, NULL, NULL);
    RegCloseKey(key);
    if (subkeys || values || !(parent = reg_open(NULL, KEY_ALL_ACCESS))) return;
    RegDeleteKeyW(parent, subkey);
    RegCloseKey(parent);
}

static TEST_UNUSED void reg_remove_value(const WCHAR *subkey, const WCHAR *name)
{
    HKEY key = reg_open(subkey, KEY_ALL_ACCESS);
    if (!key) return;
    RegDeleteValueW(key, name);
    RegCloseKey(key);
}

/* ------------------------------------------------------------------------------------------ */
/* Security descriptors. */

/* The DACL of a security descriptor as SDDL ("D:..."), in the form Windows writes it. */
static TEST_UNUSED BOOL sd_dacl_sddl(PSECURITY_DESCRIPTOR sd, WCHAR *out, DWORD count)
{
    WCHAR *text = NULL;

    out[0] = 0;
    if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                              &text, NULL))
        return FALSE;
    lstrcpynW(out, text, count);
    LocalFree(text);
    return TRUE;
}

/* The SDDL in the form Windows writes it back, so that two spellings of one descriptor compare equal. */
static TEST_UNUSED BOOL canonical_sddl(const WCHAR *sddl, WCHAR *out, DWORD count)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    BOOL ret;

    out[0] = 0;
    if (!sddl || !ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL))
        return FALSE;
    ret = sd_dacl_sddl(sd, out, count);
    LocalFree(sd);
    return ret;
}

static TEST_UNUSED BOOL sddl_same(const WCHAR *a, const WCHAR *b)
{
    WCHAR ca[512], cb[512];
    if (!canonical_sddl(a, ca, 512) || !canonical_sddl(b, cb, 512)) return FALSE;
    return !wcscmp(ca, cb);
}

#endif /* HTTPAPI_TEST_CONFIG_UTIL_H */
