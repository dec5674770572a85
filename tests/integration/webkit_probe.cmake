# The WebKitGTK interop probe (tests/interop/webkit_probe.c): built when WebKitGTK 4.1 is found,
# as the browser is, and never installed. Its test is registered either way, so that a build
# without it fails the test rather than skipping it.
set(ALTROOT_WEBKIT_PROBE ${PROJECT_BINARY_DIR}/tests/interop/webkit_probe)
if(WEBKIT_FOUND)
    add_executable(webkit_probe ${CMAKE_CURRENT_SOURCE_DIR}/interop/webkit_probe.c)
    set_target_properties(webkit_probe PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                          ${PROJECT_BINARY_DIR}/tests/interop)
    target_link_libraries(webkit_probe PRIVATE PkgConfig::WEBKIT)
    # As for the browser: GTK and WebKit headers are system headers, our code keeps -Werror.
    get_target_property(probe_webkit_includes PkgConfig::WEBKIT INTERFACE_INCLUDE_DIRECTORIES)
    target_include_directories(webkit_probe SYSTEM PRIVATE ${probe_webkit_includes})
endif()
add_test(NAME integration.webkit_probe
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/webkit_probe.sh
                 $<TARGET_FILE:altroot_tool> ${ALTROOT_WEBKIT_PROBE})
set_tests_properties(integration.webkit_probe PROPERTIES LABELS integration TIMEOUT 300)
