# The evidence extension end to end: `altroot device cert` makes certificates, stock
# `openssl s_server` serves them unchanged, `altroot connect` judges them.
# evidence_device runs `altroot device` when the tool does not dispatch it yet.
add_executable(evidence_device ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_evidence_device_main.c
               ${PROJECT_SOURCE_DIR}/tools/altroot/cmd_device.c
               ${PROJECT_SOURCE_DIR}/tools/altroot/cli.c)
target_link_libraries(evidence_device PRIVATE altroot_static PkgConfig::JANSSON)
add_test(NAME integration.evidence
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/evidence.sh
                 $<TARGET_FILE:altroot_tool> $<TARGET_FILE:evidence_device>)
set_tests_properties(integration.evidence PROPERTIES LABELS integration TIMEOUT 300)
# Every OID of every certificate altroot writes has arcs below 2^28 (a DER walk).
add_executable(oid_arcs ${CMAKE_CURRENT_SOURCE_DIR}/integration/oid_arcs.c)
target_link_libraries(oid_arcs PRIVATE altroot_static)
add_test(NAME integration.oid_arcs
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/oid_arcs.sh
                 $<TARGET_FILE:altroot_tool> $<TARGET_FILE:oid_arcs>)
set_tests_properties(integration.oid_arcs PROPERTIES LABELS integration TIMEOUT 600)
