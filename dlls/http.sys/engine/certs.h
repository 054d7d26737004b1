/*
 * The server certificates that SSL bindings name, as OpenSSL objects.
 *
 * A certificate lives in the prefix's Windows store (or, for a central
 * certificate store binding, in a .pfx file), which only Windows code can
 * read: the engine asks the driver for it over the control channel
 * (HS_MSG_CERT_REQUEST) and keeps what comes back, keyed by what the
 * binding names (thumbprint and store, or CCS host name).  A handshake that
 * needs a certificate still being fetched waits for it; a certificate that
 * could not be had is asked for again after a while, so that importing it
 * after adding the binding works without a restart.  A configuration change
 * forgets everything, and the next handshake reads the store again.
 */
#ifndef HS_CERTS_H
#define HS_CERTS_H

#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "list.h"
#include "records.h"

struct hs_engine;

/* What a handshake needs, shared (reference counted) by every connection
 * that uses it, so that forgetting an entry never pulls it from under one. */
struct hs_cert_material
{
    int refs;
    X509 *cert;
    EVP_PKEY *key;
    STACK_OF(X509) *chain;          /* issuers to send with it, may be empty */
    uint16_t key_bits;              /* the certificate's public key size (HTTP_SSL_INFO) */
    char *issuer, *subject;         /* X.500 names as CertNameToStr writes them */
    uint32_t issuer_len, subject_len;
    uint8_t id[32];                 /* SHA-256 of the certificate: session id context */
};

enum hs_cert_state { HS_CERT_FETCHING, HS_CERT_READY, HS_CERT_FAILED };

struct hs_cert_entry
{
    struct hs_list link;            /* engine certs list */
    uint32_t source;                /* HS_CERT_FROM_* */
    uint8_t hash[32];
    uint32_t hash_len;
    char name[256];                 /* store (upper case) or CCS host (lower case) */
    enum hs_cert_state state;
    uint32_t error;                 /* HS_CERT_FAILED: why */
    uint64_t retry_at_ms;           /* HS_CERT_FAILED: ask again from then on */
    uint64_t op;                    /* HS_CERT_FETCHING: the request id */
    struct hs_cert_material *m;     /* HS_CERT_READY */
    struct hs_list waiters;         /* struct hs_cert_waiter, while fetching */
};

struct hs_cert_waiter
{
    struct hs_list link;
    void (*ready)(struct hs_cert_waiter *w);   /* the entry is READY or FAILED now */
};

/* The entry for a store binding, or for a CCS binding and an SNI host name;
 * starts fetching it if it is not known (or failed long enough ago).  NULL
 * only when out of memory. */
struct hs_cert_entry *hs_certs_for_binding(struct hs_engine *eng, const struct hs_ssl_binding *b,
                                           const char *sni_host);
/* Waits for a fetching entry. */
void hs_certs_wait(struct hs_cert_entry *e, struct hs_cert_waiter *w);
void hs_certs_cancel_wait(struct hs_cert_waiter *w);
/* HS_MSG_CERT_REPLY from the driver. */
void hs_certs_on_reply(struct hs_engine *eng, uint64_t op, const uint8_t *body, uint32_t len);
/* The configuration changed: forget every certificate. */
void hs_certs_forget_all(struct hs_engine *eng);

void hs_cert_material_ref(struct hs_cert_material *m);
void hs_cert_material_unref(struct hs_cert_material *m);
/* Builds material from OpenSSL objects (takes ownership of all three, even
 * on failure); Win32 error. */
uint32_t hs_cert_material_new(X509 *cert, EVP_PKEY *key, STACK_OF(X509) *chain, struct hs_cert_material **out);

/* An X.500 name as Windows' CertNameToStr(CERT_X500_NAME_STR) writes it:
 * "C=US, S=Washington, O=Example, CN=www.example.com" (malloc'ed). */
char *hs_x500_name_string(const X509_NAME *name);

#endif
