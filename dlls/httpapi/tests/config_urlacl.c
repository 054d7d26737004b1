/*
 * Service configuration conformance tests: URL reservations (HttpServiceConfigUrlAclInfo).
 *
 * Usage: config_urlacl.exe PORT   (PORT only names the records: nothing is bound)
 *
 * Set takes HTTP_SERVICE_CONFIG_URLACL_SET {URL prefix, SDDL}; Query takes
 * HTTP_SERVICE_CONFIG_URLACL_QUERY (Exact by URL, or Next by dwToken) and returns the SET
 * structure with both strings in the same buffer; the store is the value named after the URL
 * under Parameters\UrlAclInfo, a REG_BINARY self-relative security descriptor.  Written from
 * shared/reference/httpapi.md §1.3, §2.1, §2.3, §3.1 and docs/configuration.md.
 *
 * Every URL is under port PORT with a path starting /httpapi_cfgtest; they are removed at the
 * start and at the end.
 */

#include "config_util.h"

#define URL_COUNT 5
enum { U1, U2, U3, UR, UX };
static WCHAR urls[URL_COUNT][128];

/* The descriptors the test reserves with; SDDL_R is written into the registry directly. */
static const WCHAR sddl1[] = L"D:(A;;GX;;;WD)";
static const WCHAR sddl2[] = L"D:(A;;GA;;;S-1-5-11)(A;;GX;;;S-1-5-21-1111-2222-3333-4444)";
static const WCHAR sddl3[] = L"D:(A;;GW;;;BU)";
static const WCHAR sddl_r[] = L"D:(A;;GX;;;LS)(A;;GA;;;BA)";
static const WCHAR *const sddls[URL_COUNT] = { sddl1, sddl2, sddl3, sddl_r, sddl1 };

static void init_urls(void)
{
    swprintf(urls[U1], 128, L"http://+:%u/httpapi_cfgtest/", cfg_port);
    swprintf(urls[U2], 128, L"https://*:%u/httpapi_cfgtest/sub/", cfg_port);
    swprintf(urls[U3], 128, L"http://localhost:%u/httpapi_cfgtest/", cfg_port);
    swprintf(urls[UR], 128, L"http://+:%u/httpapi_cfgtest_reg/", cfg_port);
    swprintf(urls[UX], 128, L"http://+:%u/httpapi_cfgtest_never/", cfg_port);
}

static ULONG acl_set(const WCHAR *url, const WCHAR *sddl)
{
    HTTP_SERVICE_CONFIG_URLACL_SET set;

    set.KeyDesc.pUrlPrefix = (WCHAR *)url;
    set.ParamDesc.pStringSecurityDescriptor = (WCHAR *)sddl;
    return cfg_set(HttpServiceConfigUrlAclInfo, &set, sizeof(set));
}

/* Delete names the record by its key alone (as netsh's "delete urlacl url=" does). */
static ULONG acl_delete(const WCHAR *url)
{
    HTTP_SERVICE_CONFIG_URLACL_SET set;

    set.KeyDesc.pUrlPrefix = (WCHAR *)url;
    set.ParamDesc.pStringSecurityDescriptor = NULL;
    return cfg_delete(HttpServiceConfigUrlAclInfo, &set, sizeof(set));
}

static ULONG acl_query_exact(const WCHAR *url, void *out, ULONG size, ULONG *len)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query;

    memset(&query, 0, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryExact;
    query.KeyDesc.pUrlPrefix = (WCHAR *)url;
    return cfg_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), out, size, len);
}

/* The SDDL a reservation has now; NULL if the query failed (its error in *ret). */
static BOOL acl_current(const WCHAR *url, WCHAR *sddl, DWORD count, ULONG *ret)
{
    HTTP_SERVICE_CONFIG_URLACL_SET *set = big_alloc();
    ULONG len = 0;

    sddl[0] = 0;
    *ret = acl_query_exact(url, set, BIG_BUFFER, &len);
    if (!*ret && set->ParamDesc.pStringSecurityDescriptor)
        lstrcpynW(sddl, set->ParamDesc.pStringSecurityDescriptor, count);
    big_free(set);
    return *ret == NO_ERROR;
}

