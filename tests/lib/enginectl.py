"""Drives the engine natively, the way the driver does: the control channel
of include/httpsys_proto.h over loopback TCP.  Used by the engine tests so
that the engine runs (under the sanitizers) without Wine."""

import os
import select
import socket
import struct
import subprocess
import threading
import time

HDR = struct.Struct("<IHHQQ")          # length, type, reserved, op, file
AUTH_MAGIC = 0x53485448
PROTO_VERSION = 6
MSG_AUTH, MSG_WELCOME, MSG_OPEN, MSG_CLOSE, MSG_IOCTL, MSG_CANCEL, MSG_COMPLETE, MSG_SHUTDOWN, MSG_BYE = range(1, 10)


def ctl_code(fn):
    return (0x22 << 16) | (fn << 2)


IOCTL_QUEUE_INFO = ctl_code(0x900)
IOCTL_ADD_URL = ctl_code(0x901)
IOCTL_REMOVE_URL = ctl_code(0x902)
IOCTL_RECEIVE_REQUEST = ctl_code(0x903)
IOCTL_RECEIVE_BODY = ctl_code(0x904)
IOCTL_SEND = ctl_code(0x905)
IOCTL_SERVICE_STATE = ctl_code(0x906)
IOCTL_SET_QUEUE = ctl_code(0x907)
IOCTL_APPLY_CONFIG = ctl_code(0x909)
IOCTL_WAIT_DISCONNECT = ctl_code(0x90d)
IOCTL_CANCEL_REQUEST = ctl_code(0x90e)
IOCTL_QUEUE_NAME = ctl_code(0x910)
IOCTL_DEMAND_START = ctl_code(0x911)
IOCTL_FIND_GROUP = ctl_code(0x912)
IOCTL_DELEGATE = ctl_code(0x913)
IOCTL_CACHE_ADD = ctl_code(0x920)
IOCTL_CACHE_READ = ctl_code(0x921)
IOCTL_CACHE_FLUSH = ctl_code(0x922)
IOCTL_QUEUE_LIMITS = ctl_code(0x90f)
IOCTL_GROUP_CREATE = ctl_code(0x940)
IOCTL_GROUP_CLOSE = ctl_code(0x941)
IOCTL_GROUP_ADD_URL = ctl_code(0x942)
IOCTL_GROUP_REMOVE_URL = ctl_code(0x943)
IOCTL_GROUP_BIND = ctl_code(0x944)
IOCTL_SERVER_PROPERTY = ctl_code(0x945)
IOCTL_QUEUE_STATE = ctl_code(0x946)
SPROP_STATE, SPROP_CONN_LIMIT, SPROP_BANDWIDTH, SPROP_LOGGING = 1, 2, 3, 4
MSG_CONFIG = 10
MSG_CERT_REQUEST, MSG_CERT_REPLY = 11, 12
MSG_CHAIN_REQUEST, MSG_CHAIN_REPLY = 13, 14
CERT_REQUEST = struct.Struct("<II32s256s512s")   # source, hash_len, hash, store (UTF-16), host (UTF-16)


def status_of(err):
    """The NTSTATUS the engine sends for a Win32 error (hs_status_from_win32)."""
    return {0: 0, 234: 0x80000005, 995: 0xC0000120, 38: 0xC0000011}.get(err, 0xC0070000 | err)


