/*
 * Service configuration conformance tests: what is common to every record (initialisation,
 * ServiceHandle, ConfigId, pOverlapped), and the machine-wide values: the API-wide timeouts
 * (HttpServiceConfigTimeout), the cache parameters (HttpServiceConfigCache) and the settings
 * (HttpServiceConfigSetting).
 *
 * Usage: config_misc.exe PORT   (PORT only names a URL reservation and a CCS binding that the
 *                                calls which must fail would otherwise create)
 *
 * Written from shared/reference/httpapi.md §1.0.1, §1.3, §2.1, §2.4, §3.1 and
 * docs/configuration.md.  The timeouts, cache parameters and settings are machine-wide values:
 * the test saves the ones the prefix has, and puts them back at the end.
 */

#include "config_util.h"

static WCHAR acl_url[128];
static const WCHAR acl_sddl[] = L"D:(A;;GX;;;WD)";

static HTTP_SERVICE_CONFIG_URLACL_SET acl_record(void)
{
    HTTP_SERVICE_CONFIG_URLACL_SET set;
    set.KeyDesc.pUrlPrefix = acl_url;
    set.ParamDesc.pStringSecurityDescriptor = (WCHAR *)acl_sddl;
    return set;
}

static HTTP_SERVICE_CONFIG_URLACL_QUERY acl_query_record(void)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query;
    memset(&query, 0, sizeof(query));
    query.QueryDesc = HttpServiceConfigQueryExact;
    query.KeyDesc.pUrlPrefix = acl_url;
    return query;
}

/* A CCS binding needs no certificate: the record Update is tried with. */
static HTTP_SERVICE_CONFIG_SSL_CCS_SET ccs_record(void)
{
    HTTP_SERVICE_CONFIG_SSL_CCS_SET set;
    memset(&set, 0, sizeof(set));
    make_v4(&set.KeyDesc.LocalAddress, 0, 0, 0, 0, cfg_port);
    set.ParamDesc.AppId.Data1 = 0x68747470;
    return set;
}

/* If a call that must fail made the URL reservation after all, it goes. */
static void drop_acl(void)
{
    HTTP_SERVICE_CONFIG_URLACL_SET set = acl_record();
    HttpDeleteServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof(set), NULL);
    reg_remove_value(L"UrlAclInfo", acl_url);
}

/* Before any HttpInitialize(HTTP_INITIALIZE_CONFIG), every function fails (reference §1.0.1). */
static void test_before_initialize(void)
{
    HTTP_SERVICE_CONFIG_URLACL_SET set = acl_record();
    HTTP_SERVICE_CONFIG_URLACL_QUERY query = acl_query_record();
    HTTP_SERVICE_CONFIG_SSL_CCS_SET ccs = ccs_record();
    BYTE out[1024];
    ULONG ret, len;

    ret = cfg_set(HttpServiceConfigUrlAclInfo, &set, sizeof(set));
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpSetServiceConfiguration before HttpInitialize: expected ERROR_DLL_INIT_FAILED "
       "(1628), got %lu\n", ret);
    ret = cfg_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), out, sizeof(out), &len);
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpQueryServiceConfiguration before HttpInitialize: expected "
       "ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);
    ret = cfg_delete(HttpServiceConfigUrlAclInfo, &set, sizeof(set));
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpDeleteServiceConfiguration before HttpInitialize: expected "
       "ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);
    ret = cfg_update(HttpServiceConfigSslCcsCertInfo, &ccs, sizeof(ccs));
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpUpdateServiceConfiguration before HttpInitialize: expected "
       "ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);

    /* HTTP_INITIALIZE_SERVER alone does not initialise the configuration functions. */
    ret = HttpInitialize(version1, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(1.0, HTTP_INITIALIZE_SERVER): expected NO_ERROR, got %lu\n", ret);
    if (ret) return;
    ret = cfg_set(HttpServiceConfigUrlAclInfo, &set, sizeof(set));
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpSetServiceConfiguration after HttpInitialize(HTTP_INITIALIZE_SERVER) only: "
       "expected ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);
    ret = cfg_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), out, sizeof(out), &len);
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpQueryServiceConfiguration after HttpInitialize(HTTP_INITIALIZE_SERVER) only: "
       "expected ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);
    ret = HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpTerminate(HTTP_INITIALIZE_SERVER): expected NO_ERROR, got %lu\n", ret);
}

