/* Listening sockets, one pair (IPv4 and IPv6) per port that has prefixes. */
#ifndef HS_LISTENER_H
#define HS_LISTENER_H

#include <stdint.h>
#include "engine.h"

/* Makes sure the port is being listened on; returns a Win32 error. */
uint32_t hs_listener_ensure(struct hs_engine *eng, uint16_t port, int secure);
/* Closes the port's listeners when no prefix needs them any more. */
void hs_listener_release_unused(struct hs_engine *eng);
void hs_listener_close_all(struct hs_engine *eng);
/* The IP listen list changed: rebind every port that is listened on. */
void hs_listener_reconcile_all(struct hs_engine *eng);

#endif
