/*
 * HttpReceiveClientCertificate.  The engine answers from the connection:
 * the certificate the client sent in the handshake, or one it asks for now
 * (TLS 1.3 post-handshake authentication, TLS 1.2 renegotiation), with
 * CertFlags from the chain check; or, with HTTP_RECEIVE_SECURE_CHANNEL_TOKEN,
 * the connection's channel binding token.  It builds the structure for the
 * caller's buffer itself, pointers included.
 */
#include "httpapi_private.h"

#define RECEIVE_FLAGS (0x1 /* HTTP_RECEIVE_SECURE_CHANNEL_TOKEN */ | 0x2 /* HTTP_RECEIVE_FULL_CHAIN */)

ULONG WINAPI HttpReceiveClientCertificate(HANDLE h, HTTP_CONNECTION_ID id, ULONG flags, HTTP_SSL_CLIENT_CERT_INFO *info,
                                          ULONG size, ULONG *bytes, OVERLAPPED *ovl)
{
    struct hs_client_cert_params p;
    struct queue *q;

    TRACE("%p %#I64x %#lx %p %lu %p %p\n", h, id, flags, info, size, bytes, ovl);
    if (!info || (flags & ~RECEIVE_FLAGS) || (!ovl && !bytes)) return ERROR_INVALID_PARAMETER;
    if (!(q = queue_get(h))) return ERROR_INVALID_HANDLE;
    queue_put(q);
    memset(&p, 0, sizeof(p));
    p.connection_id = id;
    p.user_address = (ULONG_PTR)info;
    p.flags = flags;
    return queue_ioctl(h, HS_IOCTL_CLIENT_CERT, &p, sizeof(p), info, size, bytes, ovl);
}
