altroot_fuzz_target(matter_tlv matter_tlv.c)
altroot_fuzz_target(matter_cd matter_cd.c)
altroot_fuzz_target(matter_elements matter_elements.c)
