/*
 * What the application is told about a TLS connection: HTTP_REQUEST.pSslInfo,
 * the SslProtocol request info, and the TLS request properties of
 * HttpQueryRequestProperty, in Windows' structures and constants.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "tlsinfo.h"
#include "conn.h"
#include "tls.h"
#include "wire.h"

/* SP_PROT_* and ALG_ID values of Windows' headers */
#define SP_PROT_TLS1_2_SERVER 0x00000400
#define SP_PROT_TLS1_3_SERVER 0x00001000
#define CALG_AES_128    0x660e
#define CALG_AES_256    0x6610
#define CALG_SHA1       0x8004
#define CALG_SHA_256    0x800c
#define CALG_SHA_384    0x800d
#define CALG_RSA_KEYX   0xa400
#define CALG_DH_EPHEM   0xaa02
#define CALG_ECDH_EPHEM 0xae06

static uint32_t group_bits(int nid)
{
    switch (nid)
    {
    case NID_X25519: return 255;
    case NID_X448: return 448;
    case NID_X9_62_prime256v1: return 256;
    case NID_secp384r1: return 384;
    case NID_secp521r1: return 521;
    case NID_ffdhe2048: return 2048;
    case NID_ffdhe3072: return 3072;
    case NID_ffdhe4096: return 4096;
    case NID_ffdhe6144: return 6144;
    case NID_ffdhe8192: return 8192;
    default: return 0;
    }
}

static void protocol_info(SSL *ssl, const struct hs_tls_conn *t, struct hs_wire_ssl *w)
{
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    const EVP_MD *md;
    int bits = 0, kx;

    w->protocol = SSL_version(ssl) == TLS1_3_VERSION ? SP_PROT_TLS1_3_SERVER : SP_PROT_TLS1_2_SERVER;
    if (!cipher) return;
    SSL_CIPHER_get_bits(cipher, &bits);
    w->connection_key_size = (uint16_t)bits;
    w->cipher_strength = (uint32_t)bits;
    switch (SSL_CIPHER_get_cipher_nid(cipher))
    {
    case NID_aes_128_gcm: case NID_aes_128_cbc: case NID_aes_128_ccm: w->cipher_type = CALG_AES_128; break;
    case NID_aes_256_gcm: case NID_aes_256_cbc: case NID_aes_256_ccm: w->cipher_type = CALG_AES_256; break;
    default: w->cipher_type = 0; break;   /* ChaCha20 has no ALG_ID */
    }
    /* the record MAC for CBC suites, the handshake hash for AEAD ones */
    switch (SSL_CIPHER_get_digest_nid(cipher))
    {
    case NID_sha1: md = EVP_sha1(); break;
    case NID_sha256: md = EVP_sha256(); break;
    case NID_sha384: md = EVP_sha384(); break;
    default: md = SSL_CIPHER_get_handshake_digest(cipher); break;
    }
    if (md)
    {
        int nid = EVP_MD_get_type(md);
        w->hash_type = nid == NID_sha1 ? CALG_SHA1 : nid == NID_sha384 ? CALG_SHA_384 : nid == NID_sha256 ? CALG_SHA_256 : 0;
        w->hash_strength = (uint32_t)EVP_MD_get_size(md) * 8;
    }
    kx = SSL_CIPHER_get_kx_nid(cipher);
    if (kx == NID_kx_rsa)
    {
        w->key_exchange_type = CALG_RSA_KEYX;
        w->key_exchange_strength = t->cert ? t->cert->key_bits : 0;
    }
    else
    {
        int group = SSL_get_negotiated_group(ssl);
        w->key_exchange_type = kx == NID_kx_dhe || (group >= NID_ffdhe2048 && group <= NID_ffdhe8192) ?
                               CALG_DH_EPHEM : CALG_ECDH_EPHEM;
        w->key_exchange_strength = group_bits(group);
    }
}

void hs_tls_request_info(struct hs_conn *c, struct hs_wire_ssl_input *out)
{
    struct hs_tls_conn *t = c->tls;

    memset(out, 0, sizeof(*out));
    if (t->cert)
    {
        out->fixed.server_cert_key_size = t->cert->key_bits;
        out->issuer = t->cert->issuer;
        out->issuer_len = t->cert->issuer_len;
        out->subject = t->cert->subject;
        out->subject_len = t->cert->subject_len;
    }
    else out->issuer = out->subject = "";
    protocol_info(t->ssl, t, &out->fixed);
    if (t->client_cert)
    {
        out->fixed.client_cert_negotiated = 1;
        out->fixed.client_cert_flags = t->client_cert_flags;
        out->client_cert = t->client_cert;
        out->client_cert_len = t->client_cert_len;
    }
}


