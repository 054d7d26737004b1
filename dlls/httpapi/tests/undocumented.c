/*
 * The exports no documentation describes: HttpGetExtension, HttpControlService, HttpGetCounters,
 * HttpEvaluateRequest and HttpDelegateRequest (README, "Undocumented exports": with nothing
 * published about them, they follow the conventions every httpapi function documents).  They are looked
 * up by name, as no header declares most of them.
 *
 * Usage: undocumented.exe PORT (the port is not used).
 */
#include "test.h"
#include <http.h>

#define SOME_EXTENSION 1000   /* any number: none is documented, and none exists here */

typedef ULONG (WINAPI *get_extension_fn)(HTTPAPI_VERSION, ULONG, void *, ULONG);
typedef ULONG (WINAPI *control_service_fn)(void *, ULONG, void *, ULONG, ULONG *);
typedef ULONG (WINAPI *get_counters_fn)(void *, ULONG, void *, ULONG, void *);
typedef ULONG (WINAPI *evaluate_request_fn)(void *, void *, void *);
typedef ULONG (WINAPI *delegate_request_fn)(void *, void *, ULONGLONG, ULONGLONG, ULONG, void *);

static get_extension_fn get_extension;
static control_service_fn control_service;
static get_counters_fn get_counters;
static evaluate_request_fn evaluate_request;
static delegate_request_fn delegate_request;

static const HTTPAPI_VERSION version1 = HTTPAPI_VERSION_1, version2 = HTTPAPI_VERSION_2;

static ULONG init(ULONG flags)
{
    ULONG ret = HttpInitialize(version1, flags, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(1.0, %#lx): expected NO_ERROR, got %lu\n", flags, ret);
    return ret;
}

static void terminate(ULONG flags)
{
    ULONG ret = HttpTerminate(flags, NULL);
    ok(ret == NO_ERROR, "HttpTerminate(%#lx): expected NO_ERROR, got %lu\n", flags, ret);
}

/* Neither the version nor the arguments are looked at before the initialization. */
static void test_extension_uninitialized(const char *when)
{
    const HTTPAPI_VERSION none = { 0, 0 };
    void *table = NULL;
    ULONG ret;

    ret = get_extension(version2, SOME_EXTENSION, &table, sizeof(table));
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpGetExtension(1000) %s: expected ERROR_DLL_INIT_FAILED (1114), got %lu\n",
       when, ret);
    ret = get_extension(none, 0, NULL, 0);
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpGetExtension(0.0, 0, NULL, 0) %s: expected ERROR_DLL_INIT_FAILED (1114), "
       "got %lu\n", when, ret);
}

static void test_extension_initialized(const char *when)
{
    const HTTPAPI_VERSION odd = { 9, 9 };
    void *table = (void *)0xdeadbeef;
    ULONG ret;

    ret = get_extension(version2, 0, &table, sizeof(table));
    ok(ret == ERROR_INVALID_PARAMETER, "HttpGetExtension(0) %s: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
       when, ret);
    ret = get_extension(version2, 1, &table, sizeof(table));
    ok(ret == ERROR_INVALID_PARAMETER, "HttpGetExtension(1) %s: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
       when, ret);
    ret = get_extension(version2, SOME_EXTENSION, NULL, sizeof(table));
    ok(ret == ERROR_INVALID_PARAMETER, "HttpGetExtension(1000, NULL buffer) %s: expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", when, ret);
    ret = get_extension(version2, SOME_EXTENSION, &table, sizeof(table) - 1);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpGetExtension(1000, short buffer) %s: expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", when, ret);
    ret = get_extension(version2, SOME_EXTENSION, &table, sizeof(table) + 8);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpGetExtension(1000, long buffer) %s: expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", when, ret);
    /* the version is only traced: not ERROR_REVISION_MISMATCH */
    ret = get_extension(odd, 0, &table, sizeof(table));
    ok(ret == ERROR_INVALID_PARAMETER, "HttpGetExtension(version 9.9) %s: expected ERROR_INVALID_PARAMETER (87), "
       "got %lu\n", when, ret);
    ok(table == (void *)0xdeadbeef, "HttpGetExtension %s: a refused call leaves the buffer alone\n", when);
}

/* An extension asked for the way a caller would (version 2.0, a pointer-sized buffer): none
 * exists here, so the answer is ERROR_INVALID_PARAMETER and the buffer stays as it was. */
static void test_extension_http_client(void)
{
    void *table = (void *)0xdeadbeef;
    ULONG ret = get_extension(version2, SOME_EXTENSION, &table, sizeof(table));

    ok(ret == ERROR_INVALID_PARAMETER, "HttpGetExtension(2.0, 1000, pointer): expected ERROR_INVALID_PARAMETER (87) "
       "(no extension here), got %lu\n", ret);
    ok(table == (void *)0xdeadbeef, "HttpGetExtension(1000): the buffer is left alone\n");
}

