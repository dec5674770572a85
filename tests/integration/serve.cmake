altroot_integration_test(serve serve.sh)
# Over a thousand connections and a handshake flood: alone on the machine (RUN_SERIAL) so its
# timing margins hold; a hang is stopped at 300 s.
altroot_integration_test(serve_hostile serve_hostile.sh)
set_tests_properties(integration.serve_hostile PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
# One source holding the limit plus 16 idle connections while a good client from another
# address is served (three servers in turn): alone on the machine, so that its clients' CPU
# is not what decides.
altroot_integration_test(serve_fair serve_fair.sh)
set_tests_properties(integration.serve_fair PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
