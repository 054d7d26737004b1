/*
 * HttpQueryRequestProperty (Windows 10 1709 and later; no header declares
 * it, callers find it with GetProcAddress).  The engine answers from the
 * request's connection.
 *
 * Implemented: HttpRequestPropertySni (HTTP_REQUEST_PROPERTY_SNI) and
 * HttpRequestPropertyTlsCipherInfo (SecPkgContext_CipherInfo) for requests
 * that came over TLS; on a plain connection they fail with
 * ERROR_INVALID_FUNCTION, "not supported for this request".  The other
 * properties (TCP statistics, QUIC, ISB, the cached ClientHello, ...) return
 * ERROR_CALL_NOT_IMPLEMENTED for now (README.md).
 */
#include "httpapi_private.h"

#define HTTP_REQUEST_PROPERTY_SNI_ID        4
#define HTTP_REQUEST_PROPERTY_TLS_CIPHER_ID 14
#define HTTP_REQUEST_PROPERTY_LAST          14

ULONG WINAPI HttpQueryRequestProperty(HANDLE h, HTTP_REQUEST_ID id, ULONG property, void *qualifier,
                                      ULONG qualifier_size, void *output, ULONG output_size, ULONG *bytes,
                                      OVERLAPPED *ovl)
{
    struct hs_property_params p;
    struct queue *q;
    ULONG ret;

    TRACE("%p %#I64x %lu %p %lu %p %lu %p %p\n", h, id, property, qualifier, qualifier_size, output, output_size,
          bytes, ovl);
    if (property > HTTP_REQUEST_PROPERTY_LAST || (!output && output_size) || (!qualifier && qualifier_size))
        return ERROR_INVALID_PARAMETER;
    if (property != HTTP_REQUEST_PROPERTY_SNI_ID && property != HTTP_REQUEST_PROPERTY_TLS_CIPHER_ID)
    {
        WARN("request property %lu is not implemented yet\n", property);
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
    if (!(q = queue_get(h))) return ERROR_INVALID_HANDLE;
    queue_put(q);
    memset(&p, 0, sizeof(p));
    p.request_id = id;
    p.property = property;
    ret = queue_ioctl(h, HS_IOCTL_REQUEST_PROPERTY, &p, sizeof(p), output, output_size, bytes, ovl);
    return ret;
}
