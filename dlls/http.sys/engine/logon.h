/*
 * Basic credentials logged on the way a Wine prefix can: its one account
 * is the Unix user it runs as (Wine's user name is that login name), and
 * the engine runs as that user too.  So a logon succeeds only for that
 * name (as NAME, .\NAME or COMPUTERNAME\NAME, any case, as Windows compares
 * account names) with the password PAM accepts for it (service "httpsys";
 * without /etc/pam.d/httpsys, PAM uses /etc/pam.d/other).  Any other name,
 * an empty password or a NUL in it fails at once, without asking PAM.
 *
 * PAM may sleep (about 2 s after a wrong password), so it runs on worker
 * threads; the connection's request waits meanwhile (the connection is not
 * parsed further, the rest of the engine goes on) and is parsed again when
 * the answer is in.  At most LOGON_PENDING checks run or wait for a worker;
 * beyond that the connection waits for room the same way.  Passwords are
 * wiped after use and never logged or kept: a connection remembers only
 * the SHA-256 of the credentials it sent last and their answer (a success
 * for 30 s, a failure for the one request that asked).
 */
#ifndef HS_LOGON_H
#define HS_LOGON_H

#include <stddef.h>
#include <stdint.h>
#include "engine.h"

struct hs_conn;

/*
 * The answer for cred ("user:password", the decoded Basic token; colon is
 * the index of its first ':') on connection c.  Returns 0 with *sec_status
 * set (0: logged on, else SEC_E_LOGON_DENIED) when it is known, or 1 when
 * the connection must wait: hs_conn_resume runs it again once it is.
 */
int hs_logon_basic(struct hs_conn *c, const char *cred, size_t len, size_t colon, int32_t *sec_status);
/* Whether the connection waits for a logon's answer. */
int hs_logon_busy(const struct hs_conn *c);
/* The connection closes: nothing it waits for or remembers is kept. */
void hs_logon_forget(struct hs_conn *c);
/* The engine ends: stops the workers (waiting for a check under way). */
void hs_logon_free(struct hs_engine *eng);

#endif
