/*
 * Just enough of the Win32 API for httpapi's service configuration code
 * (dlls/httpapi/config*.c) in fuzz_config_api.  The registry functions
 * work on the in-memory store of registry.c (shared with the driver's Zw*
 * stand-ins in ntifs.h); security descriptors are a small stand-in with
 * Windows' self-relative layout (sddl.c), for the SDDL forms the tests use.
 */
#ifndef CONFIG_SHIM_WINDOWS_H
#define CONFIG_SHIM_WINDOWS_H

#include "shim_types.h"
#include <strings.h>

typedef struct shim_key *HKEY;
typedef HKEY *PHKEY;
typedef ULONG REGSAM;
#define HKEY_LOCAL_MACHINE ((HKEY)(uintptr_t)0x80000002)
#define KEY_READ 0x20019
#define KEY_ALL_ACCESS 0xf003f
#define REG_CREATED_NEW_KEY 1
#define REG_OPENED_EXISTING_KEY 2

LONG RegCreateKeyExW(HKEY key, LPCWSTR sub, DWORD reserved, LPWSTR cls, DWORD options, REGSAM sam, void *sa,
                     PHKEY out, LPDWORD disposition);
LONG RegOpenKeyExW(HKEY key, LPCWSTR sub, DWORD options, REGSAM sam, PHKEY out);
LONG RegCloseKey(HKEY key);
LONG RegSetValueExW(HKEY key, LPCWSTR name, DWORD reserved, DWORD type, const BYTE *data, DWORD len);
LONG RegQueryValueExW(HKEY key, LPCWSTR name, LPDWORD reserved, LPDWORD type, LPBYTE data, LPDWORD len);
LONG RegDeleteValueW(HKEY key, LPCWSTR name);
LONG RegDeleteKeyW(HKEY key, LPCWSTR sub);
LONG RegEnumKeyExW(HKEY key, DWORD index, LPWSTR name, LPDWORD name_len, LPDWORD reserved, LPWSTR cls,
                   LPDWORD cls_len, void *time);
LONG RegEnumValueW(HKEY key, DWORD index, LPWSTR name, LPDWORD name_len, LPDWORD reserved, LPDWORD type,
                   LPBYTE data, LPDWORD data_len);

/* memory */
#define HEAP_ZERO_MEMORY 8
static inline HANDLE GetProcessHeap(void) { return (HANDLE)1; }
static inline void *HeapAlloc(HANDLE heap, DWORD flags, SIZE_T size)
{
    return flags & HEAP_ZERO_MEMORY ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
}
static inline BOOL HeapFree(HANDLE heap, DWORD flags, void *p) { free(p); return TRUE; }
static inline void *LocalFree(void *p) { free(p); return NULL; }

/* strings, with msvcrt's semantics where they differ from C99's */
static inline int lstrlenW(LPCWSTR s) { return s ? (int)shim_wcslen(s) : 0; }
static inline WCHAR *lstrcpyW(WCHAR *d, const WCHAR *s) { WCHAR *r = d; while ((*d++ = *s++)) {} return r; }
static inline int lstrcmpiW(const WCHAR *a, const WCHAR *b) { return shim_wcsicmp(a, b); }
static inline WCHAR *shim_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) { if (*s == c) return (WCHAR *)s; if (!*s) return NULL; }
}
static inline WCHAR *shim_wcsrchr(const WCHAR *s, WCHAR c)
{
    const WCHAR *last = NULL;
    for (;; s++) { if (*s == c) last = s; if (!*s) return (WCHAR *)last; }
}
static inline WCHAR *shim_wcspbrk(const WCHAR *s, const WCHAR *set)
{
    for (; *s; s++) if (shim_wcschr(set, *s)) return (WCHAR *)s;
    return NULL;
}
/* 32-bit unsigned long; a leading '-' negates, as the C library does */
static inline ULONG shim_wcstoul(const WCHAR *s, WCHAR **end, int base)
{
    const WCHAR *p = s;
    uint64_t v = 0;
    int neg = 0, any = 0, over = 0;

    while (*p == ' ' || (*p >= 9 && *p <= 13)) p++;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    for (; *p >= '0' && *p <= '9'; p++, any = 1) if ((v = v * 10 + (*p - '0')) > 0xffffffffu) { over = 1; v = 0xffffffffu; }
    if (end) *end = (WCHAR *)(any ? p : s);
    if (over) return 0xffffffffu;
    return neg ? (ULONG)(0u - (uint32_t)v) : (ULONG)v;
}
int shim_snwprintf(WCHAR *buf, size_t count, const WCHAR *fmt, ...);
#define wcschr shim_wcschr
#define wcsrchr shim_wcsrchr
#define wcspbrk shim_wcspbrk
#define wcstoul shim_wcstoul
#define _snwprintf shim_snwprintf
#define _strnicmp strncasecmp

