/*
 * Service configuration conformance tests: the IP listen list (HttpServiceConfigIPListenList).
 *
 * Usage: config_iplisten.exe PORT   (PORT only names the records: nothing is bound)
 *
 * Set adds one address (HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM), Delete removes one, Query (no
 * input) returns the whole list as HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY; the list is stored in
 * HKLM\System\CurrentControlSet\Services\HTTP\Parameters, value ListenOnlyList (REG_MULTI_SZ).
 * Written from shared/reference/httpapi.md §1.3, §2.1, §3.1 and docs/configuration.md.
 *
 * The addresses are 127.<PORT/256>.<PORT%256>.201-204 and fd68:7474:7061:7069::<PORT>:1, which
 * nothing else uses; they are removed at the start and at the end.
 */

#include "config_util.h"
#include <stddef.h>

static SOCKADDR_STORAGE addr_a, addr_b, addr_c, addr_d, addr_r;

static void init_addresses(void)
{
    const USHORT v6[8] = { 0xfd68, 0x7474, 0x7061, 0x7069, 0, 0, cfg_port, 1 };
    BYTE hi = (BYTE)(cfg_port >> 8), lo = (BYTE)cfg_port;

    make_v4(&addr_a, 127, hi, lo, 201, 0);        /* an address alone */
    make_v6(&addr_b, v6, 0);                      /* an IPv6 address */
    make_v4(&addr_c, 127, hi, lo, 202, cfg_port); /* an address with a port */
    make_v4(&addr_d, 127, hi, lo, 204, 0);        /* never added: the failed calls */
    make_v4(&addr_r, 127, hi, lo, 203, 0);        /* written into the registry directly */
}

static HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM listen_param(SOCKADDR_STORAGE *ss)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param;

    param.AddrLength = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    param.pAddress = (SOCKADDR *)ss;
    return param;
}

static ULONG listen_set(SOCKADDR_STORAGE *ss)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param = listen_param(ss);
    return cfg_set(HttpServiceConfigIPListenList, &param, sizeof(param));
}

static ULONG listen_delete(SOCKADDR_STORAGE *ss)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param = listen_param(ss);
    return cfg_delete(HttpServiceConfigIPListenList, &param, sizeof(param));
}

/* How many times the list holds the address; the query's error in *ret. */
static int listen_count(SOCKADDR_STORAGE *ss, ULONG *ret)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *list = big_alloc();
    ULONG len = 0, i;
    int n = 0;

    *ret = cfg_query(HttpServiceConfigIPListenList, NULL, 0, list, BIG_BUFFER, &len);
    if (!*ret)
        for (i = 0; i < list->AddrCount && offsetof(HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY, AddrList[i + 1]) <= len; i++)
            if (sockaddr_eq((SOCKADDR *)&list->AddrList[i], (SOCKADDR *)ss)) n++;
    big_free(list);
    return n;
}

/* The list no longer holds the address.  Whether an empty list is an empty answer (NO_ERROR,
 * AddrCount 0) or ERROR_FILE_NOT_FOUND is not documented: either is accepted. */
static void check_absent(SOCKADDR_STORAGE *ss, const char *why)
{
    ULONG ret;
    int n = listen_count(ss, &ret);
    ok((ret == NO_ERROR && n == 0) || ret == ERROR_FILE_NOT_FOUND,
       "Query of the IP listen list %s: expected %s absent (NO_ERROR without it, or ERROR_FILE_NOT_FOUND for an "
       "empty list), got %lu with %d copies\n", why, dbgaddr((SOCKADDR *)ss), ret, n);
}

/* The text ListenOnlyList holds for an address: "a.b.c.d", "x::y", with ":port" / "[x::y]:port"
 * when a port was given (docs/configuration.md). */
static const WCHAR *listen_text(SOCKADDR_STORAGE *ss, WCHAR *buf, DWORD count)
{
    if (sockaddr_port((SOCKADDR *)ss)) return addr_port_text((SOCKADDR *)ss, buf, count);
    return addr_text((SOCKADDR *)ss, buf, count);
}

/* Reads ListenOnlyList; returns its type (0 if missing) and the strings in buf. */
static DWORD read_listen_list(WCHAR *buf, DWORD count)
{
    DWORD type = 0, size = (count - 2) * sizeof(WCHAR);

    memset(buf, 0, count * sizeof(WCHAR));
    if (reg_get(NULL, L"ListenOnlyList", &type, buf, &size)) return 0;
    return type;
}

static BOOL multi_sz_has(const WCHAR *list, const WCHAR *s)
{
    const WCHAR *p;
    for (p = list; *p; p += wcslen(p) + 1)
        if (!_wcsicmp(p, s)) return TRUE;
    return FALSE;
}

