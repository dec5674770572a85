#!/usr/bin/env python3
"""A TLS server that changes its certificate after the first connection.

The first connection completes its handshake with certificate A and is closed without an answer,
as a device would that shows its genuine certificate to a checker's connection; every later
connection gets certificate B and the page. Prints the port on the first line of the port file.

usage: tls_swap_server.py PORT_FILE CERT_A KEY_A CERT_B KEY_B PAGE
"""
import os
import socket
import ssl
import sys


def context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def answer(conn, page):
    conn.settimeout(5)
    request = b""
    while b"\r\n\r\n" not in request and len(request) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            return
        request += chunk
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(page) + page)


def main():
    port_file, cert_a, key_a, cert_b, key_b, page_file = sys.argv[1:7]
    with open(page_file, "rb") as f:
        page = f.read()
    first, later = context(cert_a, key_a), context(cert_b, key_b)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(port_file + ".tmp", port_file)
    served = 0
    while True:
        raw, _ = listener.accept()
        ctx = first if served == 0 else later
        served += 1
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
            print("connection %d: certificate %s" % (served, "A" if ctx is first else "B"),
                  flush=True)
            if ctx is not first:
                answer(conn, page)
            conn.close()
        except (OSError, ssl.SSLError) as e:
            print("connection %d: %s" % (served, e), flush=True)
            raw.close()


if __name__ == "__main__":
    main()
