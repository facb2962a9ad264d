/*
 * table.h - the tables `objmem show` prints from a results document:
 * per interpreter and workload the article's Count / AbsoluteUsage / Delta
 * table and the peak (MB = 10^6 bytes, medians over the repetitions), then
 * bytes per object at each count (interpreters down, workloads across), the
 * fits, and what was not measured and why, each reason said once.
 *
 * Owns: what those tables hold, in text, Markdown, CSV and JSON (the
 * escaping and the table layout are textfmt.h's).
 */
#ifndef OBJMEM_TABLE_H
#define OBJMEM_TABLE_H

#include <stdio.h>

#include "results.h"

enum table_format { TABLE_TEXT, TABLE_MARKDOWN, TABLE_CSV, TABLE_JSON, TABLE_PYPERF };

/*
 * "text", "markdown", "csv", "json", "pyperf", NULL: in the order of enum
 * table_format. table_print does not write pyperf (pyperf.h does).
 */
extern const char *const table_format_names[];

struct table_opts {
	enum table_format format;
	int detail;        /* the per-(interpreter, workload) Count tables, the fits */
	uint64_t count;    /* only this count, in every format; 0: every count. With
			      detail 0, just its bytes-per-object table */
	int labels;        /* text and Markdown: builds named as people name them
			      (probe.h's labels: "CPython 3.12.1") rather than by
			      their definition's name */
};

/*
 * Print the tables, interpreters in version order (as the figures). Returns
 * 0, -1 when writing failed, -2 (said) when count is not in the results.
 */
int table_print(FILE *out, const struct results *r, const struct table_opts *opts);

#endif