/* ServiceHandle, ConfigId and pOverlapped, the same for every record. */
static void test_common_arguments(void)
{
    static const HTTP_SERVICE_CONFIG_ID bad_ids[] = { (HTTP_SERVICE_CONFIG_ID)HTTP_SERVICE_CONFIG_ID_MAX,
                                                      (HTTP_SERVICE_CONFIG_ID)0x7fffffff };
    HTTP_SERVICE_CONFIG_URLACL_SET set = acl_record();
    HTTP_SERVICE_CONFIG_URLACL_QUERY query = acl_query_record();
    HTTP_SERVICE_CONFIG_SSL_CCS_SET ccs = ccs_record();
    BYTE zeros[512], out[1024];
    OVERLAPPED ov;
    ULONG ret, len;
    unsigned i;

    /* "ServiceHandle: reserved, must be zero": ERROR_INVALID_HANDLE otherwise. */
    ret = HttpSetServiceConfiguration((HANDLE)1, HttpServiceConfigUrlAclInfo, &set, sizeof(set), NULL);
    ok(ret == ERROR_INVALID_HANDLE, "HttpSetServiceConfiguration with ServiceHandle 1: expected ERROR_INVALID_HANDLE (6), "
       "got %lu\n", ret);
    if (!ret) drop_acl();
    ret = HttpQueryServiceConfiguration((HANDLE)1, HttpServiceConfigUrlAclInfo, &query, sizeof(query), out, sizeof(out),
                                        &len, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "HttpQueryServiceConfiguration with ServiceHandle 1: expected ERROR_INVALID_HANDLE "
       "(6), got %lu\n", ret);
    ret = HttpDeleteServiceConfiguration((HANDLE)1, HttpServiceConfigUrlAclInfo, &set, sizeof(set), NULL);
    ok(ret == ERROR_INVALID_HANDLE, "HttpDeleteServiceConfiguration with ServiceHandle 1: expected ERROR_INVALID_HANDLE "
       "(6), got %lu\n", ret);
    ret = HttpUpdateServiceConfiguration((HANDLE)1, HttpServiceConfigSslCcsCertInfo, &ccs, sizeof(ccs), NULL);
    ok(ret == ERROR_INVALID_HANDLE, "HttpUpdateServiceConfiguration with Handle 1: expected ERROR_INVALID_HANDLE (6), "
       "got %lu\n", ret);

    /* A ConfigId past the last one. */
    memset(zeros, 0, sizeof(zeros));
    for (i = 0; i < ARRAYSIZE(bad_ids); i++)
    {
        ret = cfg_set(bad_ids[i], zeros, sizeof(zeros));
        ok(ret == ERROR_INVALID_PARAMETER, "HttpSetServiceConfiguration with ConfigId %u: expected ERROR_INVALID_PARAMETER "
           "(87), got %lu\n", bad_ids[i], ret);
        ret = cfg_query(bad_ids[i], zeros, sizeof(zeros), out, sizeof(out), &len);
        ok(ret == ERROR_INVALID_PARAMETER, "HttpQueryServiceConfiguration with ConfigId %u: expected "
           "ERROR_INVALID_PARAMETER (87), got %lu\n", bad_ids[i], ret);
        ret = cfg_delete(bad_ids[i], zeros, sizeof(zeros));
        ok(ret == ERROR_INVALID_PARAMETER, "HttpDeleteServiceConfiguration with ConfigId %u: expected "
           "ERROR_INVALID_PARAMETER (87), got %lu\n", bad_ids[i], ret);
        ret = cfg_update(bad_ids[i], zeros, sizeof(zeros));
        ok(ret == ERROR_INVALID_PARAMETER, "HttpUpdateServiceConfiguration with ConfigId %u: expected "
           "ERROR_INVALID_PARAMETER (87), got %lu\n", bad_ids[i], ret);
    }

    /* "pOverlapped: reserved, must be NULL". */
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpSetServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof(set), &ov);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSetServiceConfiguration with an OVERLAPPED: expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", ret);
    if (!ret || ret == ERROR_IO_PENDING)
    {
        WaitForSingleObject(ov.hEvent, 5000);
        drop_acl();
    }
    ret = HttpQueryServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &query, sizeof(query), out, sizeof(out), &len,
                                        &ov);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpQueryServiceConfiguration with an OVERLAPPED: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (ret == ERROR_IO_PENDING) WaitForSingleObject(ov.hEvent, 5000);
    ret = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof(set), &ov);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDeleteServiceConfiguration with an OVERLAPPED: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (ret == ERROR_IO_PENDING) WaitForSingleObject(ov.hEvent, 5000);
    ret = HttpUpdateServiceConfiguration(NULL, HttpServiceConfigSslCcsCertInfo, &ccs, sizeof(ccs), &ov);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpUpdateServiceConfiguration with an OVERLAPPED: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (ret == ERROR_IO_PENDING) WaitForSingleObject(ov.hEvent, 5000);
    CloseHandle(ov.hEvent);

    /* None of them made the reservation. */
    ret = cfg_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), out, sizeof(out), &len);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query of URL reservation %s after the failed calls: expected ERROR_FILE_NOT_FOUND "
       "(2), got %lu\n", dbgw(acl_url), ret);
}

