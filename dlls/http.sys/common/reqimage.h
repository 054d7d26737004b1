/*
 * Builds the HTTP_REQUEST structure a caller of HttpReceiveHttpRequest gets,
 * from the engine's wire form of a request.
 *
 * Shared by the engine (which builds it for IRPs the driver completes) and
 * by httpapi.dll (which builds it itself on the fast path).  The layout is
 * written out with fixed-width types so that both compilers agree; httpapi's
 * build checks it against the real http.h.
 */
#ifndef HS_REQIMAGE_H
#define HS_REQIMAGE_H

#include <stdint.h>
#include "httpsys_proto.h"

struct hs_image_result
{
    uint32_t error;       /* 0, 234 ERROR_MORE_DATA, or 87 for a malformed wire request */
    uint32_t needed;      /* bytes the image needs (without entity body) */
    uint32_t written;     /* bytes written to the buffer */
    uint32_t body_taken;  /* entity body bytes copied (HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY) */
    uint32_t token_at;    /* where HTTP_REQUEST_AUTH_INFO.AccessToken is in the buffer, for a
                           * successful logon (the deliverer fills it in); 0: none */
};

/* Checks that every offset in the wire blob lies inside it. */
int hs_wire_request_valid(const struct hs_wire_request *w, uint32_t size);

/*
 * Writes the image for the buffer the caller will see at user_address.
 * image: HS_IMAGE_V1 or HS_IMAGE_V2; flags: HTTP_RECEIVE_REQUEST_FLAG_*.
 * On ERROR_MORE_DATA only the RequestId is written (when it fits), as
 * Windows does, so that the caller can retry with it.
 */
void hs_image_build(const struct hs_wire_request *w, uint32_t wire_size, uint32_t image,
                    uint32_t flags, uint64_t user_address, uint8_t *out, uint32_t cap,
                    struct hs_image_result *res);

/*
 * HttpReceiveClientCertificate's answers, for the buffer the caller sees at
 * user_address: HTTP_SSL_CLIENT_CERT_INFO with the encoded certificate
 * after it, or HTTP_REQUEST_CHANNEL_BIND_STATUS with the token after it.
 * Returns 0, ERROR_INSUFFICIENT_BUFFER (122: nothing written) or
 * ERROR_MORE_DATA (234: the fixed part only, with the size filled in);
 * *written is what was written.
 */
#define HS_CLIENT_CERT_INFO_SIZE 32
#define HS_CHANNEL_BIND_STATUS_SIZE 24
uint32_t hs_client_cert_image(uint32_t cert_flags, const uint8_t *der, uint32_t len, uint64_t user_address,
                              uint8_t *out, uint32_t cap, uint32_t *written);
uint32_t hs_channel_bind_image(const uint8_t *token, uint32_t len, uint64_t user_address,
                               uint8_t *out, uint32_t cap, uint32_t *written);

/* Sizes of the fixed part, for callers that check a buffer up front. */
#define HS_IMAGE_V1_SIZE 848
#define HS_IMAGE_V2_SIZE 864
#define HS_IMAGE_REQUEST_ID_OFFSET 16

#endif
