/*
 * Declarations of the HTTP Server API that MinGW-w64's http.h (which stops
 * at Windows Vista) does not have: the newer service-configuration records
 * (timeouts, cache, SNI and central-store SSL bindings, the Ex forms,
 * settings) and the newer SSL flags.  Written from Microsoft's public
 * reference (http.h as documented); include after <http.h>.
 */
#ifndef HTTPAPI_EXT_H
#define HTTPAPI_EXT_H

#include <winsock2.h>
#include <windows.h>
#include <http.h>

/* HTTP_SERVICE_CONFIG_ID values after HttpServiceConfigUrlAclInfo (2) */
#define HttpServiceConfigTimeout                ((HTTP_SERVICE_CONFIG_ID)3)
#define HttpServiceConfigCache                  ((HTTP_SERVICE_CONFIG_ID)4)
#define HttpServiceConfigSslSniCertInfo         ((HTTP_SERVICE_CONFIG_ID)5)
#define HttpServiceConfigSslCcsCertInfo         ((HTTP_SERVICE_CONFIG_ID)6)
#define HttpServiceConfigSetting                ((HTTP_SERVICE_CONFIG_ID)7)
#define HttpServiceConfigSslCertInfoEx          ((HTTP_SERVICE_CONFIG_ID)8)
#define HttpServiceConfigSslSniCertInfoEx       ((HTTP_SERVICE_CONFIG_ID)9)
#define HttpServiceConfigSslCcsCertInfoEx       ((HTTP_SERVICE_CONFIG_ID)10)
#define HttpServiceConfigSslScopedCcsCertInfo   ((HTTP_SERVICE_CONFIG_ID)11)
#define HttpServiceConfigSslScopedCcsCertInfoEx ((HTTP_SERVICE_CONFIG_ID)12)
#define HTTP_SERVICE_CONFIG_ID_MAX              13

/* HTTP_SERVICE_CONFIG_SSL_PARAM.DefaultFlags */
#ifndef HTTP_SERVICE_CONFIG_SSL_FLAG_REJECT
#define HTTP_SERVICE_CONFIG_SSL_FLAG_REJECT                    0x00000008
#endif
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_HTTP2             0x00000010
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_QUIC              0x00000020
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS13             0x00000040
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_OCSP_STAPLING     0x00000080
#define HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_TOKEN_BINDING      0x00000100
#define HTTP_SERVICE_CONFIG_SSL_FLAG_LOG_EXTENDED_EVENTS       0x00000200
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_LEGACY_TLS        0x00000400
#define HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_SESSION_TICKET     0x00000800
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS12             0x00001000
#define HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CLIENT_CORRELATION 0x00002000
#define HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_SESSION_ID        0x00004000
#define HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CACHE_CLIENT_HELLO 0x00008000
#define HTTP_SERVICE_CONFIG_SSL_FLAG_ALL                       0x0000ffff

/* HTTP_SERVICE_CONFIG_SSL_PARAM.DefaultCertCheckMode */
#define HTTP_CERT_CHECK_MODE_NO_REVOCATION            0x00000001
#define HTTP_CERT_CHECK_MODE_CACHED_REVOCATION        0x00000002
#define HTTP_CERT_CHECK_MODE_USE_REVOCATION_FRESHNESS 0x00000004
#define HTTP_CERT_CHECK_MODE_CACHED_URLS              0x00000008
#define HTTP_CERT_CHECK_MODE_NO_AIA                   0x00000010
#define HTTP_CERT_CHECK_MODE_NO_USAGE_CHECK           0x00010000

#define HTTP_SSL_CERT_SHA_HASH_LENGTH   20
#define HTTP_SSL_CERT_STORE_NAME_LENGTH 128

/* (HTTP_SERVICE_CONFIG_TIMEOUT_KEY, HTTP_SERVICE_CONFIG_CACHE_KEY and their
 * SET structures are in MinGW's http.h.) */

