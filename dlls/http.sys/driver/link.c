#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <winternl.h>

#include "link.h"

static SOCKET sock = INVALID_SOCKET;
static int wsa_started;

/* Finds an export of the loaded ntdll by walking the loader's module list
 * and the export directory: GetProcAddress lives in kernel32, which this
 * image must not import (see link.h). */
/* GCC mistakes the TEB read through %gs for an access to a zero-length array. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
static PEB *current_peb(void)
{
    return NtCurrentTeb()->ProcessEnvironmentBlock;
}
#pragma GCC diagnostic pop

static void *ntdll_export(const char *name)
{
    PEB *peb = current_peb();
    LIST_ENTRY *head = &peb->Ldr->InMemoryOrderModuleList, *e;

    for (e = head->Flink; e != head; e = e->Flink)
    {
        LDR_DATA_TABLE_ENTRY *m = CONTAINING_RECORD(e, LDR_DATA_TABLE_ENTRY, InMemoryOrderLinks);
        const UNICODE_STRING *n = &m->FullDllName;
        unsigned len = n->Length / sizeof(WCHAR), i;
        BYTE *base = m->DllBase;
        IMAGE_NT_HEADERS *nt;
        IMAGE_EXPORT_DIRECTORY *ed;
        DWORD *names, *funcs;
        WORD *ords;
        static const WCHAR suffix[] = L"\\ntdll.dll";
        int match = len >= 10;

        for (i = 0; match && i < 10; i++)
        {
            WCHAR c = n->Buffer[len - 10 + i];
            if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
            if (c != suffix[i]) match = 0;
        }
        if (!match) continue;
        nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
        ed = (IMAGE_EXPORT_DIRECTORY *)(base + nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT].VirtualAddress);
        names = (DWORD *)(base + ed->AddressOfNames);
        funcs = (DWORD *)(base + ed->AddressOfFunctions);
        ords = (WORD *)(base + ed->AddressOfNameOrdinals);
        for (i = 0; i < ed->NumberOfNames; i++)
        {
            const char *a = (const char *)base + names[i], *b = name;
            while (*a && *a == *b) a++, b++;
            if (!*a && !*b) return base + funcs[ords[i]];
        }
    }
    return NULL;
}

int link_unix_path(const uint16_t *nt_path, char *out, size_t cap, int may_not_exist)
{
    NTSTATUS (CDECL *to_unix)(const OBJECT_ATTRIBUTES *, char *, ULONG *, UINT) =
        ntdll_export("wine_nt_to_unix_file_name");
    OBJECT_ATTRIBUTES attr;
    UNICODE_STRING name;
    ULONG size = (ULONG)cap;
    USHORT len = 0;
    NTSTATUS status;

    if (!to_unix) return -1;
    while (nt_path[len]) len++;
    name.Buffer = (WCHAR *)nt_path;
    name.Length = len * sizeof(WCHAR);
    name.MaximumLength = name.Length;
    InitializeObjectAttributes(&attr, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    out[0] = 0;
    status = to_unix(&attr, out, &size, may_not_exist ? FILE_OPEN_IF : FILE_OPEN);
    /* STATUS_NO_SUCH_FILE: the name is good, only its last part does not exist yet */
    if (status == (NTSTATUS)0xc000000f && may_not_exist && out[0]) status = 0;
    return status ? -1 : 0;
}

/* An export of httpapi.dll, by ordinal: the certificate functions the
 * engine needs run there, in Windows' own CryptoAPI, and the DLL is loaded
 * into this process the first time one is needed.  0 or a Win32 error. */