/* Adds or removes one string of ListenOnlyList directly, as a .reg import or regedit would. */
static void edit_listen_list(const WCHAR *s, BOOL add)
{
    WCHAR list[4096], out[4096], *q = out;
    const WCHAR *p;
    DWORD type = read_listen_list(list, 4096);

    if (type && type != REG_MULTI_SZ) return;
    for (p = list; *p; p += wcslen(p) + 1)
    {
        if (!_wcsicmp(p, s)) continue;
        wcscpy(q, p);
        q += wcslen(q) + 1;
    }
    if (add)
    {
        wcscpy(q, s);
        q += wcslen(q) + 1;
    }
    *q++ = 0;
    if (q - out == 1) reg_remove_value(NULL, L"ListenOnlyList");
    else reg_put(NULL, L"ListenOnlyList", REG_MULTI_SZ, out, (DWORD)(q - out) * sizeof(WCHAR));
}

static void cleanup(void)
{
    SOCKADDR_STORAGE *all[] = { &addr_a, &addr_b, &addr_c, &addr_d, &addr_r };
    WCHAR text[80];
    unsigned i;

    for (i = 0; i < ARRAYSIZE(all); i++)
    {
        listen_delete(all[i]);
        edit_listen_list(listen_text(all[i], text, 80), FALSE);
    }
}

static void test_set(void)
{
    WCHAR list[4096], text[80];
    ULONG ret;
    DWORD type;

    ret = listen_set(&addr_a);
    ok(ret == NO_ERROR, "Set of IP listen entry %s: expected NO_ERROR, got %lu\n", dbgaddr((SOCKADDR *)&addr_a), ret);
    ret = listen_set(&addr_b);
    ok(ret == NO_ERROR, "Set of IP listen entry %s: expected NO_ERROR, got %lu\n", dbgaddr((SOCKADDR *)&addr_b), ret);
    ret = listen_set(&addr_c);
    ok(ret == NO_ERROR, "Set of IP listen entry %s: expected NO_ERROR, got %lu\n", dbgaddr((SOCKADDR *)&addr_c), ret);

    ret = listen_set(&addr_a);
    ok(ret == ERROR_ALREADY_EXISTS, "Set of an existing IP listen entry (%s): expected ERROR_ALREADY_EXISTS (183), got %lu\n",
       dbgaddr((SOCKADDR *)&addr_a), ret);

    /* The registry: one string per address in ListenOnlyList (REG_MULTI_SZ). */
    type = read_listen_list(list, 4096);
    ok(type == REG_MULTI_SZ, "registry value Parameters\\ListenOnlyList: expected REG_MULTI_SZ (7), got type %lu\n", type);
    ok(multi_sz_has(list, listen_text(&addr_a, text, 80)), "ListenOnlyList: expected the string %s\n", dbgw(text));
    ok(multi_sz_has(list, listen_text(&addr_b, text, 80)), "ListenOnlyList: expected the string %s\n", dbgw(text));
    ok(multi_sz_has(list, listen_text(&addr_c, text, 80)), "ListenOnlyList: expected the string %s\n", dbgw(text));
}

static void test_query(void)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *list;
    SOCKADDR_STORAGE *mine[] = { &addr_a, &addr_b, &addr_c };
    ULONG size, i, j;
    int n;

    list = query_sized(HttpServiceConfigIPListenList, NULL, 0, "the IP listen list", &size);
    if (!list) return;
    ok(size == offsetof(HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY, AddrList[list->AddrCount]),
       "IP listen list query: expected a size of %zu for %lu addresses, got %lu\n",
       offsetof(HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY, AddrList[list->AddrCount]), list->AddrCount, size);
    for (j = 0; j < ARRAYSIZE(mine); j++)
    {
        for (n = 0, i = 0; i < list->AddrCount && offsetof(HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY, AddrList[i + 1]) <= size; i++)
            if (sockaddr_eq((SOCKADDR *)&list->AddrList[i], (SOCKADDR *)mine[j])) n++;
        ok(n == 1, "IP listen list query: expected %s once (the duplicate Set added nothing), got %d times\n",
           dbgaddr((SOCKADDR *)mine[j]), n);
    }
    HeapFree(GetProcessHeap(), 0, list);
}

/* A list written into the registry, as a .reg file would, is the list the API sees. */
static void test_registry_import(void)
{
    WCHAR list[4096], text[80];
    ULONG ret;
    int n;

    edit_listen_list(listen_text(&addr_r, text, 80), TRUE);
    n = listen_count(&addr_r, &ret);
    ok(ret == NO_ERROR && n == 1, "Query of the IP listen list after adding %s to ListenOnlyList in the registry: "
       "expected NO_ERROR with it once, got %lu, %d times\n", dbgw(text), ret, n);

    ret = listen_delete(&addr_r);
    ok(ret == NO_ERROR, "Delete of the IP listen entry written into the registry (%s): expected NO_ERROR, got %lu\n",
       dbgaddr((SOCKADDR *)&addr_r), ret);
    read_listen_list(list, 4096);
    ok(!multi_sz_has(list, text), "ListenOnlyList after Delete of %s: expected the string gone\n", dbgw(text));
}

