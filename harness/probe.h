/*
 * probe.h - what an interpreter's probe (the agent's description of a
 * build, kept in the results as interp.probe) says, read in one place:
 * the name objmem gives a discovered build, a one-line summary, and the
 * order in which builds are listed everywhere (tables, figures, report).
 *
 * Owns: the probe's field names on the driver's side (the agent writes
 * them: docs/protocol.md).
 */
#ifndef OBJMEM_PROBE_H
#define OBJMEM_PROBE_H

#include <cjson/cJSON.h>

#include "results.h"

/* A string field of the probe, or NULL. */
const char *probe_str(const cJSON *probe, const char *key);
/* A boolean field: 1 when true. */
int probe_true(const cJSON *probe, const char *key);

/*
 * A name for a discovered build: "cpython-3.12.1", "cpython-3.13.0t"
 * (free-threaded), "cpython-3.11.2d" (debug), "pypy3.9-7.3.11".
 */
char *probe_name(const cJSON *probe);
/* One line: "cpython 3.12.1, 64-bit, pymalloc, debug". */
char *probe_summary(const cJSON *probe);

/* "3.10.13" against "3.9.18", numerically, part by part; NULL first. */
int version_cmp(const char *a, const char *b);

/*
 * The order builds are listed in: CPython, then PyPy, then the others,
 * each by version, then by name; builds without a probe last, in the
 * order given. Sorts names (interpreter names of r) in place.
 */
void probe_sort_names(const struct results *r, const char **names, size_t n);

#endif