static DWORD httpapi_export(WORD ordinal, void **proc)
{
    static const WCHAR path[] = L"C:\\windows\\system32\\httpapi.dll";
    static HMODULE module;
    NTSTATUS (WINAPI *load)(const WCHAR *, DWORD, const UNICODE_STRING *, HMODULE *) = ntdll_export("LdrLoadDll");
    NTSTATUS (WINAPI *get_proc)(HMODULE, const ANSI_STRING *, ULONG, void **) = ntdll_export("LdrGetProcedureAddress");
    ULONG (WINAPI *to_win32)(NTSTATUS) = ntdll_export("RtlNtStatusToDosError");
    UNICODE_STRING name;
    HMODULE loaded;
    NTSTATUS status = 0;

    *proc = NULL;
    if (!load || !get_proc || !to_win32) return ERROR_PROC_NOT_FOUND;
    /* two workers may both load it: the loader counts references, and the
     * module stays for the life of the process either way */
    if (!module)
    {
        name.Buffer = (WCHAR *)path;
        name.Length = sizeof(path) - sizeof(WCHAR);
        name.MaximumLength = sizeof(path);
        if (!(status = load(NULL, 0, &name, &loaded))) module = loaded;
    }
    if (!status) status = get_proc(module, NULL, ordinal, proc);
    if (!status && !*proc) status = (NTSTATUS)0xc000007a;   /* STATUS_PROCEDURE_NOT_FOUND */
    if (status)
    {
        link_log(ordinal == HS_CERT_EXPORT_ORDINAL ? "httpapi.dll cannot be loaded to read certificates"
                                                   : "httpapi.dll cannot be loaded to verify certificate chains");
        *proc = NULL;
        return to_win32(status);
    }
    return 0;
}

/* httpapi.dll's certificate reader (certexport.c) */
typedef DWORD (WINAPI *cert_material_fn)(const struct hs_msg_cert_request *req, BYTE *out, DWORD cap, DWORD *len);

static cert_material_fn cert_reader(void)
{
    static cert_material_fn reader;
    void *proc;

    if (!reader && !httpapi_export(HS_CERT_EXPORT_ORDINAL, &proc)) reader = (cert_material_fn)proc;
    return reader;
}

