# The interop matrix (interop.sh): the certificates of every root read by every mainstream TLS
# stack and served by nginx, lighttpd and Caddy, on loopback. It rewrites docs/interop.md; its
# screenshots, logs and results stay in build/tests/interop-matrix/. The mbedTLS client is built here
# (libmbedtls-dev, scripts/deps.sh); without it the test fails on that stack.
find_path(ALTROOT_MBEDTLS_INCLUDE mbedtls/ssl.h)
find_library(ALTROOT_MBEDTLS mbedtls)
find_library(ALTROOT_MBEDX509 mbedx509)
find_library(ALTROOT_MBEDCRYPTO mbedcrypto)
set(interop_mbedtls_client mbedtls-client-not-built)
if(ALTROOT_MBEDTLS_INCLUDE AND ALTROOT_MBEDTLS AND ALTROOT_MBEDX509 AND ALTROOT_MBEDCRYPTO)
    add_executable(interop_mbedtls_client ${CMAKE_CURRENT_SOURCE_DIR}/interop/mbedtls_client.c)
    target_include_directories(interop_mbedtls_client PRIVATE ${ALTROOT_MBEDTLS_INCLUDE})
    target_link_libraries(interop_mbedtls_client PRIVATE ${ALTROOT_MBEDTLS} ${ALTROOT_MBEDX509}
                          ${ALTROOT_MBEDCRYPTO})
    set(interop_mbedtls_client $<TARGET_FILE:interop_mbedtls_client>)
endif()
add_test(NAME integration.interop
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/interop.sh $<TARGET_FILE:altroot_tool>
                 ${PROJECT_SOURCE_DIR}/docs/interop.md ${interop_mbedtls_client})
set_tests_properties(integration.interop PROPERTIES LABELS "integration;interop" TIMEOUT 600)
