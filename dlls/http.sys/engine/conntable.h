/*
 * Connections by id: the calls that name a connection (HttpWaitForDisconnect,
 * HttpReceiveClientCertificate) find it without walking every connection.
 */
#ifndef HS_CONNTABLE_H
#define HS_CONNTABLE_H

#include <stdint.h>
#include "engine.h"

struct hs_conn;

/* 0, or -1 when out of memory (the connection is then not findable). */
int  hs_conn_table_add(struct hs_engine *eng, struct hs_conn *c);
void hs_conn_table_remove(struct hs_engine *eng, struct hs_conn *c);
struct hs_conn *hs_conn_table_find(struct hs_engine *eng, uint64_t id);
void hs_conn_table_free(struct hs_engine *eng);

#endif
