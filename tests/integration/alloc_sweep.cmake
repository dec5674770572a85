# The allocation-failure sweep through the CLI (cli_alloc_sweep.sh): only a tool built with
# ALTROOT_FAULT_INJECTION fails its Nth allocation on request. Under ASan it takes minutes.
if(ALTROOT_FAULT_INJECTION)
    altroot_integration_test(cli_alloc_sweep cli_alloc_sweep.sh)
    set_tests_properties(integration.cli_alloc_sweep PROPERTIES TIMEOUT 900)
endif()