/* ------------------------------------------------------------------------------------------ */
/* The machine-wide values: timeouts (USHORT), cache parameters and settings (ULONG). */

struct value
{
    HTTP_SERVICE_CONFIG_ID id;
    int key;
    const WCHAR *reg_name;   /* docs/configuration.md */
    const char *name;
    BOOL saved;              /* the prefix had it before the test */
    ULONG saved_value;
};

static struct value values[] =
{
    { HttpServiceConfigTimeout, IdleConnectionTimeout, L"IdleConnectionTimeout", "timeout IdleConnectionTimeout", FALSE, 0 },
    { HttpServiceConfigTimeout, HeaderWaitTimeout, L"HeaderWaitTimeout", "timeout HeaderWaitTimeout", FALSE, 0 },
    { HttpServiceConfigCache, MaxCacheResponseSize, L"MaxCacheResponseSize", "cache parameter MaxCacheResponseSize", FALSE, 0 },
    { HttpServiceConfigCache, CacheRangeChunkSize, L"CacheRangeChunkSize", "cache parameter CacheRangeChunkSize", FALSE, 0 },
    { HttpServiceConfigSetting, HttpTlsThrottle, L"TlsThrottle", "setting HttpTlsThrottle", FALSE, 0 },
};
enum { V_IDLE, V_HEADER, V_MAXCACHE, V_RANGE, V_THROTTLE };

/* The value the test sets: unusual, derived from the port. */
static ULONG test_value(const struct value *v, int n)
{
    if (v->id == HttpServiceConfigTimeout) return 1000 + cfg_port % 1000 + n;
    if (v->id == HttpServiceConfigCache) return 100000 + cfg_port + n;
    return 1 + n;
}

/* SET structure of the value's kind, in `buf`; returns its size. */
static ULONG make_value_set(const struct value *v, int key, ULONG value, void *buf)
{
    if (v->id == HttpServiceConfigTimeout)
    {
        HTTP_SERVICE_CONFIG_TIMEOUT_SET *set = buf;
        memset(set, 0, sizeof(*set));
        set->KeyDesc = key;
        set->ParamDesc = (USHORT)value;
        return sizeof(*set);
    }
    if (v->id == HttpServiceConfigCache)
    {
        HTTP_SERVICE_CONFIG_CACHE_SET *set = buf;
        memset(set, 0, sizeof(*set));
        set->KeyDesc = key;
        set->ParamDesc = value;
        return sizeof(*set);
    }
    else
    {
        HTTP_SERVICE_CONFIG_SETTING_SET *set = buf;
        memset(set, 0, sizeof(*set));
        set->KeyDesc = key;
        set->ParamDesc = value;
        return sizeof(*set);
    }
}

