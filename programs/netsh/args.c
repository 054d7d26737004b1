/*
 * netsh's argument conventions: "tag=value" with the tag in any case, or
 * the bare value where the command allows leaving the tag out (values then
 * fill the tags in their documented order).  The C runtime has already
 * split the command line and removed the quotes, so "appid={...}" and
 * appid="{...}" arrive alike; quotes left around a value are dropped.
 *
 * The value parsers accept what Windows' netsh accepts: GUIDs with or
 * without braces, a certificate hash of 40 hex digits, a.b.c.d:port or
 * [v6]:port, name:port, numbers in decimal or with a 0x prefix.
 */
#include <stdlib.h>

#include "netsh.h"
#include <mstcpip.h>

BOOL is_help_word(const WCHAR *arg)
{
    return !wcscmp(arg, L"?") || !wcscmp(arg, L"/?") || !wcscmp(arg, L"-?") || !wcsicmp(arg, L"help");
}

BOOL match_keyword(const WCHAR *word, const WCHAR *keyword)
{
    return !wcsicmp(word, keyword);
}

int parse_choice(const WCHAR *value, const WCHAR *yes, const WCHAR *no)
{
    if (!wcsicmp(value, yes)) return 1;
    if (!wcsicmp(value, no)) return 0;
    return -1;
}

/* a value with its surrounding quotes, if any, removed (argv is writable) */
static WCHAR *unquote(WCHAR *value)
{
    size_t len = wcslen(value);
    if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
    {
        value[len - 1] = 0;
        return value + 1;
    }
    return value;
}

BOOL get_args(const struct command *cmd, int argc, WCHAR **argv, const struct tag_def *defs,
              unsigned count, const WCHAR **values, int *rc)
{
    unsigned i, next = 0;
    int a;

    for (i = 0; i < count; i++) values[i] = NULL;
    for (a = 0; a < argc; a++)
        if (is_help_word(argv[a]))
        {
            print_usage(cmd);
            *rc = NETSH_OK;
            return FALSE;
        }
    for (a = 0; a < argc; a++)
    {
        WCHAR *eq = wcschr(argv[a], '='), *value;

        if (eq)
        {
            size_t len = eq - argv[a];
            for (i = 0; i < count; i++)
                if (wcslen(defs[i].name) == len && !wcsnicmp(argv[a], defs[i].name, len)) break;
            if (i == count || values[i]) goto bad;   /* unknown or repeated tag */
            value = unquote(eq + 1);
        }
        else
        {
            /* a bare value takes the next positional tag not given yet */
            for (i = next; i < count; i++)
                if ((defs[i].flags & TAG_POSITIONAL) && !values[i]) break;
            if (i == count) goto bad;
            next = i + 1;
            value = unquote(argv[a]);
        }
        if (!*value) goto bad;
        values[i] = value;
    }
    for (i = 0; i < count; i++)
        if ((defs[i].flags & TAG_REQUIRED) && !values[i])
        {
            print_usage(cmd);
            *rc = NETSH_FAILED;
            return FALSE;
        }
    return TRUE;

bad:
    msg_bad_parameter();
    *rc = NETSH_FAILED;
    return FALSE;
}

BOOL parse_ulong(const WCHAR *value, ULONG max, ULONG *result)
{
    unsigned long long n = 0;
    int base = 10, digits = 0;
    const WCHAR *p = value;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    {
        base = 16;
        p += 2;
    }
    for (; *p; p++, digits++)
    {
        int d;
        if (*p >= '0' && *p <= '9') d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f') d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F') d = *p - 'A' + 10;
        else return FALSE;
        n = n * base + d;
        if (n > max) return FALSE;
    }
    if (!digits) return FALSE;
    *result = (ULONG)n;
    return TRUE;
}

