/*
 * Every export of Windows' httpapi.dll exists (reference §1.0), and each
 * answers harmless arguments with a Win32 error a caller can handle, never
 * Wine's "unimplemented function" exception nor ERROR_CALL_NOT_IMPLEMENTED.
 *
 * Usage: exports.exe PORT (the port is not used).
 */
#include "test.h"
#include <http.h>

typedef ULONG (WINAPI *fn_any)(ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR,
                               ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR);

static const char *const exports[] =
{
    "HttpAddFragmentToCache", "HttpAddUrl", "HttpAddUrlToUrlGroup", "HttpCancelHttpRequest",
    "HttpCloseRequestQueue", "HttpCloseServerSession", "HttpCloseUrlGroup", "HttpControlService",
    "HttpCreateHttpHandle", "HttpCreateRequestQueue", "HttpCreateServerSession", "HttpCreateUrlGroup",
    "HttpDeclarePush", "HttpDelegateRequest", "HttpDelegateRequestEx", "HttpDeleteServiceConfiguration",
    "HttpEvaluateRequest", "HttpFindUrlGroupId", "HttpFlushResponseCache", "HttpGetCounters",
    "HttpGetExtension", "HttpInitialize", "HttpPrepareUrl", "HttpQueryRequestProperty",
    "HttpQueryRequestQueueProperty", "HttpQueryServerSessionProperty",
    "HttpQueryUrlGroupProperty", "HttpReadFragmentFromCache", "HttpReceiveClientCertificate",
    "HttpReceiveHttpRequest", "HttpReceiveRequestEntityBody", "HttpRemoveUrl", "HttpRemoveUrlFromUrlGroup",
    "HttpSendHttpResponse", "HttpSendResponseEntityBody", "HttpSetRequestQueueProperty",
    "HttpSetServerSessionProperty", "HttpSetServiceConfiguration", "HttpSetUrlGroupProperty",
    "HttpShutdownRequestQueue", "HttpTerminate", "HttpUpdateServiceConfiguration", "HttpWaitForDemandStart",
    "HttpWaitForDisconnect", "HttpWaitForDisconnectEx",
    /* later Windows 10 builds */
    "HttpIsFeatureSupported", "HttpSetRequestProperty",
};

/* The undocumented exports answer as undocumented.c tests: with zero arguments (and no
 * HttpInitialize in this program) none of them gives ERROR_CALL_NOT_IMPLEMENTED. */
