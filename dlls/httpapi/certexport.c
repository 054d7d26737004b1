/*
 * The certificates SSL bindings name, for the engine's OpenSSL.
 *
 * The driver loads httpapi.dll into winedevice.exe and calls
 * httpsys_cert_material (exported by ordinal only, HTTPSYS_CERT_ORDINAL,
 * so that the export table stays Windows') when the engine asks for a
 * certificate (HS_MSG_CERT_REQUEST): the certificate store and the CCS
 * files can only be read with Windows' own functions.
 *
 * Central certificate store (CCS) bindings follow IIS's provider settings,
 * HKLM\SOFTWARE\Microsoft\IIS\CentralCertProvider:
 *   Enabled            DWORD, must be 1
 *   PhysicalPath       REG_SZ or REG_EXPAND_SZ, the folder of the .pfx files
 *   PrivateKeyPassword the files' password: REG_BINARY, a CryptProtectData
 *                      blob of the UTF-16 password (what IIS Manager's own
 *                      encryption cannot be read outside IIS, so this is how
 *                      it is given here), or REG_SZ in clear; absent: none
 * and the file for a host name is <host>.pfx, else _.<parent domain>.pfx.
 */
#include "httpapi_private.h"
#include <wincrypt.h>
#include "certkey.h"

#define CCS_KEY L"SOFTWARE\\Microsoft\\IIS\\CentralCertProvider"

struct out_buf
{
    BYTE *data;
    DWORD cap, len;
};

static void put(struct out_buf *o, const void *p, DWORD n)
{
    if (o->len <= o->cap && n <= o->cap - o->len) memcpy(o->data + o->len, p, n);
    o->len += n;
}

static void put_blob(struct out_buf *o, const void *p, DWORD n)
{
    put(o, &n, sizeof(n));
    put(o, p, n);
}

static void put_reply(struct out_buf *o, DWORD status, DWORD format)
{
    struct hs_msg_cert_reply r = { status, format };
    put(o, &r, sizeof(r));
}

/* The certificate of the prefix's store, its chain and its key. */
static DWORD store_material(const struct hs_msg_cert_request *req, struct out_buf *o)
{
    struct certkey ck;
    WCHAR store[129];
    DWORD err, i, pos;

    if (req->hash_len != 20) return ERROR_INVALID_PARAMETER;
    memcpy(store, req->store, sizeof(req->store));
    store[128] = 0;
    if ((err = certkey_export(store, req->hash, &ck))) return err;
    put_reply(o, 0, HS_CERT_DER);
    put_blob(o, ck.cert, ck.cert_len);
    put(o, &ck.chain_count, sizeof(ck.chain_count));
    for (i = 0, pos = 0; i < ck.chain_count; i++)
    {
        put_blob(o, ck.chain + pos, ck.chain_sizes[i]);
        pos += ck.chain_sizes[i];
    }
    put_blob(o, ck.key, ck.key_len);
    certkey_free(&ck);
    return NO_ERROR;
}

static BYTE *read_file(const WCHAR *path, DWORD *len)
{
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    BYTE *data = NULL;
    DWORD got;

    if (f == INVALID_HANDLE_VALUE) return NULL;
    if (GetFileSizeEx(f, &size) && size.QuadPart > 0 && size.QuadPart <= HS_CERT_MAX &&
        (data = HeapAlloc(GetProcessHeap(), 0, (SIZE_T)size.QuadPart)))
    {
        if (!ReadFile(f, data, (DWORD)size.QuadPart, &got, NULL) || got != size.QuadPart)
        {
            HeapFree(GetProcessHeap(), 0, data);
            data = NULL;
        }
        else *len = got;
    }
    CloseHandle(f);
    return data;
}

/* The CCS password as UTF-8 (caller wipes and frees); NULL with *len 0 when there is none. */
static char *ccs_password(HKEY key, DWORD *len)
{
    DWORD type, size = 0;
    BYTE *raw;
    WCHAR *text = NULL;
    char *utf8 = NULL;
    DATA_BLOB in, out = { 0, NULL };
    int n;

    *len = 0;
    if (RegQueryValueExW(key, L"PrivateKeyPassword", NULL, &type, NULL, &size) || !size) return NULL;
    if (!(raw = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size + sizeof(WCHAR)))) return NULL;
    if (!RegQueryValueExW(key, L"PrivateKeyPassword", NULL, &type, raw, &size))
    {
        if (type == REG_BINARY)
        {
            in.cbData = size;
            in.pbData = raw;
            if (CryptUnprotectData(&in, NULL, NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out))
                text = (WCHAR *)out.pbData;
            else WARN("CentralCertProvider\\PrivateKeyPassword does not decrypt\n");
        }
        else if (type == REG_SZ) text = (WCHAR *)raw;
    }
    if (text && (n = WideCharToMultiByte(CP_UTF8, 0, text, -1, NULL, 0, NULL, NULL)) > 0 &&
        (utf8 = HeapAlloc(GetProcessHeap(), 0, n)))
    {
        WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, n, NULL, NULL);
        *len = (DWORD)n - 1;
    }
    if (out.pbData)
    {
        SecureZeroMemory(out.pbData, out.cbData);
        LocalFree(out.pbData);
    }
    SecureZeroMemory(raw, size);
    HeapFree(GetProcessHeap(), 0, raw);
    return utf8;
}

