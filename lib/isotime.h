/* ISO 8601 date-times as vx records write them ("started", "finished"): parsing for
 * comparisons and windows. */
#ifndef VX_ISOTIME_H
#define VX_ISOTIME_H

#include "err.h"

/* Seconds since 1970-01-01T00:00:00Z of an ISO 8601 calendar date-time:
 * YYYY-MM-DD, optionally followed by T (or a space) and HH:MM[:SS[.fraction]], and by
 * a zone Z, +HH:MM, +HHMM or +HH (or -). Without a zone the time is UTC.
 * Returns 0, or -1 with e = "what: not an ISO 8601 date-time" naming `what`. */
int vx_isotime_parse(const char *s, const char *what, double *t, vx_err *e);

#endif