static void cleanup(void)
{
    int i;

    for (i = 0; i < URL_COUNT; i++)
    {
        acl_delete(urls[i]);
        reg_remove_value(L"UrlAclInfo", urls[i]);
    }
}

/* The registry value of a reservation is a self-relative descriptor equal to the SDDL set. */
static void check_registry(const WCHAR *url, const WCHAR *sddl)
{
    BYTE data[1024];
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD type = 0, size = sizeof(data), revision;
    WCHAR text[512], expect[512];
    LONG ret;
    BOOL valid;

    ret = reg_get(L"UrlAclInfo", url, &type, data, &size);
    ok(ret == ERROR_SUCCESS && type == REG_BINARY, "registry value UrlAclInfo\\%s: expected REG_BINARY (3), got error %ld, "
       "type %lu\n", dbgw(url), ret, type);
    if (ret || type != REG_BINARY) return;

    valid = IsValidSecurityDescriptor(data) && GetSecurityDescriptorControl(data, &control, &revision);
    ok(valid && (control & SE_SELF_RELATIVE) && GetSecurityDescriptorLength(data) <= size,
       "registry value UrlAclInfo\\%s: expected a valid self-relative security descriptor, got %lu bytes, valid %d, "
       "control 0x%04x\n", dbgw(url), size, valid, control);
    if (!valid) return;
    sd_dacl_sddl(data, text, 512);
    canonical_sddl(sddl, expect, 512);
    ok(!wcscmp(text, expect), "registry value UrlAclInfo\\%s: expected the descriptor of %s, got %s\n", dbgw(url),
       dbgw(expect), dbgw(text));
}

static void test_set(void)
{
    WCHAR current[512];
    ULONG ret;

    ret = acl_set(urls[U1], sddl1);
    ok(ret == NO_ERROR, "Set of URL reservation %s %s: expected NO_ERROR, got %lu\n", dbgw(urls[U1]), dbgw(sddl1), ret);
    ret = acl_set(urls[U2], sddl2);
    ok(ret == NO_ERROR, "Set of URL reservation %s %s: expected NO_ERROR, got %lu\n", dbgw(urls[U2]), dbgw(sddl2), ret);
    ret = acl_set(urls[U3], sddl3);
    ok(ret == NO_ERROR, "Set of URL reservation %s %s: expected NO_ERROR, got %lu\n", dbgw(urls[U3]), dbgw(sddl3), ret);

    check_registry(urls[U1], sddl1);
    check_registry(urls[U2], sddl2);

    /* A second Set fails and leaves the first descriptor. */
    ret = acl_set(urls[U1], sddl3);
    ok(ret == ERROR_ALREADY_EXISTS, "Set of an existing URL reservation: expected ERROR_ALREADY_EXISTS (183), got %lu\n",
       ret);
    acl_current(urls[U1], current, 512, &ret);
    ok(ret == NO_ERROR && sddl_same(current, sddl1), "Query of %s after the failed second Set: expected NO_ERROR and the "
       "first descriptor %s, got %lu, %s\n", dbgw(urls[U1]), dbgw(sddl1), ret, dbgw(current));
}

