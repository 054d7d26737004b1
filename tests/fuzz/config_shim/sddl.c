/*
 * A stand-in for the SDDL conversions and the security-descriptor
 * functions httpapi's URL reservations use, with Windows' self-relative
 * layout: "D:" and optional P/AI/AR flags, then (A|D;;rights;;;sid) ACEs
 * with rights GA/GX/GR/GW (any of them) or 0x<hex>, sids WD, BA, BU, AU,
 * SY, LS, NS, IU or S-1-<authority>-<sub>...  Other strings are refused as
 * Windows would refuse a bad one; the conversion back writes hex rights and
 * S-1-... sids.  The token is a user's (Everyone, Users, Authenticated
 * Users), an administrator's too when shim_token_is_admin.
 */
#include "windows.h"
#include "registry.h"

#define MAX_ACES 16

struct sid { BYTE rev, count, auth[6]; DWORD sub[8]; };

static int alias(const WCHAR *s, struct sid *sid)
{
    static const struct { const char *name; BYTE auth, count; DWORD sub[2]; } aliases[] =
    {
        { "WD", 1, 1, { 0 } }, { "BA", 5, 2, { 32, 544 } }, { "BU", 5, 2, { 32, 545 } }, { "AU", 5, 1, { 11 } },
        { "SY", 5, 1, { 18 } }, { "LS", 5, 1, { 19 } }, { "NS", 5, 1, { 20 } }, { "IU", 5, 1, { 4 } },
    };
    unsigned i;

    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (s[0] == aliases[i].name[0] && s[1] == aliases[i].name[1] && s[2] == ')')
        {
            memset(sid, 0, sizeof(*sid));
            sid->rev = 1;
            sid->count = aliases[i].count;
            sid->auth[5] = aliases[i].auth;
            memcpy(sid->sub, aliases[i].sub, sizeof(aliases[i].sub));
            return 2;
        }
    return 0;
}

static ULONG number(const WCHAR **p, int hex)
{
    uint64_t v = 0;
    const WCHAR *s = *p;
    for (;; s++)
    {
        int d = *s >= '0' && *s <= '9' ? *s - '0' : hex && (*s | 32) >= 'a' && (*s | 32) <= 'f' ? (*s | 32) - 'a' + 10 : -1;
        if (d < 0) break;
        v = v * (hex ? 16 : 10) + (unsigned)d;
        if (v > 0xffffffffu) return (*p = NULL), 0;
    }
    if (s == *p) { *p = NULL; return 0; }
    *p = s;
    return (ULONG)v;
}

/* "S-1-a-b-c": the characters used, 0 if not one */
static int sid_string(const WCHAR *s, struct sid *sid)
{
    const WCHAR *p = s + 4;
    ULONG auth;

    if (s[0] != 'S' || s[1] != '-' || s[2] != '1' || s[3] != '-') return 0;
    memset(sid, 0, sizeof(*sid));
    sid->rev = 1;
    auth = number(&p, 0);
    if (!p || auth > 255) return 0;
    sid->auth[5] = (BYTE)auth;
    while (*p == '-' && sid->count < 8)
    {
        p++;
        sid->sub[sid->count++] = number(&p, 0);
        if (!p) return 0;
    }
    return *p == ')' && sid->count ? (int)(p - s) : 0;
}

static ULONG sid_size(const struct sid *sid) { return 8 + 4 * sid->count; }

