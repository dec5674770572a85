# altroot gateway (docs/gateway.md): the name-constrained CA checked with stock openssl and
# certutil.
altroot_integration_test(gateway_init gateway_init.sh)
