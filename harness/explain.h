/*
 * explain.h - why a bytes-per-object figure is what it is, in a sentence:
 * the "why" column of the report. Quoted from docs/layout.md (the account,
 * part by part and allocator block by block, of the default matrix) where
 * it has a row for the build and the workload; else computed from what the
 * results hold: the object's own size (sys.getsizeof, GC header included),
 * the build's allocator from its probe, and what the kernel measured.
 *
 * Owns: reading docs/layout.md's per-workload tables, and the sentence.
 *
 * Steps: layout_doc_load (a missing file is no error: nothing to quote),
 * explain_row per row, layout_doc_release.
 */
#ifndef OBJMEM_EXPLAIN_H
#define OBJMEM_EXPLAIN_H

#include "results.h"
#include "stats.h"
#include "util.h"

struct layout_row {
	char *workload, *name;  /* "point3d", "python3" */
	struct strvec hints;    /* versions in the row's parentheses: "3.11.7" */
	char *predicted, *how;  /* Markdown, as written */
};

struct layout_doc {
	char *path;             /* NULL when none was read */
	struct layout_row *rows;
	size_t n, alloc;
};

/* Read path; 0 with no rows when it does not exist, -1 (said) when unreadable. */
int layout_doc_load(struct layout_doc *d, const char *path);
void layout_doc_release(struct layout_doc *d);

/*
 * The row of d for this build and workload: same definition name, and
 * every version in its parentheses is the build's (version, its major.minor,
 * or implementation_version). NULL if none.
 */
const struct layout_row *layout_doc_find(const struct layout_doc *d, const struct interp *in,
					 const char *workload);

/*
 * The explanation of one summary row as Markdown (names escaped), never
 * NULL. d may be NULL.
 */
char *explain_row(const struct layout_doc *d, const struct interp *in,
		  const struct summary_row *row);

#endif
