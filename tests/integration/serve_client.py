#!/usr/bin/env python3
"""Hostile and raw clients for tests/integration/serve.sh and serve_hostile.sh (loopback only,
bounded in time).

  raw PORT CA REQUEST      send REQUEST (Python escapes) over TLS; print "STATUS n", the body,
                           and "CLOSED" when the server closed the connection afterwards
  idle PORT LIMIT          plain TCP, send nothing: print seconds until the server closed it
  plain PORT LIMIT         HTTP (not TLS) bytes: print seconds until the server closed it
  slowloris PORT CA LIMIT  TLS, then a head trickled one byte per 0.2 s: seconds until closed
  hold PORT CA N SECONDS READY
                           open N TLS connections (handshakes done), write N to READY, keep
                           them idle for SECONDS (or until READY is removed), print how many
                           were still open at the end

For serve_hostile.sh, each of these runs (one round at least) until SECONDS pass or the file STOP
is removed, and prints one line of counts (details on stderr):

  good PORT CA PATH BODY SECONDS STOP
                           a fresh TLS connection and GET PATH every 100 ms; each answer must
                           be 200 with the bytes of the file BODY: "requests N failures F
                           max_ms M"
  trickle PORT CA N SECONDS STOP
                           N TLS connections whose request heads arrive one byte at a time
                           (one byte per connection every 0.25 s): "open N" at the end
  halfopen PORT CA N SECONDS STOP
                           N/2 TCP connections that send nothing and N/2 that send half a
                           ClientHello: "open N" at the end
  garbage PORT SECONDS STOP
                           rounds of non-TLS peers (random bytes, a record header of no TLS
                           type, clear-text HTTP, 4 MiB in one write): "rounds R peers N slow
                           S", slow ones not closed within 5 s
  flood PORT CA SECONDS STOP
                           rounds of a full handshake then close, a full handshake then a reset
                           (SO_LINGER 0), a reset in the middle of the handshake; TLS 1.3 and
                           1.2 in turn: "rounds R handshakes H errors E"
  malformed PORT CA SECONDS STOP SECRET
                           rounds of every request of MALFORMED, each on its own connection:
                           "rounds R requests N wrong W" where a wrong answer has a status other
                           than the one documented, leaves the connection open, or has SECRET

For serve_fair.sh (fair admission; one source address per client):

  idlelimit PORT CA PATH   with --max-idle-per-source 2: connections A and B idle, A asks for
                           PATH (a file larger than the socket buffers) and stops reading, C
                           connects, then A reads its whole answer: prints "kept" when A stays
                           open for the next request, "closed" when the server ended it after
                           the answer (C took the last idle place of the address)

  idlehold PORT N SECONDS STOP READY [K]
                           N plain TCP connections from 127.0.0.1 (or, given K, from 127.0.1.1
                           to 127.0.1.K in turn) that never send a byte; each one the server
                           closes is opened again at once, from the same address. READY gets N
                           once the first N are open. At the end: "opened O dropped D open N"
  fair PORT CA SOURCE PATH BODY N SECONDS
                           N requests from SOURCE (a loopback address), each on a fresh TLS
                           connection with a 5 s limit, one every 20 ms, all within SECONDS
                           (those not made by then count as not served); each answer must be
                           200 with the bytes of the file BODY: "requests N served S max_ms M"
"""
import codecs
import os
import random
import selectors
import socket
import ssl
import struct
import sys
import time


def tls(port, ca, timeout=5.0):
    ctx = ssl.create_default_context(cafile=ca)
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return ctx.wrap_socket(sock, server_hostname="localhost")


def read_all(s, limit=1 << 20):
    data = b""
    try:
        while len(data) < limit:
            chunk = s.recv(65536)
            if not chunk:
                return data, True
            data += chunk
    except (ConnectionResetError, ssl.SSLError):
        return data, True
    except socket.timeout:
        return data, False
    return data, False


def raw(port, ca, request):
    s = tls(port, ca)
    s.sendall(codecs.decode(request, "unicode_escape").encode("latin-1"))
    data, closed = read_all(s)
    head, _, body = data.partition(b"\r\n\r\n")
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    print("STATUS", parts[1] if len(parts) > 1 else "none")
    sys.stdout.write(body.decode("latin-1"))
    print()
    if closed:
        print("CLOSED")


def until_closed(s, limit, trickle=None):
    start = time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - start < limit:
        try:
            if trickle:
                s.send(trickle[:1])
                trickle = trickle[1:] or b"X"
            chunk = s.recv(4096)
            if not chunk:
                break
        except (socket.timeout, ssl.SSLWantReadError):
            continue
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
            break
    print("%.2f" % (time.monotonic() - start))