/* SNI bindings: host name and port */
typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_KEY
{
    SOCKADDR_STORAGE IpPort;
    PWSTR Host;
} HTTP_SERVICE_CONFIG_SSL_SNI_KEY, *PHTTP_SERVICE_CONFIG_SSL_SNI_KEY;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_SET
{
    HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_SNI_SET, *PHTTP_SERVICE_CONFIG_SSL_SNI_SET;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_QUERY
{
    HTTP_SERVICE_CONFIG_QUERY_TYPE QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
    DWORD dwToken;
} HTTP_SERVICE_CONFIG_SSL_SNI_QUERY, *PHTTP_SERVICE_CONFIG_SSL_SNI_QUERY;

/* Central certificate store bindings: the port (address 0.0.0.0) */
typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_KEY
{
    SOCKADDR_STORAGE LocalAddress;
} HTTP_SERVICE_CONFIG_SSL_CCS_KEY, *PHTTP_SERVICE_CONFIG_SSL_CCS_KEY;

typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_SET
{
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_CCS_SET, *PHTTP_SERVICE_CONFIG_SSL_CCS_SET;

typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_QUERY
{
    HTTP_SERVICE_CONFIG_QUERY_TYPE QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY KeyDesc;
    DWORD dwToken;
} HTTP_SERVICE_CONFIG_SSL_CCS_QUERY, *PHTTP_SERVICE_CONFIG_SSL_CCS_QUERY;

/* The Ex forms: one typed extended parameter per call */
typedef enum _HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE
{
    ExParamTypeHttp2Window,
    ExParamTypeHttp2SettingsLimits,
    ExParamTypeHttpPerformance,
    ExParamTypeTlsRestrictions,
    ExParamTypeErrorHeaders,
    ExParamTypeTlsSessionTicketKeys,
    ExParamTypeCertConfig,
    ExParamTypeMax
} HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE;

typedef struct _HTTP2_WINDOW_SIZE_PARAM
{
    DWORD Http2ReceiveWindowSize;
} HTTP2_WINDOW_SIZE_PARAM;

typedef struct _HTTP2_SETTINGS_LIMITS_PARAM
{
    DWORD Http2MaxSettingsPerFrame;
    DWORD Http2MaxSettingsPerMinute;
} HTTP2_SETTINGS_LIMITS_PARAM;

typedef struct _HTTP_PERFORMANCE_PARAM
{
    ULONG Type;
    ULONG BufferSize;
    PVOID Buffer;
} HTTP_PERFORMANCE_PARAM;

typedef struct _HTTP_TLS_RESTRICTIONS_PARAM
{
    ULONG RestrictionCount;
    PVOID TlsRestrictions;
} HTTP_TLS_RESTRICTIONS_PARAM;

typedef struct _HTTP_ERROR_HEADERS_PARAM
{
    USHORT StatusCode;
    USHORT HeaderCount;
    PHTTP_UNKNOWN_HEADER Headers;
} HTTP_ERROR_HEADERS_PARAM;

typedef struct _HTTP_TLS_SESSION_TICKET_KEYS_PARAM
{
    ULONG SessionTicketKeyCount;
    PVOID SessionTicketKeys;
} HTTP_TLS_SESSION_TICKET_KEYS_PARAM;

typedef struct _HTTP_CERT_CONFIG_ENTRY
{
    BYTE CertHash[HTTP_SSL_CERT_SHA_HASH_LENGTH];
    WCHAR CertStoreName[HTTP_SSL_CERT_STORE_NAME_LENGTH];
} HTTP_CERT_CONFIG_ENTRY, *PHTTP_CERT_CONFIG_ENTRY;

typedef struct _HTTP_CERT_CONFIG_PARAM
{
    ULONG CertConfigCount;
    PHTTP_CERT_CONFIG_ENTRY CertConfigs;
} HTTP_CERT_CONFIG_PARAM;

typedef struct _HTTP_SERVICE_CONFIG_SSL_PARAM_EX
{
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ParamType;
    ULONGLONG Flags;
    union
    {
        HTTP2_WINDOW_SIZE_PARAM Http2WindowSizeParam;
        HTTP2_SETTINGS_LIMITS_PARAM Http2SettingsLimitsParam;
        HTTP_PERFORMANCE_PARAM HttpPerformanceParam;
        HTTP_TLS_RESTRICTIONS_PARAM HttpTlsRestrictionsParam;
        HTTP_ERROR_HEADERS_PARAM HttpErrorHeadersParam;
        HTTP_TLS_SESSION_TICKET_KEYS_PARAM HttpTlsSessionTicketKeysParam;
        HTTP_CERT_CONFIG_PARAM HttpCertConfigParam;
    };
} HTTP_SERVICE_CONFIG_SSL_PARAM_EX, *PHTTP_SERVICE_CONFIG_SSL_PARAM_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_KEY_EX
{
    SOCKADDR_STORAGE IpPort;
} HTTP_SERVICE_CONFIG_SSL_KEY_EX, *PHTTP_SERVICE_CONFIG_SSL_KEY_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SET_EX
{
    HTTP_SERVICE_CONFIG_SSL_KEY_EX KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_SET_EX, *PHTTP_SERVICE_CONFIG_SSL_SET_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_QUERY_EX
{
    HTTP_SERVICE_CONFIG_QUERY_TYPE QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_KEY_EX KeyDesc;
    DWORD dwToken;
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ParamType;
} HTTP_SERVICE_CONFIG_SSL_QUERY_EX, *PHTTP_SERVICE_CONFIG_SSL_QUERY_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX
{
    HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX, *PHTTP_SERVICE_CONFIG_SSL_SNI_SET_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX
{
    HTTP_SERVICE_CONFIG_QUERY_TYPE QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_SNI_KEY KeyDesc;
    DWORD dwToken;
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ParamType;
} HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX, *PHTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX
{
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY KeyDesc;
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX ParamDesc;
} HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX, *PHTTP_SERVICE_CONFIG_SSL_CCS_SET_EX;

typedef struct _HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX
{
    HTTP_SERVICE_CONFIG_QUERY_TYPE QueryDesc;
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY KeyDesc;
    DWORD dwToken;
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ParamType;
} HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX, *PHTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX;

/* HttpServiceConfigSetting */
typedef enum _HTTP_SERVICE_CONFIG_SETTING_KEY
{
    HttpNone = 0,
    HttpTlsThrottle
} HTTP_SERVICE_CONFIG_SETTING_KEY, *PHTTP_SERVICE_CONFIG_SETTING_KEY;

typedef ULONG HTTP_SERVICE_CONFIG_SETTING_PARAM, *PHTTP_SERVICE_CONFIG_SETTING_PARAM;

typedef struct _HTTP_SERVICE_CONFIG_SETTING_SET
{
    HTTP_SERVICE_CONFIG_SETTING_KEY KeyDesc;
    HTTP_SERVICE_CONFIG_SETTING_PARAM ParamDesc;
} HTTP_SERVICE_CONFIG_SETTING_SET, *PHTTP_SERVICE_CONFIG_SETTING_SET;

ULONG WINAPI HttpUpdateServiceConfiguration(HANDLE handle, HTTP_SERVICE_CONFIG_ID id, PVOID info, ULONG len,
                                            LPOVERLAPPED ovl);

/* HTTP_DATA_CHUNK.FromFragmentCacheEx, which MinGW's union lacks: the same
 * chunk seen with that member (DataChunkType HttpDataChunkFromFragmentCacheEx). */
typedef struct _HTTP_DATA_CHUNK_FRAGMENT_CACHE_EX
{
    HTTP_DATA_CHUNK_TYPE DataChunkType;
    HTTP_BYTE_RANGE ByteRange;
    PCWSTR pFragmentName;           /* NUL-terminated */
} HTTP_DATA_CHUNK_FRAGMENT_CACHE_EX;

/* HTTP_LOG_FIELDS_DATA as Windows' http.h lays it out (pLogData of the send
 * calls); MinGW's copy lacks ServiceNameLength. */
struct http_log_fields
{
    HTTP_LOG_DATA Base;
    USHORT UserNameLength, UriStemLength, ClientIpLength, ServerNameLength, ServiceNameLength, ServerIpLength;
    USHORT MethodLength, UriQueryLength, HostLength, UserAgentLength, CookieLength, ReferrerLength;
    WCHAR *UserName, *UriStem;
    char *ClientIp, *ServerName, *ServiceName, *ServerIp, *Method, *UriQuery, *Host, *UserAgent, *Cookie, *Referrer;
    USHORT ServerPort, ProtocolStatus;
    ULONG Win32Status;
    HTTP_VERB MethodNum;
    USHORT SubStatus;
};

#endif /* HTTPAPI_EXT_H */
