# OpenSSL-backed part of the evidence extension: issuing certificates with extra
# extensions (the evidence, in id-pe-cmw).
list(APPEND ALTROOT_SOURCES crypto/evidence_cert.c)
