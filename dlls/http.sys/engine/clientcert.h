/*
 * Client certificates: the chain check http.sys makes (through the driver,
 * with the Windows certificate stores of the prefix), holding a
 * connection's requests until CertFlags is known, and
 * HttpReceiveClientCertificate, which asks a client for a certificate after
 * the handshake when it has not sent one (TLS 1.3 post-handshake
 * authentication, TLS 1.2 renegotiation).
 */
#ifndef HS_CLIENTCERT_H
#define HS_CLIENTCERT_H

#include <stdint.h>

struct hs_engine;
struct hs_conn;
struct hs_queue;
struct hs_op;

/* The first handshake finished (OpenSSL's info callback). */
void hs_client_cert_handshake_done(struct hs_conn *c);
/* After OpenSSL read from the client: settles a certificate request the
 * client has answered. */
void hs_client_cert_after_read(struct hs_conn *c);
/* Requests wait while the client's chain is being verified. */
int  hs_client_cert_busy(const struct hs_conn *c);
/* The connection is closing: the calls waiting on it fail. */
void hs_client_cert_conn_gone(struct hs_conn *c);

/* HS_MSG_CHAIN_REPLY from the driver. */
void hs_client_cert_on_chain_reply(struct hs_engine *eng, uint64_t op, const uint8_t *body, uint32_t len);
/* HS_IOCTL_CLIENT_CERT. */
void hs_client_cert_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op,
                          const uint8_t *in, uint32_t len);

#endif
