altroot_unit_test(evidence test_evidence.c)
set_tests_properties(unit.evidence PROPERTIES TIMEOUT 900)
