/*
 * What an Authorization header means to a URL group with authentication
 * enabled (auth.c): HTTP_REQUEST_AUTH_INFO's AuthStatus, AuthType and
 * SecStatus.
 */
#include <string.h>

#include "unit.h"
#include "auth.h"
#include "httpsys_proto.h"

static struct hs_basic_cred cred;

static uint32_t check(uint32_t schemes, const char *header, int32_t *sec)
{
    return hs_auth_check(schemes, header, header ? strlen(header) : 0, sec, &cred);
}

int main(void)
{
    int32_t sec;
    uint32_t a;

    /* no header: the application may challenge */
    a = check(HS_AUTH_ENABLE_BASIC, NULL, &sec);
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_NONE));
    CHECK_INT(sec, 0);
    CHECK_INT(HS_AUTH_STATUS(a), 1);
    CHECK_INT(HS_AUTH_TYPE(a), 0);
    CHECK(a & HS_AUTH_PRESENT);

    /* Basic credentials: a failed logon until logon.c says otherwise, with
     * the credentials decoded for it */
    a = check(HS_AUTH_ENABLE_BASIC, "Basic dXNlcjpwYXNz", &sec);   /* user:pass */
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_FAILURE, HS_AUTH_BASIC));
    CHECK_INT(sec, HS_SEC_E_LOGON_DENIED);
    CHECK_INT(cred.len, 9);
    CHECK_INT(cred.colon, 4);
    CHECK(!memcmp(cred.text, "user:pass", 9));
    a = check(HS_AUTH_ENABLE_BASIC | HS_AUTH_ENABLE_NTLM, "basic   dTo=  ", &sec);   /* "u:" */
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_FAILURE, HS_AUTH_BASIC));
    CHECK_INT(sec, HS_SEC_E_LOGON_DENIED);
    CHECK_INT(cred.len, 2);
    CHECK_INT(cred.colon, 1);
    check(HS_AUTH_ENABLE_BASIC, "Basic OnA6cQ==", &sec);   /* ":p:q": the first colon splits */
    CHECK_INT(cred.len, 4);
    CHECK_INT(cred.colon, 0);
    /* malformed: not base64, no colon, nothing */
    a = check(HS_AUTH_ENABLE_BASIC, "Basic !!!!", &sec);
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_FAILURE, HS_AUTH_BASIC));
    CHECK_INT(sec, HS_SEC_E_INVALID_TOKEN);
    CHECK_INT(cred.len, 0);
    check(HS_AUTH_ENABLE_BASIC, "Basic dXNlcg==", &sec);   /* "user" */
    CHECK_INT(sec, HS_SEC_E_INVALID_TOKEN);
    CHECK_INT(cred.len, 0);
    CHECK(cred.text[0] == 0);   /* what was decoded is wiped */
    check(HS_AUTH_ENABLE_BASIC, "Basic", &sec);
    CHECK_INT(sec, HS_SEC_E_INVALID_TOKEN);
    check(HS_AUTH_ENABLE_BASIC, "Basic dXN=lcg=", &sec);
    CHECK_INT(sec, HS_SEC_E_INVALID_TOKEN);

    /* a scheme the group does not enable: its type, not authenticated */
    a = check(HS_AUTH_ENABLE_BASIC, "Negotiate YIIB", &sec);
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_NEGOTIATE));
    CHECK_INT(sec, 0);
    a = check(HS_AUTH_ENABLE_NTLM, "Basic dXNlcjpwYXNz", &sec);
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_BASIC));
    CHECK_INT(cred.len, 0);
    /* enabled, but left to the application */
    a = check(HS_AUTH_ENABLE_NTLM | HS_AUTH_ENABLE_KERBEROS, "NTLM TlRMTVNTUAAB", &sec);
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_NTLM));
    a = check(HS_AUTH_ENABLE_DIGEST, "Digest username=\"u\"", &sec);
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_DIGEST));
    a = check(0x1f, "Kerberos abc", &sec);
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_KERBEROS));
    /* a scheme http.sys does not know */
    a = check(0x1f, "Bearer abc.def", &sec);
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_NONE));
    a = check(0x1f, "Basicx dXNlcjpwYXNz", &sec);
    CHECK_INT(a, HS_AUTH_INFO(HS_AUTH_NOT_AUTHENTICATED, HS_AUTH_NONE));
    return unit_report();
}
