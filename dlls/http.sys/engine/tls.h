/*
 * TLS on https ports, as http.sys does it with Schannel, here with OpenSSL 3.
 *
 * One server SSL_CTX carries the policy every connection shares (TLS 1.2
 * and 1.3 only, no weak suites, the session cache).  The certificate is
 * chosen per connection, in the ClientHello, by the SSL bindings of the
 * configuration store in Windows' order (SNI host:port, IP:port,
 * 0.0.0.0:port / [::]:port, central certificate store); the binding's
 * DefaultFlags then set the versions, tickets, session ids and client
 * certificate request for that connection.  With no binding, or a
 * certificate that cannot be had, the handshake fails with an alert.
 *
 * Kernel TLS (EnableKernelSSL=1, the default) is asked for on connections
 * that can keep every Windows behaviour with it; see tls.c for which and
 * for what a TLS 1.3 KeyUpdate does then.
 */
#ifndef HS_TLS_H
#define HS_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <openssl/ssl.h>

#include "certs.h"
#include "evloop.h"

struct hs_engine;
struct hs_conn;
struct hs_hello_capture;

#define HS_TLS_MAX_SESSIONS 4           /* sessions one connection can create (TLS 1.3 tickets) */

/* Per-connection TLS state (only https connections have one). */
struct hs_tls_conn
{
    SSL *ssl;
    struct hs_cert_waiter wait;          /* the certificate is being fetched */
    struct hs_cert_material *cert;       /* the certificate served */
    uint32_t binding_flags;              /* the binding's DefaultFlags */
    uint32_t check_mode;                 /* the binding's DefaultCertCheckMode */
    uint32_t freshness, url_timeout;     /* and its revocation freshness (s) and URL timeout (ms) */
    char sni[256];                       /* host name the client sent, "" if none */
    SSL_SESSION *sessions[HS_TLS_MAX_SESSIONS];  /* EnableSslCloseNotify: what to drop without goodbye */
    unsigned int session_count;
    unsigned waiting_cert : 1;           /* handshake paused for the certificate */
    unsigned read_wants_write : 1;       /* SSL_read needs the socket writable */
    unsigned write_wants_read : 1;       /* SSL_write needs input first */
    unsigned ktls_tx : 1;                /* the kernel encrypts what we send */
    unsigned key_update : 1;             /* the client asked for new keys while the kernel sends */
    unsigned failed : 1;                 /* a fatal TLS error: the session is not kept */
    unsigned handshake_done : 1;         /* the first handshake finished */
    unsigned cert_asked : 1;             /* a certificate request is out (TLS 1.3 post-handshake
                                            authentication or TLS 1.2 renegotiation) */
    unsigned cert_final : 1;             /* the client answered a certificate request: no more asking */
    unsigned peer_finished : 1;          /* the client's Finished of that exchange arrived */
    uint64_t chain_op;                   /* the client's chain is being verified (CHAIN_REQUEST id) */
    struct hs_list cert_ops;             /* HttpReceiveClientCertificate calls waiting for it */
    struct hs_timer cert_timer;          /* how long the client has to answer a certificate request */
    struct hs_hello_capture *capture;    /* the ClientHello's records, while they arrive */
    uint8_t *client_hello;               /* the records of the ClientHello, kept when the binding has
                                            ENABLE_CACHE_CLIENT_HELLO (HttpRequestPropertyTlsClientHello) */
    uint32_t client_hello_len;
    uint8_t *client_cert;                /* DER of the client's certificate, once received */
    uint32_t client_cert_len;
    uint32_t client_cert_flags;          /* CertFlags: the chain's verification result */
};

/* The engine-wide context; 0 on success. */
int  hs_tls_init(struct hs_engine *eng);
void hs_tls_free(struct hs_engine *eng);

/* A connection accepted on an https port: 0, or -1 (then close it). */
int  hs_tls_conn_start(struct hs_conn *c);
/* Reads decrypted bytes: >0, 0 at the end of the stream, -1 with errno
 * EAGAIN (wait; see the flags) or another errno (the connection is broken). */
ssize_t hs_tls_read(struct hs_conn *c, void *buf, size_t len);
ssize_t hs_tls_write(struct hs_conn *c, const void *buf, size_t len);
/* Sends file bytes through kernel TLS (SSL_sendfile): like hs_tls_write,
 * or -2 when the connection does not send through the kernel. */
ssize_t hs_tls_sendfile(struct hs_conn *c, int fd, uint64_t offset, size_t len);
/* The verify callback of every client certificate request: the chain is
 * judged later, with Windows' rules (clientcert.c). */
int  hs_tls_accept_any_certificate(int ok, X509_STORE_CTX *store);
/* Watches the client's handshake messages after the handshake. */
void hs_tls_watch_handshake(struct hs_conn *c);
/* Decrypted bytes OpenSSL holds that the socket will not signal. */
int  hs_tls_pending(const struct hs_conn *c);
/* Sends close_notify where EnableSslCloseNotify asks for it (best effort). */
void hs_tls_close_notify(struct hs_conn *c);
/* The connection is closing: keeps or drops its session as
 * EnableSslCloseNotify says, frees the state. */
void hs_tls_conn_free(struct hs_conn *c);

#endif