static void test_query_exact(void)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query;
    HTTP_SERVICE_CONFIG_URLACL_SET *set;
    char what[256];
    ULONG size, ret, len;

    memset(&query, 0, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryExact;
    query.KeyDesc.pUrlPrefix = urls[U2];
    query.dwToken = 12345; /* ignored by an exact query */
    snprintf(what, sizeof(what), "URL reservation %s (Exact)", dbgw(urls[U2]));
    set = query_sized(HttpServiceConfigUrlAclInfo, &query, sizeof(query), what, &size);
    if (set)
    {
        ok(size >= sizeof(*set) && wstr_in(set, size, set->KeyDesc.pUrlPrefix, FALSE)
           && wstr_in(set, size, set->ParamDesc.pStringSecurityDescriptor, FALSE),
           "Query of %s: expected both strings inside the %lu-byte output, got %p and %p from %p\n", what, size,
           set->KeyDesc.pUrlPrefix, set->ParamDesc.pStringSecurityDescriptor, set);
        if (wstr_in(set, size, set->KeyDesc.pUrlPrefix, FALSE)
            && wstr_in(set, size, set->ParamDesc.pStringSecurityDescriptor, FALSE))
        {
            ok(!wcscmp(set->KeyDesc.pUrlPrefix, urls[U2]), "Query of %s: expected the URL back, got %s\n", what,
               dbgw(set->KeyDesc.pUrlPrefix));
            ok(sddl_same(set->ParamDesc.pStringSecurityDescriptor, sddl2), "Query of %s: expected the descriptor %s, "
               "got %s\n", what, dbgw(sddl2), dbgw(set->ParamDesc.pStringSecurityDescriptor));
        }
        HeapFree(GetProcessHeap(), 0, set);
    }

    set = big_alloc();
    ret = acl_query_exact(urls[UX], set, BIG_BUFFER, &len);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query (Exact) of a URL never reserved: expected ERROR_FILE_NOT_FOUND (2), got %lu\n",
       ret);

    ret = acl_query_exact(NULL, set, BIG_BUFFER, &len);
    ok(ret == ERROR_INVALID_PARAMETER, "Query (Exact) with pUrlPrefix NULL: expected ERROR_INVALID_PARAMETER (87), "
       "got %lu\n", ret);

    query.QueryDesc = HttpServiceConfigQueryMax;
    query.KeyDesc.pUrlPrefix = urls[U1];
    ret = cfg_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), set, BIG_BUFFER, &len);
    ok(ret == ERROR_INVALID_PARAMETER, "Query of a URL reservation with QueryDesc HttpServiceConfigQueryMax: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    ret = cfg_query(HttpServiceConfigUrlAclInfo, NULL, 0, set, BIG_BUFFER, &len);
    ok(ret == ERROR_INVALID_PARAMETER, "Query of a URL reservation with no query structure: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    big_free(set);
}

/* Enumeration: dwToken 0, 1, 2... until ERROR_NO_MORE_ITEMS; each reservation of the test once. */
static void test_query_next(BOOL after_delete)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query;
    HTTP_SERVICE_CONFIG_URLACL_SET *set;
    int seen[URL_COUNT] = { 0 }, i, bad = 0;
    ULONG ret = NO_ERROR, len, size, token;

    memset(&query, 0, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryNext;
    query.KeyDesc.pUrlPrefix = urls[UX]; /* ignored by a Next query */

    if (!after_delete)
    {
        /* The first record is read the documented way too. */
        query.dwToken = 0;
        set = query_sized(HttpServiceConfigUrlAclInfo, &query, sizeof(query), "URL reservation number 0 (Next)", &size);
        if (set)
        {
            ok(wstr_in(set, size, set->KeyDesc.pUrlPrefix, FALSE)
               && wstr_in(set, size, set->ParamDesc.pStringSecurityDescriptor, FALSE),
               "Query of URL reservation number 0: expected both strings inside the %lu-byte output\n", size);
            HeapFree(GetProcessHeap(), 0, set);
        }
    }

    set = big_alloc();
    for (token = 0; token < 100000; token++)
    {
        query.dwToken = token;
        len = 0;
        ret = cfg_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), set, BIG_BUFFER, &len);
        if (ret) break;
        if (!wstr_in(set, len, set->KeyDesc.pUrlPrefix, FALSE)
            || !wstr_in(set, len, set->ParamDesc.pStringSecurityDescriptor, FALSE))
        {
            bad++;
            continue;
        }
        for (i = 0; i < URL_COUNT; i++)
            if (!wcscmp(set->KeyDesc.pUrlPrefix, urls[i]))
            {
                seen[i]++;
                if (!sddl_same(set->ParamDesc.pStringSecurityDescriptor, sddls[i])) bad++;
            }
    }
    ok(ret == ERROR_NO_MORE_ITEMS, "Query (Next) of URL reservations: expected ERROR_NO_MORE_ITEMS (259) after the last, "
       "got %lu at dwToken %lu\n", ret, token);
    ok(!bad, "Query (Next) of URL reservations: expected every output self-contained and every test reservation with "
       "its descriptor, got %d that were not\n", bad);
    if (after_delete)
    {
        ok(!seen[U1] && !seen[U2] && !seen[U3] && !seen[UR] && !seen[UX],
           "Query (Next) after Delete: expected no test reservation, got %d %d %d %d %d\n",
           seen[U1], seen[U2], seen[U3], seen[UR], seen[UX]);
    }
    else
    {
        ok(seen[U1] == 1 && seen[U2] == 1 && seen[U3] == 1 && seen[UR] == 1 && seen[UX] == 0,
           "Query (Next) of URL reservations: expected each of the four test reservations once and the one never made "
           "not at all, got %d %d %d %d %d\n", seen[U1], seen[U2], seen[U3], seen[UR], seen[UX]);
    }

    query.dwToken = 0x7fffffff;
    ret = cfg_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), set, BIG_BUFFER, &len);
    ok(ret == ERROR_NO_MORE_ITEMS, "Query (Next) of URL reservation number 0x7fffffff: expected ERROR_NO_MORE_ITEMS (259), "
       "got %lu\n", ret);
    big_free(set);
}

