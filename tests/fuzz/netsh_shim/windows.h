/*
 * Just enough of the Windows headers to compile netsh's argument parsing
 * (programs/netsh/args.c) natively for fuzz_netsh_args, with -fshort-wchar
 * so that L"" strings are UTF-16 as under MinGW.  The C library's wide
 * string functions assume 32-bit wchar_t, so the ones args.c uses are
 * replaced by 16-bit ones; the Rtl IP address conversions are stand-ins
 * built on inet_pton (they accept about what Windows' do, not exactly).
 */
#ifndef NETSH_SHIM_WINDOWS_H
#define NETSH_SHIM_WINDOWS_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

typedef wchar_t WCHAR;              /* 16 bits with -fshort-wchar */
typedef int BOOL;
typedef uint8_t BYTE;
typedef uint16_t USHORT;
typedef uint32_t ULONG, DWORD;
typedef long LONG;
typedef int HTTP_SERVICE_CONFIG_ID;
#define TRUE 1
#define FALSE 0
typedef struct { uint32_t Data1; uint16_t Data2, Data3; uint8_t Data4[8]; } GUID;
typedef struct sockaddr SOCKADDR;
typedef struct sockaddr_in SOCKADDR_IN;
typedef struct sockaddr_in6 SOCKADDR_IN6;
typedef struct sockaddr_storage SOCKADDR_STORAGE;
typedef struct in_addr IN_ADDR;
typedef struct in6_addr IN6_ADDR;
#define HTTP_SSL_CERT_SHA_HASH_LENGTH 20

static inline size_t shim_wcslen(const WCHAR *s) { size_t n = 0; while (s[n]) n++; return n; }
static inline WCHAR *shim_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) { if (*s == c) return (WCHAR *)s; if (!*s) return NULL; }
}
static inline WCHAR *shim_wcsrchr(const WCHAR *s, WCHAR c)
{
    const WCHAR *last = NULL;
    for (;; s++) { if (*s == c) last = s; if (!*s) return (WCHAR *)last; }
}
static inline WCHAR *shim_wcscpy(WCHAR *d, const WCHAR *s) { WCHAR *r = d; while ((*d++ = *s++)) {} return r; }
static inline int shim_wcscmp(const WCHAR *a, const WCHAR *b)
{
    while (*a && *a == *b) { a++; b++; }
    return (int)*a - (int)*b;
}
static inline WCHAR shim_lower(WCHAR c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static inline int shim_wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (; n; n--, a++, b++)
    {
        if (shim_lower(*a) != shim_lower(*b)) return (int)shim_lower(*a) - (int)shim_lower(*b);
        if (!*a) return 0;
    }
    return 0;
}
static inline int shim_wcsicmp(const WCHAR *a, const WCHAR *b) { return shim_wcsnicmp(a, b, (size_t)-1); }
/* only format_guid uses it; ASCII formats and arguments only */
static inline int shim_swprintf(WCHAR *buf, size_t size, const WCHAR *fmt, ...)
{
    char nfmt[256], out[256];
    size_t i;
    va_list ap;
    int n;

    for (i = 0; fmt[i] && i < sizeof(nfmt) - 1; i++) nfmt[i] = (char)fmt[i];
    nfmt[i] = 0;
    va_start(ap, fmt);
    n = vsnprintf(out, sizeof(out), nfmt, ap);
    va_end(ap);
    for (i = 0; i + 1 < size && out[i]; i++) buf[i] = (WCHAR)(unsigned char)out[i];
    if (size) buf[i] = 0;
    return n;
}
#define wcslen shim_wcslen
#define wcschr shim_wcschr
#define wcsrchr shim_wcsrchr
#define wcscpy shim_wcscpy
#define wcscmp shim_wcscmp
#define wcsicmp shim_wcsicmp
#define wcsnicmp shim_wcsnicmp
#define swprintf shim_swprintf

/* ASCII copy of a wide string, or 0 if it is not ASCII or too long */
static inline int shim_narrow(const WCHAR *s, char *out, size_t size)
{
    size_t i;
    for (i = 0; s[i]; i++) { if (s[i] > 0x7f || !s[i] || i + 1 >= size) return 0; out[i] = (char)s[i]; }
    out[i] = 0;
    return 1;
}
static inline int shim_port(const char *p, USHORT *port)
{
    char *end;
    unsigned long v;
    if (!*p || *p < '0' || *p > '9') return 0;
    v = strtoul(p, &end, 10);
    if (*end || v > 65535) return 0;
    *port = htons((USHORT)v);
    return 1;
}
#define STATUS_INVALID_PARAMETER 0xc000000dL
static inline LONG RtlIpv4StringToAddressExW(const WCHAR *s, BOOL strict, IN_ADDR *addr, USHORT *port)
{
    char buf[64], *colon;
    (void)strict;
    *port = 0;
    if (!shim_narrow(s, buf, sizeof(buf))) return STATUS_INVALID_PARAMETER;
    if ((colon = strchr(buf, ':')))
    {
        *colon = 0;
        if (!shim_port(colon + 1, port)) return STATUS_INVALID_PARAMETER;
    }
    return inet_pton(AF_INET, buf, addr) == 1 ? 0 : STATUS_INVALID_PARAMETER;
}
static inline LONG RtlIpv6StringToAddressExW(const WCHAR *s, IN6_ADDR *addr, ULONG *scope, USHORT *port)
{
    char buf[128], *p = buf, *end, *pct;
    *port = 0;
    *scope = 0;
    if (!shim_narrow(s, buf, sizeof(buf))) return STATUS_INVALID_PARAMETER;
    if (*p == '[')
    {
        if (!(end = strchr(++p, ']'))) return STATUS_INVALID_PARAMETER;
        *end++ = 0;
        if (*end == ':') { if (!shim_port(end + 1, port)) return STATUS_INVALID_PARAMETER; }
        else if (*end) return STATUS_INVALID_PARAMETER;
    }
    if ((pct = strchr(p, '%'))) { *pct = 0; *scope = (ULONG)strtoul(pct + 1, NULL, 10); }
    return inet_pton(AF_INET6, p, addr) == 1 ? 0 : STATUS_INVALID_PARAMETER;
}
static inline LONG RtlIpv4AddressToStringExW(const IN_ADDR *addr, USHORT port, WCHAR *buf, ULONG *len)
{
    char tmp[64];
    size_t i;
    inet_ntop(AF_INET, addr, tmp, sizeof(tmp));
    if (port) snprintf(tmp + strlen(tmp), sizeof(tmp) - strlen(tmp), ":%u", ntohs(port));
    if (strlen(tmp) + 1 > *len) { *len = (ULONG)strlen(tmp) + 1; return STATUS_INVALID_PARAMETER; }
    for (i = 0; i <= strlen(tmp); i++) buf[i] = (WCHAR)tmp[i];
    return 0;
}
static inline LONG RtlIpv6AddressToStringExW(const IN6_ADDR *addr, ULONG scope, USHORT port, WCHAR *buf, ULONG *len)
{
    char tmp[128], a[64];
    size_t i;
    inet_ntop(AF_INET6, addr, a, sizeof(a));
    if (port) snprintf(tmp, sizeof(tmp), "[%s%%%u]:%u", a, scope, ntohs(port));
    else snprintf(tmp, sizeof(tmp), "%s%%%u", a, scope);
    if (strlen(tmp) + 1 > *len) { *len = (ULONG)strlen(tmp) + 1; return STATUS_INVALID_PARAMETER; }
    for (i = 0; i <= strlen(tmp); i++) buf[i] = (WCHAR)tmp[i];
    return 0;
}

#endif
