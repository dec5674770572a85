altroot_integration_test(fdo_cli fdo_cli.sh)
