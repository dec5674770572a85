# Key-hash names end to end: `altroot device cert --key-hash-name`, stock `openssl s_server`,
# `altroot connect --connect-to` at the name (docs/key-hash-name.md).
add_test(NAME integration.keyhash
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/keyhash.sh $<TARGET_FILE:altroot_tool>)
set_tests_properties(integration.keyhash PROPERTIES LABELS integration TIMEOUT 120)
