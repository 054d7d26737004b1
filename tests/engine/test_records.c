/* The configuration records the driver sends: parsing, and what a bad line does. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "unit.h"
#include "records.h"

static void test_full(void)
{
    static const char text[] =
        "listen 127.0.0.1\n"
        "listen [::1]:8080\n"
        "timeout idle 60\n"
        "timeout headerwait 30\n"
        "cache maxresponse 262144\n"
        "setting tlsthrottle 1\n"
        "ssl ip 0.0.0.0:443 hash=00112233445566778899aabbccddeeff00112233 store=My flags=2 checkmode=1 freshness=5 urltimeout=7\n"
        "ssl sni www.example.com:8443 hash=ffeeddccbbaa99887766554433221100ffeeddcc\n"
        "ssl ccs 0.0.0.0:9443\n"
        "ssl ip [::]:443 hash=00 store=Web%20Hosting\n";
    struct hs_records r;

    CHECK_INT(hs_records_parse(text, sizeof(text) - 1, &r), 0);
    CHECK_INT(r.listen_count, 2);
    CHECK_INT(r.listen[0].addr.ss_family, AF_INET);
    CHECK_INT(r.listen[0].port, 0);
    CHECK_INT(((struct sockaddr_in *)&r.listen[0].addr)->sin_addr.s_addr, htonl(0x7f000001));
    CHECK_INT(r.listen[1].addr.ss_family, AF_INET6);
    CHECK_INT(r.listen[1].port, 8080);
    CHECK_INT(r.idle_timeout, 60);
    CHECK_INT(r.header_wait, 30);
    CHECK_INT(r.max_cache_response, 262144);
    CHECK_INT(r.tls_throttle, 1);
    CHECK_INT(r.ssl_count, 4);
    CHECK_INT(r.ssl[0].kind, HS_SSL_IP);
    CHECK_INT(r.ssl[0].port, 443);
    CHECK_INT(r.ssl[0].hash_len, 20);
    CHECK_INT(r.ssl[0].hash[19], 0x33);
    CHECK_MEM(r.ssl[0].store, strlen(r.ssl[0].store), "My");
    CHECK_INT(r.ssl[0].flags, 2);
    CHECK_INT(r.ssl[0].checkmode, 1);
    CHECK_INT(r.ssl[0].freshness, 5);
    CHECK_INT(r.ssl[0].urltimeout, 7);
    CHECK_INT(r.ssl[1].kind, HS_SSL_SNI);
    CHECK_MEM(r.ssl[1].subject, strlen(r.ssl[1].subject), "www.example.com:8443");
    CHECK_INT(r.ssl[1].port, 8443);
    CHECK_INT(r.ssl[2].kind, HS_SSL_CCS);
    CHECK_INT(r.ssl[2].hash_len, 0);
    CHECK_INT(r.ssl[3].addr.ss_family, AF_INET6);
    CHECK_MEM(r.ssl[3].store, strlen(r.ssl[3].store), "Web Hosting");
    hs_records_free(&r);
}

static void test_bad_lines(void)
{
    static const char text[] =
        "listen 999.1.1.1\n"         /* not an address */
        "timeout idle 0\n"           /* zero means nothing */
        "timeout idle 70000\n"       /* beyond a USHORT */
        "timeout nap 5\n"
        "ssl ip 1.2.3.4:0 hash=00\n" /* port 0 */
        "ssl ip 1.2.3.4:443 hash=0\n"/* odd hex */
        "ssl sni :443\n"             /* no host */
        "ssl bogus x:1\n"
        "listen 10.0.0.1%\n"         /* broken escape */
        "nonsense\n"
        "\n"
        "timeout headerwait 9";      /* the last line has no newline */
    struct hs_records r;

    CHECK_INT(hs_records_parse(text, sizeof(text) - 1, &r), 0);
    CHECK_INT(r.listen_count, 0);
    CHECK_INT(r.idle_timeout, 0);
    CHECK_INT(r.ssl_count, 0);
    CHECK_INT(r.header_wait, 9);
    hs_records_free(&r);
    {
        static const char with_nul[] = "listen 1.2.3.4\0garbage\nlisten 5.6.7.8\n";
        CHECK_INT(hs_records_parse(with_nul, sizeof(with_nul) - 1, &r), 0);
    }
    CHECK_INT(r.listen_count, 1);
    hs_records_free(&r);
}

static void test_addr(void)
{
    struct sockaddr_storage ss;
    uint16_t port;

    CHECK_INT(hs_parse_addr("10.1.2.3:80", &ss, &port), 0);
    CHECK_INT(port, 80);
    CHECK_INT(hs_parse_addr("::", &ss, &port), 0);
    CHECK_INT(ss.ss_family, AF_INET6);
    CHECK_INT(port, 0);
    CHECK_INT(hs_parse_addr("[fe80::1]:65535", &ss, &port), 0);
    CHECK_INT(port, 65535);
    CHECK_INT(hs_parse_addr("[fe80::1]:65536", &ss, &port), -1);
    CHECK_INT(hs_parse_addr("[fe80::1", &ss, &port), -1);
    CHECK_INT(hs_parse_addr("1.2.3.4:", &ss, &port), -1);
    CHECK_INT(hs_parse_addr("1.2.3.4:-1", &ss, &port), -1);
    CHECK_INT(hs_parse_addr("host:80", &ss, &port), -1);
}

int main(void)
{
    test_full();
    test_bad_lines();
    test_addr();
    return unit_report();
}
