altroot_fuzz_target(anchor_load anchor_load.c)
altroot_fuzz_target(url url.c)
altroot_fuzz_target(pin pin.c)
altroot_fuzz_target(key_hash_name key_hash_name.c)
