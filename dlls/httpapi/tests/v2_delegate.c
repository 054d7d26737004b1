/*
 * Request delegation as ASP.NET Core's HttpSys server drives it: the receiver's named queue with a
 * URL group; the delegator opens that queue (OPEN_EXISTING | DELEGATION), finds the receiver's
 * group with HttpFindUrlGroupId, and hands a request it received to it with HttpDelegateRequestEx
 * and DelegateRequestDelegateUrlProperty.  The receiver gets the request, body and all, with its
 * own UrlContext; the delegator's calls on it fail from then on.
 *
 * Usage: v2_delegate.exe PORT
 *
 * Written from Microsoft's documentation of HttpFindUrlGroupId, HttpDelegateRequestEx and
 * HTTP_DELEGATE_REQUEST_PROPERTY_INFO, and from how ASP.NET Core calls them
 * (shared/reference/httpapi.md §1.2).
 */

#include "v2util.h"

typedef struct
{
    ULONG PropertyId;
    ULONG PropertyInfoLength;
    void *PropertyInfo;
} delegate_property;   /* HTTP_DELEGATE_REQUEST_PROPERTY_INFO */
#define DELEGATE_URL_PROPERTY 1
#define HTTP_SERVER_DELEGATION_PROPERTY 16   /* HttpServerDelegationProperty */

typedef ULONG (WINAPI *find_group_fn)(const WCHAR *, HANDLE, HTTP_URL_GROUP_ID *);
typedef ULONG (WINAPI *delegate_fn)(HANDLE, HANDLE, HTTP_REQUEST_ID, HTTP_URL_GROUP_ID, ULONG, void *);

static USHORT port;
static find_group_fn find_group;
static delegate_fn delegate_request;
static HTTP_SERVER_SESSION_ID session;

static HTTP_URL_GROUP_ID group_on(HANDLE queue, const WCHAR *url, HTTP_URL_CONTEXT context)
{
    HTTP_URL_GROUP_ID group = new_group(session);
    ULONG ret;

    ret = HttpAddUrlToUrlGroup(group, url, context, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(%ls): expected NO_ERROR, got %lu\n", url, ret);
    ret = set_binding(group, queue);
    ok(ret == NO_ERROR, "HttpSetUrlGroupProperty(Binding): expected NO_ERROR, got %lu\n", ret);
    return group;
}

/* A client POSTs body to path; the delegator's queue receives it (headers only). */
static HTTP_REQUEST_ID take(HANDLE queue, struct client *c, const char *path, const char *body, HTTP_REQUEST_V1 *req)
{
    char text[512];
    ULONG ret, bytes;

    if (!client_connect(c, AF_INET, port)) return 0;
    snprintf(text, sizeof(text), "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Length: %u\r\n\r\n%s", path, port,
             (unsigned)strlen(body), body);
    client_send_str(c, text);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "the delegator receives %s: expected NO_ERROR, got %lu\n", path, ret);
    return ret ? 0 : req->RequestId;
}

static ULONG delegate_to(HANDLE src, HANDLE dst, HTTP_REQUEST_ID id, HTTP_URL_GROUP_ID group, const WCHAR *url)
{
    delegate_property prop;

    prop.PropertyId = DELEGATE_URL_PROPERTY;
    prop.PropertyInfoLength = lstrlenW(url) * sizeof(WCHAR);
    prop.PropertyInfo = (void *)url;
    return delegate_request(src, dst, id, group, 1, &prop);
}

/* HttpServerDelegationProperty on the delegator's own group names the queue
 * it delegates to (HTTP_BINDING_INFO), as ASP.NET Core sets it. */
static void test_delegation_property(HTTP_URL_GROUP_ID group, HANDLE target)
{
    HTTP_BINDING_INFO binding;
    ULONG ret;

    memset(&binding, 0, sizeof(binding));
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = target;
    ret = HttpSetUrlGroupProperty(group, HTTP_SERVER_DELEGATION_PROPERTY, &binding, sizeof(binding));
    ok(ret == NO_ERROR, "HttpSetUrlGroupProperty(Delegation, the opened queue): expected NO_ERROR, got %lu\n", ret);
    ret = HttpSetUrlGroupProperty(group, HTTP_SERVER_DELEGATION_PROPERTY, &binding, sizeof(binding) - 1);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSetUrlGroupProperty(Delegation, short): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetServerSessionProperty(session, HTTP_SERVER_DELEGATION_PROPERTY, &binding, sizeof(binding));
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSetServerSessionProperty(Delegation): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    binding.RequestQueueHandle = (HANDLE)(ULONG_PTR)0xdead0;
    ret = HttpSetUrlGroupProperty(group, HTTP_SERVER_DELEGATION_PROPERTY, &binding, sizeof(binding));
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSetUrlGroupProperty(Delegation, no queue): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    binding.Flags.Present = 0;
    binding.RequestQueueHandle = NULL;
    ret = HttpSetUrlGroupProperty(group, HTTP_SERVER_DELEGATION_PROPERTY, &binding, sizeof(binding));
    ok(ret == NO_ERROR, "HttpSetUrlGroupProperty(Delegation, none): expected NO_ERROR, got %lu\n", ret);
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = target;
    ret = HttpSetUrlGroupProperty(group, HTTP_SERVER_DELEGATION_PROPERTY, &binding, sizeof(binding));
    ok(ret == NO_ERROR, "HttpSetUrlGroupProperty(Delegation, again): expected NO_ERROR, got %lu\n", ret);
}

