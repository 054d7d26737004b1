/*
 * HttpQueryRequestProperty and HttpSetRequestProperty (Windows 10 1709 and
 * later; no header declares them, callers find them with GetProcAddress),
 * and HttpDeclarePush.  The engine answers from the request's connection.
 *
 * Query: the TCP statistics (TcpInfoV0, TcpInfoV1, Isb) of any request;
 * Sni and TlsCipherInfo of a request that came over TLS (on a plain
 * connection ERROR_INVALID_FUNCTION, "not supported for this request", as
 * for the QUIC and HTTP/2 properties, which no request here has).
 * TcpInfoV2, TlsClientHello, TransportIdleConnectionTimeout and DscpTag
 * return ERROR_CALL_NOT_IMPLEMENTED (README.md).
 */
#include "httpapi_private.h"

#define PROPERTY_STREAM_ERROR     5    /* HttpRequestPropertyStreamError */
#define PROPERTY_TCP_INFO_V2      10
#define PROPERTY_DSCP_TAG         13
#define PROPERTY_TLS_CIPHER_INFO  14
#define PROPERTY_LAST             14

static ULONG query(HANDLE h, HTTP_REQUEST_ID id, ULONG property, void *output, ULONG output_size, ULONG *bytes,
                   OVERLAPPED *ovl)
{
    struct hs_property_params p;
    struct queue *q;

    if (!(q = queue_get(h))) return ERROR_INVALID_HANDLE;
    queue_put(q);
    memset(&p, 0, sizeof(p));
    p.request_id = id;
    p.property = property;
    return queue_ioctl(h, HS_IOCTL_REQUEST_PROPERTY, &p, sizeof(p), output, output_size, bytes, ovl);
}

ULONG WINAPI HttpQueryRequestProperty(HANDLE h, HTTP_REQUEST_ID id, ULONG property, void *qualifier,
                                      ULONG qualifier_size, void *output, ULONG output_size, ULONG *bytes,
                                      OVERLAPPED *ovl)
{
    TRACE("%p %#I64x %lu %p %lu %p %lu %p %p\n", h, id, property, qualifier, qualifier_size, output, output_size,
          bytes, ovl);
    if (property > PROPERTY_LAST || (!output && output_size) || (!qualifier && qualifier_size))
        return ERROR_INVALID_PARAMETER;
    if (property >= PROPERTY_TCP_INFO_V2 && property <= PROPERTY_DSCP_TAG)
    {
        WARN("request property %lu is not implemented yet\n", property);
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
    return query(h, id, property, output, output_size, bytes, ovl);
}

/* Whether the request is one the application holds on this queue: the
 * engine answers ERROR_CONNECTION_INVALID otherwise. */
static ULONG check_request(HANDLE h, HTTP_REQUEST_ID id)
{
    ULONG isb, bytes;

    return query(h, id, HS_PROPERTY_ISB, &isb, sizeof(isb), &bytes, NULL);
}

/* HttpRequestPropertyStreamError resets an HTTP/2 or HTTP/3 stream with the
 * given error code.  An HTTP/1.1 request's stream is its connection: it is
 * reset, as HttpCancelHttpRequest does. */
ULONG WINAPI HttpSetRequestProperty(HANDLE h, HTTP_REQUEST_ID id, ULONG property, void *input, ULONG size,
                                    OVERLAPPED *ovl)
{
    TRACE("%p %#I64x %lu %p %lu %p\n", h, id, property, input, size, ovl);
    if (property != PROPERTY_STREAM_ERROR || !input || size < sizeof(ULONG)) return ERROR_INVALID_PARAMETER;
    if (!id) return ERROR_CONNECTION_INVALID;
    return HttpCancelHttpRequest(h, id, ovl);
}

/* Server push is HTTP/2's; on an HTTP/1.1 connection there is nothing to
 * push to, which the documentation allows ("if the underlying protocol ...
 * allow"): the declaration is checked and accepted. */
ULONG WINAPI HttpDeclarePush(HANDLE h, HTTP_REQUEST_ID id, HTTP_VERB verb, const WCHAR *path, const char *query_string,
                             HTTP_REQUEST_HEADERS *headers)
{
    TRACE("%p %#I64x %u %s %p %p\n", h, id, verb, debugstr_w(path), query_string, headers);
    if ((verb != HttpVerbGET && verb != HttpVerbHEAD) || !path || path[0] != '/') return ERROR_INVALID_PARAMETER;
    if (query_string && query_string[0] == '?') return ERROR_INVALID_PARAMETER;
    if (headers)
    {
        /* no Host (http.sys supplies it) and no body */
        if (headers->KnownHeaders[HttpHeaderHost].RawValueLength ||
            headers->KnownHeaders[HttpHeaderTransferEncoding].RawValueLength ||
            (headers->KnownHeaders[HttpHeaderContentLength].RawValueLength &&
             !(headers->KnownHeaders[HttpHeaderContentLength].RawValueLength == 1 &&
               headers->KnownHeaders[HttpHeaderContentLength].pRawValue[0] == '0')))
            return ERROR_INVALID_PARAMETER;
    }
    if (!id) return ERROR_CONNECTION_INVALID;
    return check_request(h, id);
}
