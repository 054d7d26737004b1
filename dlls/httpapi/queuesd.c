/*
 * The security descriptor of a named request queue.  On Windows a queue
 * is a file object of http.sys: HttpCreateRequestQueue's SECURITY_ATTRIBUTES
 * become its descriptor (owner, group and DACL filled in from the creator's
 * token where the caller gave none, as for any new object), and an
 * OPEN_EXISTING is an open of that object, checked against its DACL.
 *
 * Here the creator's library makes that descriptor and hands it to the
 * engine with the name; the engine keeps the bytes and gives them to each
 * opener, whose library runs AccessCheck with its own token.  The check
 * thus runs in the opener's process.  It keeps Windows accounts apart,
 * which is what a DACL is about; it is no boundary between Unix users,
 * and needs none: every process of a Wine prefix is the same Unix user,
 * and the engine's control path is closed to other users already.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"
#include "httpsys_proto.h"

/* The queue is a file: generic rights in its ACEs mean what they mean for
 * files, and an open asks for what receiving and sending need. */
static GENERIC_MAPPING queue_mapping = { FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS };
#define QUEUE_OPEN_ACCESS (FILE_GENERIC_READ | FILE_GENERIC_WRITE)

static void *token_info(HANDLE token, TOKEN_INFORMATION_CLASS class)
{
    DWORD size = 0;
    void *info;

    GetTokenInformation(token, class, NULL, 0, &size);
    if (!size || !(info = HeapAlloc(GetProcessHeap(), 0, size))) return NULL;
    if (GetTokenInformation(token, class, info, size, &size)) return info;
    HeapFree(GetProcessHeap(), 0, info);
    return NULL;
}

/* A copy of acl whose generic rights are mapped, as the object manager maps
 * them when it gives a new object its descriptor: AccessCheck compares the
 * ACEs' masks as they stand. */
static ACL *mapped_acl(const ACL *acl)
{
    ACL *copy;
    WORD i;

    if (!(copy = HeapAlloc(GetProcessHeap(), 0, acl->AclSize))) return NULL;
    memcpy(copy, acl, acl->AclSize);
    for (i = 0; i < copy->AceCount; i++)
    {
        ACCESS_ALLOWED_ACE *ace;   /* every ACE type has its mask here */

        if (!GetAce(copy, i, (void **)&ace)) break;
        MapGenericMask(&ace->Mask, &queue_mapping);
    }
    return copy;
}

/* The descriptor a named queue keeps, self-relative: the caller's, with
 * the creator token's owner, primary group and default DACL for whatever it
 * leaves out (no sa or no descriptor: all three).  A descriptor that is not
 * valid is the caller's bad parameter. */
