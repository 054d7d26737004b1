/*
 * add / delete / show urlacl: URL reservations (HttpServiceConfigUrlAclInfo).
 *
 * "user=" is turned into a DACL granting GX (listen), GW (delegate) or GA
 * (both) to the account's SID; "sddl=" gives the DACL itself.  show prints
 * one User block per ACE, with the account name and what its rights allow.
 */
#include <stdlib.h>

#include "netsh.h"
#include <sddl.h>

enum { U_URL, U_USER, U_LISTEN, U_DELEGATE, U_SDDL, U_COUNT };

/* The SDDL as Windows writes it (well-known SIDs by their abbreviation). */
static WCHAR *normalize_sddl(const WCHAR *sddl)
{
    PSECURITY_DESCRIPTOR sd;
    WCHAR *text = NULL, *copy;

    if (ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL))
    {
        ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                             &text, NULL);
        LocalFree(sd);
    }
    copy = _wcsdup(text ? text : sddl);
    if (text) LocalFree(text);
    return copy;
}

/* D:(A;;<rights>;;;<SID of user>), or 0 with the Win32 error */
static DWORD user_sddl(const WCHAR *user, const WCHAR *rights, WCHAR **sddl)
{
    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD sid_len = sizeof(sid), domain_len = 256;
    WCHAR domain[256], *sid_text, raw[300];
    SID_NAME_USE use;

    if (!LookupAccountNameW(NULL, user, sid, &sid_len, domain, &domain_len, &use)) return GetLastError();
    if (!ConvertSidToStringSidW(sid, &sid_text)) return GetLastError();
    swprintf(raw, ARRAY_SIZE(raw), L"D:(A;;%ls;;;%ls)", rights, sid_text);
    LocalFree(sid_text);
    *sddl = normalize_sddl(raw);
    return 0;
}

int urlacl_add(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct tag_def defs[U_COUNT] =
    {
        { L"url", TAG_POSITIONAL | TAG_REQUIRED }, { L"user", TAG_POSITIONAL }, { L"listen", TAG_POSITIONAL },
        { L"delegate", TAG_POSITIONAL }, { L"sddl", TAG_POSITIONAL },
    };
    const WCHAR *values[U_COUNT];
    HTTP_SERVICE_CONFIG_URLACL_SET set;
    WCHAR *sddl = NULL;
    int rc, listen = 1, delegate = 0;
    DWORD err;

    if (!get_args(cmd, argc, argv, defs, U_COUNT, values, &rc)) return rc;
    if (!values[U_USER] && !values[U_SDDL])
    {
        print_usage(cmd);
        return NETSH_FAILED;
    }
    if ((values[U_USER] && values[U_SDDL]) || (values[U_SDDL] && (values[U_LISTEN] || values[U_DELEGATE]))
        || (values[U_LISTEN] && (listen = parse_choice(values[U_LISTEN], L"yes", L"no")) < 0)
        || (values[U_DELEGATE] && (delegate = parse_choice(values[U_DELEGATE], L"yes", L"no")) < 0)
        || (!listen && !delegate))
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    if (values[U_USER])
    {
        if ((err = user_sddl(values[U_USER], listen ? (delegate ? L"GA" : L"GX") : L"GW", &sddl)))
        {
            msg_api_error(L"Create SDDL failed", err);
            return NETSH_FAILED;
        }
    }
    else sddl = _wcsdup(values[U_SDDL]);

    set.KeyDesc.pUrlPrefix = (WCHAR *)values[U_URL];
    set.ParamDesc.pStringSecurityDescriptor = sddl;
    if (!(err = config_init())) err = HttpSetServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof(set), NULL);
    free(sddl);
    if (err)
    {
        msg_api_error(L"Url reservation add failed", err);
        return NETSH_FAILED;
    }
    msg_success(L"URL reservation successfully added");
    return NETSH_OK;
}

int urlacl_delete(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct tag_def defs[] = { { L"url", TAG_POSITIONAL | TAG_REQUIRED } };
    const WCHAR *values[1];
    HTTP_SERVICE_CONFIG_URLACL_SET set;
    DWORD err;
    int rc;

    if (!get_args(cmd, argc, argv, defs, 1, values, &rc)) return rc;
    memset(&set, 0, sizeof(set));
    set.KeyDesc.pUrlPrefix = (WCHAR *)values[0];
    if (!(err = config_init()))
        err = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigUrlAclInfo, &set, sizeof(set), NULL);
    if (err)
    {
        msg_api_error(L"URL reservation delete failed", err);
        return NETSH_FAILED;
    }
    msg_success(L"URL reservation successfully deleted");
    return NETSH_OK;
}

