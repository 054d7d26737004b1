/*
 * A chained hash table on the connection id.  Ids are given out in order,
 * so their low bits spread evenly over a power-of-two bucket count; the
 * table doubles when it holds more connections than buckets.
 */
#include <stdlib.h>

#include "conntable.h"
#include "conn.h"

#define FIRST_BUCKETS 256

static uint32_t bucket_of(uint64_t id, uint32_t count)
{
    return (uint32_t)(id & (count - 1));
}

static void grow(struct hs_engine *eng)
{
    uint32_t count = eng->conn_bucket_count ? eng->conn_bucket_count * 2 : FIRST_BUCKETS, i;
    struct hs_conn **buckets = calloc(count, sizeof(*buckets));

    if (!buckets) return;   /* keep the chains longer */
    for (i = 0; i < eng->conn_bucket_count; i++)
    {
        struct hs_conn *c = eng->conn_buckets[i], *next;
        for (; c; c = next)
        {
            uint32_t b = bucket_of(c->id, count);
            next = c->bucket_next;
            c->bucket_next = buckets[b];
            buckets[b] = c;
        }
    }
    free(eng->conn_buckets);
    eng->conn_buckets = buckets;
    eng->conn_bucket_count = count;
}

int hs_conn_table_add(struct hs_engine *eng, struct hs_conn *c)
{
    uint32_t b;

    if (eng->conn_indexed >= eng->conn_bucket_count) grow(eng);
    if (!eng->conn_bucket_count) return -1;
    b = bucket_of(c->id, eng->conn_bucket_count);
    c->bucket_next = eng->conn_buckets[b];
    eng->conn_buckets[b] = c;
    c->indexed = 1;
    eng->conn_indexed++;
    return 0;
}

void hs_conn_table_remove(struct hs_engine *eng, struct hs_conn *c)
{
    struct hs_conn **p;

    if (!c->indexed) return;
    for (p = &eng->conn_buckets[bucket_of(c->id, eng->conn_bucket_count)]; *p; p = &(*p)->bucket_next)
        if (*p == c)
        {
            *p = c->bucket_next;
            break;
        }
    c->bucket_next = NULL;
    c->indexed = 0;
    eng->conn_indexed--;
}

struct hs_conn *hs_conn_table_find(struct hs_engine *eng, uint64_t id)
{
    struct hs_conn *c;

    if (!eng->conn_bucket_count) return NULL;
    for (c = eng->conn_buckets[bucket_of(id, eng->conn_bucket_count)]; c; c = c->bucket_next)
        if (c->id == id) return c;
    return NULL;
}

void hs_conn_table_free(struct hs_engine *eng)
{
    free(eng->conn_buckets);
    eng->conn_buckets = NULL;
    eng->conn_bucket_count = eng->conn_indexed = 0;
}
