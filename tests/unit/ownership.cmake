# Matter operational certificates and fabric ownership (docs/matter-opcerts.md).
altroot_unit_test(matter_op test_matter_op.c)
altroot_unit_test(conformance_matter_op test_conformance_matter_op.c)
# The CLI verifier, linked directly (it is registered in `altroot verify` by the tool's owner).
altroot_unit_test(matter_op_cli test_matter_op_cli.c ../../tools/altroot/verify_matter_noc.c
                  ../../tools/altroot/cli.c)
