#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_control (see the script format there) into
tests/fuzz/corpus/control.  Run once; the fuzzer grows the corpus from them."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from enginectl import wire_response  # noqa: E402

CODES = [0x900, 0x901, 0x902, 0x903, 0x904, 0x905, 0x906, 0x907, 0x908, 0x909, 0x90a, 0x90b, 0x90c, 0x90d,
         0x90e, 0x90f, 0x920, 0x921, 0x922, 0x910, 0x911, 0x912, 0x913, 0x940, 0x941, 0x942, 0x943, 0x944,
         0x945, 0x946]
OUT = {0: 0, 8: 1, 16: 2, 64: 3, 256: 4, 4096: 5, 65536: 6}
REQ_A, CONN_A, QUEUE_A, REQ_B = b"@REQ_A@@", b"@CONN_A@", b"@QUEUEA@", b"@REQ_B@@"


def blob(data):
    return struct.pack("<H", len(data)) + data


def open_b():
    return b"\x00"


def close_b(i):
    return b"\x01" + bytes([i])


def ioctl(f, fn, data=b"", out=4096):
    return b"\x02" + bytes([f, OUT[out], CODES.index(fn)]) + blob(data)


def url(u, ctx=7):
    u = u.encode()
    return struct.pack("<QII", ctx, 0, len(u)) + u


def http(port_sel, data, reuse=False):
    return b"\x08" + bytes([(0x80 if reuse else 0) | port_sel]) + blob(data)


def pump(n=8):
    return b"\x09" + bytes([n])


def config(text):
    return b"\x06" + blob(text.encode())


def reply(sel, data):
    return b"\x07" + bytes([sel]) + blob(data)


def scribble(region, data, off=0, queue=0):
    return b"\xe6" + bytes([queue << 2 | region]) + struct.pack("<I", off) + blob(data)


QUEUE_V2 = struct.pack("<HHI", 2, 0, 0)
REQ_B_ID = int.from_bytes(REQ_B, "little")
REQ_A_ID = int.from_bytes(REQ_A, "little")
GET = b"GET /b/x HTTP/1.1\r\nHost: localhost:8081\r\n\r\n"
RECV = struct.pack("<QQII", 0, 0x10000, 0, 2)

