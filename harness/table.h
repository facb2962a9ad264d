/*
 * table.h - the tables `objmem show` prints from a results document:
 * per interpreter and workload the article's Count / AbsoluteUsage / Delta
 * table (MB = 10^6 bytes, medians over the repetitions), then bytes per
 * object at each count (interpreters down, workloads across), the fits,
 * and the cells that failed or were skipped with why.
 *
 * Owns: what those tables hold, in text, Markdown, CSV and JSON (the
 * escaping and the table layout are textfmt.h's).
 */
#ifndef OBJMEM_TABLE_H
#define OBJMEM_TABLE_H

#include <stdio.h>

#include "results.h"

enum table_format { TABLE_TEXT, TABLE_MARKDOWN, TABLE_CSV, TABLE_JSON };

/* "text", "markdown", "csv", "json", NULL: in the order of enum table_format. */
extern const char *const table_format_names[];

struct table_opts {
	enum table_format format;
	int detail;        /* the per-(interpreter, workload) Count tables too */
	uint64_t count;    /* bytes-per-object table at this count; 0: every count */
};

/* Print the tables. Returns 0, or -1 when writing failed. */
int table_print(FILE *out, const struct results *r, const struct table_opts *opts);

#endif
