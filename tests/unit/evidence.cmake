altroot_unit_test(evidence test_evidence.c)
set_tests_properties(unit.evidence PROPERTIES TIMEOUT 900)
# The worked example of docs/evidence.md is read from the source tree.
target_compile_definitions(test_evidence PRIVATE ALTROOT_DOCS_DIR="${PROJECT_SOURCE_DIR}/docs")
