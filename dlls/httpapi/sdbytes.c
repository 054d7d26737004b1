/*
 * Whether bytes that came from outside the process (the engine, the
 * registry) are a whole self-relative security descriptor.
 * IsValidSecurityDescriptor cannot say: it has no length, and trusts the
 * offsets inside, so a truncated or forged value would be read past its
 * end.  Here each part's offset and size are checked against the length
 * first, and only then handed to IsValidSid / IsValidAcl.
 */
#include <winsock2.h>
#include <windows.h>

#include "httpapi_private.h"

#define SID_HEADER 8   /* revision, count, authority: SubAuthorityCount is byte 1 */

/* Whether the part at offset (0: absent) lies within the len bytes, whole. */
static BOOL part_fits(const BYTE *sd, DWORD len, DWORD offset, BOOL is_acl)
{
    DWORD size;

    if (!offset) return TRUE;
    if (offset > len || len - offset < (is_acl ? sizeof(ACL) : SID_HEADER)) return FALSE;
    if (is_acl) size = ((const ACL *)(sd + offset))->AclSize;
    else size = SID_HEADER + 4 * sd[offset + 1];
    if (size > len - offset) return FALSE;
    return is_acl ? IsValidAcl((ACL *)(sd + offset)) : IsValidSid((PSID)(sd + offset));
}

BOOL sd_bytes_valid(const BYTE *sd, DWORD len, BOOL need_owner_group)
{
    const SECURITY_DESCRIPTOR_RELATIVE *rel = (const SECURITY_DESCRIPTOR_RELATIVE *)sd;

    if (!sd || len < sizeof(*rel)) return FALSE;
    if (rel->Revision != SECURITY_DESCRIPTOR_REVISION || !(rel->Control & SE_SELF_RELATIVE)) return FALSE;
    if (need_owner_group && (!rel->Owner || !rel->Group)) return FALSE;
    return part_fits(sd, len, rel->Owner, FALSE) && part_fits(sd, len, rel->Group, FALSE) &&
           part_fits(sd, len, (rel->Control & SE_DACL_PRESENT) ? rel->Dacl : 0, TRUE) &&
           part_fits(sd, len, (rel->Control & SE_SACL_PRESENT) ? rel->Sacl : 0, TRUE);
}