/* A reservation written into the registry, as a .reg file would, is one the API returns. */
static void test_registry_import(void)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    WCHAR current[512];
    ULONG ret;
    LONG err = -1;

    if (ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl_r, SDDL_REVISION_1, &sd, NULL))
    {
        err = reg_put(L"UrlAclInfo", urls[UR], REG_BINARY, sd, GetSecurityDescriptorLength(sd));
        LocalFree(sd);
    }
    if (err)
    {
        skip("could not write UrlAclInfo\\%s: error %ld\n", dbgw(urls[UR]), err);
        return;
    }
    acl_current(urls[UR], current, 512, &ret);
    ok(ret == NO_ERROR && sddl_same(current, sddl_r), "Query (Exact) of the reservation written into the registry (%s): "
       "expected NO_ERROR and %s, got %lu, %s\n", dbgw(urls[UR]), dbgw(sddl_r), ret, dbgw(current));
}

/* A value cut short by hand: its header names a DACL past its end.  It is
 * no reservation, even right after a whole one whose bytes the reader's
 * buffer still holds. */
static void test_registry_truncated(void)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query;
    HTTP_SERVICE_CONFIG_URLACL_SET *set;
    PSECURITY_DESCRIPTOR sd = NULL;
    WCHAR whole[128], cut[128];
    ULONG ret, len, token;
    int seen_whole = 0, seen_cut = 0;
    LONG err = -1;

    swprintf(whole, 128, L"http://+:%u/httpapi_cfgtest_cut_a/", cfg_port);
    swprintf(cut, 128, L"http://+:%u/httpapi_cfgtest_cut_b/", cfg_port);
    if (ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl_r, SDDL_REVISION_1, &sd, NULL))
    {
        if (!(err = reg_put(L"UrlAclInfo", whole, REG_BINARY, sd, GetSecurityDescriptorLength(sd))))
            err = reg_put(L"UrlAclInfo", cut, REG_BINARY, sd, sizeof(SECURITY_DESCRIPTOR_RELATIVE));
        LocalFree(sd);
    }
    if (err)
    {
        skip("could not write UrlAclInfo values: error %ld\n", err);
        reg_remove_value(L"UrlAclInfo", whole);
        return;
    }
    set = big_alloc();
    ret = acl_query_exact(cut, set, BIG_BUFFER, &len);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query (Exact) of a value that ends inside its descriptor: expected "
       "ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);
    memset(&query, 0, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryNext;
    for (token = 0; token < 100000; token++)
    {
        query.dwToken = token;
        if (cfg_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), set, BIG_BUFFER, &len)) break;
        if (!wcscmp(set->KeyDesc.pUrlPrefix, whole)) seen_whole++;
        if (!wcscmp(set->KeyDesc.pUrlPrefix, cut)) seen_cut++;
    }
    ok(seen_whole == 1, "Query (Next): expected the whole value once, got %d\n", seen_whole);
    ok(!seen_cut, "Query (Next): expected no reservation from the value that ends inside its descriptor, got %d\n",
       seen_cut);
    big_free(set);
    reg_remove_value(L"UrlAclInfo", whole);
    reg_remove_value(L"UrlAclInfo", cut);
}