def hold(port, ca, n, seconds, ready):
    conns = []
    for _ in range(n):
        conns.append(tls(port, ca, timeout=10))
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % len(conns))
    os.rename(ready + ".tmp", ready)
    end = time.monotonic() + seconds
    while time.monotonic() < end and os.path.exists(ready):
        time.sleep(0.1)
    print(count_open(conns))


def still_open(s):
    """True unless the server closed `s` (TLS or plain TCP); does not wait."""
    s.setblocking(False)
    try:
        return s.recv(1) != b""
    except (ssl.SSLWantReadError, BlockingIOError):
        return True
    except OSError:
        return False


def count_open(conns):
    alive = sum(1 for c in conns if still_open(c))
    for c in conns:
        c.close()
    return alive


# ---- serve_hostile.sh: hostile clients at the same time as a well-behaved one ----


def running(end, stop):
    return time.monotonic() < end and os.path.exists(stop)


def rounds(seconds, stop):
    """0, 1, 2...: one round at least, then more until STOP is removed or SECONDS pass."""
    end = time.monotonic() + seconds
    n = 0
    while n == 0 or running(end, stop):
        yield n
        n += 1


def fetch(port, ca, path):
    """GET on a fresh connection: (status, body); the server must close after the answer."""
    with tls(port, ca, timeout=10) as s:
        s.sendall(b"GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % path)
        data, closed = read_all(s, limit=4 << 20)
    head, _, body = data.partition(b"\r\n\r\n")
    parts = head.split(b"\r\n", 1)[0].split(b" ")
    status = parts[1].decode("latin-1") if len(parts) > 1 else "none"
    return (status if closed else status + " (not closed)"), body


def good(port, ca, path, body_file, seconds, stop):
    with open(body_file, "rb") as f:
        want = f.read()
    end = time.monotonic() + seconds
    n = failures = 0
    worst = 0.0
    next_at = time.monotonic()
    while running(end, stop):
        start = time.monotonic()
        try:
            status, body = fetch(port, ca, path.encode())
            why = "status %s, %d body bytes" % (status, len(body))
            ok = status == "200" and body == want
        except OSError as e:
            why, ok = repr(e), False
        took = time.monotonic() - start
        n, worst = n + 1, max(worst, took)
        if not ok:
            failures += 1
            print("request %d failed after %.2f s: %s" % (n, took, why), file=sys.stderr)
        next_at = max(next_at + 0.1, time.monotonic())
        time.sleep(max(0.0, next_at - time.monotonic()))
    print("requests %d failures %d max_ms %d" % (n, failures, worst * 1000))


def trickle(port, ca, n, seconds, stop):
    # Long enough never to end within the test: the head stays incomplete.
    head = b"GET /index.html HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 4000
    conns = [tls(port, ca, timeout=10) for _ in range(n)]
    end = time.monotonic() + seconds
    sent = 0
    while running(end, stop) and sent < len(head):
        for c in conns:
            try:
                c.send(head[sent : sent + 1])
            except OSError:
                pass  # closed by the server: counted at the end
        sent += 1
        time.sleep(0.25)
    print("open %d" % count_open(conns))


def client_hello(ca):
    """The bytes of a real ClientHello (TLS 1.3, offering 1.2), made without a socket."""
    ctx = ssl.create_default_context(cafile=ca)
    out = ssl.MemoryBIO()
    obj = ctx.wrap_bio(ssl.MemoryBIO(), out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def halfopen(port, ca, n, seconds, stop):
    hello = client_hello(ca)
    conns = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if i % 2:
            s.sendall(hello[: len(hello) // 2])
        conns.append(s)
    end = time.monotonic() + seconds
    while running(end, stop):
        time.sleep(0.1)
    print("open %d" % count_open(conns))


def closed_within(s, limit):
    """Read and discard until the peer closes (or resets): True if it did within `limit` s."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            if not s.recv(65536):
                return True
        except TimeoutError:
            return False
        except OSError:
            return True
    return False


def not_tls_payloads():
    # The first byte is neither one of TLS's record types 20..24 (RFC 8446 5.1) nor has its high
    # bit set (the SSL 2.0 ClientHello form OpenSSL still reads: a 15-bit length, then type 1),
    # so the server can tell at once. Bytes that happened to look like a record header would
    # have it wait for the rest of that record until the deadline, as a silent peer does.
    first = random.choice([b for b in range(0x80) if not 20 <= b <= 24])
    # At least a record header's 5 bytes: fewer leave the server waiting for the rest of it.
    noise = bytes([first]) + os.urandom(random.randint(4, 4095))
    # Regression: a record header of type 0 with TLS's version byte and a 16 KiB length used to
    # keep the server waiting for that body until the deadline.
    lookalike = b"\x00\x03\x03\x40\x00" + os.urandom(64)
    clear = b"GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"
    return noise, lookalike, clear


def garbage(port, seconds, stop):
    huge = b"\x00" + os.urandom((4 << 20) - 1)  # one 4 MiB write, not a TLS record type first
    n = peers = slow = 0
    for n in rounds(seconds, stop):
        for payload in not_tls_payloads() + (huge,):
            start = time.monotonic()
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            try:
                s.sendall(payload)
                closed = closed_within(s, 5.0)
            except TimeoutError:
                closed = False  # the server neither read nor closed
            except OSError:
                closed = True  # reset while still writing: the server closed
            s.close()
            peers += 1
            if not closed or time.monotonic() - start > 5.0:
                slow += 1
                print("%d bytes of garbage: not closed within 5 s" % len(payload), file=sys.stderr)
    print("rounds %d peers %d slow %d" % (n + 1, peers, slow))


def linger_reset(s):
    """Close with a TCP reset instead of a FIN (SO_LINGER on, 0 s)."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def flood(port, ca, seconds, stop):
    hello = client_hello(ca)
    tls13 = ssl.create_default_context(cafile=ca)
    tls12 = ssl.create_default_context(cafile=ca)
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    i = handshakes = errors = 0
    for i in rounds(seconds, stop):
        ctx = tls12 if i % 2 else tls13
        for reset in (False, True):
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                s = ctx.wrap_socket(sock, server_hostname="localhost")
                handshakes += 1
                if reset:
                    linger_reset(s)
                else:
                    s.close()
            except OSError as e:
                errors += 1
                print("handshake %d failed: %r" % (i, e), file=sys.stderr)
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(hello)
        linger_reset(sock)  # in the middle of the handshake
    print("rounds %d handshakes %d errors %d" % (i + 1, handshakes, errors))


def req(line, *fields):
    """A request head: the line, the fields, CRLF line ends and the empty line."""
    return b"".join(x + b"\r\n" for x in (line,) + fields) + b"\r\n"


HOST = b"Host: localhost"


def get(*fields):
    """GET / with a Host and these fields."""
    return req(b"GET / HTTP/1.1", HOST, *fields)


def line(text):
    """This request line with a Host."""
    return req(text, HOST)


# (what, request, documented answer: a status, or CLOSE when the client ends its side before the
# head is complete and the server must close without an answer). docs/serve.md, "HTTP: strict and
# bounded".
CLOSE = "closed"
MALFORMED = [
    ("request line over 4096 bytes", line(b"GET /" + b"a" * 5000 + b" HTTP/1.1"), "414"),
    ("request line of 20000 bytes and no end", b"GET /" + b"a" * 20000, "414"),
    # Just over the limits with no line end: was answered only at the deadline.
    ("request line of 4097 bytes and no end", b"GET /" + b"a" * 4092, "414"),
    ("request line of 4098 bytes and no end", b"GET /" + b"a" * 4093, "414"),
    ("a field line of 8193 bytes and no end", b"GET / HTTP/1.1\r\nX-Long: " + b"c" * 8185, "431"),
    ("a field line over 8192 bytes", get(b"X-Big: " + b"v" * 9000), "431"),
    ("70 fields", get(*[b"X-F%d: y" % i for i in range(70)]), "431"),
    ("a head over 16384 bytes", get(*[b"X-B%d: " % i + b"b" * 1000 for i in range(20)]), "431"),
    ("64 KiB of one field, no line end", b"GET / HTTP/1.1\r\nX-Long: " + b"c" * 65536, "431"),
    ("DELETE", line(b"DELETE /index.html HTTP/1.1"), "405"),
    ("lower-case get", line(b"get / HTTP/1.1"), "405"),
    ("CONNECT", line(b"CONNECT localhost:443 HTTP/1.1"), "400"),
    ("a method with '@'", line(b"G@T / HTTP/1.1"), "400"),
    ("no method", line(b" / HTTP/1.1"), "400"),
    ("HTTP/2.0", line(b"GET / HTTP/2.0"), "505"),
    ("HTTP/0.9", line(b"GET / HTTP/0.9"), "505"),
    ("HTTP/1.10", line(b"GET / HTTP/1.10"), "400"),
    ("HTTPS/1.1", line(b"GET / HTTPS/1.1"), "400"),
    ("no version", line(b"GET /"), "400"),
    ("NUL as the method", line(b"\x00 / HTTP/1.1"), "400"),
    ("NUL in the target", line(b"GET /index.html\x00 HTTP/1.1"), "400"),
    ("NUL in a field value", get(b"X-A: a\x00b"), "400"),
    ("NUL in a field name", get(b"X-\x00: b"), "400"),
    ("bare LF line ends", b"GET / HTTP/1.1\nHost: localhost\n\n", "400"),
    ("bare CR line ends", b"GET / HTTP/1.1\rHost: localhost\r\r", "400"),  # was: no answer
    ("no empty line, then the client's end", b"GET / HTTP/1.1\r\nHost: localhost\r\n", CLOSE),
    ("no CRLF at all, then the client's end", b"GET / HTTP/1.1", CLOSE),
    ("no Host", req(b"GET / HTTP/1.1"), "400"),
    ("two Host fields", get(HOST), "400"),
    ("space before the colon", req(b"GET / HTTP/1.1", b"Host : localhost"), "400"),
    ("obs-fold", get(b" folded"), "400"),
    ("Content-Length: 9999999999999999999", get(b"Content-Length: 9999999999999999999"), "413"),
    ("Content-Length of 30 digits", get(b"Content-Length: " + b"9" * 30), "400"),
    ("Content-Length: -1", get(b"Content-Length: -1"), "400"),
    ("two Content-Length", get(b"Content-Length: 0", b"Content-Length: 0"), "400"),
    ("Content-Length and Transfer-Encoding",
     get(b"Content-Length: 4", b"Transfer-Encoding: chunked"), "400"),
    ("Transfer-Encoding: chunked", get(b"Transfer-Encoding: chunked") + b"0\r\n\r\n", "413"),
    ("absolute-form target", line(b"GET http://localhost/../secret.txt HTTP/1.1"), "400"),
    ("asterisk-form target", line(b"GET * HTTP/1.1"), "400"),
    ("a '#' in the target", line(b"GET /index.html#x HTTP/1.1"), "400"),
] + [
    ("traversal " + t.decode(), line(b"GET " + t + b" HTTP/1.1"), "400")
    for t in (b"/../secret.txt", b"/%2e%2e/secret.txt", b"/..%2fsecret.txt",
              b"/sub/../../secret.txt", b"/%5c..%5csecret.txt", b"/.%2e/secret.txt",
              b"/index.html%00.txt", b"//etc/passwd", b"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
              b"/a/%zz", b"/..\\secret.txt")
] + [
    # A 404 keeps the connection (the request itself was well-formed): ask for the close.
    ("symlink out of the root",
     req(b"GET /escape.txt HTTP/1.1", HOST, b"Connection: close"), "404"),
    ("overlong UTF-8 dots",
     req(b"GET /%c0%ae%c0%ae/secret.txt HTTP/1.1", HOST, b"Connection: close"), "404"),
]


def ask(port, ca, request, want, secret):
    """What is wrong with the answer to one malformed request, or '' when it is as documented."""
    with tls(port, ca, timeout=10) as s:
        s.sendall(request)
        if want == CLOSE:
            # The TCP end of stream, without close_notify. (SSLSocket.shutdown() would also drop
            # the TLS layer, leaving the records that follow unread.)
            socket.socket.shutdown(s, socket.SHUT_WR)
        data, closed = read_all(s)
    line = data.split(b"\r\n", 1)[0].split(b" ")
    got = line[1].decode("latin-1") if len(line) > 1 and data else CLOSE
    if got != want:
        return "answered %s, documented %s" % (got, want)
    if not closed:
        return "answered %s but left the connection open" % got
    if secret in data:
        return "answered %s with the secret" % got
    return ""


def malformed(port, ca, seconds, stop, secret):
    i = n = wrong = 0
    for i in rounds(seconds, stop):
        for what, request, want in MALFORMED:
            try:
                problem = ask(port, ca, request, want, secret)
            except OSError as e:
                problem = repr(e)
            n += 1
            if problem:
                wrong += 1
                print("%s: %s" % (what, problem), file=sys.stderr)
    print("rounds %d requests %d wrong %d" % (i + 1, n, wrong))


# ---- serve_fair.sh: one source holding idle connections, a good client from another ----


def idlehold(port, n, seconds, stop, ready, k=0):
    sel = selectors.DefaultSelector()
    opened = dropped = 0

    def open_one(source):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))  # loopback: done at once, or in progress
        sel.register(s, selectors.EVENT_READ, source)

    for i in range(n):
        open_one("127.0.1.%d" % (i % k + 1) if k else "127.0.0.1")
        opened += 1
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % n)
    os.rename(ready + ".tmp", ready)
    end = time.monotonic() + seconds
    while running(end, stop):
        for key, _ in sel.select(timeout=0.1):
            s = key.fileobj
            try:
                if s.recv(1):
                    continue  # the server sends nothing before a ClientHello; never here
            except BlockingIOError:
                continue
            except OSError:
                pass  # reset: dropped as well
            sel.unregister(s)
            s.close()
            dropped += 1
            open_one(key.data)
            opened += 1
    alive = len(sel.get_map())
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    print("opened %d dropped %d open %d" % (opened, dropped, alive))


def idlelimit(port, ca, path):
    start = time.monotonic()
    a, b = tls(port, ca, timeout=10), tls(port, ca, timeout=10)
    a.sendall(b"GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path.encode())
    time.sleep(0.5)  # the server has filled the socket buffers and waits for A to read
    c = tls(port, ca, timeout=10)
    data = b""
    while b"\r\n\r\n" not in data:
        data += a.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
    while len(body) < length:
        chunk = a.recv(65536)
        if not chunk:
            break
        body += chunk
    a.settimeout(3)
    try:
        rest = a.recv(1)
    except (socket.timeout, TimeoutError):
        rest = None
    except OSError:
        rest = b""
    print("answer %d of %d bytes, then %s" % (len(body), length, "closed" if rest == b"" else "kept"))
    print("%.2f s" % (time.monotonic() - start), file=sys.stderr)
    for s in (a, b, c):
        s.close()


def fair(port, ca, source, path, body_file, n, seconds):
    with open(body_file, "rb") as f:
        want = f.read()
    ctx = ssl.create_default_context(cafile=ca)
    served = 0
    worst = 0.0
    end = time.monotonic() + seconds
    for i in range(n):
        if time.monotonic() > end:
            print("out of time after %d requests" % i, file=sys.stderr)
            break
        start = time.monotonic()
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5,
                                            source_address=(source, 0))
            with ctx.wrap_socket(sock, server_hostname="localhost") as s:
                s.sendall(b"GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                          % path.encode())
                data, _ = read_all(s)
            head, _, body = data.partition(b"\r\n\r\n")
            ok = head.startswith(b"HTTP/1.1 200 ") and body == want
            why = head.split(b"\r\n", 1)[0].decode("latin-1") or "no answer"
        except OSError as e:
            ok, why = False, repr(e)
        took = time.monotonic() - start
        worst = max(worst, took)
        if ok:
            served += 1
        else:
            print("request %d failed after %.2f s: %s" % (i + 1, took, why), file=sys.stderr)
        time.sleep(0.02)
    print("requests %d served %d max_ms %d" % (n, served, worst * 1000))


def main():
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "raw":
        raw(port, sys.argv[3], sys.argv[4])
    elif cmd == "idle":
        until_closed(socket.create_connection(("127.0.0.1", port)), float(sys.argv[3]))
    elif cmd == "plain":
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        until_closed(s, float(sys.argv[3]))
    elif cmd == "slowloris":
        s = tls(port, sys.argv[3])
        s.sendall(b"GET / HTTP/1.1\r\n")
        until_closed(s, float(sys.argv[4]), trickle=b"Host: localhost\r\nX-Slow: " + b"a" * 200)
    elif cmd == "hold":
        hold(port, sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    elif cmd == "good":
        good(port, sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6]), sys.argv[7])
    elif cmd in ("trickle", "halfopen"):
        run = trickle if cmd == "trickle" else halfopen
        run(port, sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    elif cmd == "garbage":
        garbage(port, float(sys.argv[3]), sys.argv[4])
    elif cmd == "flood":
        flood(port, sys.argv[3], float(sys.argv[4]), sys.argv[5])
    elif cmd == "idlehold":
        k = int(sys.argv[7]) if len(sys.argv) > 7 else 0
        idlehold(port, int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6], k)
    elif cmd == "idlelimit":
        idlelimit(port, sys.argv[3], sys.argv[4])
    elif cmd == "fair":
        fair(port, sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7]),
             float(sys.argv[8]))
    elif cmd == "malformed":
        malformed(port, sys.argv[3], float(sys.argv[4]), sys.argv[5], sys.argv[6].encode())


if __name__ == "__main__":
    main()
