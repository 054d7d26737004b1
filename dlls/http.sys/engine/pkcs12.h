/*
 * Reading a PKCS#12 (.pfx) file with OpenSSL, for certutil -importpfx:
 * Wine 8.0's PFXImportCertStore reads RSA keys only, the engine reads
 * every kind OpenSSL does (RSA, EC; modern and legacy encryption).
 */
#ifndef HS_PKCS12_H
#define HS_PKCS12_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* Parses the HS_IOCTL_PKCS12 input and appends hs_pkcs12_item records to
 * out.  Returns 0, 86 ERROR_INVALID_PASSWORD, 13 ERROR_INVALID_DATA or
 * 8 ERROR_NOT_ENOUGH_MEMORY.  Key material left in out is the caller's to
 * wipe (hs_pkcs12_wipe). */
uint32_t hs_pkcs12_read(const uint8_t *in, uint32_t in_len, struct hs_buf *out);
void hs_pkcs12_wipe(struct hs_buf *out);

#endif
