altroot_unit_test(trust_store test_trust_store.c)
altroot_unit_test(verdict test_verdict.c)
altroot_unit_test(pin test_pin.c)
