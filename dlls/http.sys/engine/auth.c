#define _GNU_SOURCE
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "httpsys_proto.h"

static const struct { const char *name; enum hs_auth_type type; uint32_t bit; } schemes_known[] =
{
    { "Basic", HS_AUTH_BASIC, HS_AUTH_ENABLE_BASIC },
    { "Digest", HS_AUTH_DIGEST, HS_AUTH_ENABLE_DIGEST },
    { "NTLM", HS_AUTH_NTLM, HS_AUTH_ENABLE_NTLM },
    { "Negotiate", HS_AUTH_NEGOTIATE, HS_AUTH_ENABLE_NEGOTIATE },
    { "Kerberos", HS_AUTH_KERBEROS, HS_AUTH_ENABLE_KERBEROS },
};

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decodes the token68 when it is base64 of "user:password" (RFC 7617)
 * into cred, which the caller wipes; 0 when it is not. */
static int basic_decode(const char *p, size_t len, struct hs_basic_cred *cred)
{
    unsigned char *out = (unsigned char *)cred->text;
    size_t i, n = 0, pad = 0;
    uint32_t acc = 0;
    int bits = 0;
    const char *colon;

    cred->len = cred->colon = 0;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
    if (!len || len % 4 || len / 4 * 3 > sizeof(cred->text)) return 0;
    for (i = 0; i < len; i++)
    {
        int v;
        if (p[i] == '=')
        {
            if (i < len - 2) goto bad;
            pad++;
            continue;
        }
        if (pad || (v = b64_value(p[i])) < 0) goto bad;
        acc = (acc << 6) | (uint32_t)v;
        if ((bits += 6) >= 8)
        {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    if (n < 2 || !(colon = memchr(cred->text, ':', n))) goto bad;
    cred->len = n;
    cred->colon = (size_t)(colon - cred->text);
    return 1;
bad:
    explicit_bzero(cred->text, n);
    return 0;
}

uint32_t hs_auth_check(uint32_t schemes, const char *header, size_t len, int32_t *sec_status,
                       struct hs_basic_cred *cred)
{
    size_t i, n;

    *sec_status = 0;
    cred->len = cred->colon = 0;
    if (!header || !len) return HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_NONE);
    for (n = 0; n < len && header[n] != ' ' && header[n] != '\t'; n++) {}
    for (i = 0; i < sizeof(schemes_known) / sizeof(schemes_known[0]); i++)
    {
        const char *name = schemes_known[i].name;
        const char *rest;

        if (n != strlen(name) || strncasecmp(header, name, n)) continue;
        /* a scheme this group does not use: the application decides */
        if (!(schemes & schemes_known[i].bit))
            return HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, schemes_known[i].type);
        if (schemes_known[i].type != HS_AUTH_BASIC)
            return HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, schemes_known[i].type);
        for (rest = header + n; rest < header + len && (*rest == ' ' || *rest == '\t'); rest++) {}
        *sec_status = basic_decode(rest, (size_t)(header + len - rest), cred) ? HS_SEC_E_LOGON_DENIED
                                                                               : HS_SEC_E_INVALID_TOKEN;
        return HS_AUTH_INFO(HS_AUTH_FAILURE, HS_AUTH_BASIC);
    }
    return HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_NONE);
}
