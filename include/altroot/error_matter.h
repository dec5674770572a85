/* Matter error codes: 600-699. Part of ALTROOT_ERROR_LIST (error.h); append only. */
#ifndef ALTROOT_ERROR_MATTER_H
#define ALTROOT_ERROR_MATTER_H

/* Attestation 600-649 mirrors the SDK's PAA, PAI, DAC, attestation and CD results; operational
 * certificates use 650-699. */
#define ALTROOT_ERRORS_MATTER(X)                                                                   \
    /* Matter attestation: 600-649 (mirrors the SDK's PAA, PAI, DAC, attestation, CD results) */   \
    X(E_MATTER_PAA_NOT_FOUND, 600, "no matter-paa anchor has the PAI's authority key identifier")  \
    X(E_MATTER_PAA_FORMAT, 601, "PAA certificate violates the Matter profile")                     \
    X(E_MATTER_PAI_FORMAT, 602, "PAI certificate violates the Matter profile")                     \
    X(E_MATTER_DAC_FORMAT, 603, "DAC certificate violates the Matter profile")                     \
    X(E_MATTER_VID_MISMATCH, 604, "vendor IDs of the DAC, PAI and PAA disagree")                   \
    X(E_MATTER_PID_MISMATCH, 605, "product IDs of the DAC and PAI disagree")                       \
    X(E_MATTER_DAC_EXPIRED, 606, "DAC is not valid at the verification time")                      \
    X(E_MATTER_CHAIN, 607, "DAC chain does not verify as of the DAC's issuance")                   \
    X(E_MATTER_CD_NO_KEY_ID, 608, "certification declaration has no usable signer key identifier") \
    X(E_MATTER_CD_KEY_NOT_FOUND, 609, "no allowed CD signing key has the signer key identifier")   \
    X(E_MATTER_CD_SIGNATURE, 610, "certification declaration signature or envelope is invalid")    \
    X(E_MATTER_CD_FORMAT, 611, "certification declaration content is malformed")                   \
    X(E_MATTER_CD_VENDOR, 612, "certification declaration vendor ID does not match")               \
    X(E_MATTER_CD_PRODUCT, 613, "certification declaration product ID does not match")             \
    X(E_MATTER_CD_PAA, 614, "PAA is not in the certification declaration's authorized list")       \
    X(E_MATTER_ELEMENTS, 615, "attestation elements are malformed")                                \
    X(E_MATTER_NONCE, 616, "attestation nonce does not match the one sent")                        \
    X(E_MATTER_ATTESTATION_SIGNATURE, 617, "attestation signature by the DAC key is invalid")      \
    X(E_MATTER_CD_MISSING, 618, "no certification declaration was presented")                      \
    /* Matter operational certificates: 650-699 */                                                 \
    X(E_MATTER_OP_FORMAT, 650,                                                                     \
      "operational certificate is not a Matter certificate in any accepted form")                  \
    X(E_MATTER_OP_TYPE, 651,                                                                       \
      "operational certificate subject does not give the type its position needs")                 \
    X(E_MATTER_OP_RCAC, 652, "RCAC violates the Matter root certificate profile")                  \
    X(E_MATTER_OP_ICAC, 653, "ICAC violates the Matter CA certificate profile")                    \
    X(E_MATTER_OP_NOC, 654, "NOC violates the Matter node certificate profile")                    \
    X(E_MATTER_OP_CHAIN, 655, "operational certificates do not chain by name and key identifier")  \
    X(E_MATTER_OP_SIGNATURE, 656, "operational certificate signature does not verify")             \
    X(E_MATTER_OP_FABRIC_MISMATCH, 657,                                                            \
      "fabric id is missing, invalid or differs along the chain")                                  \
    X(E_MATTER_OP_NODE_ID, 658, "NOC node id is not an operational node id")                       \
    X(E_MATTER_OP_CAT, 659, "NOC CASE Authenticated Tags are invalid")                             \
    X(E_MATTER_OP_EXPIRED, 660, "operational certificate has expired at the verification time")    \
    X(E_MATTER_OP_NOT_YET_VALID, 661,                                                              \
      "operational certificate is not yet valid at the verification time")                         \
    X(E_MATTER_OP_CRITICAL_EXT, 662,                                                               \
      "operational certificate has an unsupported critical extension")                             \
    X(E_MATTER_FABRIC_NOT_TRUSTED, 663, "RCAC is not among your matter-fabric anchors")

#endif
