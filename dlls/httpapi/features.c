/*
 * HttpIsFeatureSupported: TRUE for each optional feature this
 * implementation has, so that callers (ASP.NET Core probes it) use it.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

/* HTTP_FEATURE_ID values (http.h, Windows 10 and 11) */
#define FEATURE_DELEGATE_EX           3   /* HttpDelegateRequestEx */
#define FEATURE_TLS_SESSION_TICKETS   5   /* HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_SESSION_TICKET */
#define FEATURE_DISABLE_TLS_SESSION_ID 6  /* HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_SESSION_ID */
#define FEATURE_CACHE_TLS_CLIENT_HELLO 11 /* HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CACHE_CLIENT_HELLO and
                                             HttpQueryRequestProperty(HttpRequestPropertyTlsClientHello) */
#define FEATURE_IDLE_TIMEOUT_PROPERTY 12  /* HttpSetRequestProperty(TransportIdleConnectionTimeout) */
#define FEATURE_DSCP                  14  /* HttpSetRequestProperty(HttpRequestPropertyDscpTag) */
#define FEATURE_QUERY_CIPHER_INFO     15  /* HttpQueryRequestProperty(HttpRequestPropertyTlsCipherInfo) */

BOOL WINAPI HttpIsFeatureSupported(ULONG feature)
{
    TRACE("%lu\n", feature);
    switch (feature)
    {
    case FEATURE_DELEGATE_EX:
    case FEATURE_TLS_SESSION_TICKETS:
    case FEATURE_DISABLE_TLS_SESSION_ID:
    case FEATURE_CACHE_TLS_CLIENT_HELLO:
    case FEATURE_IDLE_TIMEOUT_PROPERTY:
    case FEATURE_DSCP:
    case FEATURE_QUERY_CIPHER_INFO:
        return TRUE;
    default:
        return FALSE;
    }
}
