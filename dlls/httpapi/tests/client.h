/*
 * A tiny Winsock HTTP/1.1 client for the httpapi conformance tests.
 *
 * It connects to 127.0.0.1 or ::1, sends raw bytes and reads responses with a timeout.  A response
 * is parsed into its status line, headers and body (Content-Length, chunked, or delimited by the
 * server closing the connection).  Bytes received past the end of one response stay buffered for
 * the next, so pipelined responses can be read one after the other.
 *
 * Nothing here calls ok(): the tests check the results.
 */

#ifndef HTTPAPI_TEST_CLIENT_H
#define HTTPAPI_TEST_CLIENT_H

#include "test.h"

#define CLIENT_MAX_HEADERS 48

struct client
{
    SOCKET s;
    int family;
    USHORT local_port;      /* the client's own port, as the server should see it */
    char *buf;              /* received, not yet consumed */
    int len, cap;
};

struct http_header
{
    char name[64];
    char value[1024];
};

struct http_response
{
    char status_line[256];
    int major, minor;
    int status;
    char reason[128];
    int header_count;
    struct http_header headers[CLIENT_MAX_HEADERS];
    char *body;             /* NUL-terminated copy of the body (malloc'd, may be NULL) */
    int body_len;
    BOOL chunked;
    BOOL closed;            /* the server closed the connection to end this response */
};

/* Results of client_read_response(). */
#define CLIENT_OK        1
#define CLIENT_CLOSED    0  /* the connection closed before a whole response arrived */
#define CLIENT_TIMEOUT  -1
#define CLIENT_ERROR    -2  /* socket error or malformed response */

BOOL client_startup(void);
BOOL client_connect(struct client *c, int family, USHORT port);
BOOL client_send(struct client *c, const void *data, int len);
BOOL client_send_str(struct client *c, const char *str);
int client_read_response(struct client *c, struct http_response *r, BOOL head_request, DWORD timeout_ms);
/* Waits up to timeout_ms for the server to close the connection; returns TRUE if it did.
 * Bytes that arrive meanwhile are kept in the buffer (c->len counts them). */
BOOL client_wait_closed(struct client *c, DWORD timeout_ms);
void client_close(struct client *c);

void response_free(struct http_response *r);
const char *response_header(const struct http_response *r, const char *name);
int response_header_count(const struct http_response *r, const char *name);

/* connect + send + read one response + close. */
int http_request(int family, USHORT port, const char *request, BOOL head_request,
                 struct http_response *r, DWORD timeout_ms);

/* The same on a thread of its own, started after delay_ms: for tests whose server calls block
 * on the main thread. */
struct client_job
{
    int family;
    USHORT port;
    char request[2048];
    BOOL head_request;
    DWORD delay_ms;
    DWORD timeout_ms;
    int result;
    struct http_response resp;
    HANDLE thread;
};

/* Allocates the job; it is freed by client_job_free(), and leaked if its thread never ends. */
struct client_job *client_job_start(int family, USHORT port, const char *request, DWORD delay_ms,
                                    DWORD timeout_ms);
/* Returns FALSE if the thread did not end in time. */
BOOL client_job_wait(struct client_job *job, DWORD timeout_ms);
void client_job_free(struct client_job *job);

#endif /* HTTPAPI_TEST_CLIENT_H */