static ULONG value_set(const struct value *v, ULONG value)
{
    BYTE buf[32];
    ULONG size = make_value_set(v, v->key, value, buf);
    return cfg_set(v->id, buf, size);
}

/* Delete takes the key: HTTP_SERVICE_CONFIG_TIMEOUT_KEY for timeouts (HttpDeleteServiceConfiguration's
 * page), the SET structure for the others (whose key comes first). */
static ULONG value_delete(const struct value *v)
{
    BYTE buf[32];
    ULONG size = make_value_set(v, v->key, 0, buf);
    if (v->id == HttpServiceConfigTimeout) size = sizeof(HTTP_SERVICE_CONFIG_TIMEOUT_KEY);
    return cfg_delete(v->id, buf, size);
}

/* Query by key; the bare value (USHORT for timeouts, ULONG otherwise). */
static ULONG value_query(const struct value *v, ULONG *value)
{
    ULONG len = 0, ret, key = v->key;
    union { USHORT s; ULONG l; } out;

    memset(&out, 0, sizeof(out));
    ret = cfg_query(v->id, &key, sizeof(key), &out, v->id == HttpServiceConfigTimeout ? sizeof(USHORT) : sizeof(ULONG),
                    &len);
    *value = v->id == HttpServiceConfigTimeout ? out.s : out.l;
    return ret;
}

static void save_values(void)
{
    unsigned i;
    ULONG value;

    for (i = 0; i < ARRAYSIZE(values); i++)
    {
        /* A value equal to the test's own is one a previous run left behind. */
        if (!value_query(&values[i], &value) && value != test_value(&values[i], 0) && value != test_value(&values[i], 1))
        {
            values[i].saved = TRUE;
            values[i].saved_value = value;
            trace("the prefix has %s = %lu: it is put back at the end\n", values[i].name, value);
        }
        value_delete(&values[i]);
        reg_remove_value(NULL, values[i].reg_name);
    }
}

static void restore_values(void)
{
    unsigned i;

    for (i = 0; i < ARRAYSIZE(values); i++)
    {
        value_delete(&values[i]);
        reg_remove_value(NULL, values[i].reg_name);
        if (values[i].saved && value_set(&values[i], values[i].saved_value))
            reg_put_dword(NULL, values[i].reg_name, values[i].saved_value);
    }
}

static void check_reg_value(const struct value *v, ULONG expect)
{
    DWORD type = 0, size = sizeof(DWORD), data = 0;
    LONG ret = reg_get(NULL, v->reg_name, &type, &data, &size);

    ok(!ret && type == REG_DWORD && data == expect, "registry value Parameters\\%s: expected REG_DWORD (4) %lu, got "
       "error %ld, type %lu, value %lu\n", dbgw(v->reg_name), expect, ret, type, data);
}

static void check_reg_no_value(const struct value *v, const char *why)
{
    DWORD type, size = 0;
    ok(reg_get(NULL, v->reg_name, &type, NULL, &size) == ERROR_FILE_NOT_FOUND,
       "registry value Parameters\\%s %s: expected none\n", dbgw(v->reg_name), why);
}

