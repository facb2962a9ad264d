/*
 * views.h - what the interpreter itself says one object costs, beside what
 * the kernel says: the views `agent.py views WORKLOAD` reports per
 * (interpreter, workload), kept in the results document as "views", and
 * the allocator's view computed from them.
 *
 *   shallow    sys.getsizeof of one object
 *   deep       the object and all it owns, counted once (a registry of size
 *              functions by type, in workloads/_views.py); per attribute too
 *   requested  what the objects asked the allocator for (tracemalloc): the
 *              block sizes and how many of each per object
 *   allocator  those blocks as this build's allocator serves them (computed
 *              here from the probe): pymalloc's size classes and pool
 *              headers, the debug allocator's guard bytes, glibc's chunk
 *              header and 16-byte steps, mimalloc's bins
 *   kernel     objmem's measurement (the summary's bytes per object)
 *
 * Owns: the "views" of a results document (checking them when read, one
 * per interpreter and workload), the allocator models, and the numbers of
 * one explanation.
 */
#ifndef OBJMEM_VIEWS_H
#define OBJMEM_VIEWS_H

#include <cjson/cJSON.h>

#include "results.h"
#include "util.h"

/*
 * Check a document's "views" (what the agent sent, with "interpreter"
 * added): an array of objects, each naming its interpreter and workload
 * once, its figures whole numbers or null in range. 0, or -1 said with
 * the JSON path.
 */
int views_check(const cJSON *views, const char *what);

/* The view of (interpreter, workload), or NULL. */
const cJSON *views_find(const struct results *r, const char *interp, const char *workload);

/* Put view (owned now) for interp: it replaces the one of the same workload. */
void views_put(struct results *r, const char *interp, cJSON *view);

/* The views of src that dst lacks, copied into dst (a merge). */
void views_merge(struct results *dst, const struct results *src);

/*
 * The allocator's figure, bytes per object, for the requested blocks of
 * view on the build probe describes, with how it was reached in words
 * (appended to how: "pymalloc 16 KiB pools: 56->64, 40->48"). -1 with
 * *why (static text) when the build's allocator is not modelled or the
 * view has no requested blocks.
 */
int views_allocator(const cJSON *probe, const cJSON *view, double *bytes, struct buf *how,
		    const char **why);

/*
 * One size through the allocator probe describes (the step of its size
 * classes as view measured it, "size_class_step", where view is not NULL):
 * what one request costs, pool headers shared out. -1: not modelled.
 */
double views_block_cost(const cJSON *probe, const cJSON *view, double request);

/* A view's figure: 0 with *out, -1 when null or absent (and *why, when the view says). */
int views_number(const cJSON *view, const char *key, double *out, const char **why);

#endif
