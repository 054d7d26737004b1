/*
 * URL reservations (HttpServiceConfigUrlAclInfo): UrlAclInfo holds one
 * value per reserved prefix, a self-relative security descriptor made from
 * the SDDL the caller gave.  urlacl_check_register() applies them to
 * registrations the way http.sys does.
 */
#include <winsock2.h>
#include <windows.h>
#include <sddl.h>
#include <http.h>

#include "httpapi_private.h"
#include "config.h"
#include "urlprefix.h"

static HKEY open_acl_key(BOOL write)
{
    HKEY params = config_open_params(write), key = NULL;

    if (!params) return NULL;
    if (write) RegCreateKeyExW(params, L"UrlAclInfo", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);
    else RegOpenKeyExW(params, L"UrlAclInfo", 0, KEY_READ, &key);
    RegCloseKey(params);
    return key;
}

/* A reservation must be a valid UrlPrefix, trailing slash included. */
static ULONG parse_prefix(const WCHAR *url, struct hs_prefix *prefix)
{
    char *utf8;
    int len;
    ULONG ret;

    if (!url || !url[0]) return ERROR_INVALID_PARAMETER;
    if (!(utf8 = utf16_to_utf8(url, &len))) return ERROR_INVALID_PARAMETER;
    ret = hs_prefix_parse(utf8, len, prefix) ? ERROR_INVALID_PARAMETER : NO_ERROR;
    HeapFree(GetProcessHeap(), 0, utf8);
    return ret;
}

/* Only allow and deny ACEs make sense in a reservation's DACL. */
static ULONG sd_from_sddl(const WCHAR *sddl, PSECURITY_DESCRIPTOR *sd, ULONG *sd_len)
{
    BOOL present, defaulted;
    ACL *dacl;

    if (!sddl || !sddl[0]) return ERROR_INVALID_PARAMETER;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, sd, sd_len))
        return ERROR_INVALID_PARAMETER;
    if (!GetSecurityDescriptorDacl(*sd, &present, &dacl, &defaulted) || !present || !dacl)
    {
        LocalFree(*sd);
        return ERROR_INVALID_PARAMETER;
    }
    return NO_ERROR;
}

static ULONG urlacl_set(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len, BOOL update)
{
    const HTTP_SERVICE_CONFIG_URLACL_SET *set = info;
    struct hs_prefix prefix = { 0 };
    PSECURITY_DESCRIPTOR sd;
    ULONG sd_len, ret;
    DWORD type, size = 0;
    HKEY key;
    LONG status;

    if (len < sizeof(*set)) return ERROR_INSUFFICIENT_BUFFER;
    if ((ret = parse_prefix(set->KeyDesc.pUrlPrefix, &prefix))) return ret;
    hs_prefix_free(&prefix);
    if ((ret = sd_from_sddl(set->ParamDesc.pStringSecurityDescriptor, &sd, &sd_len))) return ret;
    if (!(key = open_acl_key(TRUE))) ret = ERROR_ACCESS_DENIED;
    else
    {
        /* value names compare without case, as the reservations do */
        if (!RegQueryValueExW(key, set->KeyDesc.pUrlPrefix, NULL, &type, NULL, &size)) ret = ERROR_ALREADY_EXISTS;
        else
        {
            status = RegSetValueExW(key, set->KeyDesc.pUrlPrefix, 0, REG_BINARY, sd, sd_len);
            ret = config_win32_from_reg(status);
        }
        RegCloseKey(key);
    }
    LocalFree(sd);
    return ret;
}

static ULONG urlacl_remove(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len)
{
    const HTTP_SERVICE_CONFIG_URLACL_SET *set = info;
    struct hs_prefix prefix = { 0 };
    HKEY key;
    LONG status;
    ULONG ret;

    if (len < sizeof(set->KeyDesc)) return ERROR_INSUFFICIENT_BUFFER;
    if ((ret = parse_prefix(set->KeyDesc.pUrlPrefix, &prefix))) return ret;
    hs_prefix_free(&prefix);
    if (!(key = open_acl_key(FALSE))) return ERROR_FILE_NOT_FOUND;
    RegCloseKey(key);
    if (!(key = open_acl_key(TRUE))) return ERROR_ACCESS_DENIED;
    status = RegDeleteValueW(key, set->KeyDesc.pUrlPrefix);
    RegCloseKey(key);
    return status == ERROR_FILE_NOT_FOUND ? ERROR_FILE_NOT_FOUND : config_win32_from_reg(status);
}

