#!/usr/bin/env python3
"""Regenerate the self-made Matter test fabric (RCAC -> ICAC -> NOC).

Independent of altroot: X.509 DER comes from python-cryptography's certificate builder and the
Matter TLV form from the small encoder below, written from the Matter TLV certificate schema.
The unit tests check that altroot converts each form into the other byte for byte.
Run from this directory; it rewrites *.tlv, *.der and fabric.txt (the expected instance name).
"""
import datetime
import struct

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

MATTER_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
FABRIC = 0xFAB000000000A171
OID_MATTER = {17: "1.3.6.1.4.1.37244.1.1", 19: "1.3.6.1.4.1.37244.1.3",
              20: "1.3.6.1.4.1.37244.1.4", 21: "1.3.6.1.4.1.37244.1.5",
              22: "1.3.6.1.4.1.37244.1.6"}
OID_STD = {1: NameOID.COMMON_NAME, 7: NameOID.ORGANIZATION_NAME}
FUTURE_OID = "1.3.6.1.4.1.99999.7"
FUTURE_VALUE = b"\x04\x03abc"  # extnValue content: an OCTET STRING "abc"


# ---- minimal Matter TLV encoder (anonymous / context tags only) ----
def ctl(tag, typ):
    return bytes([(0 if tag is None else 0x20) | typ]) + (b"" if tag is None else bytes([tag]))

def t_uint(tag, v):
    for code, fmt in ((4, "<B"), (5, "<H"), (6, "<I"), (7, "<Q")):
        if v < 1 << (8 * struct.calcsize(fmt)):
            return ctl(tag, code) + struct.pack(fmt, v)

def t_str(tag, v, base):
    assert len(v) < 256
    return ctl(tag, base) + bytes([len(v)]) + v

def t_bytes(tag, v): return t_str(tag, v, 0x10)
def t_utf8(tag, v): return t_str(tag, v.encode(), 0x0C)
def t_bool(tag, v): return ctl(tag, 0x09 if v else 0x08)
def t_cont(tag, typ, body): return ctl(tag, typ) + b"".join(body) + b"\x18"


def x509_name(attrs):
    rdns = []
    for tag, value in attrs:
        attr, printable = tag & 0x7F, tag & 0x80
        if attr in OID_MATTER:
            text = "%0*X" % (8 if attr == 22 else 16, value)
            a = x509.NameAttribute(ObjectIdentifier(OID_MATTER[attr]), text,
                                   _type=x509.name._ASN1Type.UTF8String)
        else:
            t = x509.name._ASN1Type.PrintableString if printable else x509.name._ASN1Type.UTF8String
            a = x509.NameAttribute(OID_STD[attr], value, _type=t)
        rdns.append(x509.RelativeDistinguishedName([a]))
    return x509.Name(rdns)

def tlv_name(tag, attrs):
    body = [t_uint(t, v) if (t & 0x7F) in OID_MATTER else t_utf8(t, v) for t, v in attrs]
    return t_cont(tag, 0x17, body)

def epoch(dt):
    return 0 if dt is None else int((dt - MATTER_EPOCH).total_seconds())