def connects(host, port, family=socket.AF_INET):
    """True if a TCP connection to host:port is accepted."""
    try:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(2)
        s.connect((host, port))
        s.close()
        return True
    except OSError:
        return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Engine:
    """The engine and the driver's end of its control channel.  A reader
    thread collects completions and answers certificate requests the way the
    driver does, from self.certs: {thumbprint bytes or CCS host: material},
    where material is (cert_der, [chain_der...], pkcs8_der), ("pkcs12", pfx,
    password) or a Win32 error number."""

    def __init__(self, binary, rundir, params=(), env=None, config=None, certs=None, extra=()):
        os.makedirs(rundir, mode=0o700, exist_ok=True)
        ready = os.path.join(rundir, "ready")
        if os.path.exists(ready):
            os.unlink(ready)
        args = [binary, "--rundir", rundir]
        for p in params:
            args += ["--param", p]
        args += list(extra)
        self.rundir = rundir
        self.proc = subprocess.Popen(args, env=env)
        deadline = time.time() + 10
        while not os.path.exists(ready):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("engine did not start")
            time.sleep(0.01)
        text = open(ready).read().split()
        self.port, self.secret, self.pid = int(text[0]), bytes.fromhex(text[1]), int(text[2])
        self.sock = self.connect(self.secret)
        self.next_op = 1
        self.completions = {}
        self.token_at = {}               # op: where the driver would put an AccessToken (0: nowhere)
        self.buf = b""
        self.bye = False
        self.eof = False
        self.certs = dict(certs or {})
        self.cert_requests = []          # (source, hash or host, store) in arrival order
        self.cert_delay = 0.0            # seconds the "driver" takes to answer
        # client chains to verify: the driver's answer is chain_result(certs DER list, request dict)
        # -> (status, cert_flags); chain_requests keeps what was asked
        self.chain_result = lambda certs, req: (0, 0)
        self.chain_requests = []
        self.send_lock = threading.Lock()
        self.cond = threading.Condition()
        typ, _, _, _ = self.read_frame(5)
        assert typ == MSG_WELCOME, typ
        if config is not None:
            self.send(MSG_CONFIG, 0, 0, config.encode())
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    def connect(self, secret):
        s = socket.create_connection(("127.0.0.1", self.port))
        s.sendall(HDR.pack(HDR.size + 40, MSG_AUTH, 0, 0, 0) + struct.pack("<II", AUTH_MAGIC, PROTO_VERSION) + secret)
        return s

    def send(self, typ, op=0, file=0, body=b""):
        with self.send_lock:
            self.sock.sendall(HDR.pack(HDR.size + len(body), typ, 0, op, file) + body)

    def read_frame(self, timeout):
        deadline = time.time() + timeout
        while True:
            if len(self.buf) >= HDR.size:
                length, typ, _, op, file = HDR.unpack_from(self.buf)
                if len(self.buf) >= length:
                    body = self.buf[HDR.size:length]
                    self.buf = self.buf[length:]
                    return typ, op, file, body
            left = deadline - time.time()
            if left <= 0:
                return None, None, None, None
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                try:
                    data = self.sock.recv(1 << 20)
                except OSError:
                    data = b""
                if not data:
                    return "eof", None, None, None
                self.buf += data

    def _read_loop(self):
        while True:
            typ, op, file, body = self.read_frame(3600)
            if typ is None:
                continue
            with self.cond:
                if typ == "eof":
                    self.eof = True
                elif typ == MSG_COMPLETE:
                    status, token_at, info = struct.unpack_from("<IIQ", body)
                    self.completions[op] = (status, info, body[16:])
                    self.token_at[op] = token_at
                elif typ == MSG_BYE:
                    self.bye = True
                self.cond.notify_all()
            if typ == "eof":
                return
            if typ == MSG_CERT_REQUEST:
                threading.Thread(target=self._answer_cert, args=(op, body), daemon=True).start()
            if typ == MSG_CHAIN_REQUEST:
                threading.Thread(target=self._answer_chain, args=(op, body), daemon=True).start()

    def _answer_chain(self, op, body):
        flags, check_mode, freshness, url_timeout, count, _ = struct.unpack_from("<6I", body)
        certs, pos = [], 24
        for _ in range(count):
            (n,) = struct.unpack_from("<I", body, pos)
            certs.append(body[pos + 4:pos + 4 + n])
            pos += 4 + n
        req = {"flags": flags, "check_mode": check_mode, "freshness": freshness, "url_timeout": url_timeout}
        self.chain_requests.append((certs, req))
        status, cert_flags = self.chain_result(certs, req)
        try:
            self.send(MSG_CHAIN_REPLY, op, 0, struct.pack("<II", status, cert_flags))
        except OSError:
            pass

    def _answer_cert(self, op, body):
        source, hash_len, hash_, store, host = CERT_REQUEST.unpack_from(body)
        store = store.decode("utf-16-le").split("\0")[0]
        host = host.decode("utf-16-le").split("\0")[0]
        key = host if source == 1 else hash_[:hash_len]
        self.cert_requests.append((source, key, store))
        if self.cert_delay:
            time.sleep(self.cert_delay)
        material = self.certs.get(key, 2)    # ERROR_FILE_NOT_FOUND
        if isinstance(material, int):
            reply = struct.pack("<II", material, 0)
        elif material[0] == "pkcs12":
            reply = struct.pack("<II", 0, 1) + struct.pack("<I", len(material[1])) + material[1] + \
                struct.pack("<I", len(material[2])) + material[2]
        else:
            cert, chain, key_der = material
            reply = struct.pack("<II", 0, 0) + struct.pack("<I", len(cert)) + cert + struct.pack("<I", len(chain))
            for c in chain:
                reply += struct.pack("<I", len(c)) + c
            reply += struct.pack("<I", len(key_der)) + key_der
        try:
            self.send(MSG_CERT_REPLY, op, 0, reply)
        except OSError:
            pass

    def pump(self, timeout=0.0):
        """Waits up to timeout for something to arrive; returns False on EOF."""
        with self.cond:
            if not self.eof and timeout > 0:
                self.cond.wait(timeout)
            return not self.eof

    def open(self, file, pid=1234):
        self.send(MSG_OPEN, 0, file, struct.pack("<II", pid, 0))

    def close(self, file):
        self.send(MSG_CLOSE, 0, file)

    def ioctl(self, file, code, inp=b"", out_size=0, pid=1234):
        op = self.next_op
        self.next_op += 1
        self.send(MSG_IOCTL, op, file, struct.pack("<IIII", code, out_size, pid, 0) + inp)
        return op

    def cancel(self, op):
        self.send(MSG_CANCEL, op)

    def wait(self, op, timeout=5.0):
        deadline = time.time() + timeout
        with self.cond:
            while op not in self.completions:
                left = deadline - time.time()
                if left <= 0 or self.eof:
                    return None
                self.cond.wait(min(left, 0.2))
            return self.completions.pop(op)

    def call(self, file, code, inp=b"", out_size=0, timeout=5.0):
        return self.wait(self.ioctl(file, code, inp, out_size), timeout)

    # helpers for the queue IOCTLs
    def set_queue(self, file, major=1):
        return self.call(file, IOCTL_SET_QUEUE, struct.pack("<HHI", major, 0, 0))

    def add_url(self, file, url, context=0, code=IOCTL_ADD_URL):
        raw = url.encode()
        return self.call(file, code, struct.pack("<QII", context, 0, len(raw)) + raw)

    def remove_url(self, file, url):
        return self.add_url(file, url, 0, IOCTL_REMOVE_URL)

    # server sessions and URL groups: the session is a file that is no queue
    def group_url(self, file, group, url, context=0, code=IOCTL_GROUP_ADD_URL):
        raw = url.encode()
        return self.call(file, code, struct.pack("<QQII", group, context, 0, len(raw)) + raw)

    def v2_serving(self, url, queue_file=2, session_file=3, group=9):
        """A v2 queue (file queue_file) serving url through URL group
        `group` of a session (file session_file), as HttpCreateRequestQueue,
        HttpCreateUrlGroup, HttpAddUrlToUrlGroup and the Binding property
        make it.  Returns the queue's engine id."""
        self.open(queue_file)
        self.set_queue(queue_file, 2)
        qid = struct.unpack_from("<Q", self.call(queue_file, IOCTL_QUEUE_INFO, b"", 528)[2])[0]
        self.open(session_file)
        self.call(session_file, IOCTL_GROUP_CREATE, struct.pack("<Q", group))
        self.group_url(session_file, group, url)
        self.call(session_file, IOCTL_GROUP_BIND, struct.pack("<QQ", group, qid))
        return qid

    def server_property(self, file, group, prop, value, present=1, data=b""):
        return self.call(file, IOCTL_SERVER_PROPERTY, struct.pack("<QIIII", group, prop, present, value, len(data)) + data)

    def receive(self, file, request_id=0, flags=0, out_size=16384, image=1, address=0x10000):
        return self.ioctl(file, IOCTL_RECEIVE_REQUEST, struct.pack("<QQII", request_id, address, flags, image), out_size)

    def apply_config(self, file, text):
        """What the driver does when the configuration store changed."""
        return self.call(file, IOCTL_APPLY_CONFIG, text.encode())

    def shutdown(self, timeout=5.0):
        self.send(MSG_SHUTDOWN)
        deadline = time.time() + timeout
        with self.cond:
            while not self.bye and not self.eof and time.time() < deadline:
                self.cond.wait(0.2)
        try:
            return self.proc.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def cache_params(name, policy=0, seconds=0, flags=0, offset=0, length=0, data=b""):
    """The input of the cache IOCTLs: hs_cache_params, the name, data."""
    raw = name.encode()
    return struct.pack("<IIIIQQ", policy, seconds, flags, len(raw), offset, length) + raw + data