/* Builds URLACL_SET + URL + SDDL in the caller's buffer. */
static ULONG output(const WCHAR *url, const BYTE *sd, ULONG sd_len, void *out, ULONG out_len, ULONG *ret_len)
{
    WCHAR *sddl;
    ULONG sddl_len, need, url_bytes = (lstrlenW(url) + 1) * sizeof(WCHAR);
    HTTP_SERVICE_CONFIG_URLACL_SET *set = out;

    if (!sd_bytes_valid(sd, sd_len, FALSE) ||
        !ConvertSecurityDescriptorToStringSecurityDescriptorW((PSECURITY_DESCRIPTOR)sd, SDDL_REVISION_1,
                                                              DACL_SECURITY_INFORMATION, &sddl, &sddl_len))
        return ERROR_FILE_NOT_FOUND;   /* not a reservation this service can read */
    need = sizeof(*set) + url_bytes + (lstrlenW(sddl) + 1) * sizeof(WCHAR);
    if (ret_len) *ret_len = need;
    if (out_len < need)
    {
        LocalFree(sddl);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    set->KeyDesc.pUrlPrefix = (WCHAR *)(set + 1);
    memcpy(set->KeyDesc.pUrlPrefix, url, url_bytes);
    set->ParamDesc.pStringSecurityDescriptor = (WCHAR *)((BYTE *)(set + 1) + url_bytes);
    lstrcpyW(set->ParamDesc.pStringSecurityDescriptor, sddl);
    LocalFree(sddl);
    return NO_ERROR;
}

static ULONG urlacl_query(HTTP_SERVICE_CONFIG_ID id, const void *in, ULONG in_len, void *out, ULONG out_len, ULONG *ret_len)
{
    const HTTP_SERVICE_CONFIG_URLACL_QUERY *q = in;
    WCHAR name[1024];
    BYTE sd[4096];
    DWORD name_len, sd_len, type, index, seen;
    HKEY key;
    ULONG ret = ERROR_FILE_NOT_FOUND;

    if (!q) return ERROR_INVALID_PARAMETER;
    if (in_len < sizeof(*q)) return ERROR_INSUFFICIENT_BUFFER;
    if (q->QueryDesc == HttpServiceConfigQueryExact)
    {
        struct hs_prefix prefix = { 0 };
        if ((ret = parse_prefix(q->KeyDesc.pUrlPrefix, &prefix))) return ret;
        hs_prefix_free(&prefix);
        if (!(key = open_acl_key(FALSE))) return ERROR_FILE_NOT_FOUND;
        sd_len = sizeof(sd);
        if (RegQueryValueExW(key, q->KeyDesc.pUrlPrefix, NULL, &type, sd, &sd_len) || type != REG_BINARY)
            ret = ERROR_FILE_NOT_FOUND;
        else
        {
            /* return the reservation as it is stored, not as asked */
            ret = ERROR_FILE_NOT_FOUND;
            for (index = 0;; index++)
            {
                name_len = 1024;
                if (RegEnumValueW(key, index, name, &name_len, NULL, NULL, NULL, NULL)) break;
                if (!lstrcmpiW(name, q->KeyDesc.pUrlPrefix))
                {
                    ret = output(name, sd, sd_len, out, out_len, ret_len);
                    break;
                }
            }
        }
        RegCloseKey(key);
        return ret;
    }
    if (q->QueryDesc != HttpServiceConfigQueryNext) return ERROR_INVALID_PARAMETER;
    if (!(key = open_acl_key(FALSE))) return ERROR_NO_MORE_ITEMS;
    ret = ERROR_NO_MORE_ITEMS;
    /* the dwToken-th readable reservation: values left by hand that are not
     * one (wrong type, oversized, not a descriptor) are skipped */
    for (index = 0, seen = 0;; index++)
    {
        LONG status;
        name_len = 1024;
        sd_len = sizeof(sd);
        status = RegEnumValueW(key, index, name, &name_len, NULL, &type, sd, &sd_len);
        if (status == ERROR_NO_MORE_ITEMS) break;
        if (status || type != REG_BINARY || !sd_bytes_valid(sd, sd_len, FALSE)) continue;
        if (seen++ == q->dwToken)
        {
            ret = output(name, sd, sd_len, out, out_len, ret_len);
            break;
        }
    }
    RegCloseKey(key);
    return ret;
}

const struct config_ops config_urlacl_ops = { urlacl_set, urlacl_remove, urlacl_query, FALSE };

/* ------------------------------------------------------------------------ */
/* the check at registration                                                */
/* ------------------------------------------------------------------------ */

/* Does reservation r cover registration p?  Same scheme, same host as
 * written (category and name), same port, and a path that contains it. */
static size_t covers(const struct hs_prefix *r, const struct hs_prefix *p)
{
    if (r->secure != p->secure || r->kind != p->kind || r->port != p->port) return 0;
    if (r->host_len != p->host_len || _strnicmp(r->host, p->host, r->host_len)) return 0;
    if (r->path_len > p->path_len || _strnicmp(r->path, p->path, r->path_len)) return 0;
    return r->path_len;   /* paths end with '/': a prefix is a whole-segment prefix */
}

/* Walks the DACL for the token: what it grants, unless a deny ACE that
 * applies comes first (reservation SDDL has no inheritance to care about). */
static ACCESS_MASK granted(HANDLE token, const ACL *dacl)
{
    ACCESS_MASK allowed = 0, denied = 0;
    WORD i;

    for (i = 0; i < dacl->AceCount; i++)
    {
        ACE_HEADER *ace;
        BOOL member = FALSE;
        PSID sid;
        ACCESS_MASK mask;

        if (!GetAce((ACL *)dacl, i, (void **)&ace)) continue;
        if (ace->AceType == ACCESS_ALLOWED_ACE_TYPE)
        {
            mask = ((ACCESS_ALLOWED_ACE *)ace)->Mask;
            sid = &((ACCESS_ALLOWED_ACE *)ace)->SidStart;
            if (CheckTokenMembership(token, sid, &member) && member) allowed |= mask & ~denied;
        }
        else if (ace->AceType == ACCESS_DENIED_ACE_TYPE)
        {
            mask = ((ACCESS_DENIED_ACE *)ace)->Mask;
            sid = &((ACCESS_DENIED_ACE *)ace)->SidStart;
            if (CheckTokenMembership(token, sid, &member) && member) denied |= mask & ~allowed;
        }
    }
    return allowed;
}

static BOOL caller_is_admin(HANDLE token)
{
    SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
    PSID admins;
    BOOL member = FALSE;

    if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0, &admins))
        return FALSE;
    if (!CheckTokenMembership(token, admins, &member)) member = FALSE;
    FreeSid(admins);
    return member;
}

