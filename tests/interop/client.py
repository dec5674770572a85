"""Python's ssl module and pyca/cryptography (Debian's python3-cryptography) on a certificate.

    client.py parse FILE.pem                 parse every certificate, its extensions included
    client.py connect HOST PORT ROOT.pem NAME|-
        handshake; the chain must lead to ROOT and name NAME ("-": the chain names no host, so
        only the path is checked)

It prints one line and exits 0 when everything it was asked to check held.
"""
import re
import socket
import ssl
import sys

from cryptography import x509


def parse(path):
    pems = re.findall(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n?",
                      open(path, "rb").read(), re.S)
    if not pems:
        raise ValueError("no certificate in " + path)
    for pem in pems:
        cert = x509.load_pem_x509_certificate(pem)
        # Extensions and names are decoded lazily: touch them so a bad one is seen here.
        _ = [ext.oid.dotted_string for ext in cert.extensions]
        _ = cert.subject.rfc4514_string(), cert.public_key()
    return "parsed %d certificates" % len(pems)


def connect(host, port, root, name):
    ctx = ssl.create_default_context(cafile=root)
    ctx.check_hostname = name != "-"
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        with ctx.wrap_socket(sock, server_hostname=None if name == "-" else name) as tls:
            return "handshake %s, leaf %d bytes" % (tls.version(), len(tls.getpeercert(True)))


def main(args):
    try:
        if len(args) == 2 and args[0] == "parse":
            print(parse(args[1]))
        elif len(args) == 5 and args[0] == "connect":
            print(connect(*args[1:]))
        else:
            print("usage: client.py parse FILE | connect HOST PORT ROOT NAME|-")
            return 2
    except Exception as e:  # any failure is the answer: print it on one line
        print("error: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else ""))
        return 1
    return 0


sys.exit(main(sys.argv[1:]))
