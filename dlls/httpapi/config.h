/*
 * The service configuration store (docs/configuration.md): one module per
 * kind of record, all kept in the registry in Windows' layout.
 */
#ifndef HTTPAPI_CONFIG_H
#define HTTPAPI_CONFIG_H

#include <winsock2.h>
#include <windows.h>
#include <http.h>
#include "httpapi_ext.h"

#define HTTP_PARAMETERS_KEY L"System\\CurrentControlSet\\Services\\HTTP\\Parameters"

/* What each kind of record provides; NULL where the operation does not
 * apply (ERROR_INVALID_PARAMETER). */
struct config_ops
{
    ULONG (*set)(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len, BOOL update);
    ULONG (*remove)(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len);
    ULONG (*query)(HTTP_SERVICE_CONFIG_ID id, const void *in, ULONG in_len, void *out, ULONG out_len, ULONG *ret_len);
    BOOL updatable;
};

extern const struct config_ops config_ssl_ops;      /* SSLCertInfo, SNI, CCS, scoped CCS and the Ex forms */
extern const struct config_ops config_listen_ops;   /* IPListenList */
extern const struct config_ops config_urlacl_ops;   /* UrlAclInfo */
extern const struct config_ops config_value_ops;    /* Timeout, Cache, Setting */

/* Registry helpers */
HKEY  config_open_params(BOOL write);                 /* NULL when it cannot be opened */
ULONG config_win32_from_reg(LONG status);

/* Self-contained query output: a bump allocator over the caller's buffer
 * that also counts the size it would have needed. */
struct out_buf
{
    BYTE *base;
    ULONG cap, used;
};
void *out_take(struct out_buf *b, ULONG len, ULONG align);   /* NULL when it does not fit (still counted) */
WCHAR *out_wstr(struct out_buf *b, const WCHAR *s);          /* copies s; NULL for NULL */

/* Socket addresses in the forms the store uses: "1.2.3.4:443", "[::1]:443";
 * without port when port is 0 and allow_no_port is set. */
ULONG config_sockaddr_valid(const SOCKADDR *sa, ULONG len, BOOL need_port);
void  config_format_addr(const SOCKADDR *sa, BOOL with_port, WCHAR *out, DWORD cap);
BOOL  config_parse_addr(const WCHAR *text, SOCKADDR_STORAGE *out);

/* Tells a running service to read the store again; silent if it is stopped. */
void config_notify_service(void);

/* URL reservations: may the caller's token register this prefix? */
ULONG urlacl_check_register(const WCHAR *prefix);

#endif
