altroot_fuzz_target(evidence evidence.c)
