# The evidence extension and the primary integration (docs/evidence.md).
list(APPEND ALTROOT_SOURCES evidence/decode.c evidence/claims.c evidence/encode.c
     evidence/binding.c evidence/evaluate.c evidence/verify_matter.c evidence/verify_fdo.c
     evidence/verify_devid.c evidence/verify_mud.c evidence/primary.c evidence/device.c
     evidence/names.c evidence/schema.c evidence/collect.c)
