/*
 * Calls about one request that no header declares (found with GetProcAddress, as ASP.NET Core
 * does): HttpQueryRequestProperty's TCP statistics (TcpInfoV0, TcpInfoV1, TcpInfoV2, Isb) and the
 * properties no HTTP/1.1 request over plain TCP has, HttpSetRequestProperty (StreamError,
 * TransportIdleConnectionTimeout, DscpTag), HttpDeclarePush; and HttpPrepareUrl.  (TlsClientHello
 * over TLS: https.c.)
 *
 * Usage: request_props.exe PORT
 *
 * Written from Microsoft's documentation of these functions, HTTP_REQUEST_PROPERTY and
 * TCP_INFO_v0/v1 (shared/reference/httpapi.md §1.2, §1.5, §1.7).
 */

#define NTDDI_VERSION 0x0A000006   /* TCP_INFO_v1 */
#include "util.h"
#include <mstcpip.h>

typedef ULONG (WINAPI *query_fn)(HANDLE, HTTP_REQUEST_ID, ULONG, void *, ULONG, void *, ULONG, ULONG *, OVERLAPPED *);
typedef ULONG (WINAPI *set_fn)(HANDLE, HTTP_REQUEST_ID, ULONG, void *, ULONG, OVERLAPPED *);
typedef ULONG (WINAPI *push_fn)(HANDLE, HTTP_REQUEST_ID, HTTP_VERB, const WCHAR *, const char *, HTTP_REQUEST_HEADERS *);
typedef ULONG (WINAPI *prepare_fn)(void *, ULONG, const WCHAR *, WCHAR **);

#define PROP_ISB          0
#define PROP_TCP_INFO_V0  1
#define PROP_QUIC_STATS   2
#define PROP_TCP_INFO_V1  3
#define PROP_SNI          4
#define PROP_STREAM_ERROR 5
#define PROP_TCP_INFO_V2  10
#define PROP_TLS_CLIENT_HELLO 11
#define PROP_IDLE_TIMEOUT 12
#define PROP_DSCP_TAG     13
#define TCP_INFO_V2_SIZE  152   /* TCP_INFO_v2 (mstcpip.h, Windows 11): TCP_INFO_v1 and four more fields */

static USHORT port;
static query_fn query_property;
static set_fn set_property;
static push_fn declare_push;
static prepare_fn prepare_url;

/* A client sends a request with a body; the queue receives it.  Returns the request id. */
static HTTP_REQUEST_ID take_request(HANDLE queue, struct client *c, HTTP_REQUEST_V1 *req)
{
    char text[256];
    ULONG ret, bytes;

    if (!client_connect(c, AF_INET, port)) return 0;
    snprintf(text, sizeof(text), "POST /props/ HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Length: 5\r\n\r\nhello", port);
    client_send_str(c, text);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "receiving the request: expected NO_ERROR, got %lu\n", ret);
    return ret ? 0 : req->RequestId;
}