static const struct { const char *name; ULONG expect; const char *expect_name; } undocumented[] =
{
    { "HttpGetExtension", ERROR_DLL_INIT_FAILED, "ERROR_DLL_INIT_FAILED (1114)" },
    { "HttpControlService", ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER (87)" },   /* BytesReturned NULL */
    { "HttpGetCounters", ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED (50)" },
    { "HttpEvaluateRequest", ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED (50)" },
    { "HttpDelegateRequest", ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED (50)" },
};

/* The v2 object model is implemented (v2_objects.c tests it): the same harmless arguments are
 * refused as arguments now, not as a call that does not exist yet. */
static const struct { const char *name; ULONG expect; } v2_done[] =
{
    { "HttpAddUrlToUrlGroup", ERROR_INVALID_PARAMETER },
    { "HttpCloseServerSession", ERROR_INVALID_PARAMETER },
    { "HttpCloseUrlGroup", ERROR_INVALID_PARAMETER },
    { "HttpCreateRequestQueue", ERROR_REVISION_MISMATCH },   /* version 0.0 */
    { "HttpCreateServerSession", ERROR_INVALID_PARAMETER },
    { "HttpCreateUrlGroup", ERROR_INVALID_PARAMETER },
    { "HttpQueryRequestQueueProperty", ERROR_INVALID_PARAMETER },
    { "HttpQueryServerSessionProperty", ERROR_INVALID_PARAMETER },
    { "HttpQueryUrlGroupProperty", ERROR_INVALID_PARAMETER },
    { "HttpRemoveUrlFromUrlGroup", ERROR_INVALID_PARAMETER },
    { "HttpSetRequestQueueProperty", ERROR_INVALID_PARAMETER },
    { "HttpSetServerSessionProperty", ERROR_INVALID_PARAMETER },
    { "HttpSetUrlGroupProperty", ERROR_INVALID_PARAMETER },
    { "HttpShutdownRequestQueue", ERROR_INVALID_PARAMETER },
    { "HttpWaitForDemandStart", ERROR_INVALID_PARAMETER },
    { "HttpPrepareUrl", ERROR_INVALID_PARAMETER },
    { "HttpQueryRequestProperty", ERROR_INVALID_HANDLE },
    { "HttpSetRequestProperty", ERROR_INVALID_PARAMETER },
    { "HttpDeclarePush", ERROR_INVALID_PARAMETER },
    { "HttpFindUrlGroupId", ERROR_INVALID_PARAMETER },
    { "HttpDelegateRequestEx", ERROR_CONNECTION_INVALID },   /* request id 0 */
};

/* The kernel cache is implemented (cache.c tests it): no URL is no call. */
static const char *const cache_done[] =
{
    "HttpAddFragmentToCache", "HttpFlushResponseCache", "HttpReadFragmentFromCache",
};

int main(int argc, char **argv)
{
    HMODULE dll;
    unsigned i;

    test_init("exports");
    dll = LoadLibraryA("httpapi.dll");
    ok(dll != NULL, "LoadLibrary(httpapi.dll): expected a module, got error %lu\n", GetLastError());
    if (!dll) return test_report();
    for (i = 0; i < sizeof(exports) / sizeof(exports[0]); i++)
        ok(GetProcAddress(dll, exports[i]) != NULL, "%s is exported\n", exports[i]);
    for (i = 0; i < sizeof(v2_done) / sizeof(v2_done[0]); i++)
    {
        fn_any fn = (fn_any)(void *)GetProcAddress(dll, v2_done[i].name);
        ULONG ret;
        if (!fn) continue;
        ret = fn(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        ok(ret == v2_done[i].expect, "%s with zero arguments: expected %s, got %lu\n", v2_done[i].name,
           v2_done[i].expect == ERROR_REVISION_MISMATCH ? "ERROR_REVISION_MISMATCH (1306)" :
           v2_done[i].expect == ERROR_INVALID_HANDLE ? "ERROR_INVALID_HANDLE (6)" :
           v2_done[i].expect == ERROR_CONNECTION_INVALID ? "ERROR_CONNECTION_INVALID (1229)" : "ERROR_INVALID_PARAMETER (87)", ret);
    }
    for (i = 0; i < sizeof(cache_done) / sizeof(cache_done[0]); i++)
    {
        fn_any fn = (fn_any)(void *)GetProcAddress(dll, cache_done[i]);
        ULONG ret;
        if (!fn) continue;
        ret = fn(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        ok(ret == ERROR_INVALID_PARAMETER, "%s with zero arguments: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
           cache_done[i], ret);
    }
    for (i = 0; i < sizeof(undocumented) / sizeof(undocumented[0]); i++)
    {
        fn_any fn = (fn_any)(void *)GetProcAddress(dll, undocumented[i].name);
        ULONG ret;
        if (!fn) continue;
        ret = fn(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        ok(ret == undocumented[i].expect, "%s with zero arguments: expected %s, got %lu\n", undocumented[i].name,
           undocumented[i].expect_name, ret);
    }
    {
        BOOL (WINAPI *is_supported)(ULONG) = (void *)GetProcAddress(dll, "HttpIsFeatureSupported");
        ULONG f;
        /* delegation, the TLS session flags, the cached ClientHello, the idle-timeout and DSCP request
         * properties and the cipher-info query are there; the rest is not */
        for (f = 0; is_supported && f <= 17; f++)
        {
            BOOL expect = f == 3 || f == 5 || f == 6 || f == 11 || f == 12 || f == 14 || f == 15;
            ok(is_supported(f) == expect, "HttpIsFeatureSupported(%lu): expected %s\n", f, expect ? "TRUE" : "FALSE");
        }
    }
    {
        ULONG (WINAPI *client_cert)(HANDLE, HTTP_CONNECTION_ID, ULONG, void *, ULONG, ULONG *, OVERLAPPED *) =
            (void *)GetProcAddress(dll, "HttpReceiveClientCertificate");
        char info[256];
        ULONG bytes;
        ok(client_cert(NULL, 1, 0, NULL, 0, &bytes, NULL) == ERROR_INVALID_PARAMETER,
           "HttpReceiveClientCertificate without a buffer: expected ERROR_INVALID_PARAMETER (87)\n");
        ok(client_cert(NULL, 1, 0, info, sizeof(info), &bytes, NULL) == ERROR_INVALID_HANDLE,
           "HttpReceiveClientCertificate without a queue: expected ERROR_INVALID_HANDLE (6)\n");
    }
    return test_report();
}
