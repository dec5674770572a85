/* Symbol visibility and must-check annotations shared by every public header. */
#ifndef ALTROOT_EXPORT_H
#define ALTROOT_EXPORT_H

#if defined(ALTROOT_BUILDING) && defined(__GNUC__)
#define ALTROOT_API __attribute__((visibility("default")))
#else
#define ALTROOT_API
#endif

/* Every function that verifies, parses or allocates returns a code the caller must look at. */
#if defined(__GNUC__)
#define ALTROOT_MUST_CHECK __attribute__((warn_unused_result))
#else
#define ALTROOT_MUST_CHECK
#endif

#endif