static void test_tcp_info(HANDLE queue)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    TCP_INFO_v0 v0;
    TCP_INFO_v1 v1;
    struct client c;
    HTTP_REQUEST_ID id;
    ULONG ret, bytes, isb, u, mss;
    BYTE big[512];

    ok(sizeof(TCP_INFO_v0) == 88 && sizeof(TCP_INFO_v1) == 136, "TCP_INFO sizes %u %u\n",
       (unsigned)sizeof(TCP_INFO_v0), (unsigned)sizeof(TCP_INFO_v1));
    if (!(id = take_request(queue, &c, req))) goto done;
    Sleep(50);   /* some connection time */

    memset(&v0, 0xcc, sizeof(v0));
    bytes = 0;
    ret = query_property(queue, id, PROP_TCP_INFO_V0, NULL, 0, &v0, sizeof(v0), &bytes, NULL);
    ok(ret == NO_ERROR, "HttpQueryRequestProperty(TcpInfoV0): expected NO_ERROR, got %lu\n", ret);
    ok(bytes == sizeof(v0), "TcpInfoV0: expected %u bytes, got %lu\n", (unsigned)sizeof(v0), bytes);
    ok(v0.State == TCPSTATE_ESTABLISHED, "TcpInfoV0.State: expected TCPSTATE_ESTABLISHED (4), got %d\n", v0.State);
    ok(v0.Mss > 0 && v0.Mss <= 65535, "TcpInfoV0.Mss: expected a segment size, got %lu\n", v0.Mss);
    ok(v0.ConnectionTimeMs >= 40 && v0.ConnectionTimeMs < 60000, "TcpInfoV0.ConnectionTimeMs: expected the connection's age, got %llu\n",
       (unsigned long long)v0.ConnectionTimeMs);
    ok(v0.BytesIn >= 60 && v0.BytesIn < 1000, "TcpInfoV0.BytesIn: expected the request's bytes, got %llu\n", (unsigned long long)v0.BytesIn);
    ok(v0.Cwnd >= v0.Mss, "TcpInfoV0.Cwnd: expected at least one segment, got %lu (Mss %lu)\n", v0.Cwnd, v0.Mss);
    ok(v0.RcvBuf > 0, "TcpInfoV0.RcvBuf: expected the receive buffer's size, got %lu\n", v0.RcvBuf);
    ok(v0.SynRetrans == 0 && v0.DupAcksIn == 0, "TcpInfoV0: no SYN retransmissions or duplicate ACKs on loopback\n");

    mss = v0.Mss;
    ret = query_property(queue, id, PROP_TCP_INFO_V0, NULL, 0, big, sizeof(v0) - 1, &bytes, NULL);
    ok(ret == ERROR_MORE_DATA, "TcpInfoV0 into a buffer one byte short: expected ERROR_MORE_DATA (234), got %lu\n", ret);
    ok(bytes == sizeof(v0), "TcpInfoV0 with ERROR_MORE_DATA: expected the size %u, got %lu\n", (unsigned)sizeof(v0), bytes);
    ret = query_property(queue, id, PROP_TCP_INFO_V0, NULL, 0, NULL, 0, &bytes, NULL);
    ok(ret == ERROR_MORE_DATA, "TcpInfoV0 with no buffer (a probe): expected ERROR_MORE_DATA (234), got %lu\n", ret);

    memset(&v1, 0, sizeof(v1));
    ret = query_property(queue, id, PROP_TCP_INFO_V1, NULL, 0, &v1, sizeof(v1), &bytes, NULL);
    ok(ret == NO_ERROR, "HttpQueryRequestProperty(TcpInfoV1): expected NO_ERROR, got %lu\n", ret);
    ok(bytes == sizeof(v1), "TcpInfoV1: expected %u bytes, got %lu\n", (unsigned)sizeof(v1), bytes);
    ok(v1.State == TCPSTATE_ESTABLISHED && v1.Mss == mss, "TcpInfoV1 starts as TcpInfoV0 does: State %d Mss %lu (v0: %lu)\n", v1.State, v1.Mss, mss);
    ret = query_property(queue, id, PROP_TCP_INFO_V1, NULL, 0, big, sizeof(big), &bytes, NULL);
    ok(ret == NO_ERROR && bytes == sizeof(v1), "TcpInfoV1 into a bigger buffer: expected NO_ERROR and %u bytes, got %lu, %lu\n",
       (unsigned)sizeof(v1), ret, bytes);

    ret = query_property(queue, id, PROP_ISB, NULL, 0, &isb, sizeof(isb), &bytes, NULL);
    ok(ret == NO_ERROR, "HttpQueryRequestProperty(Isb): expected NO_ERROR, got %lu\n", ret);
    ok(bytes == sizeof(ULONG) && isb >= mss, "Isb: expected a ULONG of at least one segment, got %lu bytes, %lu\n", bytes, isb);

    /* TcpInfoV2: TCP_INFO_v1, then OutOfOrderPktsIn, EcnNegotiated, EceAcksIn, PtoEpisodes */
    memset(big, 0xcc, sizeof(big));
    ret = query_property(queue, id, PROP_TCP_INFO_V2, NULL, 0, big, sizeof(big), &bytes, NULL);
    ok(ret == NO_ERROR, "HttpQueryRequestProperty(TcpInfoV2): expected NO_ERROR, got %lu\n", ret);
    ok(bytes == TCP_INFO_V2_SIZE, "TcpInfoV2: expected %u bytes, got %lu\n", TCP_INFO_V2_SIZE, bytes);
    memcpy(&u, big, 4);
    ok(u == TCPSTATE_ESTABLISHED, "TcpInfoV2.State: expected TCPSTATE_ESTABLISHED (4), got %lu\n", u);
    memcpy(&u, big + 4, 4);
    ok(u == mss, "TcpInfoV2.Mss: expected TcpInfoV0's %lu, got %lu\n", mss, u);
    memcpy(&u, big + 136, 4);
    ok(u == 0, "TcpInfoV2.OutOfOrderPktsIn on loopback: expected 0, got %lu\n", u);
    ok(big[140] <= 1, "TcpInfoV2.EcnNegotiated: expected a BOOLEAN, got %u\n", big[140]);
    ok(big[TCP_INFO_V2_SIZE] == 0xcc, "TcpInfoV2 writes %u bytes and no more\n", TCP_INFO_V2_SIZE);
    ret = query_property(queue, id, PROP_TCP_INFO_V2, NULL, 0, big, TCP_INFO_V2_SIZE - 1, &bytes, NULL);
    ok(ret == ERROR_MORE_DATA, "TcpInfoV2 into a buffer one byte short: expected ERROR_MORE_DATA (234), got %lu\n", ret);
    ok(bytes == TCP_INFO_V2_SIZE, "TcpInfoV2 with ERROR_MORE_DATA: expected the size %u, got %lu\n", TCP_INFO_V2_SIZE, bytes);

    /* what no HTTP/1.1 request over plain TCP has */
    ret = query_property(queue, id, PROP_TLS_CLIENT_HELLO, NULL, 0, big, sizeof(big), &bytes, NULL);
    ok(ret == ERROR_INVALID_FUNCTION, "TlsClientHello of a plain-HTTP request: expected ERROR_INVALID_FUNCTION (1), got %lu\n", ret);
    ret = query_property(queue, id, PROP_TLS_CLIENT_HELLO, NULL, 0, NULL, 0, &bytes, NULL);
    ok(ret == ERROR_INVALID_FUNCTION, "TlsClientHello size probe of a plain-HTTP request: expected ERROR_INVALID_FUNCTION (1), got %lu\n", ret);
    /* properties that are only set */
    ret = query_property(queue, id, PROP_IDLE_TIMEOUT, NULL, 0, big, sizeof(big), &bytes, NULL);
    ok(ret == ERROR_INVALID_FUNCTION, "querying TransportIdleConnectionTimeout: expected ERROR_INVALID_FUNCTION (1), got %lu\n", ret);
    ret = query_property(queue, id, PROP_DSCP_TAG, NULL, 0, big, sizeof(big), &bytes, NULL);
    ok(ret == ERROR_INVALID_FUNCTION, "querying DscpTag: expected ERROR_INVALID_FUNCTION (1), got %lu\n", ret);
    ret = query_property(queue, id, PROP_QUIC_STATS, NULL, 0, big, sizeof(big), &bytes, NULL);
    ok(ret == ERROR_INVALID_FUNCTION, "QuicStats of a TCP request: expected ERROR_INVALID_FUNCTION (1), got %lu\n", ret);
    ret = query_property(queue, id, PROP_SNI, NULL, 0, big, sizeof(big), &bytes, NULL);
    ok(ret == ERROR_INVALID_FUNCTION, "Sni of a plain-HTTP request: expected ERROR_INVALID_FUNCTION (1), got %lu\n", ret);
    ret = query_property(queue, id, PROP_STREAM_ERROR, NULL, 0, big, sizeof(big), &bytes, NULL);
    ok(ret == ERROR_INVALID_FUNCTION, "StreamError of an HTTP/1.1 request: expected ERROR_INVALID_FUNCTION (1), got %lu\n", ret);

    /* bad arguments */
    ret = query_property(queue, id, 15, NULL, 0, big, sizeof(big), &bytes, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "property 15: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = query_property(queue, id, PROP_TCP_INFO_V0, NULL, 0, NULL, 16, &bytes, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "a size with no buffer: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = query_property(queue, id, PROP_TCP_INFO_V0, NULL, 4, &v0, sizeof(v0), &bytes, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "a qualifier size with no qualifier: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = query_property(queue, id + 1000, PROP_TCP_INFO_V0, NULL, 0, &v0, sizeof(v0), &bytes, NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "an unknown request: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    ret = query_property(NULL, id, PROP_TCP_INFO_V0, NULL, 0, &v0, sizeof(v0), &bytes, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "no queue: expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);

    /* OVERLAPPED */
    {
        OVERLAPPED ov;
        memset(&ov, 0, sizeof(ov));
        ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
        ret = query_property(queue, id, PROP_TCP_INFO_V0, NULL, 0, &v0, sizeof(v0), NULL, &ov);
        ret = finish_overlapped(queue, ret, &ov, &u, TIMEOUT);
        ok(ret == NO_ERROR && u == sizeof(v0), "TcpInfoV0, OVERLAPPED: expected NO_ERROR and %u bytes, got %lu, %lu\n",
           (unsigned)sizeof(v0), ret, u);
        CloseHandle(ov.hEvent);
    }
    respond_text(queue, id, "ok");
    ret = query_property(queue, id, PROP_TCP_INFO_V0, NULL, 0, &v0, sizeof(v0), &bytes, NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "a request already answered: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    client_close(&c);
done:
    free_request(req);
}

/* StreamError: an HTTP/1.1 request's stream is its connection, which is reset. */
static void test_stream_error(HANDLE queue)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    ULONG err = 8;   /* HTTP_REQUEST_PROPERTY_STREAM_ERROR: CANCEL */
    struct http_response resp;
    struct client c;
    HTTP_REQUEST_ID id;
    ULONG ret;
    int got;

    ret = set_property(queue, 1, PROP_TCP_INFO_V0, &err, sizeof(err), NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSetRequestProperty(TcpInfoV0): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = set_property(queue, 1, PROP_STREAM_ERROR, NULL, sizeof(err), NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSetRequestProperty(StreamError, no input): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = set_property(queue, 1, PROP_STREAM_ERROR, &err, 2, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSetRequestProperty(StreamError, 2 bytes): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = set_property(queue, 12345, PROP_STREAM_ERROR, &err, sizeof(err), NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "HttpSetRequestProperty(StreamError) of an unknown request: "
       "expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    if (!(id = take_request(queue, &c, req))) goto done;
    ret = set_property(queue, id, PROP_STREAM_ERROR, &err, sizeof(err), NULL);
    ok(ret == NO_ERROR, "HttpSetRequestProperty(StreamError): expected NO_ERROR, got %lu\n", ret);
    got = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(got == CLIENT_CLOSED || got == CLIENT_ERROR, "the client after StreamError: expected the connection reset, got %d\n", got);
    response_free(&resp);
    ret = respond_text(queue, id, "late");
    ok(ret == ERROR_CONNECTION_INVALID, "a response after StreamError: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    client_close(&c);
done:
    free_request(req);
}

/* DscpTag: a BYTE of six bits, for the packets of the request's response. */
static void test_dscp(HANDLE queue)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct client c;
    HTTP_REQUEST_ID id;
    BYTE dscp = 46;   /* EF */
    ULONG ret, u;
    int got;

    ret = set_property(queue, 12345, PROP_DSCP_TAG, &dscp, sizeof(dscp), NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "DscpTag of an unknown request: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    if (!(id = take_request(queue, &c, req))) goto done;
    ret = set_property(queue, id, PROP_DSCP_TAG, NULL, 1, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "DscpTag with no input: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = set_property(queue, id, PROP_DSCP_TAG, &dscp, 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "DscpTag of 0 bytes: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    dscp = 0x40;
    ret = set_property(queue, id, PROP_DSCP_TAG, &dscp, sizeof(dscp), NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "DscpTag 0x40 (seven bits): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    dscp = 0x3f;
    ret = set_property(queue, id, PROP_DSCP_TAG, &dscp, sizeof(dscp), NULL);
    ok(ret == NO_ERROR, "DscpTag 0x3F: expected NO_ERROR, got %lu\n", ret);
    dscp = 46;
    ret = set_property(queue, id, PROP_DSCP_TAG, &dscp, sizeof(dscp), NULL);
    ok(ret == NO_ERROR, "DscpTag 46 (EF): expected NO_ERROR, got %lu\n", ret);
    {
        OVERLAPPED ov;
        memset(&ov, 0, sizeof(ov));
        ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
        ret = set_property(queue, id, PROP_DSCP_TAG, &dscp, sizeof(dscp), &ov);
        ret = finish_overlapped(queue, ret, &ov, &u, TIMEOUT);
        ok(ret == NO_ERROR && u == 0, "DscpTag, OVERLAPPED: expected NO_ERROR and 0 bytes, got %lu, %lu\n", ret, u);
        CloseHandle(ov.hEvent);
    }
    ret = set_property(queue, id, PROP_TCP_INFO_V2, &dscp, sizeof(dscp), NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSetRequestProperty(TcpInfoV2): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    respond_text(queue, id, "tagged");
    got = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(got == CLIENT_OK && resp.status == 200 && resp.body && !strcmp(resp.body, "tagged"),
       "the response of a request with a DSCP tag: expected 200 \"tagged\"\n");
    response_free(&resp);
    ret = set_property(queue, id, PROP_DSCP_TAG, &dscp, sizeof(dscp), NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "DscpTag of a request already answered: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    client_close(&c);
done:
    free_request(req);
}

/* TransportIdleConnectionTimeout: a USHORT of seconds, the connection's IdleConnection timer once
 * the response is sent. */
static void test_idle_timeout(HANDLE queue)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct client c, other;
    HTTP_REQUEST_ID id, other_id;
    USHORT seconds = 1;
    ULONG ret;
    int got;

    ret = set_property(queue, 12345, PROP_IDLE_TIMEOUT, &seconds, sizeof(seconds), NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "TransportIdleConnectionTimeout of an unknown request: "
       "expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    ret = set_property(queue, 0, PROP_IDLE_TIMEOUT, &seconds, sizeof(seconds), NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "TransportIdleConnectionTimeout of request 0: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    if (!(id = take_request(queue, &c, req))) goto done;
    ret = set_property(queue, id, PROP_IDLE_TIMEOUT, NULL, sizeof(seconds), NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "TransportIdleConnectionTimeout with no input: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = set_property(queue, id, PROP_IDLE_TIMEOUT, &seconds, 1, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "TransportIdleConnectionTimeout of 1 byte: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = set_property(queue, id, PROP_IDLE_TIMEOUT, &seconds, sizeof(seconds), NULL);
    ok(ret == NO_ERROR, "TransportIdleConnectionTimeout 1 s: expected NO_ERROR, got %lu\n", ret);
    /* the application may think as long as it likes: the timer is for idleness after the response */
    Sleep(1500);
    respond_text(queue, id, "short idle");
    got = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(got == CLIENT_OK && resp.status == 200, "the response after 1.5 s with a 1 s idle timeout: expected 200, got %d %d\n",
       got, resp.status);
    response_free(&resp);

    /* a connection whose request set nothing keeps the configured 120 s */
    if ((other_id = take_request(queue, &other, req)))
    {
        respond_text(queue, other_id, "default idle");
        got = client_read_response(&other, &resp, FALSE, TIMEOUT);
        ok(got == CLIENT_OK, "the other connection's response: expected CLIENT_OK, got %d\n", got);
        response_free(&resp);
    }
    ok(!client_wait_closed(&c, 500), "TransportIdleConnectionTimeout 1 s: the connection is still open 0.5 s after the response\n");
    ok(client_wait_closed(&c, 3000), "TransportIdleConnectionTimeout 1 s: the idle connection is closed about 1 s after the response\n");
    if (other_id)
    {
        ok(!client_wait_closed(&other, 100), "a connection without the property keeps the configured IdleConnection\n");
        client_close(&other);
    }
    client_close(&c);

    /* 0 gives the connection back the configured timer */
    if (!(id = take_request(queue, &c, req))) goto done;
    ret = set_property(queue, id, PROP_IDLE_TIMEOUT, &seconds, sizeof(seconds), NULL);
    ok(ret == NO_ERROR, "TransportIdleConnectionTimeout 1 s: expected NO_ERROR, got %lu\n", ret);
    seconds = 0;
    ret = set_property(queue, id, PROP_IDLE_TIMEOUT, &seconds, sizeof(seconds), NULL);
    ok(ret == NO_ERROR, "TransportIdleConnectionTimeout 0: expected NO_ERROR, got %lu\n", ret);
    respond_text(queue, id, "default again");
    got = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(got == CLIENT_OK, "the response: expected CLIENT_OK, got %d\n", got);
    response_free(&resp);
    ok(!client_wait_closed(&c, 2500), "TransportIdleConnectionTimeout 0: the configured IdleConnection again (open after 2.5 s)\n");
    client_close(&c);
done:
    free_request(req);
}

static void test_declare_push(HANDLE queue)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    HTTP_REQUEST_HEADERS headers;
    struct http_response resp;
    struct client c;
    HTTP_REQUEST_ID id;
    ULONG ret;
    int got;

    memset(&headers, 0, sizeof(headers));
    if (!(id = take_request(queue, &c, req))) goto done;
    ret = declare_push(queue, id, HttpVerbPOST, L"/style.css", NULL, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDeclarePush(POST): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = declare_push(queue, id, HttpVerbGET, NULL, NULL, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDeclarePush(no path): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = declare_push(queue, id, HttpVerbGET, L"/style.css", "?a=1", NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDeclarePush(query with '?'): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    headers.KnownHeaders[HttpHeaderHost].pRawValue = "example";
    headers.KnownHeaders[HttpHeaderHost].RawValueLength = 7;
    ret = declare_push(queue, id, HttpVerbGET, L"/style.css", NULL, &headers);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDeclarePush with a Host header: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    memset(&headers, 0, sizeof(headers));
    headers.KnownHeaders[HttpHeaderContentLength].pRawValue = "10";
    headers.KnownHeaders[HttpHeaderContentLength].RawValueLength = 2;
    ret = declare_push(queue, id, HttpVerbGET, L"/style.css", NULL, &headers);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpDeclarePush with a body length: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = declare_push(queue, id + 1000, HttpVerbGET, L"/style.css", NULL, NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "HttpDeclarePush for an unknown request: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    /* HTTP/1.1 has no push: accepted, nothing is sent */
    ret = declare_push(queue, id, HttpVerbGET, L"/style.css", "v=2", NULL);
    ok(ret == NO_ERROR, "HttpDeclarePush(GET) on an HTTP/1.1 request: expected NO_ERROR, got %lu\n", ret);
    respond_text(queue, id, "pushed nothing");
    got = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(got == CLIENT_OK && resp.status == 200 && resp.body && !strcmp(resp.body, "pushed nothing"),
       "the response after HttpDeclarePush: expected 200 \"pushed nothing\" alone\n");
    response_free(&resp);
    client_close(&c);
done:
    free_request(req);
}

static void check_prepared(const WCHAR *url, const WCHAR *expect)
{
    WCHAR *out = NULL;
    ULONG ret = prepare_url(NULL, 0, url, &out);

    if (!expect)
    {
        ok(ret == ERROR_INVALID_PARAMETER && !out, "HttpPrepareUrl(%ls): expected ERROR_INVALID_PARAMETER (87), got %lu\n", url, ret);
        return;
    }
    ok(ret == NO_ERROR, "HttpPrepareUrl(%ls): expected NO_ERROR, got %lu\n", url, ret);
    ok(out && !lstrcmpW(out, expect), "HttpPrepareUrl(%ls): expected %ls, got %ls\n", url, expect, out ? out : L"(null)");
    if (out) ok(HeapFree(GetProcessHeap(), 0, out), "the prepared URL is freed with HeapFree\n");
}

static void test_prepare_url(void)
{
    WCHAR *out = (WCHAR *)1;
    ULONG ret;

    ret = prepare_url((void *)1, 0, L"http://a:80/", &out);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpPrepareUrl(Reserved not NULL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = prepare_url(NULL, 1, L"http://a:80/", &out);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpPrepareUrl(Flags 1): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = prepare_url(NULL, 0, NULL, &out);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpPrepareUrl(no URL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = prepare_url(NULL, 0, L"http://a:80/", NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpPrepareUrl(no output): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    check_prepared(L"http://localhost:8080/app/", L"http://localhost:8080/app/");
    check_prepared(L"HTTP://WWW.Example.COM:8080/App/", L"http://www.example.com:8080/App/");
    check_prepared(L"https://example.com/", L"https://example.com:443/");
    check_prepared(L"http://example.com", L"http://example.com:80/");
    check_prepared(L"http://+:0080/x/", L"http://+:80/x/");
    check_prepared(L"http://*:81/a/./b/../c/", L"http://*:81/a/c/");
    check_prepared(L"http://h:1/../../x", L"http://h:1/x");
    check_prepared(L"http://h:1/a/b?q=../x#f", L"http://h:1/a/b?q=../x#f");
    check_prepared(L"http://[::1]:8080/", L"http://[::1]:8080/");
    check_prepared(L"http://b\x00fc" L"cher.example:80/", L"http://xn--bcher-kva.example:80/");
    check_prepared(L"http://xn--bcher-kva.example:80/", L"http://xn--bcher-kva.example:80/");
    check_prepared(L"ftp://example.com:21/", NULL);
    check_prepared(L"http://:80/", NULL);
    check_prepared(L"http://h:0/", NULL);
    check_prepared(L"http://h:65536/", NULL);
    check_prepared(L"http://h:8x/", NULL);
    check_prepared(L"http://[::1/", NULL);
    check_prepared(L"http://a b:80/", NULL);
}

int main(int argc, char **argv)
{
    HMODULE dll;
    HANDLE queue;
    WCHAR url[128];
    ULONG ret;

    test_startup("request_props.c");
    port = test_port(argc, argv);
    dll = GetModuleHandleA("httpapi.dll");
    query_property = (query_fn)(void *)GetProcAddress(dll, "HttpQueryRequestProperty");
    set_property = (set_fn)(void *)GetProcAddress(dll, "HttpSetRequestProperty");
    declare_push = (push_fn)(void *)GetProcAddress(dll, "HttpDeclarePush");
    prepare_url = (prepare_fn)(void *)GetProcAddress(dll, "HttpPrepareUrl");
    ok(query_property && set_property && declare_push && prepare_url, "the four exports exist\n");
    if (!query_property || !set_property || !declare_push || !prepare_url) return test_report();

    test_prepare_url();
    if (!http_init()) return test_report();
    ret = HttpCreateHttpHandle(&queue, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrl(queue, wfmt(url, 128, "http://+:%u/props/", port), NULL);
    ok(ret == NO_ERROR, "HttpAddUrl: expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();

    test_tcp_info(queue);
    test_stream_error(queue);
    test_dscp(queue);
    test_idle_timeout(queue);
    test_declare_push(queue);

    CloseHandle(queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}
