list(APPEND ALTROOT_SOURCES devid/ext.c devid/profile.c devid/verify.c devid/mint.c
     devid/voucher.c devid/voucher_mint.c)