/* ------------------------------------------------------------------------ */
/* request properties                                                        */
/* ------------------------------------------------------------------------ */

#define HTTP_REQUEST_PROPERTY_SNI_FLAG_SNI_USED 0x1
#define HTTP_REQUEST_PROPERTY_SNI_FLAG_NO_SNI   0x2
#define TLS1_2_PROTOCOL_VERSION 0x0303
#define TLS1_3_PROTOCOL_VERSION 0x0304

static void put_wide(uint8_t *out, size_t chars, const char *text)
{
    size_t i;
    for (i = 0; i + 1 < chars && text[i]; i++)
    {
        out[2 * i] = (uint8_t)text[i];
        out[2 * i + 1] = 0;
    }
}

static void put_u32(uint8_t *out, uint32_t v)
{
    memcpy(out, &v, 4);
}

uint32_t hs_tls_property_sni(struct hs_conn *c, uint8_t out[HS_PROP_SNI_SIZE])
{
    memset(out, 0, HS_PROP_SNI_SIZE);
    if (!c->tls) return 1;   /* ERROR_INVALID_FUNCTION: not a TLS connection */
    put_wide(out, 256, c->tls->sni);
    put_u32(out + 512, c->tls->sni[0] ? HTTP_REQUEST_PROPERTY_SNI_FLAG_SNI_USED : HTTP_REQUEST_PROPERTY_SNI_FLAG_NO_SNI);
    return 0;
}

uint32_t hs_tls_property_client_hello(struct hs_conn *c, const uint8_t **data, uint32_t *size)
{
    /* ERROR_INVALID_FUNCTION also where the binding does not keep it:
     * there is nothing to answer for this request */
    if (!c->tls || !c->tls->client_hello) return 1;
    *data = c->tls->client_hello;
    *size = c->tls->client_hello_len;
    return 0;
}

/* BCrypt's algorithm names, which Schannel reports. */
static const char *cipher_name(int nid)
{
    switch (nid)
    {
    case NID_aes_128_gcm: case NID_aes_256_gcm: case NID_aes_128_cbc: case NID_aes_256_cbc:
    case NID_aes_128_ccm: case NID_aes_256_ccm: return "AES";
    case NID_chacha20_poly1305: return "CHACHA20_POLY1305";
    default: return "";
    }
}

uint32_t hs_tls_property_cipher_info(struct hs_conn *c, uint8_t out[HS_PROP_CIPHER_INFO_SIZE])
{
    struct hs_wire_ssl w;
    const SSL_CIPHER *cipher;
    const char *name, *hash;
    int pkey;

    memset(out, 0, HS_PROP_CIPHER_INFO_SIZE);
    if (!c->tls || !(cipher = SSL_get_current_cipher(c->tls->ssl))) return 1;
    memset(&w, 0, sizeof(w));
    protocol_info(c->tls->ssl, c->tls, &w);
    /* SecPkgContext_CipherInfo, SECPKGCONTEXT_CIPHERINFO_V1 */
    put_u32(out + 0, 1);
    put_u32(out + 4, SSL_version(c->tls->ssl) == TLS1_3_VERSION ? TLS1_3_PROTOCOL_VERSION : TLS1_2_PROTOCOL_VERSION);
    put_u32(out + 8, SSL_CIPHER_get_protocol_id(cipher));
    put_u32(out + 12, SSL_CIPHER_get_protocol_id(cipher));
    if ((name = SSL_CIPHER_standard_name(cipher))) put_wide(out + 16, 64, name);
    put_wide(out + 144, 64, cipher_name(SSL_CIPHER_get_cipher_nid(cipher)));
    put_u32(out + 272, w.cipher_strength);
    put_u32(out + 276, SSL_CIPHER_get_cipher_nid(cipher) == NID_chacha20_poly1305 ? 1 : 16);
    hash = w.hash_type == CALG_SHA1 ? "SHA1" : w.hash_type == CALG_SHA_384 ? "SHA384" : w.hash_type ? "SHA256" : "";
    put_wide(out + 280, 64, hash);
    put_u32(out + 408, w.hash_strength);
    put_wide(out + 412, 64, w.key_exchange_type == CALG_RSA_KEYX ? "RSA" :
                            w.key_exchange_type == CALG_DH_EPHEM ? "DH" : "ECDH");
    put_u32(out + 540, w.key_exchange_strength);
    put_u32(out + 544, w.key_exchange_strength);
    pkey = c->tls->cert ? EVP_PKEY_get_base_id(c->tls->cert->key) : 0;
    put_wide(out + 548, 64, pkey == EVP_PKEY_EC ? "ECDSA" : pkey == EVP_PKEY_RSA ? "RSA" : "");
    put_u32(out + 676, 0);
    return 0;
}