/* expect: ERROR_DLL_INIT_FAILED without HTTP_INITIALIZE_CONFIG, ERROR_NOT_SUPPORTED with it */
static void test_control_service(ULONG expect, const char *when)
{
    char in[16] = { 0 }, out[64];
    ULONG bytes = 0xdeadbeef, ret;

    ret = control_service(in, sizeof(in), out, sizeof(out), &bytes);
    ok(ret == expect, "HttpControlService %s: expected %s, got %lu\n", when,
       expect == ERROR_DLL_INIT_FAILED ? "ERROR_DLL_INIT_FAILED (1114)" : "ERROR_NOT_SUPPORTED (50)", ret);
    ok(bytes == 0, "HttpControlService %s: expected *BytesReturned 0, got %lu\n", when, bytes);
    bytes = 0xdeadbeef;
    ret = control_service(NULL, 0, NULL, 0, &bytes);
    ok(ret == expect, "HttpControlService(no buffers) %s: expected %s, got %lu\n", when,
       expect == ERROR_DLL_INIT_FAILED ? "ERROR_DLL_INIT_FAILED (1114)" : "ERROR_NOT_SUPPORTED (50)", ret);
    ok(bytes == 0, "HttpControlService(no buffers) %s: expected *BytesReturned 0, got %lu\n", when, bytes);
    ret = control_service(in, sizeof(in), out, sizeof(out), NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpControlService(BytesReturned NULL) %s: expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", when, ret);
}

static void test_unpublished(const char *when)
{
    char buffer[256];
    ULONG size = sizeof(buffer), count = 0, ret;

    ret = get_counters(NULL, 1, buffer, size, &count);
    ok(ret == ERROR_NOT_SUPPORTED, "HttpGetCounters %s: expected ERROR_NOT_SUPPORTED (50), got %lu\n", when, ret);
    ret = get_counters(NULL, 0, NULL, 0, NULL);
    ok(ret == ERROR_NOT_SUPPORTED, "HttpGetCounters(zeros) %s: expected ERROR_NOT_SUPPORTED (50), got %lu\n", when, ret);
    ret = evaluate_request(NULL, NULL, NULL);
    ok(ret == ERROR_NOT_SUPPORTED, "HttpEvaluateRequest %s: expected ERROR_NOT_SUPPORTED (50), got %lu\n", when, ret);
    ret = evaluate_request(buffer, buffer, buffer);
    ok(ret == ERROR_NOT_SUPPORTED, "HttpEvaluateRequest(buffers) %s: expected ERROR_NOT_SUPPORTED (50), got %lu\n",
       when, ret);
    ret = delegate_request(NULL, NULL, 0, 0, 0, NULL);
    ok(ret == ERROR_NOT_SUPPORTED, "HttpDelegateRequest %s: expected ERROR_NOT_SUPPORTED (50), got %lu\n", when, ret);
    ret = delegate_request(INVALID_HANDLE_VALUE, INVALID_HANDLE_VALUE, 1, 1, 0, NULL);
    ok(ret == ERROR_NOT_SUPPORTED, "HttpDelegateRequest(ids) %s: expected ERROR_NOT_SUPPORTED (50), got %lu\n",
       when, ret);
}

int main(int argc, char **argv)
{
    HMODULE dll;

    (void)argc;
    (void)argv;
    test_init("undocumented");
    dll = GetModuleHandleA("httpapi.dll");
    get_extension = (get_extension_fn)(void *)GetProcAddress(dll, "HttpGetExtension");
    control_service = (control_service_fn)(void *)GetProcAddress(dll, "HttpControlService");
    get_counters = (get_counters_fn)(void *)GetProcAddress(dll, "HttpGetCounters");
    evaluate_request = (evaluate_request_fn)(void *)GetProcAddress(dll, "HttpEvaluateRequest");
    delegate_request = (delegate_request_fn)(void *)GetProcAddress(dll, "HttpDelegateRequest");
    ok(get_extension && control_service && get_counters && evaluate_request && delegate_request,
       "the five exports exist\n");
    if (!get_extension || !control_service || !get_counters || !evaluate_request || !delegate_request)
        return test_report();

    test_extension_uninitialized("before HttpInitialize");
    test_control_service(ERROR_DLL_INIT_FAILED, "before HttpInitialize");
    test_unpublished("before HttpInitialize");

    if (init(HTTP_INITIALIZE_SERVER)) return test_report();
    test_extension_initialized("after HTTP_INITIALIZE_SERVER");
    test_extension_http_client();
    /* the configuration channel comes with HTTP_INITIALIZE_CONFIG only */
    test_control_service(ERROR_DLL_INIT_FAILED, "after HTTP_INITIALIZE_SERVER only");
    test_unpublished("after HttpInitialize");

    if (init(HTTP_INITIALIZE_CONFIG)) return test_report();
    test_control_service(ERROR_NOT_SUPPORTED, "after HTTP_INITIALIZE_CONFIG");
    terminate(HTTP_INITIALIZE_SERVER);
    /* any initialization will do for HttpGetExtension */
    test_extension_initialized("with HTTP_INITIALIZE_CONFIG only");
    terminate(HTTP_INITIALIZE_CONFIG);

    test_extension_uninitialized("after HttpTerminate");
    test_control_service(ERROR_DLL_INIT_FAILED, "after HttpTerminate");
    return test_report();
}
