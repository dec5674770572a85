/* altroot: trust a device on the local network through the roots of trust it already carries.
 * The umbrella header; each area also has its own. */
#ifndef ALTROOT_ALTROOT_H
#define ALTROOT_ALTROOT_H

#include <altroot/alloc.h>
#include <altroot/brski.h>
#include <altroot/buf.h>
#include <altroot/cms.h>
#include <altroot/cose.h>
#include <altroot/devid.h>
#include <altroot/error.h>
#include <altroot/evidence.h>
#include <altroot/fdo.h>
#include <altroot/export.h>
#include <altroot/key_hash_name.h>
#include <altroot/list.h>
#include <altroot/matter.h>
#include <altroot/matter_op.h>
#include <altroot/mud.h>
#include <altroot/pin.h>
#include <altroot/time.h>
#include <altroot/tls.h>
#include <altroot/trust.h>
#include <altroot/verdict.h>
#include <altroot/verdict_cache.h>
#include <altroot/version.h>
#include <altroot/x509.h>

#endif