/* Set, Set again, Query, Update, Delete, Delete again: the same for every value. */
static void test_value_common(struct value *v)
{
    ULONG ret, value, expect = test_value(v, 0);
    BYTE buf[32];

    ret = value_query(v, &value);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query of %s, not set: expected ERROR_FILE_NOT_FOUND (2), got %lu\n", v->name, ret);

    ret = value_set(v, expect);
    ok(ret == NO_ERROR, "Set of %s = %lu: expected NO_ERROR, got %lu\n", v->name, expect, ret);
    check_reg_value(v, expect);

    ret = value_set(v, test_value(v, 1));
    ok(ret == ERROR_ALREADY_EXISTS, "Set of %s, set already: expected ERROR_ALREADY_EXISTS (183), got %lu\n", v->name, ret);
    ret = value_query(v, &value);
    ok(ret == NO_ERROR && value == expect, "Query of %s after the failed second Set: expected NO_ERROR and %lu, got %lu "
       "and %lu\n", v->name, expect, ret, value);

    /* Update is for the SSL records only. */
    ret = cfg_update(v->id, buf, make_value_set(v, v->key, test_value(v, 1), buf));
    ok(ret == ERROR_INVALID_PARAMETER, "Update of %s: expected ERROR_INVALID_PARAMETER (87), got %lu\n", v->name, ret);
    ret = value_query(v, &value);
    ok(ret == NO_ERROR && value == expect, "Query of %s after the failed Update: expected NO_ERROR and %lu, got %lu and "
       "%lu\n", v->name, expect, ret, value);

    ret = value_delete(v);
    ok(ret == NO_ERROR, "Delete of %s: expected NO_ERROR, got %lu\n", v->name, ret);
    check_reg_no_value(v, "after Delete");
    ret = value_query(v, &value);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query of %s after Delete: expected ERROR_FILE_NOT_FOUND (2), got %lu\n", v->name, ret);
    ret = value_delete(v);
    ok(ret == ERROR_FILE_NOT_FOUND, "Delete of %s, deleted already: expected ERROR_FILE_NOT_FOUND (2), got %lu\n", v->name,
       ret);

    /* A value written into the registry directly, as a .reg import would. */
    reg_put_dword(NULL, v->reg_name, test_value(v, 1));
    ret = value_query(v, &value);
    ok(ret == NO_ERROR && value == test_value(v, 1), "Query of %s written into the registry directly: expected NO_ERROR "
       "and %lu, got %lu and %lu\n", v->name, test_value(v, 1), ret, value);
    ret = value_delete(v);
    ok(ret == NO_ERROR, "Delete of %s written into the registry directly: expected NO_ERROR, got %lu\n", v->name, ret);
    check_reg_no_value(v, "written directly, after Delete");
}

