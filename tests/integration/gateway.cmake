# altroot gateway (docs/gateway.md): the name-constrained CA checked with stock openssl and
# certutil, and device leaves checked with stock openssl s_client.
altroot_integration_test(gateway_init gateway_init.sh)
altroot_integration_test(gateway_issue gateway_issue.sh)
# SIGKILL in the middle of concurrent state changes.
altroot_integration_test(gateway_crash gateway_crash.sh)
