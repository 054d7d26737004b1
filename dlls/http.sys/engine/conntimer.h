/*
 * The timers of a connection, as http.sys names them: IdleConnection,
 * HeaderWait, RequestQueue, EntityBody, DrainEntityBody and MinSendRate.
 * One timer per connection serves them all: which one runs follows from
 * the connection's state, and a state change re-arms it.
 */
#ifndef HS_CONNTIMER_H
#define HS_CONNTIMER_H

struct hs_conn;

/* The state may have changed; progress: body bytes arrived or response
 * bytes went out, which restarts EntityBody and MinSendRate. */
void hs_conn_timer_update(struct hs_conn *c, int progress);
/* c->timer fired: closes the connection if its timer really ran out. */
void hs_conn_timer_fired(struct hs_conn *c);

#endif
