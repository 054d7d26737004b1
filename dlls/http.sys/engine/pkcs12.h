/*
 * Reading a PKCS#12 (.pfx) file with OpenSSL, for certutil -importpfx:
 * Wine 8.0's PFXImportCertStore reads RSA keys only, the engine reads
 * every kind OpenSSL does (RSA, EC; modern and legacy encryption).
 */
#ifndef HS_PKCS12_H
#define HS_PKCS12_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "buf.h"

/* Parses the HS_IOCTL_PKCS12 input and appends hs_pkcs12_item records to
 * out.  Returns 0, 86 ERROR_INVALID_PASSWORD, 13 ERROR_INVALID_DATA or
 * 8 ERROR_NOT_ENOUGH_MEMORY.  Key material left in out is the caller's to
 * wipe (hs_pkcs12_wipe). */
uint32_t hs_pkcs12_read(const uint8_t *in, uint32_t in_len, struct hs_buf *out);
void hs_pkcs12_wipe(struct hs_buf *out);
/* Unloads the providers the reader loaded (at exit). */
void hs_pkcs12_cleanup(void);

/* Reads a .pfx: the key, its certificate and the other certificates (each
 * may come back NULL; the caller frees what it gets).  Same errors. */
uint32_t hs_pkcs12_parse(const uint8_t *pfx, size_t len, const char *password, size_t pass_len,
                         EVP_PKEY **pkey, X509 **cert, STACK_OF(X509) **ca);

#endif