static void test_invalid(void)
{
    HTTP_SERVICE_CONFIG_URLACL_SET set;
    WCHAR url[128], current[512];
    DWORD type, size;
    ULONG ret;

    swprintf(url, 128, L"http://+:%u/httpapi_cfgtest_never", cfg_port);
    ret = acl_set(url, sddl1);
    ok(ret == ERROR_INVALID_PARAMETER, "Set of URL reservation %s (no trailing slash): expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", dbgw(url), ret);
    if (!ret) acl_delete(url);

    swprintf(url, 128, L"ftp://+:%u/httpapi_cfgtest_never/", cfg_port);
    ret = acl_set(url, sddl1);
    ok(ret == ERROR_INVALID_PARAMETER, "Set of URL reservation %s (not http or https): expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", dbgw(url), ret);
    if (!ret) acl_delete(url);

    ret = acl_set(L"http://+:0/httpapi_cfgtest_never/", sddl1);
    ok(ret == ERROR_INVALID_PARAMETER, "Set of URL reservation http://+:0/httpapi_cfgtest_never/ (port 0): expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (!ret) acl_delete(L"http://+:0/httpapi_cfgtest_never/");

    ret = acl_set(NULL, sddl1);
    ok(ret == ERROR_INVALID_PARAMETER, "Set of a URL reservation with pUrlPrefix NULL: expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", ret);

    ret = acl_set(urls[UX], NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "Set of a URL reservation with pStringSecurityDescriptor NULL: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    ret = acl_set(urls[UX], L"D:(A;;GX;;;WD");
    ok(ret == ERROR_INVALID_PARAMETER, "Set of a URL reservation with SDDL \"D:(A;;GX;;;WD\" (unterminated): expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    ret = acl_set(urls[UX], L"not a descriptor");
    ok(ret == ERROR_INVALID_PARAMETER, "Set of a URL reservation with SDDL \"not a descriptor\": expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    set.KeyDesc.pUrlPrefix = urls[UX];
    set.ParamDesc.pStringSecurityDescriptor = (WCHAR *)sddl1;
    ret = cfg_set(HttpServiceConfigUrlAclInfo, &set, sizeof(set) - 1);
    ok(ret == ERROR_INSUFFICIENT_BUFFER, "Set of a URL reservation with a length one byte short of the structure: "
       "expected ERROR_INSUFFICIENT_BUFFER (122), got %lu\n", ret);

    ret = cfg_set(HttpServiceConfigUrlAclInfo, NULL, sizeof(set));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of a URL reservation with no structure (NULL): expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* Update is for the SSL records only. */
    ret = cfg_update(HttpServiceConfigUrlAclInfo, &set, sizeof(set));
    ok(ret == ERROR_INVALID_PARAMETER, "Update of a URL reservation: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
       ret);
    set.KeyDesc.pUrlPrefix = urls[U3];
    ret = cfg_update(HttpServiceConfigUrlAclInfo, &set, sizeof(set));
    ok(ret == ERROR_INVALID_PARAMETER, "Update of an existing URL reservation: expected ERROR_INVALID_PARAMETER (87), "
       "got %lu\n", ret);
    acl_current(urls[U3], current, 512, &ret);
    ok(ret == NO_ERROR && sddl_same(current, sddl3), "Query of %s after the failed Update: expected NO_ERROR and %s "
       "unchanged, got %lu, %s\n", dbgw(urls[U3]), dbgw(sddl3), ret, dbgw(current));

    /* None of the failed calls made a record. */
    acl_current(urls[UX], current, 512, &ret);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query (Exact) of %s after the failed Set calls: expected ERROR_FILE_NOT_FOUND (2), "
       "got %lu\n", dbgw(urls[UX]), ret);
    size = 0;
    ok(reg_get(L"UrlAclInfo", urls[UX], &type, NULL, &size) == ERROR_FILE_NOT_FOUND,
       "registry value UrlAclInfo\\%s after the failed Set calls: expected none\n", dbgw(urls[UX]));
}

static void test_delete(void)
{
    WCHAR url[128], current[512];
    DWORD type, size;
    ULONG ret;
    int i;

    ret = acl_delete(urls[U1]);
    ok(ret == NO_ERROR, "Delete of URL reservation %s: expected NO_ERROR, got %lu\n", dbgw(urls[U1]), ret);
    size = 0;
    ok(reg_get(L"UrlAclInfo", urls[U1], &type, NULL, &size) == ERROR_FILE_NOT_FOUND,
       "registry value UrlAclInfo\\%s after Delete: expected none\n", dbgw(urls[U1]));
    acl_current(urls[U1], current, 512, &ret);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query (Exact) of a deleted URL reservation: expected ERROR_FILE_NOT_FOUND (2), "
       "got %lu\n", ret);
    ret = acl_delete(urls[U1]);
    ok(ret == ERROR_FILE_NOT_FOUND, "Delete of a URL reservation deleted already: expected ERROR_FILE_NOT_FOUND (2), "
       "got %lu\n", ret);
    ret = acl_delete(urls[UX]);
    ok(ret == ERROR_FILE_NOT_FOUND, "Delete of a URL never reserved: expected ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);

    swprintf(url, 128, L"http://+:%u/httpapi_cfgtest", cfg_port);
    ret = acl_delete(url);
    ok(ret == ERROR_INVALID_PARAMETER, "Delete of URL reservation %s (no trailing slash): expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", dbgw(url), ret);
    ret = acl_delete(NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "Delete of a URL reservation with pUrlPrefix NULL: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    for (i = U2; i <= UR; i++)
    {
        ret = acl_delete(urls[i]);
        ok(ret == NO_ERROR, "Delete of URL reservation %s: expected NO_ERROR, got %lu\n", dbgw(urls[i]), ret);
    }
    size = 0;
    ok(reg_get(L"UrlAclInfo", urls[UR], &type, NULL, &size) == ERROR_FILE_NOT_FOUND,
       "registry value UrlAclInfo\\%s (written directly) after Delete: expected none\n", dbgw(urls[UR]));
}

int main(int argc, char **argv)
{
    BOOL had_parent;

    test_startup("config_urlacl.c");
    cfg_port = test_port(argc, argv);
    init_urls();
    if (!config_init()) return test_report();

    had_parent = reg_key_exists(L"UrlAclInfo");
    cleanup();
    test_set();
    test_query_exact();
    test_registry_import();
    test_registry_truncated();
    test_query_next(FALSE);
    test_invalid();
    test_delete();
    test_query_next(TRUE);
    cleanup();
    if (!had_parent) reg_remove_if_empty(L"UrlAclInfo"); /* if this test made it */

    config_term();
    return test_report();
}
