/*
 * The control channel: the one loopback TCP connection from the driver.
 *
 * The engine listens on 127.0.0.1 with an ephemeral port and publishes the
 * port and a random secret in its run directory (mode 0700/0600).  The first
 * connection that presents the secret becomes the channel and the listener
 * closes; a connection that presents anything else is dropped.  When the
 * channel closes, the driver is gone (net stop, or winedevice died with
 * wineserver), and the engine exits.
 */
#ifndef HS_CONTROL_H
#define HS_CONTROL_H

#include <stdint.h>
#include "httpsys_proto.h"

struct hs_engine;
struct hs_control;

struct hs_control_handlers
{
    void (*authenticated)(struct hs_engine *eng);
    void (*open)(struct hs_engine *eng, uint64_t file, const struct hs_msg_open *msg);
    void (*close)(struct hs_engine *eng, uint64_t file);
    void (*ioctl)(struct hs_engine *eng, uint64_t op, uint64_t file, const struct hs_msg_ioctl *msg,
                  const uint8_t *in, uint32_t in_len);
    void (*cancel)(struct hs_engine *eng, uint64_t op);
    void (*shutdown)(struct hs_engine *eng);
    void (*config)(struct hs_engine *eng, const uint8_t *text, uint32_t len);
    void (*cert_reply)(struct hs_engine *eng, uint64_t op, const uint8_t *body, uint32_t len);
    void (*chain_reply)(struct hs_engine *eng, uint64_t op, const uint8_t *body, uint32_t len);
    void (*lost)(struct hs_engine *eng);       /* the channel closed or broke */
};

/* Listens and writes the ready file into rundir. */
struct hs_control *hs_control_start(struct hs_engine *eng, const char *rundir,
                                    const struct hs_control_handlers *handlers);
void hs_control_free(struct hs_control *c);

/* Queues one frame: header + a + b. */
void hs_control_send(struct hs_control *c, uint16_t type, uint64_t op, uint64_t file,
                     const void *a, uint32_t alen, const void *b, uint32_t blen);
/* Writes out what is queued, blocking; used when exiting. */
void hs_control_flush(struct hs_control *c);
int  hs_control_connected(const struct hs_control *c);

#endif