/* The host's .pfx from the central certificate store, with its password. */
static DWORD ccs_material(const struct hs_msg_cert_request *req, struct out_buf *o)
{
    WCHAR host[257], dir[MAX_PATH], expanded[MAX_PATH], path[MAX_PATH + 300];
    DWORD type, size = sizeof(dir), enabled = 0, pass_len = 0, pfx_len = 0;
    const WCHAR *dot;
    BYTE *pfx = NULL;
    char *pass;
    HKEY key;

    memcpy(host, req->host, sizeof(req->host));
    host[256] = 0;
    if (!host[0] || wcschr(host, '\\') || wcschr(host, '/') || wcsstr(host, L"..")) return ERROR_INVALID_PARAMETER;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, CCS_KEY, 0, KEY_READ, &key)) return ERROR_FILE_NOT_FOUND;
    size = sizeof(enabled);
    if (RegQueryValueExW(key, L"Enabled", NULL, &type, (BYTE *)&enabled, &size) || type != REG_DWORD || enabled != 1)
    {
        RegCloseKey(key);
        return ERROR_FILE_NOT_FOUND;
    }
    size = sizeof(dir) - sizeof(WCHAR);
    memset(dir, 0, sizeof(dir));
    if (RegQueryValueExW(key, L"PhysicalPath", NULL, &type, (BYTE *)dir, &size) ||
        (type != REG_SZ && type != REG_EXPAND_SZ))
    {
        RegCloseKey(key);
        return ERROR_FILE_NOT_FOUND;
    }
    if (type == REG_EXPAND_SZ && ExpandEnvironmentStringsW(dir, expanded, MAX_PATH)) lstrcpynW(dir, expanded, MAX_PATH);
    wsprintfW(path, L"%s\\%s.pfx", dir, host);
    if (!(pfx = read_file(path, &pfx_len)) && (dot = wcschr(host, '.')))
    {
        wsprintfW(path, L"%s\\_%s.pfx", dir, dot);
        pfx = read_file(path, &pfx_len);
    }
    if (!pfx)
    {
        RegCloseKey(key);
        return ERROR_FILE_NOT_FOUND;
    }
    pass = ccs_password(key, &pass_len);
    RegCloseKey(key);
    put_reply(o, 0, HS_CERT_PKCS12);
    put_blob(o, pfx, pfx_len);
    put_blob(o, pass ? pass : "", pass_len);
    if (pass)
    {
        SecureZeroMemory(pass, pass_len);
        HeapFree(GetProcessHeap(), 0, pass);
    }
    HeapFree(GetProcessHeap(), 0, pfx);
    return NO_ERROR;
}

/* Writes the HS_MSG_CERT_REPLY body for req into out: NO_ERROR (a reply,
 * possibly one that carries an error status, is in out[0..*len)), or
 * ERROR_MORE_DATA (*len is the size needed).  Key material in out is the
 * caller's to wipe. */
DWORD WINAPI httpsys_cert_material(const struct hs_msg_cert_request *req, BYTE *out, DWORD cap, DWORD *len)
{
    struct out_buf o = { out, cap, 0 };
    DWORD err;

    if (!req || !len) return ERROR_INVALID_PARAMETER;
    if (req->source == HS_CERT_FROM_CCS) err = ccs_material(req, &o);
    else if (req->source == HS_CERT_FROM_STORE) err = store_material(req, &o);
    else err = ERROR_INVALID_PARAMETER;
    if (err)
    {
        TRACE("certificate not available: error %lu\n", err);
        o.len = 0;
        put_reply(&o, err, 0);
    }
    *len = o.len;
    if (o.len > cap)
    {
        if (out) SecureZeroMemory(out, cap);
        return ERROR_MORE_DATA;
    }
    return NO_ERROR;
}
