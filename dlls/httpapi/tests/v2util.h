/*
 * Helpers of the tests of the HTTP Server API 2.0 objects: a server session, a URL group and a
 * request queue each checked as it is made (one ok()), and binding a group to a queue.
 */

#ifndef HTTPAPI_TEST_V2UTIL_H
#define HTTPAPI_TEST_V2UTIL_H

#include "util.h"

/* HttpCreateRequestQueue's flags, which MinGW's http.h lacks */
#ifndef HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING
#define HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING 0x1
#define HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER    0x2
#endif
#ifndef HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION
#define HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION    0x8
#endif

static const HTTPAPI_VERSION version2 = HTTPAPI_VERSION_2;

static TEST_UNUSED HTTP_SERVER_SESSION_ID new_session(void)
{
    HTTP_SERVER_SESSION_ID id = 0;
    ULONG ret = HttpCreateServerSession(version2, &id, 0);
    ok(ret == NO_ERROR, "HttpCreateServerSession: expected NO_ERROR, got %lu\n", ret);
    return id;
}

static TEST_UNUSED HTTP_URL_GROUP_ID new_group(HTTP_SERVER_SESSION_ID session)
{
    HTTP_URL_GROUP_ID id = 0;
    ULONG ret = HttpCreateUrlGroup(session, &id, 0);
    ok(ret == NO_ERROR, "HttpCreateUrlGroup: expected NO_ERROR, got %lu\n", ret);
    return id;
}

static TEST_UNUSED HANDLE new_queue(void)
{
    HANDLE queue = NULL;
    ULONG ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, &queue);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue: expected NO_ERROR, got %lu\n", ret);
    return queue;
}

/* HttpServerBindingProperty: binds the group to queue, or unbinds it (queue NULL). */
static TEST_UNUSED ULONG set_binding(HTTP_URL_GROUP_ID group, HANDLE queue)
{
    HTTP_BINDING_INFO binding;

    memset(&binding, 0, sizeof(binding));
    binding.Flags.Present = queue != NULL;
    binding.RequestQueueHandle = queue;
    return HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding));
}

#endif /* HTTPAPI_TEST_V2UTIL_H */