ULONG queue_sd_make(const SECURITY_ATTRIBUTES *sa, BYTE **out, DWORD *out_len)
{
    SECURITY_DESCRIPTOR *given = sa ? sa->lpSecurityDescriptor : NULL, sd;
    TOKEN_DEFAULT_DACL *def_dacl = NULL;
    TOKEN_PRIMARY_GROUP *def_group = NULL;
    TOKEN_OWNER *def_owner = NULL;
    BOOL present = FALSE, defaulted;
    PSID owner = NULL, group = NULL;
    ACL *dacl = NULL, *mapped = NULL;
    HANDLE token = NULL;
    DWORD len = 0;
    BYTE *buf = NULL;
    ULONG ret = ERROR_INVALID_PARAMETER;

    *out = NULL;
    *out_len = 0;
    if (given)
    {
        if (!IsValidSecurityDescriptor(given)) return ERROR_INVALID_PARAMETER;
        if (!GetSecurityDescriptorOwner(given, &owner, &defaulted) ||
            !GetSecurityDescriptorGroup(given, &group, &defaulted) ||
            !GetSecurityDescriptorDacl(given, &present, &dacl, &defaulted))
            return ERROR_INVALID_PARAMETER;
        if ((owner && !IsValidSid(owner)) || (group && !IsValidSid(group)) ||
            (present && dacl && !IsValidAcl(dacl)))
            return ERROR_INVALID_PARAMETER;
    }
    if (!owner || !group || !present)
    {
        if (!OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token) &&
            !OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
            return GetLastError();
        if (!owner && (def_owner = token_info(token, TokenOwner))) owner = def_owner->Owner;
        if (!group && (def_group = token_info(token, TokenPrimaryGroup))) group = def_group->PrimaryGroup;
        if (!present)
        {
            /* a token without a default DACL leaves the object without one */
            if ((def_dacl = token_info(token, TokenDefaultDacl))) dacl = def_dacl->DefaultDacl;
            present = TRUE;
        }
        CloseHandle(token);
    }
    ret = ERROR_NOT_ENOUGH_MEMORY;
    if (dacl && !(mapped = mapped_acl(dacl))) goto done;
    InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
    if (!SetSecurityDescriptorOwner(&sd, owner, FALSE) || !SetSecurityDescriptorGroup(&sd, group, FALSE) ||
        !SetSecurityDescriptorDacl(&sd, present, mapped, FALSE))
    {
        ret = ERROR_INVALID_PARAMETER;
        goto done;
    }
    MakeSelfRelativeSD(&sd, NULL, &len);
    if (len < HS_QUEUE_SD_MIN || len > HS_QUEUE_SD_MAX)
    {
        ret = ERROR_INVALID_PARAMETER;
        goto done;
    }
    if (!(buf = HeapAlloc(GetProcessHeap(), 0, len))) goto done;
    if (!MakeSelfRelativeSD(&sd, buf, &len))
    {
        ret = GetLastError();
        HeapFree(GetProcessHeap(), 0, buf);
        goto done;
    }
    *out = buf;
    *out_len = len;
    ret = NO_ERROR;
done:
    HeapFree(GetProcessHeap(), 0, mapped);
    HeapFree(GetProcessHeap(), 0, def_owner);
    HeapFree(GetProcessHeap(), 0, def_group);
    HeapFree(GetProcessHeap(), 0, def_dacl);
    return ret;
}

/* The token an open is checked with: the thread's if it impersonates (as
 * for any open on Windows), else an impersonation copy of the process's,
 * which AccessCheck needs. */
static HANDLE check_token(void)
{
    HANDLE token, imp = NULL;

    if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token)) return token;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY | TOKEN_DUPLICATE, &token)) return NULL;
    if (!DuplicateToken(token, SecurityImpersonation, &imp)) imp = NULL;
    CloseHandle(token);
    return imp;
}

/* Whether this process may open a queue kept with descriptor sd (len bytes
 * as the engine returned them; none: a queue that has none).  Anything
 * that keeps the check from running is a refusal. */
ULONG queue_sd_check(const BYTE *sd, DWORD len)
{
    PRIVILEGE_SET privileges;
    DWORD priv_len = sizeof(privileges), granted = 0;
    BOOL status = FALSE;
    HANDLE token;

    if (!len) return NO_ERROR;
    if (len > HS_QUEUE_SD_MAX || !sd_bytes_valid(sd, len, TRUE))   /* AccessCheck needs owner and group */
    {
        WARN("a queue descriptor of %lu bytes that is not valid\n", len);
        return ERROR_ACCESS_DENIED;
    }
    if (!(token = check_token())) return ERROR_ACCESS_DENIED;
    if (!AccessCheck((PSECURITY_DESCRIPTOR)sd, token, QUEUE_OPEN_ACCESS, &queue_mapping, &privileges, &priv_len,
                     &granted, &status))
    {
        WARN("AccessCheck failed: error %lu\n", GetLastError());
        status = FALSE;
    }
    CloseHandle(token);
    TRACE("granted %#lx, %s\n", granted, status ? "allowed" : "denied");
    return status ? NO_ERROR : ERROR_ACCESS_DENIED;
}