/* "DOMAIN\name" for a SID, "\Everyone" for a name without a domain, the SID
 * string when it has no name */
static void account_name(PSID sid, WCHAR *buf, size_t size)
{
    WCHAR name[256], domain[256], *text;
    DWORD name_len = ARRAY_SIZE(name), domain_len = ARRAY_SIZE(domain);
    SID_NAME_USE use;

    if (LookupAccountSidW(NULL, sid, name, &name_len, domain, &domain_len, &use))
        swprintf(buf, size, L"%ls\\%ls", domain, name);
    else if (ConvertSidToStringSidW(sid, &text))
    {
        lstrcpynW(buf, text, size);
        LocalFree(text);
    }
    else lstrcpynW(buf, L"(unknown)", size);
}

static void print_users(const WCHAR *sddl)
{
    PSECURITY_DESCRIPTOR sd;
    BOOL present, defaulted;
    PACL dacl = NULL;
    WORD i;

    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL)) return;
    if (GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) && present && dacl)
    {
        for (i = 0; i < dacl->AceCount; i++)
        {
            ACCESS_ALLOWED_ACE *ace;
            WCHAR user[600];
            BOOL listen, delegate;

            if (!GetAce(dacl, i, (void **)&ace) || ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE) continue;
            account_name(&ace->SidStart, user, ARRAY_SIZE(user));
            listen = (ace->Mask & (GENERIC_ALL | GENERIC_EXECUTE)) != 0;
            delegate = (ace->Mask & (GENERIC_ALL | GENERIC_WRITE)) != 0;
            out(L"        User: %ls\n", user);
            out(L"            Listen: %ls\n", listen ? L"Yes" : L"No");
            out(L"            Delegate: %ls\n", delegate ? L"Yes" : L"No");
        }
    }
    LocalFree(sd);
}

static void print_reservation(const HTTP_SERVICE_CONFIG_URLACL_SET *set)
{
    const WCHAR *sddl = set->ParamDesc.pStringSecurityDescriptor ? set->ParamDesc.pStringSecurityDescriptor : L"";

    out(L"    Reserved URL            : %ls \n", set->KeyDesc.pUrlPrefix ? set->KeyDesc.pUrlPrefix : L"");
    print_users(sddl);
    out(L"            SDDL: %ls \n\n", sddl);
}

static DWORD query_reservation(const WCHAR *url, HTTP_SERVICE_CONFIG_QUERY_TYPE type, DWORD token, void **buf)
{
    HTTP_SERVICE_CONFIG_URLACL_QUERY query;

    memset(&query, 0, sizeof(query));
    query.QueryDesc = type;
    query.KeyDesc.pUrlPrefix = (WCHAR *)url;
    query.dwToken = token;
    return config_query(HttpServiceConfigUrlAclInfo, &query, sizeof(query), buf);
}

int urlacl_show(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct tag_def defs[] = { { L"url", TAG_POSITIONAL } };
    const WCHAR *values[1];
    DWORD err, token;
    void *buf;
    int rc;

    if (!get_args(cmd, argc, argv, defs, 1, values, &rc)) return rc;
    out(L"\nURL Reservations: \n----------------- \n\n");
    if (values[0])
    {
        if (!(err = query_reservation(values[0], HttpServiceConfigQueryExact, 0, &buf)))
        {
            print_reservation(buf);
            free(buf);
        }
    }
    else
    {
        for (token = 0;; token++)
        {
            if ((err = query_reservation(NULL, HttpServiceConfigQueryNext, token, &buf)))
            {
                if (err == ERROR_NO_MORE_ITEMS) err = 0;
                break;
            }
            print_reservation(buf);
            free(buf);
        }
    }
    if (err)
    {
        msg_system_text(err);
        out(L"\n");
        return NETSH_FAILED;
    }
    out(L"\n");
    return NETSH_OK;
}

DWORD urlacl_dump(void)
{
    DWORD err, token;
    void *buf;

    for (token = 0;; token++)
    {
        const HTTP_SERVICE_CONFIG_URLACL_SET *set;
        if ((err = query_reservation(NULL, HttpServiceConfigQueryNext, token, &buf)))
            return err == ERROR_NO_MORE_ITEMS ? 0 : err;
        set = buf;
        out(L"add urlacl url=%ls sddl=%ls\n", set->KeyDesc.pUrlPrefix,
            set->ParamDesc.pStringSecurityDescriptor);
        free(buf);
    }
}
