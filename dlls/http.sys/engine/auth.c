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

/* Whether the token68 is base64 of "user:password" (RFC 7617).  The
 * password is looked at only for the colon, and not kept. */
static int basic_credentials_ok(const char *p, size_t len)
{
    unsigned char out[768];
    size_t i, n = 0, pad = 0;
    uint32_t acc = 0;
    int bits = 0, colon = 0;

    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
    if (!len || len % 4 || len / 4 * 3 > sizeof(out)) return 0;
    for (i = 0; i < len; i++)
    {
        int v;
        if (p[i] == '=')
        {
            if (i < len - 2) return 0;
            pad++;
            continue;
        }
        if (pad || (v = b64_value(p[i])) < 0) return 0;
        acc = (acc << 6) | (uint32_t)v;
        if ((bits += 6) >= 8)
        {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    for (i = 0; i < n; i++) if (out[i] == ':') colon = 1;
    explicit_bzero(out, sizeof(out));
    return colon && n > 1;
}

uint32_t hs_auth_check(uint32_t schemes, const char *header, size_t len, int32_t *sec_status)
{
    size_t i, n;

    *sec_status = 0;
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
        *sec_status = basic_credentials_ok(rest, (size_t)(header + len - rest)) ? HS_SEC_E_LOGON_DENIED
                                                                                 : HS_SEC_E_INVALID_TOKEN;
        return HS_AUTH_INFO(HS_AUTH_FAILURE, HS_AUTH_BASIC);
    }
    return HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_NONE);
}
