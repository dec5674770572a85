altroot_integration_test(serve serve.sh)
