/*
 * The HTTP Server API 2.0 object model inside httpapi.dll: server sessions,
 * URL groups and the request queues HttpCreateRequestQueue made.
 *
 * Sessions and groups are bookkeeping of this process: what the engine sees
 * of them is a group's URLs, registered on the queue the group is bound to
 * (HttpServerBindingProperty) with each URL's context, through the same
 * IOCTL as HttpAddUrl.  v2objects.c keeps the objects, v2props.c their
 * properties; one lock guards both.
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

/* Properties of a server session or a URL group: validated and kept now,
 * applied by the engine later.  A property never set (or set without
 * Flags.Present) reads back with Present clear and the defaults. */
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
    struct hs_prefix prefix;    /* parsed: what duplicates are compared on */
    HTTP_URL_CONTEXT context;
    BOOL registered;            /* on the bound queue, in the engine */
};

struct v2_session;

struct v2_group
{
    struct v2_group *next;
    HTTP_URL_GROUP_ID id;
    struct v2_session *session;
    struct v2_queue *queue;     /* HttpServerBindingProperty; NULL: not bound */
    HANDLE delegate;            /* HttpServerDelegationProperty (kept for delegation, later) */
    struct v2_url *urls;
    struct server_props props;
};

struct v2_session
{
    struct v2_session *next;
    HTTP_SERVER_SESSION_ID id;
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

void server_props_init(struct server_props *props);
void server_props_free(struct server_props *props);

#endif
