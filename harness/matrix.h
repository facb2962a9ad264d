/*
 * matrix.h - a run's matrix of cells: (interpreter, workload, count,
 * repetition) over the interpreters and the configuration given, each cell
 * run by runner.c in a fresh child, up to `jobs` at once, small counts
 * first; the cells a file holds already are not run again (--resume), a
 * cell outside the shard is not run at all.
 *
 * Owns: which cells run and in which order, the worker threads, progress,
 * and how the results reach the disk without losing any: nothing is
 * written until the first cell has a result, and then the old file (when
 * the run does not resume it) is kept as FILE.prev; each cell is made
 * durable as it ends; the whole document is written at the end, on an
 * interrupt too.
 */
#ifndef OBJMEM_MATRIX_H
#define OBJMEM_MATRIX_H

#include <stddef.h>

#include "catalog.h"
#include "results.h"
#include "runner.h"

struct matrix_opts {
	struct run_config cell;      /* what each cell needs; cell.output is the file */
	const struct strvec *run;    /* the interpreters to run this time, by name;
					NULL: every interpreter of the document */
	int named;                   /* they were named (-i): one that cannot run has
					its cells failed with why, not skipped */
	int resume;                  /* the document came from cell.output */
};

struct matrix_outcome {
	size_t done, total;          /* cells that got a result, of those queued */
	size_t failed_named;         /* failed because a named build cannot run */
	int wrote;                   /* the results file was written */
	char *prev;                  /* where the replaced file was kept, or NULL */
};

/*
 * Run the cells r does not hold yet (or holds as failed: they are run
 * again) and add them to r, writing as described above. Returns 0 when the
 * matrix ran to its end (cells may have failed), 1 when stopped by a
 * signal, -1 when the results could not be written (said).
 */
int matrix_run(const struct catalog *cat, struct results *r, const struct matrix_opts *o,
	       struct matrix_outcome *out);
void matrix_outcome_release(struct matrix_outcome *out);

/*
 * Whether cell (interp, workload, count, repeat) belongs to shard k of n:
 * a stable hash of the key, so every cell is in exactly one slice.
 */
int matrix_in_shard(const char *interp, const char *workload, uint64_t count, int repeat,
		    int k, int n);

#endif