seeds = {
    # B serves its own URL: registers, gets a request, answers it
    "serve_b": open_b() + ioctl(0, 0x907, QUEUE_V2) + ioctl(0, 0x901, url("http://+:8081/b/")) +
               http(1, GET) + pump() + ioctl(0, 0x903, RECV, 65536) + ioctl(0, 0x900) +
               ioctl(0, 0x904, REQ_B + struct.pack("<II", 0, 0), 64) +
               ioctl(0, 0x90b, REQ_B + struct.pack("<II", 1, 0), 256) + close_b(0),
    # B answers through the control channel and through its response ring
    "send_b": open_b() + ioctl(0, 0x907, QUEUE_V2) + ioctl(0, 0x901, url("http://+:8081/b/")) +
              http(1, GET) + pump() + ioctl(0, 0x903, RECV, 65536) +
              ioctl(0, 0x905, wire_response(REQ_B_ID, body=b"hello", known={12: b"5"}), 0) + pump(),
    "shm_b": open_b() + ioctl(0, 0x907, QUEUE_V2) + ioctl(0, 0x901, url("http://+:8081/b/")) +
             http(1, GET) + pump() + ioctl(0, 0x903, RECV, 65536) +
             scribble(0, wire_response(REQ_B_ID, body=b"hi")) + pump() +
             scribble(0, wire_response(REQ_A_ID, body=b"stolen")) + pump(),
    "shm_header": open_b() + ioctl(0, 0x907, QUEUE_V2) + scribble(1, b"\xff" * 16, 96) + scribble(1, b"\x10" * 8, 112) +
                  scribble(2, b"\x06\0\0\0\x40\0\0\0\x02", 4096) + pump(),
    # B overwrites the request ring's positions and a record's size (an
    # engine that believed them looped for ever in hs_shmq_reap)
    "shm_req_ring": open_b() + ioctl(0, 0x907, QUEUE_V2) + ioctl(0, 0x901, url("http://+:8081/b/")) +
                    http(1, GET) + pump() + scribble(1, struct.pack("<Q", 1 << 62), 72) +
                    scribble(2, struct.pack("<I", 0), 144 + 65536 * 16 + 4) + pump() +
                    http(1, GET.replace(b"/b/x", b"/b/y")) + pump(),
    # B aims at A's request, connection and queue with every call that takes an id
    "aim_at_a": open_b() + ioctl(0, 0x907, QUEUE_V2) +
                ioctl(0, 0x903, REQ_A + struct.pack("<QII", 0x10000, 0, 2), 65536) +
                ioctl(0, 0x904, REQ_A + struct.pack("<II", 0, 0), 64) +
                ioctl(0, 0x90b, REQ_A + struct.pack("<II", 4, 0), 4096) +
                ioctl(0, 0x90c, CONN_A + struct.pack("<QII", 0x10000, 0, 0), 4096) +
                ioctl(0, 0x90d, CONN_A, 0) + ioctl(0, 0x90e, REQ_A, 0) +
                ioctl(0, 0x913, REQ_A + QUEUE_A + struct.pack("<QII", 0, 0, 0), 0) +
                ioctl(0, 0x905, REQ_A + b"\0" * 120, 0) + pump() + close_b(0),
    # B tries to take A's prefix away, or register over it
    "steal_prefix": open_b() + ioctl(0, 0x907, QUEUE_V2) + ioctl(0, 0x902, url("http://+:8080/a/")) +
                    ioctl(0, 0x901, url("http://+:8080/a/")) + ioctl(0, 0x901, url("http://+:8080/a/secret-A/")) +
                    ioctl(0, 0x901, url("http://localhost:8080/a/")) + http(0, b"GET /a/secret-A/x HTTP/1.1\r\nHost: localhost\r\n\r\n") +
                    pump() + ioctl(0, 0x903, RECV, 65536),
    # a 2.0 session: groups bound to B's queue and to A's
    "groups": open_b() + open_b() + ioctl(1, 0x907, QUEUE_V2) +
              ioctl(0, 0x940, struct.pack("<Q", 5)) + ioctl(0, 0x942, struct.pack("<Q", 5) + url("http://+:8081/g/", 9)) +
              ioctl(0, 0x944, struct.pack("<QQ", 5, 2)) + ioctl(0, 0x944, struct.pack("<Q", 5) + QUEUE_A) +
              ioctl(0, 0x945, struct.pack("<QIIII", 5, 1, 1, 0, 0)) +
              ioctl(0, 0x945, struct.pack("<QIIII", 0, 6, 1, 0, 16) + struct.pack("<HHHHHHI", 1, 1, 1, 1, 1, 0, 0)) +
              http(1, b"GET /g/ HTTP/1.1\r\nHost: a\r\n\r\n") + pump() + ioctl(1, 0x903, RECV, 65536) +
              ioctl(0, 0x943, struct.pack("<Q", 5) + url("http://+:8081/g/", 9)) + ioctl(0, 0x941, struct.pack("<Q", 5)),
    # named queues, controller and delegation handles, demand start
    "names": open_b() + open_b() + ioctl(0, 0x907, QUEUE_V2) + ioctl(0, 0x910, struct.pack("<II", 5, 5) + b"qname") +
             ioctl(1, 0x910, struct.pack("<II", 0xa, 5) + b"QNAME") + ioctl(0, 0x911, b"", 0) +
             ioctl(1, 0x913, REQ_B + QUEUE_A + struct.pack("<QII", 0, 0, 0), 0) + close_b(0) + close_b(1),
    # the fragment cache
    "cache": open_b() + ioctl(0, 0x907, QUEUE_V2) +
             ioctl(0, 0x920, struct.pack("<IIII", 4, 5, 0, 0) + b"frag" + b"hello") +
             ioctl(0, 0x921, struct.pack("<IIII", 4, 0, 0, 0) + b"frag", 64) +
             ioctl(0, 0x922, struct.pack("<IIII", 4, 0, 0, 0) + b"frag"),
    # configuration from the store, and a certificate reply
    "config": config("listen 127.0.0.1:8081\ntimeout idle 5\ntimeout headerwait 3\ncache maxresponse 100\n"
                     "ssl ip 0.0.0.0:443 hash=0011223344556677889900112233445566778899 store=MY flags=0\n") +
              http(3, b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00") + pump() +
              reply(0, struct.pack("<II", 2, 0)) + reply(1, struct.pack("<II", 0, 0)),
    # service state, queue limits and state, pkcs12 with junk
    "misc": open_b() + ioctl(0, 0x906, b"", 65536) + ioctl(0, 0x907, struct.pack("<HHI", 1, 0, 0)) +
            ioctl(0, 0x90f, struct.pack("<II", 1, 1)) + ioctl(0, 0x946, struct.pack("<I", 1)) +
            ioctl(0, 0x90a, struct.pack("<I", 3) + b"pwd" + b"0\x82\x00\x00") + ioctl(0, 0x912, b"http://+:8080/a/", 8),
}

outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "control")
os.makedirs(outdir, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)