static int hex_digit(WCHAR c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static BOOL parse_hex(const WCHAR *p, unsigned digits, unsigned long long *result)
{
    unsigned long long n = 0;
    unsigned i;

    for (i = 0; i < digits; i++)
    {
        int d = hex_digit(p[i]);
        if (d < 0) return FALSE;
        n = n * 16 + d;
    }
    *result = n;
    return TRUE;
}

BOOL parse_guid(const WCHAR *value, GUID *guid)
{
    WCHAR buf[40];
    unsigned long long n;
    size_t len = wcslen(value);
    unsigned i;

    if (len == 38 && value[0] == '{' && value[37] == '}')
    {
        memcpy(buf, value + 1, 36 * sizeof(WCHAR));
        buf[36] = 0;
    }
    else if (len == 36) wcscpy(buf, value);
    else return FALSE;
    if (buf[8] != '-' || buf[13] != '-' || buf[18] != '-' || buf[23] != '-') return FALSE;
    if (!parse_hex(buf, 8, &n)) return FALSE;
    guid->Data1 = (ULONG)n;
    if (!parse_hex(buf + 9, 4, &n)) return FALSE;
    guid->Data2 = (USHORT)n;
    if (!parse_hex(buf + 14, 4, &n)) return FALSE;
    guid->Data3 = (USHORT)n;
    for (i = 0; i < 8; i++)
    {
        const WCHAR *p = i < 2 ? buf + 19 + 2 * i : buf + 24 + 2 * (i - 2);
        if (!parse_hex(p, 2, &n)) return FALSE;
        guid->Data4[i] = (BYTE)n;
    }
    return TRUE;
}

void format_guid(const GUID *g, WCHAR *buf)
{
    swprintf(buf, 39, L"{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", (unsigned long)g->Data1,
             g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4],
             g->Data4[5], g->Data4[6], g->Data4[7]);
}

BOOL parse_hash(const WCHAR *value, BYTE hash[HTTP_SSL_CERT_SHA_HASH_LENGTH])
{
    unsigned long long n;
    unsigned i;

    if (wcslen(value) != 2 * HTTP_SSL_CERT_SHA_HASH_LENGTH) return FALSE;
    for (i = 0; i < HTTP_SSL_CERT_SHA_HASH_LENGTH; i++)
    {
        if (!parse_hex(value + 2 * i, 2, &n)) return FALSE;
        hash[i] = (BYTE)n;
    }
    return TRUE;
}

BOOL parse_port(const WCHAR *value, USHORT *port)
{
    ULONG n;
    const WCHAR *p;

    for (p = value; *p; p++)
        if (*p < '0' || *p > '9') return FALSE;
    if (!parse_ulong(value, 65535, &n) || !n) return FALSE;
    *port = (USHORT)n;
    return TRUE;
}

/* An IPv4 or IPv6 address, with a port (network order in the sockaddr) or
 * without one (port 0). */
BOOL parse_ipaddress(const WCHAR *value, SOCKADDR_STORAGE *addr, int *len)
{
    const WCHAR *colon = wcschr(value, ':');
    USHORT port = 0;

    memset(addr, 0, sizeof(*addr));
    if (!wcschr(value, '[') && (!colon || !wcschr(colon + 1, ':')))
    {
        /* a.b.c.d or a.b.c.d:port */
        SOCKADDR_IN *sin = (SOCKADDR_IN *)addr;
        if (RtlIpv4StringToAddressExW(value, TRUE, &sin->sin_addr, &port)) return FALSE;
        sin->sin_family = AF_INET;
        sin->sin_port = port;
        *len = sizeof(*sin);
    }
    else
    {
        /* v6, [v6] or [v6]:port */
        SOCKADDR_IN6 *sin6 = (SOCKADDR_IN6 *)addr;
        ULONG scope = 0;
        if (RtlIpv6StringToAddressExW(value, &sin6->sin6_addr, &scope, &port)) return FALSE;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = port;
        sin6->sin6_scope_id = scope;
        *len = sizeof(*sin6);
    }
    return TRUE;
}

BOOL parse_ipport(const WCHAR *value, SOCKADDR_STORAGE *addr)
{
    int len;
    if (!parse_ipaddress(value, addr, &len)) return FALSE;
    return ((SOCKADDR_IN *)addr)->sin_port != 0;   /* sin_port and sin6_port overlap */
}

BOOL parse_hostport(const WCHAR *value, WCHAR *host, size_t host_size, USHORT *port)
{
    const WCHAR *colon = wcsrchr(value, ':');
    size_t len;

    if (!colon || colon == value || !parse_port(colon + 1, port)) return FALSE;
    len = colon - value;
    if (len >= host_size) return FALSE;
    memcpy(host, value, len * sizeof(WCHAR));
    host[len] = 0;
    return TRUE;
}

void format_sockaddr(const SOCKADDR *addr, WCHAR *buf, ULONG size)
{
    ULONG len = size;

    buf[0] = 0;
    if (addr->sa_family == AF_INET)
    {
        const SOCKADDR_IN *sin = (const SOCKADDR_IN *)addr;
        RtlIpv4AddressToStringExW(&sin->sin_addr, sin->sin_port, buf, &len);
    }
    else if (addr->sa_family == AF_INET6)
    {
        const SOCKADDR_IN6 *sin6 = (const SOCKADDR_IN6 *)addr;
        RtlIpv6AddressToStringExW(&sin6->sin6_addr, sin6->sin6_scope_id, sin6->sin6_port, buf, &len);
    }
}
