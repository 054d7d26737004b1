/*
 * http.sys's error log (KB 820729): HTTPERR\httperr<N>.log under
 * ErrorLoggingDir, one line per response the service made itself, per
 * connection it cut and per request it dropped, in the W3C style with
 * http.sys's fixed field list.  Not the engine's own log (log.h), not the
 * applications' W3C logs (w3clog.h).
 */
#ifndef HS_HTTPERR_H
#define HS_HTTPERR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>

#define HS_HTTPERR_SIZE_MIN  0x100000u   /* ErrorLogFileTruncateSize: default and minimum */
#define HS_HTTPERR_URI_MAX   4096        /* cs-uri is cut here */
#define HS_HTTPERR_VERB_MAX  255         /* cs-method is cut here */

/* One event.  A NULL pointer (or a zero length, status 0, a negative
 * version) is written as "-". */
struct hs_httperr_entry
{
    time_t when;                          /* written in UTC */
    const struct sockaddr *client, *server;
    int version_major, version_minor;     /* 10 or more: "HTTP/?.?" */
    const char *method;
    size_t method_len;
    const char *uri;                      /* path and query, cooked when it was */
    size_t uri_len;
    unsigned status;                      /* of the response sent, if any */
    const char *reason;                   /* KB 820729's reason phrase */
    const char *queue;                    /* the request queue's name, NUL-terminated */
};

/* The pure parts, for the tests: each returns the length it needs and
 * writes (NUL-terminated) only when that fits in cap. */
size_t hs_httperr_header(char *out, size_t cap, time_t when);
size_t hs_httperr_line(char *out, size_t cap, const struct hs_httperr_entry *e);

struct hs_httperr;

/* The log in dir/HTTPERR (made 0700 if missing; dir itself is made if its
 * parent exists).  NULL, with a warning in the service log, when that is
 * not a directory of ours. */
struct hs_httperr *hs_httperr_open(const char *dir, uint32_t truncate_size);
void hs_httperr_free(struct hs_httperr *log);
/* Appends the entry's line, starting the next file first when it would
 * pass truncate_size.  A failure is warned about once; the events after it
 * are dropped until a file can be written again. */
void hs_httperr_write(struct hs_httperr *log, const struct hs_httperr_entry *e);

#endif