/* addresses */
int InetPtonW(int family, const WCHAR *text, void *addr);
const WCHAR *InetNtopW(int family, const void *addr, WCHAR *buf, size_t size);

/* security: a stand-in with Windows' self-relative layout */
typedef void *PSECURITY_DESCRIPTOR;
typedef void *PSID;
typedef struct { DWORD nLength; PSECURITY_DESCRIPTOR lpSecurityDescriptor; BOOL bInheritHandle; } SECURITY_ATTRIBUTES;
typedef struct { BYTE AclRevision, Sbz1; WORD AclSize, AceCount, Sbz2; } ACL;
typedef struct { BYTE AceType, AceFlags; WORD AceSize; } ACE_HEADER;
typedef struct { ACE_HEADER Header; ACCESS_MASK Mask; DWORD SidStart; } ACCESS_ALLOWED_ACE, ACCESS_DENIED_ACE;
typedef struct { BYTE Value[6]; } SID_IDENTIFIER_AUTHORITY;
typedef struct { BYTE Revision, Sbz1; WORD Control; DWORD Owner, Group, Sacl, Dacl; } SECURITY_DESCRIPTOR_RELATIVE;
#define SE_DACL_PRESENT 0x0004
#define SE_SACL_PRESENT 0x0010
#define SE_SELF_RELATIVE 0x8000
#define SECURITY_DESCRIPTOR_REVISION 1
#define ACCESS_ALLOWED_ACE_TYPE 0
#define ACCESS_DENIED_ACE_TYPE 1
#define SECURITY_NT_AUTHORITY {{0,0,0,0,0,5}}
#define SECURITY_BUILTIN_DOMAIN_RID 32
#define DOMAIN_ALIAS_RID_ADMINS 544
#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define GENERIC_EXECUTE 0x20000000u
#define GENERIC_ALL 0x10000000u
#define SYNCHRONIZE 0x00100000u
#define TOKEN_DUPLICATE 2
#define TOKEN_QUERY 8
#define SecurityIdentification 1
#define DACL_SECURITY_INFORMATION 4
#define SDDL_REVISION_1 1
BOOL ConvertStringSecurityDescriptorToSecurityDescriptorW(LPCWSTR sddl, DWORD rev, PSECURITY_DESCRIPTOR *sd, PULONG len);
BOOL ConvertSecurityDescriptorToStringSecurityDescriptorW(PSECURITY_DESCRIPTOR sd, DWORD rev, DWORD info,
                                                          LPWSTR *out, PULONG len);
BOOL IsValidSecurityDescriptor(PSECURITY_DESCRIPTOR sd);
BOOL IsValidSid(PSID sid);
BOOL IsValidAcl(ACL *acl);
BOOL GetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR sd, BOOL *present, ACL **dacl, BOOL *defaulted);
BOOL GetAce(ACL *acl, DWORD index, void **ace);
BOOL AllocateAndInitializeSid(SID_IDENTIFIER_AUTHORITY *auth, BYTE count, DWORD a0, DWORD a1, DWORD a2, DWORD a3,
                              DWORD a4, DWORD a5, DWORD a6, DWORD a7, PSID *sid);
void *FreeSid(PSID sid);
BOOL CheckTokenMembership(HANDLE token, PSID sid, BOOL *member);
static inline HANDLE GetCurrentThread(void) { return (HANDLE)(intptr_t)-2; }
static inline HANDLE GetCurrentProcess(void) { return (HANDLE)(intptr_t)-1; }
static inline BOOL OpenThreadToken(HANDLE t, DWORD a, BOOL self, HANDLE *tok) { return FALSE; }
static inline BOOL OpenProcessToken(HANDLE p, DWORD a, HANDLE *tok) { *tok = (HANDLE)0x10; return TRUE; }
static inline BOOL DuplicateToken(HANDLE t, int level, HANDLE *dup) { *dup = (HANDLE)0x14; return TRUE; }
static inline BOOL CloseHandle(HANDLE h) { return TRUE; }

/* what config.c's config_notify_service needs (winternl.h) */
#define FILE_SHARE_READ 1
#define FILE_SHARE_WRITE 2
#define FILE_OPEN 1
#define FILE_NON_DIRECTORY_FILE 0x40
NTSTATUS NtCreateFile(HANDLE *h, ACCESS_MASK access, OBJECT_ATTRIBUTES *attr, IO_STATUS_BLOCK *io, void *size,
                      ULONG attrs, ULONG share, ULONG disposition, ULONG options, void *ea, ULONG ea_len);
NTSTATUS NtClose(HANDLE h);

#endif
