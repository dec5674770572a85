altroot_fuzz_target(matter_op matter_op.c)
