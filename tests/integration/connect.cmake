altroot_integration_test(connect_openssl connect_openssl.sh)
altroot_integration_test(cli cli.sh)
altroot_integration_test(demo demo.sh)
altroot_integration_test(install install.sh)
