/* certutil.exe: the verbs and their shared helpers. */
#ifndef CERTUTIL_H
#define CERTUTIL_H

#include <stdio.h>
#include <wchar.h>
#include <windows.h>
#include <wincrypt.h>

#include "certkey.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ---- output (certutil.c) ---------------------------------------------------- */
void out(const WCHAR *fmt, ...);
void err_out(const WCHAR *fmt, ...);        /* to stderr: notes that Windows' certutil does not print */
void hex_string(const BYTE *data, DWORD len, BOOL reverse, WCHAR *out);   /* lowercase, no spaces */

/* ---- options shared by the verbs -------------------------------------------- */
struct options
{
    BOOL force;                 /* -f */
    const WCHAR *password;      /* -p; NULL if not given */
};

/* ---- verbs: each returns S_OK or the HRESULT to report ------------------------ */
HRESULT verb_importpfx(const struct options *opts, int argc, WCHAR **argv);   /* importpfx.c */
HRESULT verb_store(const struct options *opts, int argc, WCHAR **argv);       /* certutil.c */
HRESULT verb_delstore(const struct options *opts, int argc, WCHAR **argv);    /* certutil.c */

/* Deletes the key containers certutil made for a certificate (machine and user keysets) and its
 * protected key copy; a missing one is not an error. */
void delete_own_key(const BYTE hash[20]);

/* CRYPT_KEY_PROV_INFO of a certificate (HeapFree), or NULL. */
CRYPT_KEY_PROV_INFO *get_prov_info(PCCERT_CONTEXT cert);

/* ---- failure reasons that Windows' certutil prints the same way ---------------- */
#define HR_INVALID_ARG  HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER)

#endif