static void test_delegation(void)
{
    HTTP_REQUEST_V1 *req = alloc_request(), *got = alloc_request();
    HANDLE receiver = NULL, target = NULL, front = NULL, other = NULL;
    WCHAR name[64], back_url[128], front_url[128], other_url[128], missing[128];
    HTTP_URL_GROUP_ID back_group, front_group, found = 0;
    struct http_response resp;
    delegate_property bad;
    struct client c;
    HTTP_REQUEST_ID id;
    char body[64];
    ULONG ret, bytes;
    int status;

    wfmt(name, 64, "v2_delegate-%lu", GetCurrentProcessId());
    wfmt(back_url, 128, "http://+:%u/back/", port);
    wfmt(front_url, 128, "http://+:%u/front/", port);
    wfmt(other_url, 128, "http://+:%u/other/", port);
    wfmt(missing, 128, "http://+:%u/missing/", port);

    /* the receiver: a named queue and its group */
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &receiver);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(receiver): expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done;
    back_group = group_on(receiver, back_url, 42);
    ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, &other);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(other): expected NO_ERROR, got %lu\n", ret);
    group_on(other, other_url, 7);

    /* the delegator: its own queue, and the receiver's opened for delegation */
    ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, &front);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(front): expected NO_ERROR, got %lu\n", ret);
    front_group = group_on(front, front_url, 1);
    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING |
                                 HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION, &target);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(OPEN_EXISTING|DELEGATION): expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done;
    test_delegation_property(front_group, target);

    /* HttpFindUrlGroupId */
    ret = find_group(back_url, target, &found);
    ok(ret == NO_ERROR, "HttpFindUrlGroupId(the receiver's URL): expected NO_ERROR, got %lu\n", ret);
    ok(found == back_group, "HttpFindUrlGroupId: expected the receiver's group %#llx, got %#llx\n",
       (unsigned long long)back_group, (unsigned long long)found);
    ret = find_group(other_url, target, &found);
    ok(ret == ERROR_NOT_FOUND, "HttpFindUrlGroupId(a URL of a group bound elsewhere): expected ERROR_NOT_FOUND (1168), got %lu\n", ret);
    ret = find_group(missing, target, &found);
    ok(ret == ERROR_NOT_FOUND, "HttpFindUrlGroupId(a URL nobody registered): expected ERROR_NOT_FOUND (1168), got %lu\n", ret);
    ret = find_group(L"not a url", target, &found);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpFindUrlGroupId(not a URL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = find_group(NULL, target, &found);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpFindUrlGroupId(NULL URL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = find_group(back_url, target, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpFindUrlGroupId(NULL id): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = find_group(back_url, NULL, &found);
    ok(ret == ERROR_INVALID_HANDLE, "HttpFindUrlGroupId(no queue): expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);

    /* a request that arrives at the front goes to the receiver, body and all */
    if (!(id = take(front, &c, "/front/a?q=1", "hello body", req))) goto done;
    ret = delegate_to(front, target, id, back_group, back_url);
    ok(ret == NO_ERROR, "HttpDelegateRequestEx: expected NO_ERROR, got %lu\n", ret);
    ret = receive_request(receiver, HTTP_NULL_ID, 0, got, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "the receiver gets the delegated request: expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        ok(got->UrlContext == 42, "the delegated request's UrlContext: expected the receiver's 42, got %llu\n",
           (unsigned long long)got->UrlContext);
        ok(bytes_eq(got->pRawUrl, got->RawUrlLength, "/front/a?q=1"), "the delegated request's RawUrl: expected /front/a?q=1, got %s\n",
           dbgstr(got->pRawUrl, got->RawUrlLength));
        ok(got->Verb == HttpVerbPOST, "the delegated request's verb: expected POST, got %d\n", got->Verb);
        ok(got->RequestId != id, "the delegated request has an id of its queue\n");
        ret = HttpReceiveRequestEntityBody(receiver, got->RequestId, HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER,
                                           body, sizeof(body), &bytes, NULL);
        ok((ret == NO_ERROR || ret == ERROR_HANDLE_EOF) && bytes == 10 && !memcmp(body, "hello body", 10),
           "the receiver reads the body: expected \"hello body\", got %lu, %lu bytes\n", ret, bytes);
        ret = respond_text(front, id, "from the front");
        ok(ret == ERROR_CONNECTION_INVALID, "the delegator answering a request it gave away: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
        ret = respond_text(receiver, got->RequestId, "from the receiver");
        ok(ret == NO_ERROR, "the receiver answers: expected NO_ERROR, got %lu\n", ret);
    }
    status = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(status == CLIENT_OK && resp.status == 200 && resp.body && !strcmp(resp.body, "from the receiver"),
       "the client: expected 200 \"from the receiver\"\n");
    response_free(&resp);
    client_close(&c);

    /* group 0: the service finds the group by the URL */
    if (!(id = take(front, &c, "/front/b", "x", req))) goto done;
    ret = delegate_to(front, target, id, 0, back_url);
    ok(ret == NO_ERROR, "HttpDelegateRequestEx(group 0): expected NO_ERROR, got %lu\n", ret);
    ret = receive_request(receiver, HTTP_NULL_ID, 0, got, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR && got->UrlContext == 42, "the receiver gets it with its context: got %lu\n", ret);
    if (!ret) respond_text(receiver, got->RequestId, "b");
    client_read_response(&c, &resp, FALSE, TIMEOUT);
    response_free(&resp);
    client_close(&c);

    /* what cannot be delegated */
    if (!(id = take(front, &c, "/front/c", "abcdef", req))) goto done;
    ret = delegate_request(front, target, 0, back_group, 0, NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "HttpDelegateRequestEx(request 0): expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    ret = delegate_to(front, target, id + 4096, back_group, back_url);
    ok(ret == ERROR_CONNECTION_INVALID, "HttpDelegateRequestEx(an unknown request): expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    ret = delegate_request(front, target, id, back_group, 1, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDelegateRequestEx(1 property, NULL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    bad.PropertyId = 9;
    bad.PropertyInfoLength = 4;
    bad.PropertyInfo = &bad;
    ret = delegate_request(front, target, id, back_group, 1, &bad);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDelegateRequestEx(property 9): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = delegate_to(front, target, id, back_group, missing);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDelegateRequestEx(a URL the group did not register): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = delegate_to(front, other, id, back_group, back_url);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDelegateRequestEx(a group bound to another queue): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = delegate_to(front, NULL, id, back_group, back_url);
    ok(ret == ERROR_INVALID_HANDLE, "HttpDelegateRequestEx(no target): expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);
    ret = HttpReceiveRequestEntityBody(front, id, 0, body, 2, &bytes, NULL);
    ok(ret == NO_ERROR, "the delegator reads some body: expected NO_ERROR, got %lu\n", ret);
    ret = delegate_to(front, target, id, back_group, back_url);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDelegateRequestEx after body was read: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = respond_text(front, id, "kept");
    ok(ret == NO_ERROR, "a request that could not be delegated stays the delegator's: expected NO_ERROR, got %lu\n", ret);
    status = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(status == CLIENT_OK && resp.body && !strcmp(resp.body, "kept"), "the client: expected \"kept\"\n");
    response_free(&resp);
    ret = delegate_to(front, target, id, back_group, back_url);
    ok(ret == ERROR_CONNECTION_INVALID, "HttpDelegateRequestEx after the response: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    client_close(&c);

done:
    if (target) HttpCloseRequestQueue(target);
    if (front) HttpCloseRequestQueue(front);
    if (other) HttpCloseRequestQueue(other);
    if (receiver) HttpCloseRequestQueue(receiver);
    free_request(req);
    free_request(got);
}

int main(int argc, char **argv)
{
    HMODULE dll;
    ULONG ret;

    test_startup("v2_delegate.c");
    port = test_port(argc, argv);
    dll = GetModuleHandleA("httpapi.dll");
    find_group = (find_group_fn)(void *)GetProcAddress(dll, "HttpFindUrlGroupId");
    delegate_request = (delegate_fn)(void *)GetProcAddress(dll, "HttpDelegateRequestEx");
    ok(find_group && delegate_request, "HttpFindUrlGroupId and HttpDelegateRequestEx are exported\n");
    if (!find_group || !delegate_request) return test_report();
    ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize: expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();
    ret = HttpCreateServerSession(version2, &session, 0);
    ok(ret == NO_ERROR, "HttpCreateServerSession: expected NO_ERROR, got %lu\n", ret);
    test_delegation();
    HttpCloseServerSession(session);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}
