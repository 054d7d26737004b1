/*
 * HttpQueryRequestProperty and HttpSetRequestProperty (Windows 10 1709 and
 * later; no header declares them, callers find them with GetProcAddress),
 * and HttpDeclarePush.  The engine answers from the request's connection.
 *
 * Query: the TCP statistics (TcpInfoV0, TcpInfoV1, TcpInfoV2, Isb) of any
 * request; Sni and TlsCipherInfo of a request that came over TLS, and
 * TlsClientHello when its SSL binding has
 * HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CACHE_CLIENT_HELLO.  Elsewhere, and
 * for the QUIC and HTTP/2 properties no request here has, and for the
 * properties that can only be set, ERROR_INVALID_FUNCTION ("not supported
 * for this request").
 *
 * Set: StreamError; TransportIdleConnectionTimeout (a USHORT of seconds: the
 * connection's IdleConnection timer from the end of this response on; 0
 * gives it back the configured one); DscpTag (a BYTE, 0-0x3F: the DSCP of
 * the packets of this request's response).
 */
#include "httpapi_private.h"

#define PROPERTY_STREAM_ERROR     5    /* HttpRequestPropertyStreamError */
#define PROPERTY_IDLE_TIMEOUT     12   /* HttpRequestPropertyTransportIdleConnectionTimeout */
#define PROPERTY_DSCP_TAG         13   /* HttpRequestPropertyDscpTag */
#define PROPERTY_LAST             14
#define DSCP_MAX                  0x3f /* six bits */

static ULONG request_ioctl(HANDLE h, HTTP_REQUEST_ID id, ULONG property, ULONG value, void *output,
                           ULONG output_size, ULONG *bytes, OVERLAPPED *ovl)
{
    struct hs_property_params p;
    struct queue *q;

    if (!(q = queue_get(h))) return ERROR_INVALID_HANDLE;
    queue_put(q);
    memset(&p, 0, sizeof(p));
    p.request_id = id;
    p.property = property;
    p.value = value;
    return queue_ioctl(h, HS_IOCTL_REQUEST_PROPERTY, &p, sizeof(p), output, output_size, bytes, ovl);
}

static ULONG query(HANDLE h, HTTP_REQUEST_ID id, ULONG property, void *output, ULONG output_size, ULONG *bytes,
                   OVERLAPPED *ovl)
{
    return request_ioctl(h, id, property, 0, output, output_size, bytes, ovl);
}

ULONG WINAPI HttpQueryRequestProperty(HANDLE h, HTTP_REQUEST_ID id, ULONG property, void *qualifier,
                                      ULONG qualifier_size, void *output, ULONG output_size, ULONG *bytes,
                                      OVERLAPPED *ovl)
{
    TRACE("%p %#I64x %lu %p %lu %p %lu %p %p\n", h, id, property, qualifier, qualifier_size, output, output_size,
          bytes, ovl);
    if (property > PROPERTY_LAST || (!output && output_size) || (!qualifier && qualifier_size))
        return ERROR_INVALID_PARAMETER;
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
 * reset, as HttpCancelHttpRequest does.
 *
 * Windows documents TransportIdleConnectionTimeout as "a timeout in seconds
 * for if this request goes idle".  An HTTP/1.1 connection is idle between
 * requests, so the value replaces the IdleConnection timer of the request's
 * connection, from the end of its response on and for the connection's
 * later requests too; 0 takes it back to the configured timer, as 0 means
 * "the default" in HTTP_TIMEOUT_LIMIT_INFO.  A DscpTag is for "all packets
 * sent in the response to this request": the next request's response goes
 * out untagged unless that request sets it again. */
ULONG WINAPI HttpSetRequestProperty(HANDLE h, HTTP_REQUEST_ID id, ULONG property, void *input, ULONG size,
                                    OVERLAPPED *ovl)
{
    ULONG value;

    TRACE("%p %#I64x %lu %p %lu %p\n", h, id, property, input, size, ovl);
    if (!input) return ERROR_INVALID_PARAMETER;
    switch (property)
    {
    case PROPERTY_STREAM_ERROR:
        if (size < sizeof(ULONG)) return ERROR_INVALID_PARAMETER;
        if (!id) return ERROR_CONNECTION_INVALID;
        return HttpCancelHttpRequest(h, id, ovl);
    case PROPERTY_IDLE_TIMEOUT:
        if (size < sizeof(USHORT)) return ERROR_INVALID_PARAMETER;
        value = *(const USHORT *)input;
        break;
    case PROPERTY_DSCP_TAG:
        if (size < sizeof(BYTE) || *(const BYTE *)input > DSCP_MAX) return ERROR_INVALID_PARAMETER;
        value = *(const BYTE *)input;
        break;
    default:
        return ERROR_INVALID_PARAMETER;
    }
    if (!id) return ERROR_CONNECTION_INVALID;
    return request_ioctl(h, id, property | HS_PROPERTY_SET, value, NULL, 0, NULL, ovl);
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
