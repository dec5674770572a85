/* altroot verify matter-noc: a Matter NOC chain and fabric ownership (docs/matter-opcerts.md). */
#ifndef ALTROOT_TOOL_VERIFY_MATTER_NOC_H
#define ALTROOT_TOOL_VERIFY_MATTER_NOC_H

/* Usage string for the dispatch table of `altroot verify`. */
#define VERIFY_MATTER_NOC_USAGE "--rcac FILE [--icac FILE] --noc FILE [--fabric-anchors PATH]"

/* argv[0] is the kind ("matter-noc"). Exit codes: 0 ownership proved (the chain verifies and
 * its RCAC is a matter-fabric anchor), 1 not proved (a rule failed, or the RCAC is not yours),
 * 2 usage error or unreadable file. */
int verify_matter_noc(int argc, char **argv);

#endif
