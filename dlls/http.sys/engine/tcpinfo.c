/*
 * TCP_INFO in Windows' shape.  The fields Linux keeps map one to one where
 * both stacks count the same thing; where Windows counts bytes and Linux
 * segments, segments are multiplied by the sending MSS; what Linux does not
 * count (duplicate ACKs received) is 0.
 */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#include "tcpinfo.h"

#define ERROR_INVALID_FUNCTION 1
#define ERROR_INVALID_PARAMETER 87

#define PROP_ISB          0   /* HttpRequestPropertyIsb */
#define PROP_TCP_INFO_V0  1   /* HttpRequestPropertyTcpInfoV0 */
#define PROP_TCP_INFO_V1  3   /* HttpRequestPropertyTcpInfoV1 */
#define PROP_TCP_INFO_V2  10  /* HttpRequestPropertyTcpInfoV2 */

/* The size of TCP_INFO_v0, _v1 or _v2. */
static uint32_t info_size(int version)
{
    return version == 2 ? HS_TCP_INFO_V2_SIZE : version ? HS_TCP_INFO_V1_SIZE : HS_TCP_INFO_V0_SIZE;
}

/* Windows' TCPSTATE from Linux's TCP_* states. */
static uint32_t windows_state(uint8_t linux_state)
{
    switch (linux_state)
    {
    case 1:  return 4;   /* ESTABLISHED */
    case 2:  return 2;   /* SYN_SENT */
    case 3:  return 3;   /* SYN_RECV -> SYN_RCVD */
    case 4:  return 5;   /* FIN_WAIT1 */
    case 5:  return 6;   /* FIN_WAIT2 */
    case 6:  return 10;  /* TIME_WAIT */
    case 8:  return 7;   /* CLOSE_WAIT */
    case 9:  return 9;   /* LAST_ACK */
    case 10: return 1;   /* LISTEN */
    case 11: return 8;   /* CLOSING */
    default: return 0;   /* CLOSED */
    }
}

static void put32(uint8_t *out, unsigned off, uint64_t v)
{
    uint32_t x = v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
    memcpy(out + off, &x, 4);
}

static void put64(uint8_t *out, unsigned off, uint64_t v)
{
    memcpy(out + off, &v, 8);
}

void hs_tcp_info_windows(const struct tcp_info *ti, const struct hs_tcp_extra *x, int version, uint8_t *out)
{
    uint64_t mss = ti->tcpi_snd_mss;

    memset(out, 0, info_size(version));
    put32(out, 0, windows_state(ti->tcpi_state));
    put32(out, 4, mss);
    put64(out, 8, x->connection_ms);
    out[16] = (ti->tcpi_options & TCPI_OPT_TIMESTAMPS) != 0;
    put32(out, 20, ti->tcpi_rtt);
    put32(out, 24, ti->tcpi_min_rtt);
    put32(out, 28, (uint64_t)ti->tcpi_unacked * mss);
    put32(out, 32, (uint64_t)ti->tcpi_snd_cwnd * mss);
    put32(out, 36, ti->tcpi_snd_wnd);
    put32(out, 40, ti->tcpi_rcv_space);
    put32(out, 44, x->rcvbuf);
    put64(out, 48, ti->tcpi_bytes_sent);
    put64(out, 56, ti->tcpi_bytes_received);
    put32(out, 64, (uint64_t)ti->tcpi_reord_seen * mss);
    put32(out, 68, ti->tcpi_bytes_retrans);
    put32(out, 72, ti->tcpi_total_retrans);
    put32(out, 76, 0);                          /* duplicate ACKs in: not counted by Linux */
    put32(out, 80, ti->tcpi_retransmits);       /* timeouts in the current episode */
    out[84] = 0;                                /* SYN retransmissions: not kept after the handshake */
    if (!version) return;
    /* where sending was limited: Linux keeps the time (us) limited by the
     * receiver's window and by the send buffer; the rest was the congestion
     * window's (of the time the connection was busy) */
    put32(out, 92, ti->tcpi_rwnd_limited / 1000);
    put32(out, 124, ti->tcpi_sndbuf_limited / 1000);
    {
        uint64_t busy = ti->tcpi_busy_time, other = ti->tcpi_rwnd_limited + ti->tcpi_sndbuf_limited;
        put32(out, 108, busy > other ? (busy - other) / 1000 : 0);
    }
    if (version < 2) return;
    put32(out, 136, ti->tcpi_rcv_ooopack);
    out[140] = (ti->tcpi_options & TCPI_OPT_ECN) != 0;
    /* ACKs that carried ECE, and tail-loss probe episodes: Linux keeps no
     * per-connection count of either */
    put32(out, 144, 0);
    put32(out, 148, 0);
}

uint32_t hs_tcp_ideal_send_backlog(const struct tcp_info *ti)
{
    uint64_t v = (uint64_t)ti->tcpi_snd_cwnd * ti->tcpi_snd_mss;
    return v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
}

uint32_t hs_tcp_property(int fd, uint64_t connection_ms, int property, uint8_t *out, uint32_t *size)
{
    struct tcp_info ti;
    struct hs_tcp_extra x;
    socklen_t len = sizeof(ti);
    int rcvbuf = 0, version;

    switch (property)
    {
    case PROP_ISB:         version = -1; break;
    case PROP_TCP_INFO_V0: version = 0; break;
    case PROP_TCP_INFO_V1: version = 1; break;
    case PROP_TCP_INFO_V2: version = 2; break;
    default: return ERROR_INVALID_PARAMETER;
    }
    memset(&ti, 0, sizeof(ti));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len)) return ERROR_INVALID_FUNCTION;
    if (version < 0)
    {
        uint32_t isb = hs_tcp_ideal_send_backlog(&ti);
        memcpy(out, &isb, 4);
        *size = HS_ISB_SIZE;
        return 0;
    }
    len = sizeof(rcvbuf);
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
    x.connection_ms = connection_ms;
    x.rcvbuf = rcvbuf > 0 ? (uint32_t)rcvbuf : 0;
    hs_tcp_info_windows(&ti, &x, version, out);
    *size = info_size(version);
    return 0;
}
