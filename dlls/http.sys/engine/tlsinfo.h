/*
 * A TLS connection as Windows describes it to the application: pSslInfo and
 * the SslProtocol request info (hs_tls_request_info, for the wire request),
 * and the TLS request properties of HttpQueryRequestProperty.
 */
#ifndef HS_TLSINFO_H
#define HS_TLSINFO_H

#include <stdint.h>

struct hs_conn;
struct hs_wire_ssl_input;

void hs_tls_request_info(struct hs_conn *c, struct hs_wire_ssl_input *out);

/* HTTP_REQUEST_PROPERTY_SNI { WCHAR Hostname[256]; ULONG Flags; } */
#define HS_PROP_SNI_SIZE 516
/* SecPkgContext_CipherInfo (SECPKGCONTEXT_CIPHERINFO_V1) */
#define HS_PROP_CIPHER_INFO_SIZE 680

/* 0, or ERROR_INVALID_FUNCTION (1) when the connection has no TLS. */
uint32_t hs_tls_property_sni(struct hs_conn *c, uint8_t out[HS_PROP_SNI_SIZE]);
uint32_t hs_tls_property_cipher_info(struct hs_conn *c, uint8_t out[HS_PROP_CIPHER_INFO_SIZE]);
/* The ClientHello's records, kept when the connection's binding has
 * ENABLE_CACHE_CLIENT_HELLO; else ERROR_INVALID_FUNCTION.  data stays the
 * connection's. */
uint32_t hs_tls_property_client_hello(struct hs_conn *c, const uint8_t **data, uint32_t *size);

#endif
