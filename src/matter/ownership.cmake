# Matter operational certificates and fabric ownership (docs/matter-opcerts.md).
list(APPEND ALTROOT_SOURCES matter/op_decode.c matter/op_verify.c matter/op_chain.c
     matter/op_mint.c)
