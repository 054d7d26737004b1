/*
 * The HTTP Server API 2.0 object model inside httpapi.dll: server sessions,
 * URL groups and the request queues HttpCreateRequestQueue made.
 *
 * A server session is a file on the driver's device, and the engine keeps
 * its URL groups under it: a group's URLs (with their contexts) from the
 * moment they are added, its binding to a queue, and the properties that
 * act on traffic.  This process keeps what the calls must answer from:
 * the objects, their URLs, every property as it was set.  v2objects.c keeps
 * the objects, v2props.c their properties; one lock guards both.
 */
#ifndef HTTPAPI_V2OBJECTS_H
#define HTTPAPI_V2OBJECTS_H

#include "httpapi_private.h"
#include "urlprefix.h"

/* Constants http.h has and MinGW's copy lacks. */
#ifndef HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING
#define HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING 0x1
#define HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER    0x2
#endif
#ifndef HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION
#define HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION    0x8
#endif
#ifndef HTTP_URL_FLAG_REMOVE_ALL
#define HTTP_URL_FLAG_REMOVE_ALL 0x1
#endif
#ifndef HTTP_LIMIT_INFINITE
#define HTTP_LIMIT_INFINITE ((ULONG)-1)
#endif
#define HTTP_SERVER_DELEGATION_PROPERTY 16   /* HttpServerDelegationProperty */

/* Properties of a server session or a URL group, as set: a property never
 * set (or set without Flags.Present) reads back with Present clear and the
 * defaults. */
struct server_props
{
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    HTTP_STATE_INFO state;
    HTTP_BANDWIDTH_LIMIT_INFO bandwidth;
    HTTP_CONNECTION_LIMIT_INFO connections;
    HTTP_FLOWRATE_INFO flowrate;
    HTTP_LISTEN_ENDPOINT_INFO listen;
    /* self-contained copies (pointers into the same block); NULL: not set */
    HTTP_SERVER_AUTHENTICATION_INFO *auth, *ext_auth;
    HTTP_LOGGING_INFO *logging;
    HTTP_CHANNEL_BIND_INFO *channel_bind;
};

struct v2_queue
{
    struct v2_queue *next;
    HANDLE handle;
    uint64_t queue_id;          /* the engine's: notices a handle value reused after a bare CloseHandle */
    BOOL opened;                /* HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING: another process created it */
    BOOL shut_down;
    ULONG queue_length;
    HTTP_503_RESPONSE_VERBOSITY verbosity;
    HTTP_ENABLED_STATE state;
};

struct v2_url
{
    struct v2_url *next;
    WCHAR *url;                 /* as the caller wrote it: what the IOCTL carries */
    struct hs_prefix prefix;    /* parsed: what removal compares */
    HTTP_URL_CONTEXT context;
};

struct v2_session;

struct v2_group
{
    struct v2_group *next;
    HTTP_URL_GROUP_ID id;
    struct v2_session *session;
    struct v2_queue *queue;     /* HttpServerBindingProperty; NULL: not bound (nor in the engine
                                   while the queue is shut down) */
    HANDLE delegate;            /* HttpServerDelegationProperty (kept for delegation, later) */
    struct v2_url *urls;
    struct server_props props;
};

struct v2_session
{
    struct v2_session *next;
    HTTP_SERVER_SESSION_ID id;
    HANDLE handle;              /* its file on the device: the engine's session */
    struct server_props props;
};

void v2_lock(void);
void v2_unlock(void);
/* These three expect the lock held. */
struct v2_session *v2_find_session(HTTP_SERVER_SESSION_ID id);
struct v2_group *v2_find_group(HTTP_URL_GROUP_ID id);
struct v2_queue *v2_find_queue(HANDLE handle);
/* HttpServerBindingProperty: binds (queue != NULL) or unbinds the group. */
ULONG v2_bind_group(struct v2_group *group, struct v2_queue *queue);
/* A property the engine applies, on the session (group NULL) or a group. */
ULONG v2_apply_property(struct v2_session *session, struct v2_group *group, ULONG property, BOOL present,
                        ULONG value, const void *data, ULONG data_len);
/* HttpServerLoggingProperty, validated: W3C logging on (made) or off (v2log.c). */
ULONG v2_apply_logging(struct v2_session *session, struct v2_group *group, const HTTP_LOGGING_INFO *info);

void server_props_init(struct server_props *props);
void server_props_free(struct server_props *props);

#endif
