/*
 * The driver's user-mode half: starting the engine and talking to it.
 *
 * The driver runs inside winedevice.exe, a Wine process, so it can use
 * Winsock and Wine's ntdll exports; but a native-subsystem image that
 * imports kernel32 or ntdll is not loaded as a driver by Wine, so this file
 * imports only ws2_32 and finds the few ntdll functions it needs itself.
 * Its interface to the kernel-mode half (driver.c) uses plain C types.
 */
#ifndef HS_DRIVER_LINK_H
#define HS_DRIVER_LINK_H

#include <stdint.h>
#include <stddef.h>
#include "httpsys_proto.h"

/* Converts an NT path (\??\C:\...) to a Unix path; 0 on success. */
int  link_unix_path(const uint16_t *nt_path, char *out, size_t cap, int may_not_exist);
/* Starts the engine as a Unix process with argv; 0 on success. */
int  link_spawn(char *const argv[]);
/* The HS_MSG_CERT_REPLY body for a certificate request, read through
 * httpapi.dll (link_alloc'ed, holds key material: wipe before freeing);
 * 0 on success. */
int  link_cert_material(const struct hs_msg_cert_request *req, uint8_t **out, uint32_t *len);
/* Verifies a client's certificate chain through httpapi.dll: size is the
 * request and its certificates (HS_MSG_CHAIN_REQUEST's body).  Fills reply
 * and returns reply->status, a Win32 error: the verifier's, or why
 * httpapi.dll could not be reached (then cert_flags is 0). */
uint32_t link_verify_chain(const struct hs_msg_chain_request *req, uint32_t size, struct hs_msg_chain_reply *reply);
/* Connects to the engine's port and presents the secret; 0 on success. */
int  link_connect(uint16_t port, const uint8_t secret[HS_SECRET_BYTES]);
/* Sends one frame (thread-safe); 0 on success. */
int  link_send(uint16_t type, uint64_t op, uint64_t file, const void *a, uint32_t alen,
               const void *b, uint32_t blen);
/* The same, for a caller that holds link_lock. */
int  link_send_locked(uint16_t type, uint64_t op, uint64_t file, const void *a, uint32_t alen,
                      const void *b, uint32_t blen);
/* Receives frames until the channel closes, calling link_on_frame for each. */
void link_receive_loop(void);
/* Closes the channel; a running receive loop returns. */
void link_close(void);

/* Provided by driver.c */
void  link_on_frame(const struct hs_msg_header *hdr, const uint8_t *body, uint32_t len);
void *link_alloc(size_t size);
void  link_free(void *p);
void  link_lock(void);
void  link_unlock(void);
void  link_sleep_ms(unsigned ms);
void  link_log(const char *msg);
/* Writes "<text><number><tail>" to the service log (engine.log). */
void  link_log_number(const char *text, uint32_t number, const char *tail);

#endif
