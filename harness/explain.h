/*
 * explain.h - why a bytes-per-object figure is what it is, in a sentence:
 * the "why" column of the report. Quoted from docs/layout.md (the account,
 * part by part and allocator block by block, of the default matrix) where
 * it has a row for the build and the workload; else computed from what the
 * results hold: the object's own size (sys.getsizeof, GC header included),
 * the build's allocator from its probe, and what the kernel measured.
 *
 * Also the five views side by side (show --explain, the report's section):
 * what the interpreter says one object costs (views.h) beside the kernel.
 *
 * Owns: reading docs/layout.md's per-workload tables, the sentence, and the
 * views' explanation and its table.
 *
 * Steps: layout_doc_load (a missing file is no error: nothing to quote),
 * explain_row per row, layout_doc_release.
 */
#ifndef OBJMEM_EXPLAIN_H
#define OBJMEM_EXPLAIN_H

#include <stdio.h>

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

/*
 * One row's views side by side (views.h), each NAN when it was not had:
 * shallow (sys.getsizeof), deep (the object and what it owns), requested
 * (tracemalloc, per object), allocator (the requested blocks as the build's
 * allocator serves them) and kernel (the measured bytes per object), the
 * residual kernel - allocator, and in words the steps between them and why
 * a view is missing.
 */
struct explanation {
	double shallow, deep, requested, allocator, kernel, residual;
	double raw;      /* the article's method: the raw USS delta per object, clean
			    pages (interpreter code paged in during the fill) included */
	double malloc_in_use, malloc_free; /* glibc malloc's own count per object, base
					      to full (NAN where the child did not count) */
	char *steps;     /* "deep +96 (owned attribute values); requested ..." */
	char *lacks;     /* "requested: no tracemalloc ...; ..." or NULL */
	char *allocator_how;  /* "pymalloc (16-byte steps, 16 KiB pools): 56->64.2 ..." or NULL */
};

/* Fill e for row (interpreter in). 0, or -1 when r has no views of the row. */
int explain_views(const struct results *r, const struct interp *in,
		  const struct summary_row *row, struct explanation *e);
void explanation_release(struct explanation *e);

/*
 * `objmem show --explain`: per interpreter and workload at count (0: the
 * largest count each row has) the five views, the residual and the steps;
 * format 0 text, 1 Markdown, 2 CSV, 3 JSON (table.h's order). 0, -1 when
 * writing failed, -2 (said) when the file has no views.
 */
int explain_print(FILE *out, const struct results *r, uint64_t count, int format);

#endif
