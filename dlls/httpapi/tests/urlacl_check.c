/*
 * URL reservations at registration time: HttpAddUrl checks the caller's
 * token as http.sys does.  Administrators may register anything; a token
 * that is not an administrator's needs a reservation covering the prefix
 * that grants it GENERIC_EXECUTE (SDDL GX or GA).
 *
 * Usage: urlacl_check.exe PORT
 */
#include "test.h"
#include <http.h>
#include <sddl.h>
#include "httpapi_ext.h"

static HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1;
static unsigned port;
static HANDLE queue, restricted;

static void url_host(WCHAR *out, const char *host, const char *path)
{
    char narrow[256];
    snprintf(narrow, sizeof(narrow), "http://%s:%u%s", host, port, path);
    MultiByteToWideChar(CP_ACP, 0, narrow, -1, out, 256);
}

static void url(WCHAR *out, const char *path)
{
    url_host(out, "+", path);
}

static ULONG reserve(const char *path, const WCHAR *sddl)
{
    HTTP_SERVICE_CONFIG_URLACL_SET set;
    WCHAR u[256];

    url(u, path);
    set.KeyDesc.pUrlPrefix = u;
    set.ParamDesc.pStringSecurityDescriptor = (WCHAR *)sddl;
    return HttpSetServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof(set), NULL);
}

static void unreserve(const char *path)
{
    HTTP_SERVICE_CONFIG_URLACL_SET set;
    WCHAR u[256];

    url(u, path);
    memset(&set, 0, sizeof(set));
    set.KeyDesc.pUrlPrefix = u;
    HttpDeleteServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof(set), NULL);
}

/* Registers as the restricted (non-administrator) token. */
static ULONG add_as_user(const char *path)
{
    WCHAR u[256];
    ULONG ret;

    url(u, path);
    if (!SetThreadToken(NULL, restricted)) return 0xdeadbeef;
    ret = HttpAddUrl(queue, u, NULL);
    RevertToSelf();
    if (!ret) HttpRemoveUrl(queue, u);
    return ret;
}

static BOOL make_restricted_token(void)
{
    SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
    SID_AND_ATTRIBUTES disable;
    HANDLE token, imp;
    PSID admins;
    BOOL ok;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &token)) return FALSE;
    AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0, &admins);
    disable.Sid = admins;
    disable.Attributes = 0;
    ok = CreateRestrictedToken(token, 0, 1, &disable, 0, NULL, 0, NULL, &imp);
    CloseHandle(token);
    if (ok)
    {
        ok = DuplicateToken(imp, SecurityImpersonation, &restricted);
        CloseHandle(imp);
    }
    FreeSid(admins);
    return ok;
}

int main(int argc, char **argv)
{
    WCHAR u[256];
    ULONG ret;

    test_init("urlacl_check");
    port = argc > 1 ? atoi(argv[1]) : 18123;
    ok(!HttpInitialize(v1, HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL), "HttpInitialize\n");
    ok(!HttpCreateHttpHandle(&queue, 0), "HttpCreateHttpHandle\n");
    unreserve("/acl/");
    unreserve("/w/");
    if (!make_restricted_token())
    {
        skip("this Wine cannot make a restricted token (%lu)\n", GetLastError());
        return test_report();
    }

    url(u, "/admin/");
    ret = HttpAddUrl(queue, u, NULL);
    ok(ret == NO_ERROR, "an administrator registers without a reservation: expected NO_ERROR, got %lu\n", ret);
    HttpRemoveUrl(queue, u);

    ret = add_as_user("/acl/");
    ok(ret == ERROR_ACCESS_DENIED, "no reservation, not an administrator: expected ERROR_ACCESS_DENIED (5), got %lu\n", ret);

    ok(!reserve("/acl/", L"D:(A;;GX;;;WD)"), "reserve /acl/ for Everyone (GX)\n");
    ret = add_as_user("/acl/");
    ok(ret == NO_ERROR, "the reserved prefix itself: expected NO_ERROR, got %lu\n", ret);
    ret = add_as_user("/acl/sub/");
    ok(ret == NO_ERROR, "a prefix under the reservation: expected NO_ERROR, got %lu\n", ret);
    ret = add_as_user("/aclx/");
    ok(ret == ERROR_ACCESS_DENIED, "a sibling that only starts alike: expected ERROR_ACCESS_DENIED (5), got %lu\n", ret);
    url_host(u, "localhost", "/acl/");
    if (SetThreadToken(NULL, restricted))
    {
        ret = HttpAddUrl(queue, u, NULL);
        RevertToSelf();
        if (!ret) HttpRemoveUrl(queue, u);
        ok(ret == ERROR_ACCESS_DENIED, "another host category is not covered by a + reservation: expected ERROR_ACCESS_DENIED (5), got %lu\n", ret);
    }

    ok(!reserve("/w/", L"D:(A;;GW;;;WD)"), "reserve /w/ for delegation only (GW)\n");
    ret = add_as_user("/w/");
    ok(ret == ERROR_ACCESS_DENIED, "GW does not allow registering: expected ERROR_ACCESS_DENIED (5), got %lu\n", ret);
    unreserve("/w/");
    ok(!reserve("/w/", L"D:(A;;GA;;;WD)"), "reserve /w/ with GA\n");
    ret = add_as_user("/w/");
    ok(ret == NO_ERROR, "GA allows registering: expected NO_ERROR, got %lu\n", ret);

    /* a reservation that names another user grants this one nothing */
    unreserve("/acl/");
    ok(!reserve("/acl/", L"D:(A;;GX;;;S-1-5-21-1-2-3-4242)"), "reserve /acl/ for someone else\n");
    ret = add_as_user("/acl/");
    ok(ret == ERROR_ACCESS_DENIED, "a reservation for another user: expected ERROR_ACCESS_DENIED (5), got %lu\n", ret);

    unreserve("/acl/");
    unreserve("/w/");
    CloseHandle(queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL);
    return test_report();
}