def make(name, key, issuer_key, subject, issuer, serial, nb, na, ca, path_len, ku, eku, future):
    pub = key.public_key()
    ski = x509.SubjectKeyIdentifier.from_public_key(pub).digest
    aki = x509.SubjectKeyIdentifier.from_public_key(issuer_key.public_key()).digest
    not_after = na or datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
    b = (x509.CertificateBuilder().subject_name(x509_name(subject)).issuer_name(x509_name(issuer))
         .public_key(pub).serial_number(serial).not_valid_before(nb).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len), critical=True))
    ku_names = {0x01: "digital_signature", 0x20: "key_cert_sign", 0x40: "crl_sign"}
    kw = {n: False for n in ("digital_signature", "content_commitment", "key_encipherment",
                             "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
                             "encipher_only", "decipher_only")}
    for bit, n in ku_names.items():
        kw[n] = bool(ku & bit)
    b = b.add_extension(x509.KeyUsage(**kw), critical=True)
    ekus = {1: ExtendedKeyUsageOID.SERVER_AUTH, 2: ExtendedKeyUsageOID.CLIENT_AUTH}
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage([ekus[e] for e in eku]), critical=True)
    b = b.add_extension(x509.SubjectKeyIdentifier(ski), critical=False)
    b = b.add_extension(x509.AuthorityKeyIdentifier(aki, None, None), critical=False)
    if future:
        b = b.add_extension(x509.UnrecognizedExtension(ObjectIdentifier(FUTURE_OID), FUTURE_VALUE),
                            critical=False)
    cert = b.sign(issuer_key, hashes.SHA256())
    der = cert.public_bytes(serialization.Encoding.DER)
    r, s = decode_dss_signature(cert.signature)
    point = pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    bc = [t_bool(1, ca)] + ([t_uint(2, path_len)] if path_len is not None else [])
    exts = [t_cont(1, 0x15, bc), t_uint(2, ku)]
    if eku:
        exts.append(t_cont(3, 0x16, [t_uint(None, e) for e in eku]))
    exts += [t_bytes(4, ski), t_bytes(5, aki)]
    if future:
        # The whole DER Extension, as it appears in the certificate.
        exts.append(t_bytes(6, future_der()))
    sn = serial.to_bytes((serial.bit_length() + 8) // 8, "big")
    tlv = t_cont(None, 0x15, [
        t_bytes(1, sn), t_uint(2, 1), tlv_name(3, issuer), t_uint(4, epoch(nb)), t_uint(5, epoch(na)),
        tlv_name(6, subject), t_uint(7, 1), t_uint(8, 1), t_bytes(9, point),
        t_cont(10, 0x17, exts), t_bytes(11, r.to_bytes(32, "big") + s.to_bytes(32, "big"))])
    open(name + ".der", "wb").write(der)
    open(name + ".tlv", "wb").write(tlv)
    return point


def future_der():
    # Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, extnValue OCTET STRING } (non-critical)
    enc = bytes.fromhex("2b0601040186 8d1f07".replace(" ", ""))  # 1.3.6.1.4.1.99999.7
    body = bytes([0x06, len(enc)]) + enc + bytes([0x04, len(FUTURE_VALUE)]) + FUTURE_VALUE
    return bytes([0x30, len(body)]) + body


def main():
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(3)]
    root_dn = [(20, 0xCACACACA0000A171), (21, FABRIC)]
    ica_dn = [(19, 0xCACACACA0000A172), (21, FABRIC)]
    node_dn = [(17, 0x00000000DEDE0001), (21, FABRIC), (22, 0xABCD0002),
               (0x81, "altroot node"), (7, "\u00e9quipe")]
    d = lambda y, m=1: datetime.datetime(y, m, 1, tzinfo=datetime.timezone.utc)
    root_point = make("rcac", keys[0], keys[0], root_dn, root_dn, 0x1A2B3C4D5E6F7081, d(2024), None,
         True, 1, 0x60, [], False)
    make("icac", keys[1], keys[0], ica_dn, root_dn, 0x7A2B3C4D5E6F7082, d(2024), d(2060),
         True, 0, 0x60, [], False)
    make("noc", keys[2], keys[1], node_dn, ica_dn, 0x00AB, d(2024, 6), d(2034),
         False, None, 0x01, [2, 1], True)
    # Compressed fabric id (HKDF-SHA256, salt = fabric id big-endian) and the instance name.
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    cfid = HKDF(hashes.SHA256(), 8, FABRIC.to_bytes(8, "big"), b"CompressedFabric").derive(
        root_point[1:])
    with open("fabric.txt", "w") as f:
        f.write("%s-%016X\n" % (cfid.hex().upper(), node_dn[0][1]))


if __name__ == "__main__":
    main()
