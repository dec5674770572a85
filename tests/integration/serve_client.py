#!/usr/bin/env python3
"""Hostile and raw clients for tests/integration/serve.sh (loopback only, bounded in time).

  raw PORT CA REQUEST      send REQUEST (Python escapes) over TLS; print "STATUS n", the body,
                           and "CLOSED" when the server closed the connection afterwards
  idle PORT LIMIT          plain TCP, send nothing: print seconds until the server closed it
  plain PORT LIMIT         HTTP (not TLS) bytes: print seconds until the server closed it
  slowloris PORT CA LIMIT  TLS, then a head trickled one byte per 0.2 s: seconds until closed
  hold PORT CA N SECONDS READY
                           open N TLS connections (handshakes done), write N to READY, keep
                           them idle for SECONDS (or until READY is removed), print how many
                           were still open at the end
"""
import codecs
import os
import socket
import ssl
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
    alive = 0
    for c in conns:
        c.setblocking(False)
        try:
            alive += 1 if c.recv(1) else 0
        except ssl.SSLWantReadError:
            alive += 1
        except (OSError, ssl.SSLError):
            pass
        c.close()
    print(alive)


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


if __name__ == "__main__":
    main()