static void test_timeouts(void)
{
    struct value *idle = &values[V_IDLE], *header = &values[V_HEADER];
    HTTP_SERVICE_CONFIG_TIMEOUT_SET set;
    ULONG ret, len, key, value, expect = test_value(header, 0);
    USHORT out[2];

    test_value_common(idle);

    /* Malformed: none of them may set HeaderWaitTimeout. */
    set.KeyDesc = HeaderWaitTimeout;
    set.ParamDesc = 0;
    ret = cfg_set(HttpServiceConfigTimeout, &set, sizeof(set));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of timeout HeaderWaitTimeout = 0 (the value must be greater than zero): "
       "expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    set.KeyDesc = (HTTP_SERVICE_CONFIG_TIMEOUT_KEY)2;
    set.ParamDesc = (USHORT)expect;
    ret = cfg_set(HttpServiceConfigTimeout, &set, sizeof(set));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of timeout key 2 (past HeaderWaitTimeout): expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", ret);
    set.KeyDesc = HeaderWaitTimeout;
    ret = cfg_set(HttpServiceConfigTimeout, &set, sizeof(HTTP_SERVICE_CONFIG_TIMEOUT_KEY));
    ok(ret == ERROR_INSUFFICIENT_BUFFER, "Set of a timeout with the length of its key only: expected "
       "ERROR_INSUFFICIENT_BUFFER (122), got %lu\n", ret);
    ret = cfg_set(HttpServiceConfigTimeout, NULL, sizeof(set));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of a timeout with no structure (NULL): expected ERROR_INVALID_PARAMETER (87), "
       "got %lu\n", ret);
    ret = value_query(header, &value);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query of timeout HeaderWaitTimeout after the failed Set calls: expected "
       "ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);

    ret = value_set(header, expect);
    ok(ret == NO_ERROR, "Set of timeout HeaderWaitTimeout = %lu: expected NO_ERROR, got %lu\n", expect, ret);
    check_reg_value(header, expect);

    /* A buffer too small for a timeout is ERROR_MORE_DATA (reference §1.3), with the size needed. */
    key = HeaderWaitTimeout;
    len = 0;
    ret = cfg_query(HttpServiceConfigTimeout, &key, sizeof(key), NULL, 0, &len);
    ok(ret == ERROR_MORE_DATA && len == sizeof(USHORT), "Query of timeout HeaderWaitTimeout with no output buffer: "
       "expected ERROR_MORE_DATA (234) and size 2, got %lu, size %lu\n", ret, len);
    len = 0;
    out[0] = 0xcccc;
    ret = cfg_query(HttpServiceConfigTimeout, &key, sizeof(key), out, 1, &len);
    ok(ret == ERROR_MORE_DATA && len == sizeof(USHORT), "Query of timeout HeaderWaitTimeout with a 1-byte buffer: "
       "expected ERROR_MORE_DATA (234) and size 2, got %lu, size %lu\n", ret, len);
    len = 0;
    out[0] = out[1] = 0xcccc;
    ret = cfg_query(HttpServiceConfigTimeout, &key, sizeof(key), out, sizeof(USHORT), &len);
    ok(ret == NO_ERROR && len == sizeof(USHORT) && out[0] == expect && out[1] == 0xcccc,
       "Query of timeout HeaderWaitTimeout with a 2-byte buffer: expected NO_ERROR, size 2 and %lu (nothing written "
       "past it), got %lu, size %lu, %u, 0x%04x\n", expect, ret, len, out[0], out[1]);

    key = 2;
    ret = cfg_query(HttpServiceConfigTimeout, &key, sizeof(key), out, sizeof(USHORT), &len);
    ok(ret == ERROR_INVALID_PARAMETER, "Query of timeout key 2: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = cfg_query(HttpServiceConfigTimeout, NULL, 0, out, sizeof(USHORT), &len);
    ok(ret == ERROR_INVALID_PARAMETER, "Query of a timeout with no key: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
       ret);
    key = 2;
    ret = cfg_delete(HttpServiceConfigTimeout, &key, sizeof(key));
    ok(ret == ERROR_INVALID_PARAMETER, "Delete of timeout key 2: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* The HTTP_SERVICE_CONFIG_TIMEOUT_SET page says Delete takes the whole SET structure: that
     * works too, since the key comes first. */
    set.KeyDesc = HeaderWaitTimeout;
    set.ParamDesc = (USHORT)expect;
    ret = cfg_delete(HttpServiceConfigTimeout, &set, sizeof(set));
    ok(ret == NO_ERROR, "Delete of timeout HeaderWaitTimeout given its HTTP_SERVICE_CONFIG_TIMEOUT_SET: expected "
       "NO_ERROR, got %lu\n", ret);
    check_reg_no_value(header, "after Delete");
}

static void test_cache(void)
{
    struct value *max = &values[V_MAXCACHE], *range = &values[V_RANGE];
    HTTP_SERVICE_CONFIG_CACHE_SET set;
    ULONG ret, key, value, size, expect = test_value(range, 0);
    ULONG *out;

    test_value_common(max);

    set.KeyDesc = (HTTP_SERVICE_CONFIG_CACHE_KEY)2;
    set.ParamDesc = expect;
    ret = cfg_set(HttpServiceConfigCache, &set, sizeof(set));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of cache parameter key 2 (past CacheRangeChunkSize): expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    set.KeyDesc = CacheRangeChunkSize;
    ret = cfg_set(HttpServiceConfigCache, &set, sizeof(HTTP_SERVICE_CONFIG_CACHE_KEY));
    ok(ret == ERROR_INSUFFICIENT_BUFFER, "Set of a cache parameter with the length of its key only: expected "
       "ERROR_INSUFFICIENT_BUFFER (122), got %lu\n", ret);
    ret = value_query(range, &value);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query of cache parameter CacheRangeChunkSize after the failed Set calls: expected "
       "ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);

    ret = value_set(range, expect);
    ok(ret == NO_ERROR, "Set of cache parameter CacheRangeChunkSize = %lu: expected NO_ERROR, got %lu\n", expect, ret);
    check_reg_value(range, expect);

    /* A buffer too small for anything but a timeout is ERROR_INSUFFICIENT_BUFFER. */
    key = CacheRangeChunkSize;
    out = query_sized(HttpServiceConfigCache, &key, sizeof(key), "cache parameter CacheRangeChunkSize", &size);
    if (out)
    {
        ok(size == sizeof(ULONG) && *out == expect, "Query of cache parameter CacheRangeChunkSize: expected 4 bytes, "
           "%lu, got %lu bytes, %lu\n", expect, size, *out);
        HeapFree(GetProcessHeap(), 0, out);
    }

    ret = value_delete(range);
    ok(ret == NO_ERROR, "Delete of cache parameter CacheRangeChunkSize: expected NO_ERROR, got %lu\n", ret);
    check_reg_no_value(range, "after Delete");
}

static void test_settings(void)
{
    struct value *throttle = &values[V_THROTTLE];
    HTTP_SERVICE_CONFIG_SETTING_SET set;
    ULONG ret, key, size, value;
    ULONG *out;

    test_value_common(throttle);

    set.KeyDesc = HttpNone;
    set.ParamDesc = 1;
    ret = cfg_set(HttpServiceConfigSetting, &set, sizeof(set));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of setting key HttpNone: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
       ret);
    set.KeyDesc = (HTTP_SERVICE_CONFIG_SETTING_KEY)2;
    ret = cfg_set(HttpServiceConfigSetting, &set, sizeof(set));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of setting key 2 (past HttpTlsThrottle): expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", ret);
    set.KeyDesc = HttpTlsThrottle;
    ret = cfg_set(HttpServiceConfigSetting, &set, sizeof(HTTP_SERVICE_CONFIG_SETTING_KEY));
    ok(ret == ERROR_INSUFFICIENT_BUFFER, "Set of a setting with the length of its key only: expected "
       "ERROR_INSUFFICIENT_BUFFER (122), got %lu\n", ret);
    ret = value_query(throttle, &value);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query of setting HttpTlsThrottle after the failed Set calls: expected "
       "ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);

    ret = value_set(throttle, 1);
    ok(ret == NO_ERROR, "Set of setting HttpTlsThrottle = 1: expected NO_ERROR, got %lu\n", ret);
    key = HttpTlsThrottle;
    out = query_sized(HttpServiceConfigSetting, &key, sizeof(key), "setting HttpTlsThrottle", &size);
    if (out)
    {
        ok(size == sizeof(ULONG) && *out == 1, "Query of setting HttpTlsThrottle: expected 4 bytes, 1, got %lu bytes, "
           "%lu\n", size, *out);
        HeapFree(GetProcessHeap(), 0, out);
    }
    key = HttpNone;
    ret = cfg_query(HttpServiceConfigSetting, &key, sizeof(key), &value, sizeof(value), &size);
    ok(ret == ERROR_INVALID_PARAMETER, "Query of setting key HttpNone: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
       ret);
    ret = value_delete(throttle);
    ok(ret == NO_ERROR, "Delete of setting HttpTlsThrottle: expected NO_ERROR, got %lu\n", ret);
}

int main(int argc, char **argv)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query;
    BYTE out[1024];
    ULONG ret, len;

    test_startup("config_misc.c");
    cfg_port = test_port(argc, argv);
    swprintf(acl_url, 128, L"http://+:%u/httpapi_cfgtest_misc/", cfg_port);

    /* First, before anything in the process initialises the API. */
    test_before_initialize();

    if (!config_init()) return test_report();
    drop_acl();
    test_common_arguments();

    save_values();
    test_timeouts();
    test_cache();
    test_settings();
    restore_values();
    drop_acl();
    config_term();

    /* After the matching HttpTerminate, the functions fail again. */
    query = acl_query_record();
    ret = cfg_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), out, sizeof(out), &len);
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpQueryServiceConfiguration after HttpTerminate(HTTP_INITIALIZE_CONFIG): expected "
       "ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);
    return test_report();
}
