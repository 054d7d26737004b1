/*
 * HttpQueryRequestProperty's TCP statistics: Linux's TCP_INFO of the
 * request's connection, written in the layout of Windows' TCP_INFO_v0,
 * TCP_INFO_v1 and TCP_INFO_v2 (mstcpip.h, x64), and the ideal send backlog
 * (HttpRequestPropertyIsb).
 */
#ifndef HS_TCPINFO_H
#define HS_TCPINFO_H

#include <stdint.h>

struct tcp_info;

#define HS_TCP_INFO_V0_SIZE 88
#define HS_TCP_INFO_V1_SIZE 136
#define HS_TCP_INFO_V2_SIZE 152
#define HS_ISB_SIZE 4

struct hs_tcp_extra
{
    uint64_t connection_ms;   /* since the connection was accepted */
    uint32_t rcvbuf;          /* SO_RCVBUF */
};

/* version 0, 1 or 2; out holds HS_TCP_INFO_V<version>_SIZE bytes. */
void hs_tcp_info_windows(const struct tcp_info *ti, const struct hs_tcp_extra *x, int version, uint8_t *out);
/* The bytes that fill the path: congestion window times segment size. */
uint32_t hs_tcp_ideal_send_backlog(const struct tcp_info *ti);

/* Fills out for the connection's socket; returns a Win32 error. */
uint32_t hs_tcp_property(int fd, uint64_t connection_ms, int property, uint8_t *out, uint32_t *size);

#endif