BOOL ConvertStringSecurityDescriptorToSecurityDescriptorW(LPCWSTR sddl, DWORD rev, PSECURITY_DESCRIPTOR *out, PULONG out_len)
{
    struct { BYTE type; ACCESS_MASK mask; struct sid sid; } aces[MAX_ACES];
    const WCHAR *p = sddl;
    unsigned count = 0, i;
    ULONG size = sizeof(SECURITY_DESCRIPTOR_RELATIVE) + sizeof(ACL);
    SECURITY_DESCRIPTOR_RELATIVE *sd;
    BYTE *at;
    ACL *acl;

    if (!sddl || rev != SDDL_REVISION_1 || !out || p[0] != 'D' || p[1] != ':') return FALSE;
    p += 2;
    while (*p == 'P' || *p == 'A' || *p == 'I' || *p == 'R') p++;
    while (*p == '(')
    {
        int n;
        if (count == MAX_ACES || (p[1] != 'A' && p[1] != 'D') || p[2] != ';' || p[3] != ';') return FALSE;
        aces[count].type = p[1] == 'A' ? ACCESS_ALLOWED_ACE_TYPE : ACCESS_DENIED_ACE_TYPE;
        aces[count].mask = 0;
        p += 4;
        if (p[0] == '0' && (p[1] | 32) == 'x')
        {
            p += 2;
            aces[count].mask = number(&p, 1);
            if (!p) return FALSE;
        }
        else
            for (; *p == 'G'; p += 2)
            {
                if (p[1] == 'A') aces[count].mask |= GENERIC_ALL;
                else if (p[1] == 'X') aces[count].mask |= GENERIC_EXECUTE;
                else if (p[1] == 'R') aces[count].mask |= GENERIC_READ;
                else if (p[1] == 'W') aces[count].mask |= GENERIC_WRITE;
                else return FALSE;
            }
        if (p[0] != ';' || p[1] != ';' || p[2] != ';') return FALSE;
        p += 3;
        if (!(n = alias(p, &aces[count].sid)) && !(n = sid_string(p, &aces[count].sid))) return FALSE;
        p += n + 1;
        size += 8 + sid_size(&aces[count].sid);
        count++;
    }
    if (*p) return FALSE;
    if (!(sd = calloc(1, size))) return FALSE;
    sd->Revision = 1;
    sd->Control = SE_DACL_PRESENT | SE_SELF_RELATIVE;
    sd->Dacl = sizeof(*sd);
    acl = (ACL *)(sd + 1);
    acl->AclRevision = 2;
    acl->AclSize = (WORD)(size - sizeof(*sd));
    acl->AceCount = (WORD)count;
    at = (BYTE *)(acl + 1);
    for (i = 0; i < count; i++)
    {
        ACE_HEADER h = { aces[i].type, 0, (WORD)(8 + sid_size(&aces[i].sid)) };
        memcpy(at, &h, sizeof(h));
        memcpy(at + 4, &aces[i].mask, 4);
        memcpy(at + 8, &aces[i].sid, sid_size(&aces[i].sid));
        at += h.AceSize;
    }
    *out = sd;
    if (out_len) *out_len = size;
    return TRUE;
}

/* Like Windows', it trusts the offsets: it has no length to check them against. */
BOOL IsValidSecurityDescriptor(PSECURITY_DESCRIPTOR p)
{
    const SECURITY_DESCRIPTOR_RELATIVE *sd = p;
    if (sd->Revision != 1) return FALSE;
    if ((sd->Control & SE_DACL_PRESENT) && sd->Dacl && ((const BYTE *)p)[sd->Dacl] != 2) return FALSE;
    return TRUE;
}

BOOL IsValidSid(PSID p)
{
    const BYTE *sid = p;
    return sid[0] == 1 && sid[1] <= 15;
}

/* As Windows': the ACEs lie within AclSize, each at least a header long. */
BOOL IsValidAcl(ACL *acl)
{
    const BYTE *at = (const BYTE *)(acl + 1), *end = (const BYTE *)acl + acl->AclSize;
    DWORD i;

    if (acl->AclRevision < 2 || acl->AclRevision > 4 || acl->AclSize < sizeof(*acl)) return FALSE;
    for (i = 0; i < acl->AceCount; i++)
    {
        WORD size;
        if (end - at < (ptrdiff_t)sizeof(ACE_HEADER)) return FALSE;
        memcpy(&size, at + 2, 2);
        if (size < sizeof(ACE_HEADER) || size > end - at) return FALSE;
        at += size;
    }
    return TRUE;
}

