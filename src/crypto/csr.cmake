# Certificate signing requests, for the ACME gateway's finalize (include/altroot/csr.h).
list(APPEND ALTROOT_SOURCES crypto/csr.c)
