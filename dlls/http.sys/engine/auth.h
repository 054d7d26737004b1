/*
 * Server-side authentication (HttpServerAuthenticationProperty): what a
 * request's Authorization header means to the URL group it went to, as
 * HTTP_REQUEST_AUTH_INFO reports it.  A pure function over the header.
 *
 * http.sys does not answer for the application: every request is
 * delivered, with its AuthStatus, and the application sends the 401 and
 * its challenges (as ASP.NET Core and HttpListener do).  Basic credentials
 * are checked with LogonUser on Windows: here the caller hands well-formed
 * ones to logon.c (the prefix's one account, through PAM).  The other
 * schemes are left to the application (NotAuthenticated, with their type).
 */
#ifndef HS_AUTH_H
#define HS_AUTH_H

#include <stddef.h>
#include <stdint.h>

/* HTTP_AUTH_ENABLE_* */
#define HS_AUTH_ENABLE_BASIC     0x01
#define HS_AUTH_ENABLE_DIGEST    0x02
#define HS_AUTH_ENABLE_NTLM      0x04
#define HS_AUTH_ENABLE_NEGOTIATE 0x08
#define HS_AUTH_ENABLE_KERBEROS  0x10

/* HTTP_AUTH_STATUS */
#define HS_AUTH_SUCCESS           0
#define HS_AUTH_NOT_AUTHENTICATED 1
#define HS_AUTH_FAILURE           2

/* HTTP_REQUEST_AUTH_TYPE */
enum hs_auth_type { HS_AUTH_NONE, HS_AUTH_BASIC, HS_AUTH_DIGEST, HS_AUTH_NTLM, HS_AUTH_NEGOTIATE, HS_AUTH_KERBEROS };

#define HS_SEC_E_INVALID_TOKEN ((int32_t)0x80090308)
#define HS_SEC_E_LOGON_DENIED  ((int32_t)0x8009030C)

/* Basic credentials as the client sent them: "user:password" in text[0..len),
 * the first ':' at colon.  Whoever decodes them wipes them (explicit_bzero). */
struct hs_basic_cred
{
    char text[768];
    size_t len, colon;
};

/* schemes: the group's AuthSchemes (non-zero); header: the Authorization
 * value, NULL when there is none.  Returns HS_AUTH_INFO(status, type).
 * Well-formed Basic credentials to a group that enables Basic come back as
 * a failed logon (SEC_E_LOGON_DENIED) with cred->len set: the caller logs
 * them on (logon.h) for the real answer.  Otherwise cred->len is 0. */
uint32_t hs_auth_check(uint32_t schemes, const char *header, size_t len, int32_t *sec_status,
                       struct hs_basic_cred *cred);

#endif
