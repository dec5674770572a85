/*
 * PKCS#10 certificate signing requests (RFC 2986), as an ACME finalize request carries them
 * (RFC 8555 7.4). Implemented in src/crypto/csr.c.
 */
#ifndef ALTROOT_CSR_H
#define ALTROOT_CSR_H

#include <stddef.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/x509.h>

/* Largest CSR accepted (64 KiB). */
#define ALTROOT_CSR_MAX ((size_t)64 * 1024)

typedef struct altroot_csr altroot_csr;

/* Parse exactly one DER CertificationRequest (no trailing bytes; PEM "CERTIFICATE REQUEST" is
 * accepted too). Bytes are copied. E_MALFORMED when it does not parse. Caller frees with
 * altroot_csr_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_csr_parse(altroot_span data, altroot_csr **out);
ALTROOT_API void altroot_csr_free(altroot_csr *csr);

/* The request's signature verifies with its own public key (proof of possession): OK or
 * E_SIGNATURE. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_csr_verify(const altroot_csr *csr);

/* The requested public key; caller frees with altroot_key_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_csr_public_key(const altroot_csr *csr,
                                                                  altroot_key **out);

/* The requested subjectAltName entries, appended to `out`: "DNS:name" for a dNSName of printable
 * ASCII, "other" for any other entry (another name type, or a dNSName with other bytes).
 * E_MALFORMED when the extension request holds two subjectAltName extensions or cannot be
 * decoded. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_csr_sans(const altroot_csr *csr,
                                                            altroot_strlist *out);

/* The dotted OIDs of every extension requested, in order, appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_csr_extension_oids(const altroot_csr *csr,
                                                                      altroot_strlist *out);

#endif
