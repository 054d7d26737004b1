/*
 * TCP_INFO in Windows' TCP_INFO_v0/v1/v2 layout (tcpinfo.c): offsets, the
 * state mapping, segments counted as bytes, saturation, and a real socket.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#include "unit.h"
#include "tcpinfo.h"

static uint32_t u32(const uint8_t *p, unsigned off) { uint32_t v; memcpy(&v, p + off, 4); return v; }
static uint64_t u64(const uint8_t *p, unsigned off) { uint64_t v; memcpy(&v, p + off, 8); return v; }

static void test_layout(void)
{
    struct tcp_info ti;
    struct hs_tcp_extra x = { 1234, 65536 };
    uint8_t out[HS_TCP_INFO_V1_SIZE];

    memset(&ti, 0, sizeof(ti));
    ti.tcpi_state = 1;              /* ESTABLISHED */
    ti.tcpi_snd_mss = 1000;
    ti.tcpi_options = TCPI_OPT_TIMESTAMPS;
    ti.tcpi_rtt = 250;
    ti.tcpi_min_rtt = 100;
    ti.tcpi_unacked = 3;
    ti.tcpi_snd_cwnd = 10;
    ti.tcpi_bytes_sent = 5000000000ull;
    ti.tcpi_bytes_received = 77;
    ti.tcpi_total_retrans = 2;
    ti.tcpi_bytes_retrans = 0x1ffffffffull;   /* more than a ULONG holds */
    ti.tcpi_rwnd_limited = 3000;
    ti.tcpi_sndbuf_limited = 5000;
    ti.tcpi_busy_time = 20000;
    memset(out, 0xcc, sizeof(out));
    hs_tcp_info_windows(&ti, &x, 1, out);
    CHECK_INT(u32(out, 0), 4);                       /* TCPSTATE_ESTABLISHED */
    CHECK_INT(u32(out, 4), 1000);                    /* Mss */
    CHECK_INT(u64(out, 8), 1234);                    /* ConnectionTimeMs */
    CHECK_INT(out[16], 1);                           /* TimestampsEnabled */
    CHECK_INT(u32(out, 20), 250);                    /* RttUs */
    CHECK_INT(u32(out, 24), 100);                    /* MinRttUs */
    CHECK_INT(u32(out, 28), 3000);                   /* BytesInFlight: segments * MSS */
    CHECK_INT(u32(out, 32), 10000);                  /* Cwnd in bytes */
    CHECK_INT(u32(out, 44), 65536);                  /* RcvBuf */
    CHECK(u64(out, 48) == 5000000000ull);            /* BytesOut */
    CHECK_INT(u64(out, 56), 77);                     /* BytesIn */
    CHECK_INT(u32(out, 68), 0xffffffffu);            /* BytesRetrans saturates */
    CHECK_INT(u32(out, 72), 2);                      /* FastRetrans */
    CHECK_INT(u32(out, 92), 3);                      /* SndLimTimeRwin, ms */
    CHECK_INT(u32(out, 108), 12);                    /* SndLimTimeCwnd: busy - the others */
    CHECK_INT(u32(out, 124), 5);                     /* SndLimTimeSnd */
    CHECK_INT(u64(out, 128), 0);                     /* the tail is written, not left */
    CHECK_INT(hs_tcp_ideal_send_backlog(&ti), 10000);

    /* v2: v1, then out-of-order packets and ECN */
    ti.tcpi_rcv_ooopack = 7;
    ti.tcpi_options |= TCPI_OPT_ECN;
    {
        uint8_t v2[HS_TCP_INFO_V2_SIZE + 1], v1[HS_TCP_INFO_V1_SIZE];
        memset(v2, 0xcc, sizeof(v2));
        hs_tcp_info_windows(&ti, &x, 2, v2);
        hs_tcp_info_windows(&ti, &x, 1, v1);
        CHECK(!memcmp(v1, v2, sizeof(v1)));          /* the same first 136 bytes */
        CHECK_INT(u32(v2, 136), 7);                  /* OutOfOrderPktsIn */
        CHECK_INT(v2[140], 1);                       /* EcnNegotiated */
        CHECK_INT(v2[141] | v2[142] | v2[143], 0);   /* padding */
        CHECK_INT(u32(v2, 144), 0);                  /* EceAcksIn: not counted */
        CHECK_INT(u32(v2, 148), 0);                  /* PtoEpisodes: not counted */
        CHECK_INT(v2[HS_TCP_INFO_V2_SIZE], 0xcc);    /* and no more */
        ti.tcpi_options &= ~TCPI_OPT_ECN;
        hs_tcp_info_windows(&ti, &x, 2, v2);
        CHECK_INT(v2[140], 0);
    }

    /* v0 writes 88 bytes and no more */
    memset(out, 0xcc, sizeof(out));
    hs_tcp_info_windows(&ti, &x, 0, out);
    CHECK_INT(u32(out, 84), 0);
    CHECK_INT(out[HS_TCP_INFO_V0_SIZE], 0xcc);

    /* states */
    ti.tcpi_state = 10; hs_tcp_info_windows(&ti, &x, 0, out); CHECK_INT(u32(out, 0), 1);   /* LISTEN */
    ti.tcpi_state = 8;  hs_tcp_info_windows(&ti, &x, 0, out); CHECK_INT(u32(out, 0), 7);   /* CLOSE_WAIT */
    ti.tcpi_state = 7;  hs_tcp_info_windows(&ti, &x, 0, out); CHECK_INT(u32(out, 0), 0);   /* CLOSE */
    ti.tcpi_state = 200; hs_tcp_info_windows(&ti, &x, 0, out); CHECK_INT(u32(out, 0), 0);  /* nonsense */
}

static void test_socket(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;
    uint8_t out[HS_TCP_INFO_V2_SIZE];
    uint32_t size = 0;

    bind(l, (struct sockaddr *)&a, sizeof(a));
    listen(l, 1);
    getsockname(l, (struct sockaddr *)&a, &len);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
    s = accept(l, NULL, NULL);
    CHECK(write(c, "hello", 5) == 5);
    usleep(20000);
    CHECK_INT(hs_tcp_property(s, 5, 1, out, &size), 0);
    CHECK_INT(size, HS_TCP_INFO_V0_SIZE);
    CHECK_INT(u32(out, 0), 4);
    CHECK(u32(out, 4) > 0);
    CHECK_INT(u64(out, 56), 5);
    CHECK_INT(hs_tcp_property(s, 5, 3, out, &size), 0);
    CHECK_INT(size, HS_TCP_INFO_V1_SIZE);
    CHECK_INT(hs_tcp_property(s, 5, 10, out, &size), 0);
    CHECK_INT(size, HS_TCP_INFO_V2_SIZE);
    CHECK_INT(u32(out, 0), 4);
    CHECK_INT(hs_tcp_property(s, 5, 0, out, &size), 0);
    CHECK_INT(size, HS_ISB_SIZE);
    CHECK_INT(hs_tcp_property(s, 5, 2, out, &size), 87);   /* not a TCP property */
    CHECK_INT(hs_tcp_property(-1, 5, 1, out, &size), 1);   /* no socket */
    close(s);
    close(c);
    close(l);
}

int main(void)
{
    test_layout();
    test_socket();
    return unit_report();
}
