/*
 * The service-configuration part of http.h (the part MinGW-w64's http.h
 * has; include/httpapi_ext.h adds the rest), written from Microsoft's
 * reference, and the few other names httpapi_ext.h refers to.
 */
#ifndef CONFIG_SHIM_HTTP_H
#define CONFIG_SHIM_HTTP_H

#include "windows.h"

#define HTTP_INITIALIZE_SERVER 1
#define HTTP_INITIALIZE_CONFIG 2
typedef ULONGLONG HTTP_URL_CONTEXT;
typedef int HTTP_VERB;
typedef int HTTP_DATA_CHUNK_TYPE;
typedef struct { ULONGLONG StartingOffset, Length; } HTTP_BYTE_RANGE;
typedef struct { USHORT NameLength, RawValueLength; const char *pName, *pRawValue; } HTTP_UNKNOWN_HEADER, *PHTTP_UNKNOWN_HEADER;
typedef struct { int Type; } HTTP_LOG_DATA;

typedef enum _HTTP_SERVICE_CONFIG_ID
{
    HttpServiceConfigIPListenList = 0,
    HttpServiceConfigSSLCertInfo,
    HttpServiceConfigUrlAclInfo,
    HttpServiceConfigMax
} HTTP_SERVICE_CONFIG_ID;

typedef enum _HTTP_SERVICE_CONFIG_QUERY_TYPE
{
    HttpServiceConfigQueryExact = 0,
    HttpServiceConfigQueryNext,
    HttpServiceConfigQueryMax
} HTTP_SERVICE_CONFIG_QUERY_TYPE;

typedef struct { PSOCKADDR pIpPort; } HTTP_SERVICE_CONFIG_SSL_KEY;

typedef struct
{
    ULONG SslHashLength;
    PVOID pSslHash;
    GUID AppId;
    PWSTR pSslCertStoreName;
    DWORD DefaultCertCheckMode;
    DWORD DefaultRevocationFreshnessTime;
    DWORD DefaultRevocationUrlRetrievalTimeout;
    PWSTR pDefaultSslCtlIdentifier;
    PWSTR pDefaultSslCtlStoreName;
    DWORD DefaultFlags;
} HTTP_SERVICE_CONFIG_SSL_PARAM;

#define HTTP_SERVICE_CONFIG_SSL_FLAG_USE_DS_MAPPER 1
#define HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT 2
#define HTTP_SERVICE_CONFIG_SSL_FLAG_NO_RAW_FILTER 4

typedef struct { HTTP_SERVICE_CONFIG_SSL_KEY KeyDesc; HTTP_SERVICE_CONFIG_SSL_PARAM ParamDesc; } HTTP_SERVICE_CONFIG_SSL_SET;
typedef struct { HTTP_SERVICE_CONFIG_QUERY_TYPE QueryDesc; HTTP_SERVICE_CONFIG_SSL_KEY KeyDesc; DWORD dwToken; } HTTP_SERVICE_CONFIG_SSL_QUERY;

typedef struct { USHORT AddrLength; PSOCKADDR pAddress; } HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM;
typedef struct { ULONG AddrCount; SOCKADDR_STORAGE AddrList[1]; } HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY;

typedef struct { PWSTR pUrlPrefix; } HTTP_SERVICE_CONFIG_URLACL_KEY;
typedef struct { PWSTR pStringSecurityDescriptor; } HTTP_SERVICE_CONFIG_URLACL_PARAM;
typedef struct { HTTP_SERVICE_CONFIG_URLACL_KEY KeyDesc; HTTP_SERVICE_CONFIG_URLACL_PARAM ParamDesc; } HTTP_SERVICE_CONFIG_URLACL_SET;
typedef struct { HTTP_SERVICE_CONFIG_QUERY_TYPE QueryDesc; HTTP_SERVICE_CONFIG_URLACL_KEY KeyDesc; DWORD dwToken; } HTTP_SERVICE_CONFIG_URLACL_QUERY;

typedef enum { IdleConnectionTimeout = 0, HeaderWaitTimeout } HTTP_SERVICE_CONFIG_TIMEOUT_KEY;
typedef USHORT HTTP_SERVICE_CONFIG_TIMEOUT_PARAM;
typedef struct { HTTP_SERVICE_CONFIG_TIMEOUT_KEY KeyDesc; HTTP_SERVICE_CONFIG_TIMEOUT_PARAM ParamDesc; } HTTP_SERVICE_CONFIG_TIMEOUT_SET;

typedef enum { MaxCacheResponseSize = 0, CacheRangeChunkSize } HTTP_SERVICE_CONFIG_CACHE_KEY;
typedef ULONG HTTP_SERVICE_CONFIG_CACHE_PARAM;
typedef struct { HTTP_SERVICE_CONFIG_CACHE_KEY KeyDesc; HTTP_SERVICE_CONFIG_CACHE_PARAM ParamDesc; } HTTP_SERVICE_CONFIG_CACHE_SET;

ULONG HttpSetServiceConfiguration(HANDLE h, HTTP_SERVICE_CONFIG_ID id, PVOID info, ULONG len, LPOVERLAPPED ovl);
ULONG HttpDeleteServiceConfiguration(HANDLE h, HTTP_SERVICE_CONFIG_ID id, PVOID info, ULONG len, LPOVERLAPPED ovl);
ULONG HttpQueryServiceConfiguration(HANDLE h, HTTP_SERVICE_CONFIG_ID id, PVOID in, ULONG in_len, PVOID out,
                                    ULONG out_len, PULONG ret_len, LPOVERLAPPED ovl);

#endif
