/*
 * The engine's side of a request queue's shared memory (the fast path).
 *
 * The segment (include/httpsys_proto.h) holds a request ring the engine
 * writes and servers claim from, a response ring servers write and the
 * engine consumes, and the slot table that tells servers which request ids
 * are alive.  Everything read back from the segment is checked: a server
 * that corrupts it can only lose its own requests.
 */
#ifndef HS_SHMQ_H
#define HS_SHMQ_H

#include <stdint.h>
#include <stddef.h>
#include "httpsys_proto.h"

struct hs_shmq;

struct hs_shmq *hs_shmq_create(const char *path, uint32_t image);
void hs_shmq_destroy(struct hs_shmq *q);
const char *hs_shmq_path(const struct hs_shmq *q);
uint32_t hs_shmq_size(const struct hs_shmq *q);
void hs_shmq_set_image(struct hs_shmq *q, uint32_t image);
/* Marks closed and removes the segments of a dead engine (the files in dir
 * whose names start with name_prefix and are ours): servers still mapping
 * them learn that their queues are gone.  Returns how many. */
int  hs_shmq_sweep(const char *dir, const char *name_prefix);

/* Request ring.  publish copies wire (its size field patched) followed by
 * body into a new record; returns 0, or -1 when there is no room. */
int  hs_shmq_publish(struct hs_shmq *q, uint64_t request_id, const uint8_t *wire, uint32_t wire_len,
                     const uint8_t *body, uint32_t body_len, uint64_t *pos);
/* Takes a published record back; 1 if it was still unclaimed. */
int  hs_shmq_withdraw(struct hs_shmq *q, uint64_t pos);

struct hs_taken
{
    uint64_t request_id;
    uint64_t pos;
    uint32_t result;       /* Win32 outcome the server reported */
    uint32_t body_taken;
};
/* Reports every record a server has finished with, then frees the space
 * that is no longer in use.  Returns how many were reported. */
int hs_shmq_reap(struct hs_shmq *q, void (*fn)(void *ctx, const struct hs_taken *t), void *ctx);
int hs_shmq_has_published(const struct hs_shmq *q);
/* Counts requests given to receives waiting in the driver, not acted on yet. */
void hs_shmq_add_handed_over(struct hs_shmq *q, int delta);
/* Whether a published request waits for a server to claim it. */
int hs_shmq_has_unclaimed(const struct hs_shmq *q);
/* Whether a server thread is looking at the request ring for work now. */
int hs_shmq_servers_looking(const struct hs_shmq *q);

/* Response ring: calls fn for each committed record, in any order that
 * keeps every request's own records in order. */
int hs_shmq_consume(struct hs_shmq *q, void (*fn)(void *ctx, const struct hs_wire_response *r, uint32_t size), void *ctx);
int hs_shmq_has_responses(const struct hs_shmq *q);

/* Slot table */
void hs_shmq_slot_open(struct hs_shmq *q, uint32_t slot, uint64_t request_id);
void hs_shmq_slot_close(struct hs_shmq *q, uint32_t slot);
void hs_shmq_slot_dead(struct hs_shmq *q, uint32_t slot);
/* Clears server bits of the request's slot, if the slot still holds it. */
void hs_shmq_slot_clear_app_bits(struct hs_shmq *q, uint64_t request_id, uint32_t bits);

/* Doorbell protocol: idle before sleeping, busy after waking. */
void hs_shmq_set_idle(struct hs_shmq *q, int idle);
void hs_shmq_mark_closed(struct hs_shmq *q);

#endif