static void test_invalid(void)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param;
    SOCKADDR_STORAGE bad;
    ULONG ret;

    param = listen_param(&addr_d);
    param.pAddress = NULL;
    ret = cfg_set(HttpServiceConfigIPListenList, &param, sizeof(param));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of an IP listen entry with pAddress NULL: expected ERROR_INVALID_PARAMETER (87), "
       "got %lu\n", ret);

    param = listen_param(&addr_d);
    param.AddrLength = 0;
    ret = cfg_set(HttpServiceConfigIPListenList, &param, sizeof(param));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of an IP listen entry with AddrLength 0: expected ERROR_INVALID_PARAMETER (87), "
       "got %lu\n", ret);

    /* An IPv6 address needs a SOCKADDR_IN6: a SOCKADDR_IN's length is not enough. */
    param = listen_param(&addr_b);
    param.AddrLength = sizeof(struct sockaddr_in);
    ret = cfg_set(HttpServiceConfigIPListenList, &param, sizeof(param));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of an IPv6 IP listen entry with AddrLength sizeof(SOCKADDR_IN): expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* Only AF_INET and AF_INET6 are documented. */
    bad = addr_d;
    bad.ss_family = AF_IPX;
    param = listen_param(&bad);
    param.AddrLength = sizeof(struct sockaddr_in);
    ret = cfg_set(HttpServiceConfigIPListenList, &param, sizeof(param));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of an IP listen entry of family AF_IPX: expected ERROR_INVALID_PARAMETER (87), "
       "got %lu\n", ret);
    if (!ret) cfg_delete(HttpServiceConfigIPListenList, &param, sizeof(param));

    param = listen_param(&addr_d);
    ret = cfg_set(HttpServiceConfigIPListenList, &param, sizeof(param) - 1);
    ok(ret == ERROR_INSUFFICIENT_BUFFER, "Set of an IP listen entry with a length one byte short of the structure: "
       "expected ERROR_INSUFFICIENT_BUFFER (122), got %lu\n", ret);

    ret = cfg_set(HttpServiceConfigIPListenList, NULL, sizeof(param));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of an IP listen entry with no structure (NULL): expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* Only the SSL records can be updated. */
    param = listen_param(&addr_d);
    ret = cfg_update(HttpServiceConfigIPListenList, &param, sizeof(param));
    ok(ret == ERROR_INVALID_PARAMETER, "Update of an IP listen entry: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
       ret);

    check_absent(&addr_d, "after the failed Set and Update calls");
}

static void test_delete(void)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param;
    WCHAR list[4096], text[80];
    ULONG ret;

    ret = listen_delete(&addr_a);
    ok(ret == NO_ERROR, "Delete of IP listen entry %s: expected NO_ERROR, got %lu\n", dbgaddr((SOCKADDR *)&addr_a), ret);
    read_listen_list(list, 4096);
    ok(!multi_sz_has(list, listen_text(&addr_a, text, 80)), "ListenOnlyList after Delete: expected %s gone\n", dbgw(text));
    check_absent(&addr_a, "after its Delete");

    ret = listen_delete(&addr_a);
    ok(ret == ERROR_FILE_NOT_FOUND, "Delete of an IP listen entry deleted already: expected ERROR_FILE_NOT_FOUND (2), "
       "got %lu\n", ret);
    ret = listen_delete(&addr_d);
    ok(ret == ERROR_FILE_NOT_FOUND, "Delete of an IP listen entry never added: expected ERROR_FILE_NOT_FOUND (2), got %lu\n",
       ret);

    param = listen_param(&addr_b);
    param.pAddress = NULL;
    ret = cfg_delete(HttpServiceConfigIPListenList, &param, sizeof(param));
    ok(ret == ERROR_INVALID_PARAMETER, "Delete of an IP listen entry with pAddress NULL: expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", ret);

    ret = listen_delete(&addr_b);
    ok(ret == NO_ERROR, "Delete of IP listen entry %s: expected NO_ERROR, got %lu\n", dbgaddr((SOCKADDR *)&addr_b), ret);
    ret = listen_delete(&addr_c);
    ok(ret == NO_ERROR, "Delete of IP listen entry %s: expected NO_ERROR, got %lu\n", dbgaddr((SOCKADDR *)&addr_c), ret);
    check_absent(&addr_b, "after every test entry was deleted");
    check_absent(&addr_c, "after every test entry was deleted");
}

int main(int argc, char **argv)
{
    test_startup("config_iplisten.c");
    cfg_port = test_port(argc, argv);
    init_addresses();
    if (!config_init()) return test_report();

    cleanup();
    test_set();
    test_query();
    test_registry_import();
    test_invalid();
    test_delete();
    cleanup();

    config_term();
    return test_report();
}