def wire_response(request_id, status=200, reason=b"OK", body=b"", flags=0, known=None, unknown=(), kind=1, files=(),
                  cache=(0, 0), frags=(), log=None, log_numbers=(0, 0, 0, 0)):
    """An hs_wire_response blob, as httpapi.dll flattens HTTP_RESPONSE.  files: file chunks
    (body_pos, offset, length, path[, file_index]) the engine sends itself.  cache: the
    response's (policy, seconds).  frags: fragment chunks (body_pos, offset, length,
    files_before, name).  log: the 12 strings of hs_wire_log (pLogData), log_numbers:
    server_port, protocol_status, sub_status, win32_status."""
    fixed = struct.calcsize("<IIQIHBB" + "II" + "II" + "II" * 30 + "II" + "II" + "IIIIII")
    data = bytearray()
    strs = {}

    def add(b):
        off = fixed + len(data)
        data.extend(b)
        return (off, len(b))

    strs["reason"] = add(reason)
    present = 0
    known_strs = [(0, 0)] * 30
    for i, v in (known or {}).items():
        known_strs[i] = add(v)
        present |= 1 << i
    while (fixed + len(data)) % 8:
        data.append(0)
    unknown_off = fixed + len(data)
    pairs_at = len(data)
    data.extend(b"\0" * (16 * len(unknown)))
    pairs = []
    for name, value in unknown:
        pairs += [add(name), add(value)]
    for i, (o, l) in enumerate(pairs):
        struct.pack_into("<II", data, pairs_at + 8 * i, o, l)
    body_str = add(body)
    file_off = 0
    if files:
        while (fixed + len(data)) % 8:
            data.append(0)
        file_off = fixed + len(data)
        at = len(data)
        data.extend(b"\0" * (40 * len(files)))
        for i, f in enumerate(files):
            pos, offset, length, path = f[:4]
            index = f[4] if len(f) > 4 else (os.stat(path).st_ino if os.path.exists(path) else 0)
            p_off, p_len = add(path.encode() + b"\0")
            struct.pack_into("<QQQQII", data, at + 40 * i, pos, offset, length, index, p_off, p_len - 1)
    frag_off = 0
    if frags:
        while (fixed + len(data)) % 8:
            data.append(0)
        frag_off = fixed + len(data)
        data.extend(struct.pack("<II", len(frags), 0))
        at = len(data)
        data.extend(b"\0" * (40 * len(frags)))
        for i, (pos, offset, length, before, name) in enumerate(frags):
            n_off, n_len = add(name.encode() + b"\0")
            struct.pack_into("<QQQIIII", data, at + 40 * i, pos, offset, length, before, 0, n_off, n_len - 1)
    log_off = 0
    if log is not None:
        while (fixed + len(data)) % 8:
            data.append(0)
        log_off = fixed + len(data)
        at = len(data)
        data.extend(b"\0" * (12 * 8 + 12))
        for i, v in enumerate(log):
            struct.pack_into("<II", data, at + 8 * i, *add(v))
        port, status_, sub, win32 = log_numbers
        struct.pack_into("<HHHHI", data, at + 96, port, status_, sub, 0, win32)
    size = fixed + len(data)
    head = struct.pack("<IIQIHBB", size, kind, request_id, flags, status, 1, 1)
    head += struct.pack("<II", *strs["reason"]) + struct.pack("<II", present, len(unknown))
    for o, l in known_strs:
        head += struct.pack("<II", o, l)
    head += struct.pack("<II", unknown_off, frag_off) + struct.pack("<II", *body_str) + \
        struct.pack("<II", len(files), file_off) + struct.pack("<II", *cache) + struct.pack("<II", log_off, 0)
    assert len(head) == fixed, (len(head), fixed)
    return head + bytes(data)


