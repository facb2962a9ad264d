/*
 * matrix.h - a run's matrix of cells: (interpreter, workload, count,
 * repetition) over the interpreters and the configuration given, each cell
 * run by runner.c in a fresh child, up to `jobs` at once, small counts
 * first; the cells a file holds already are not run again (--resume), a
 * cell outside the shard is not run at all.
 *
 * Owns: which cells run and in which order (small counts first; with
 * adaptive repetitions a row's later cells only while its first disagree;
 * a cell only when the predicted peaks of the cells running and its own
 * fit the memory budget, memplan.h), the worker threads (below the CPUs,
 * each starts its next cell's child once its cell has reported 'full'),
 * progress, and how the results reach the disk without losing any: nothing is
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
	size_t settled;              /* repetitions not run: their row was settled
					(adaptive repetitions) */
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

/* A cell's key. */
struct matrix_cell {
	const char *interp, *workload;
	uint64_t count;
	int repeat;
};

/*
 * Deal the n cells of a matrix out to shards 1..shards: ranked by a hash of
 * their keys and dealt in turn, so each shard gets floor or ceil of
 * n / shards cells, every cell exactly one shard, and the answer depends
 * only on the set of cells (every shard of a run computes the same).
 * shard_of[i] gets cell i's shard.
 */
void matrix_shards(const struct matrix_cell *cells, size_t n, int shards, int *shard_of);

#endif
