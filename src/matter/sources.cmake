# crypto/kdf.c (HKDF behind the crypto boundary) is listed here because the Matter module is its
# first user; src/crypto/sources.cmake is owned elsewhere.
list(APPEND ALTROOT_SOURCES matter/cert_tlv.c matter/cert_der.c matter/cert_der_parse.c
     matter/cert_rules.c matter/fabric.c crypto/kdf.c)
