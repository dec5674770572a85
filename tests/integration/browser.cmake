altroot_integration_test(browser browser.sh)
