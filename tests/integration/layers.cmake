# The layering gate (scripts/check-layers.sh) over this build's static library, and its
# self-test, which builds one tiny library per kind of bad call and expects each to fail.
add_test(NAME gate.layers
         COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/check-layers.sh --lib
                 $<TARGET_FILE:altroot_static> --objects
                 ${PROJECT_BINARY_DIR}/src/CMakeFiles/altroot_objects.dir)
add_test(NAME gate.layers_self_test
         COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/check-layers.sh --self-test)
set_tests_properties(gate.layers gate.layers_self_test PROPERTIES LABELS gate TIMEOUT 120)
