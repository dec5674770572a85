altroot_integration_test(serve serve.sh)
# Over a thousand connections and a handshake flood: alone on the machine (RUN_SERIAL) so its
# timing margins hold; a hang is stopped at 300 s.
altroot_integration_test(serve_hostile serve_hostile.sh)
set_tests_properties(integration.serve_hostile PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
