/*
 * HttpPrepareUrl: makes a URL written by a person (Unicode host names,
 * mixed case, no port, "." and ".." segments) into the form that the URL
 * registration calls and http.sys's routing compare: the scheme and host in
 * lower case, an internationalised host name in its ASCII (punycode) form
 * as clients send it in the Host header, the scheme's port written out,
 * and the path without dot segments.  Windows documents the purpose but
 * not the rules; these are the rules its URL prefixes follow (README).
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

#define HOST_MAX 256

static BOOL scheme_is(const WCHAR *url, const WCHAR *scheme, int len)
{
    return CompareStringOrdinal(url, len, scheme, len, TRUE) == CSTR_EQUAL;
}

/* Lower-cases the host; a name with non-ASCII characters becomes punycode. */
static BOOL prepare_host(const WCHAR *host, int len, WCHAR *out, int cap, int *out_len)
{
    int i, n;

    if (!len || len >= HOST_MAX) return FALSE;
    if (host[0] == '[')
    {
        if (host[len - 1] != ']') return FALSE;
        for (i = 1; i < len - 1; i++)
            if (!iswxdigit(host[i]) && host[i] != ':' && host[i] != '.' && host[i] != '%') return FALSE;
        memcpy(out, host, len * sizeof(WCHAR));
        n = len;
    }
    else if (len == 1 && (host[0] == '+' || host[0] == '*'))
    {
        out[0] = host[0];
        n = 1;
    }
    else if (!(n = IdnToAscii(IDN_ALLOW_UNASSIGNED, host, len, out, cap)))
        return FALSE;
    for (i = 0; i < n; i++)
    {
        if (out[i] >= 'A' && out[i] <= 'Z') out[i] += 'a' - 'A';
        if (out[i] <= ' ' || out[i] == '/' || out[i] == '?' || out[i] == '#' || out[i] == '@') return FALSE;
    }
    *out_len = n;
    return TRUE;
}

static BOOL valid_port(const WCHAR *p, int len)
{
    ULONG value = 0;
    int i;

    if (!len || len > 5) return FALSE;
    for (i = 0; i < len; i++)
    {
        if (p[i] < '0' || p[i] > '9') return FALSE;
        value = value * 10 + (p[i] - '0');
    }
    return value >= 1 && value <= 65535;
}

/* Appends the path (up to '?' or '#') to out without "." and ".." segments
 * (RFC 3986 §5.2.4); the rest (query, fragment) is copied as it is. */
static int prepare_path(const WCHAR *path, WCHAR *out)
{
    const WCHAR *end = path;
    int n = 0, seg_start;

    while (*end && *end != '?' && *end != '#') end++;
    out[n++] = '/';
    if (*path == '/') path++;
    while (path < end)
    {
        const WCHAR *seg = path;
        int seg_len;

        while (path < end && *path != '/') path++;
        seg_len = (int)(path - seg);
        if (path < end) path++;   /* the '/' */
        if (seg_len == 1 && seg[0] == '.')
            continue;
        if (seg_len == 2 && seg[0] == '.' && seg[1] == '.')
        {
            /* drop the last segment written: out is "/a/b/" -> "/a/" */
            if (n > 1)
            {
                for (seg_start = n - 2; seg_start > 0 && out[seg_start] != '/'; seg_start--) ;
                n = seg_start + 1;
            }
            continue;
        }
        memcpy(out + n, seg, seg_len * sizeof(WCHAR));
        n += seg_len;
        if (path[-1] == '/') out[n++] = '/';
    }
    lstrcpyW(out + n, end);
    return n + lstrlenW(end);
}

ULONG WINAPI HttpPrepareUrl(void *reserved, ULONG flags, const WCHAR *url, WCHAR **prepared)
{
    const WCHAR *host, *p, *port = NULL;
    WCHAR host_out[HOST_MAX], *out;
    int scheme_len, host_len, out_host_len, port_len = 0, len;
    BOOL secure;

    TRACE("%p %#lx %s %p\n", reserved, flags, debugstr_w(url), prepared);
    if (reserved || flags || !url || !prepared) return ERROR_INVALID_PARAMETER;
    *prepared = NULL;
    if (scheme_is(url, L"http://", 7)) { secure = FALSE; scheme_len = 7; }
    else if (scheme_is(url, L"https://", 8)) { secure = TRUE; scheme_len = 8; }
    else return ERROR_INVALID_PARAMETER;

    host = url + scheme_len;
    if (*host == '[') { for (p = host; *p && *p != ']'; p++) ; if (*p) p++; }
    else for (p = host; *p && *p != ':' && *p != '/' && *p != '?' && *p != '#'; p++) ;
    host_len = (int)(p - host);
    if (!prepare_host(host, host_len, host_out, HOST_MAX, &out_host_len)) return ERROR_INVALID_PARAMETER;
    if (*p == ':')
    {
        port = ++p;
        while (*p >= '0' && *p <= '9') p++;
        port_len = (int)(p - port);
        if (!valid_port(port, port_len)) return ERROR_INVALID_PARAMETER;
    }
    if (*p && *p != '/' && *p != '?' && *p != '#') return ERROR_INVALID_PARAMETER;

    len = scheme_len + out_host_len + 7 + lstrlenW(p) + 2;
    if (!(out = HeapAlloc(GetProcessHeap(), 0, len * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(out, secure ? L"https://" : L"http://", scheme_len * sizeof(WCHAR));
    memcpy(out + scheme_len, host_out, out_host_len * sizeof(WCHAR));
    len = scheme_len + out_host_len;
    out[len++] = ':';
    if (port_len)
    {
        /* leading zeros go: "0080" is port 80 */
        while (port_len > 1 && *port == '0') { port++; port_len--; }
        memcpy(out + len, port, port_len * sizeof(WCHAR));
        len += port_len;
    }
    else len += wsprintfW(out + len, L"%u", secure ? 443 : 80);
    prepare_path(p, out + len);
    *prepared = out;
    TRACE("-> %s\n", debugstr_w(out));
    return NO_ERROR;
}
