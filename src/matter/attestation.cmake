list(APPEND ALTROOT_SOURCES matter/attest_profile.c matter/attest_cd.c matter/attest_verify.c matter/attest_build.c matter/attest_mint.c)