/* The token to judge: the thread's if it impersonates, else a copy of the
 * process's (CheckTokenMembership wants an impersonation token). */
static HANDLE caller_token(void)
{
    HANDLE token = NULL, dup = NULL;

    if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY | TOKEN_DUPLICATE, TRUE, &token)) return token;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY | TOKEN_DUPLICATE, &token)) return NULL;
    if (!DuplicateToken(token, SecurityIdentification, &dup)) dup = NULL;
    CloseHandle(token);
    return dup;
}

ULONG urlacl_check_register(const WCHAR *url)
{
    struct hs_prefix want = { 0 };
    HANDLE token;
    HKEY key;
    WCHAR name[1024];
    BYTE sd[4096], best_sd[4096];
    DWORD name_len, sd_len, best_len = 0, type, index;
    size_t best = 0;
    ULONG ret;

    if ((ret = parse_prefix(url, &want))) return NO_ERROR;   /* the service reports malformed prefixes */
    if (!(token = caller_token()))
    {
        hs_prefix_free(&want);
        return ERROR_ACCESS_DENIED;
    }
    if (caller_is_admin(token))
    {
        CloseHandle(token);
        hs_prefix_free(&want);
        return NO_ERROR;
    }
    ret = ERROR_ACCESS_DENIED;
    if ((key = open_acl_key(FALSE)))
    {
        for (index = 0;; index++)
        {
            struct hs_prefix r = { 0 };
            size_t score;
            name_len = 1024;
            sd_len = sizeof(sd);
            if (RegEnumValueW(key, index, name, &name_len, NULL, &type, sd, &sd_len)) break;
            if (type != REG_BINARY || parse_prefix(name, &r)) continue;
            if ((score = covers(&r, &want)) > best)
            {
                best = score;
                memcpy(best_sd, sd, sd_len);
                best_len = sd_len;
            }
            hs_prefix_free(&r);
        }
        RegCloseKey(key);
    }
    if (best && sd_bytes_valid(best_sd, best_len, FALSE))
    {
        BOOL present, defaulted;
        ACL *dacl;
        if (GetSecurityDescriptorDacl(best_sd, &present, &dacl, &defaulted) && present && dacl &&
            (granted(token, dacl) & (GENERIC_EXECUTE | GENERIC_ALL)))
            ret = NO_ERROR;
    }
    CloseHandle(token);
    hs_prefix_free(&want);
    return ret;
}
