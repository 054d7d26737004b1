/*
 * The request ring of a queue's shared memory (shmq.c): records wrap at the
 * ring's end through a PAD record, and nothing is ever written past the end
 * into the response ring that follows it, whatever the records' sizes.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"
#include "shmq.h"

static void ignore(void *ctx, const struct hs_taken *t) { (void)ctx; (void)t; }

static void test_wrap_stays_in_ring(void)
{
    char path[] = "/tmp/test_shmq_XXXXXX";
    int fd = mkstemp(path);
    struct hs_shmq *q;
    const struct hs_shm_header *h;
    uint8_t *payload = calloc(1, 1u << 21), zero[64] = { 0 };
    uint64_t pos;
    unsigned i, spilled = 0, unaligned = 0;

    CHECK_INT(fd >= 0, 1);
    close(fd);
    unlink(path);   /* hs_shmq_create makes it, exclusively */
    q = hs_shmq_create(path, 1);
    CHECK_INT(q != NULL, 1);
    if (!q) return;
    fd = open(path, O_RDONLY);
    h = mmap(NULL, hs_shmq_size(q), PROT_READ, MAP_SHARED, fd, 0);
    CHECK_INT(h != MAP_FAILED, 1);
    /* Each round: one record that ends 8, 16 or 24 bytes before the ring's
     * end if records were only 8-aligned, then one that must wrap. */
    for (i = 0; i < 12; i++)
    {
        uint32_t len = (uint32_t)(h->req_ring_size / 3 - 8 * (i % 3 + 1) - 32);
        if (hs_shmq_publish(q, i + 1, payload, len, NULL, 0, &pos)) break;
        if (pos % 32) unaligned++;
        hs_shmq_withdraw(q, pos);
        hs_shmq_reap(q, ignore, NULL);
        if (memcmp((const uint8_t *)h + h->resp_ring_off, zero, sizeof(zero))) spilled++;
    }
    CHECK_INT(i, 12);
    CHECK_INT(unaligned, 0);
    CHECK_INT(spilled, 0);
    munmap((void *)h, hs_shmq_size(q));
    close(fd);
    hs_shmq_destroy(q);
    unlink(path);
    free(payload);
}

int main(void)
{
    test_wrap_stays_in_ring();
    return unit_report();
}