BOOL GetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR p, BOOL *present, ACL **dacl, BOOL *defaulted)
{
    SECURITY_DESCRIPTOR_RELATIVE *sd = p;
    *present = !!(sd->Control & SE_DACL_PRESENT);
    *dacl = *present && sd->Dacl ? (ACL *)((BYTE *)p + sd->Dacl) : NULL;
    *defaulted = FALSE;
    return TRUE;
}

BOOL GetAce(ACL *acl, DWORD index, void **ace)
{
    BYTE *at = (BYTE *)(acl + 1), *end = (BYTE *)acl + acl->AclSize;
    DWORD i;

    if (index >= acl->AceCount) return FALSE;
    for (i = 0; i < index; i++)
    {
        if (at + 4 > end || ((ACE_HEADER *)at)->AceSize < 4) return FALSE;
        at += ((ACE_HEADER *)at)->AceSize;
    }
    if (at + 4 > end) return FALSE;
    *ace = at;
    return TRUE;
}

BOOL ConvertSecurityDescriptorToStringSecurityDescriptorW(PSECURITY_DESCRIPTOR p, DWORD rev, DWORD info, LPWSTR *out, PULONG out_len)
{
    char text[4096];
    size_t n = 0, i;
    BOOL present, defaulted;
    ACL *acl;
    DWORD k;

    if (!IsValidSecurityDescriptor(p)) return FALSE;
    GetSecurityDescriptorDacl(p, &present, &acl, &defaulted);
    n += snprintf(text, sizeof(text), "D:");
    for (k = 0; acl && k < acl->AceCount; k++)
    {
        BYTE *ace;
        struct sid sid;
        DWORD mask, s;
        if (!GetAce(acl, k, (void **)&ace)) return FALSE;
        memcpy(&mask, ace + 4, 4);
        memcpy(&sid, ace + 8, 8);
        if (sid.count > 8) return FALSE;
        memcpy(sid.sub, ace + 16, 4 * sid.count);
        n += snprintf(text + n, sizeof(text) - n, "(%c;;0x%x;;;S-1-%u", ace[0] ? 'D' : 'A', mask, sid.auth[5]);
        for (s = 0; s < sid.count; s++) n += snprintf(text + n, sizeof(text) - n, "-%u", sid.sub[s]);
        n += snprintf(text + n, sizeof(text) - n, ")");
        if (n >= sizeof(text) - 64) return FALSE;
    }
    if (!(*out = malloc((n + 1) * sizeof(WCHAR)))) return FALSE;
    for (i = 0; i <= n; i++) (*out)[i] = (WCHAR)(unsigned char)text[i];
    if (out_len) *out_len = (ULONG)(n + 1);
    return TRUE;
}

BOOL AllocateAndInitializeSid(SID_IDENTIFIER_AUTHORITY *auth, BYTE count, DWORD a0, DWORD a1, DWORD a2, DWORD a3,
                              DWORD a4, DWORD a5, DWORD a6, DWORD a7, PSID *out)
{
    struct sid *sid = calloc(1, sizeof(*sid));
    DWORD subs[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };
    if (!sid || count > 8) { free(sid); return FALSE; }
    sid->rev = 1;
    sid->count = count;
    memcpy(sid->auth, auth->Value, 6);
    memcpy(sid->sub, subs, sizeof(subs));
    *out = sid;
    return TRUE;
}

void *FreeSid(PSID sid) { free(sid); return NULL; }

BOOL CheckTokenMembership(HANDLE token, PSID p, BOOL *member)
{
    struct sid sid;
    memcpy(&sid, p, 8);
    if (sid.count > 8) return FALSE;
    memcpy(sid.sub, (BYTE *)p + 8, 4 * sid.count);
    *member = (sid.auth[5] == 1 && sid.count == 1 && !sid.sub[0]) ||                     /* Everyone */
              (sid.auth[5] == 5 && sid.count == 1 && sid.sub[0] == 11) ||                  /* Authenticated Users */
              (sid.auth[5] == 5 && sid.count == 2 && sid.sub[0] == 32 && sid.sub[1] == 545) ||
              (shim_token_is_admin && sid.auth[5] == 5 && sid.count == 2 && sid.sub[0] == 32 && sid.sub[1] == 544);
    return TRUE;
}