class Image:
    """Reads the fields of an HTTP_REQUEST image built for address base."""

    def __init__(self, data, base):
        self.data, self.base = data, base

    def u16(self, off): return struct.unpack_from("<H", self.data, off)[0]
    def u32(self, off): return struct.unpack_from("<I", self.data, off)[0]
    def u64(self, off): return struct.unpack_from("<Q", self.data, off)[0]

    def ptr(self, off):
        p = self.u64(off)
        return None if p == 0 else p - self.base

    def string(self, ptr_off, len_off, wide=False):
        p = self.ptr(ptr_off)
        n = self.u16(len_off)
        if p is None:
            return None
        raw = self.data[p:p + n]
        return raw.decode("utf-16-le") if wide else raw

    flags = property(lambda s: s.u32(0))
    connection_id = property(lambda s: s.u64(8))
    request_id = property(lambda s: s.u64(16))
    url_context = property(lambda s: s.u64(24))
    version = property(lambda s: (s.u16(32), s.u16(34)))
    verb = property(lambda s: s.u32(36))
    unknown_verb = property(lambda s: s.string(48, 40))
    raw_url = property(lambda s: s.string(56, 42))
    full_url = property(lambda s: s.string(72, 64, True))
    host = property(lambda s: s.string(80, 66, True))
    abs_path = property(lambda s: s.string(88, 68, True))
    query = property(lambda s: s.string(96, 70, True))
    unknown_count = property(lambda s: s.u16(120))
    bytes_received = property(lambda s: s.u64(808))
    entity_chunk_count = property(lambda s: s.u16(816))

    def known(self, i):
        return self.string(152 + 16 * i + 8, 152 + 16 * i)

    def unknown(self):
        out = []
        arr = self.ptr(128)
        for i in range(self.unknown_count):
            at = arr + 24 * i
            nl, vl = struct.unpack_from("<HH", self.data, at)
            np_, vp = struct.unpack_from("<QQ", self.data, at + 8)
            out.append((self.data[np_ - self.base:np_ - self.base + nl], self.data[vp - self.base:vp - self.base + vl]))
        return out

    def body(self):
        if not self.entity_chunk_count:
            return b""
        chunk = self.ptr(824)
        _, _, buf, length = struct.unpack_from("<IIQI", self.data, chunk)
        return self.data[buf - self.base:buf - self.base + length]

    def ssl_info(self):
        """HTTP_SSL_INFO as a dict, or None when pSslInfo is NULL."""
        at = self.ptr(840)
        if at is None:
            return None
        key, conn_key, isz, ssz = struct.unpack_from("<HHII", self.data, at)
        issuer, subject, cert_info = struct.unpack_from("<QQQ", self.data, at + 16)
        negotiated = self.u32(at + 40)
        out = {"server_cert_key_size": key, "connection_key_size": conn_key,
               "issuer": self.data[issuer - self.base:issuer - self.base + isz],
               "subject": self.data[subject - self.base:subject - self.base + ssz],
               "issuer_nul": self.data[issuer - self.base + isz], "negotiated": negotiated, "client_cert": None}
        if cert_info:
            ci = cert_info - self.base
            flags, size, enc = struct.unpack_from("<IIQ", self.data, ci)
            out["client_cert"] = self.data[enc - self.base:enc - self.base + size]
            out["client_cert_flags"] = flags
        return out

    def request_info(self):
        """HTTP_REQUEST_V2's RequestInfo array: [(type, bytes of pInfo)]."""
        count, arr = self.u16(848), self.ptr(856)
        out = []
        for i in range(count):
            typ, length, info = struct.unpack_from("<IIQ", self.data, arr + 16 * i)
            out.append((typ, self.data[info - self.base:info - self.base + length]))
        return out