int link_cert_material(const struct hs_msg_cert_request *req, uint8_t **out, uint32_t *out_len)
{
    cert_material_fn reader = cert_reader();
    DWORD cap = 16384, len = 0, err;
    uint8_t *buf;

    *out = NULL;
    *out_len = 0;
    if (!reader) return -1;
    for (;;)
    {
        if (!(buf = link_alloc(cap))) return -1;
        err = reader(req, buf, cap, &len);
        if (err != ERROR_MORE_DATA || len <= cap || len > HS_CERT_MAX + 65536) break;
        link_free(buf);
        cap = len;
    }
    if (err)
    {
        SecureZeroMemory(buf, cap);
        link_free(buf);
        return -1;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

/* httpapi.dll's chain verifier (chainexport.c) */
typedef DWORD (WINAPI *verify_chain_fn)(const struct hs_msg_chain_request *req, DWORD size,
                                        struct hs_msg_chain_reply *reply);

uint32_t link_verify_chain(const struct hs_msg_chain_request *req, uint32_t size, struct hs_msg_chain_reply *reply)
{
    static verify_chain_fn verifier;
    void *proc;
    DWORD err;

    reply->status = 0;
    reply->cert_flags = 0;
    if (!verifier)
    {
        if ((err = httpapi_export(HS_CHAIN_EXPORT_ORDINAL, &proc)))
        {
            reply->status = err;
            return err;
        }
        verifier = (verify_chain_fn)proc;
    }
    verifier(req, size, reply);
    return reply->status;
}

int link_spawn(char *const argv[])
{
    NTSTATUS (CDECL *spawn)(char *const *, int) = ntdll_export("__wine_unix_spawnvp");
    return spawn && !spawn(argv, 0) ? 0 : -1;
}

/* Under the send lock: no frame of another thread may reach the new
 * engine before the secret (the engine would drop the channel). */
static int connect_locked(uint16_t port, const uint8_t secret[HS_SECRET_BYTES]);

int link_connect(uint16_t port, const uint8_t secret[HS_SECRET_BYTES])
{
    int ret;

    link_lock();
    ret = connect_locked(port, secret);
    link_unlock();
    return ret;
}

static int connect_locked(uint16_t port, const uint8_t secret[HS_SECRET_BYTES])
{
    struct { struct hs_msg_header hdr; struct hs_msg_auth auth; } msg;
    struct sockaddr_in sin;
    WSADATA wsa;
    BOOL one = TRUE;
    int i;

    if (!wsa_started && WSAStartup(MAKEWORD(2, 2), &wsa)) return -1;
    wsa_started = 1;
    if ((sock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) == INVALID_SOCKET)
    {
        link_log_number("http.sys: no socket for the engine: Winsock error ", WSAGetLastError(), "");
        return -1;
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(sock, (struct sockaddr *)&sin, sizeof(sin)))
    {
        link_log_number("http.sys: connecting to the engine failed with Winsock error ", WSAGetLastError(), "");
        link_close();
        return -1;
    }
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, (char *)&one, sizeof(one));
    memset(&msg, 0, sizeof(msg));
    msg.hdr.length = sizeof(msg);
    msg.hdr.type = HS_MSG_AUTH;
    msg.auth.magic = HS_AUTH_MAGIC;
    msg.auth.version = HS_PROTO_VERSION;
    for (i = 0; i < HS_SECRET_BYTES; i++) msg.auth.secret[i] = secret[i];
    i = send(sock, (const char *)&msg, sizeof(msg), 0);
    SecureZeroMemory(&msg, sizeof(msg));
    if (i != sizeof(msg))
    {
        link_log_number("http.sys: authenticating to the engine failed with Winsock error ", WSAGetLastError(), "");
        link_close();
        return -1;
    }
    return 0;
}

static int send_all(const void *data, uint32_t len)
{
    const char *p = data;

    while (len)
    {
        int n = send(sock, p, len > 0x10000000 ? 0x10000000 : (int)len, 0);
        if (n <= 0) return -1;
        p += n;
        len -= (uint32_t)n;
    }
    return 0;
}

int link_send_locked(uint16_t type, uint64_t op, uint64_t file, const void *a, uint32_t alen,
                     const void *b, uint32_t blen)
{
    struct hs_msg_header hdr;

    memset(&hdr, 0, sizeof(hdr));
    hdr.length = (uint32_t)sizeof(hdr) + alen + blen;
    hdr.type = type;
    hdr.op = op;
    hdr.file = file;
    if (sock != INVALID_SOCKET && !send_all(&hdr, sizeof(hdr)) &&
        (!alen || !send_all(a, alen)) && (!blen || !send_all(b, blen)))
        return 0;
    return -1;
}

int link_send(uint16_t type, uint64_t op, uint64_t file, const void *a, uint32_t alen,
              const void *b, uint32_t blen)
{
    int ret;

    link_lock();
    ret = link_send_locked(type, op, file, a, alen, b, blen);
    link_unlock();
    return ret;
}

static int recv_all(void *data, uint32_t len)
{
    char *p = data;

    while (len)
    {
        int n = recv(sock, p, len > 0x10000000 ? 0x10000000 : (int)len, 0);
        if (n <= 0) return -1;
        p += n;
        len -= (uint32_t)n;
    }
    return 0;
}

void link_receive_loop(void)
{
    struct hs_msg_header hdr;
    uint8_t *body = NULL;
    uint32_t cap = 0;

    for (;;)
    {
        uint32_t len;
        if (sock == INVALID_SOCKET || recv_all(&hdr, sizeof(hdr))) break;
        if (hdr.length < sizeof(hdr) || hdr.length > HS_MAX_FRAME) break;
        len = hdr.length - (uint32_t)sizeof(hdr);
        if (len > cap)
        {
            link_free(body);
            cap = len < 65536 ? 65536 : len;
            if (!(body = link_alloc(cap))) break;
        }
        if (len && recv_all(body, len)) break;
        link_on_frame(&hdr, body, len);
    }
    link_free(body);
}

void link_close(void)
{
    /* the receive thread (an engine died) and DriverUnload may both close */
    SOCKET s = (SOCKET)InterlockedExchangePointer((void **)&sock, (void *)INVALID_SOCKET);

    if (s != INVALID_SOCKET)
    {
        shutdown(s, SD_BOTH);
        closesocket(s);
    }
}
