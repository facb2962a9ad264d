/*
 * stats.h - the statistics objmem reports: median, min and max over the
 * repetitions of a cell, and per (interpreter, workload) a least-squares
 * line of the USS delta against the object count (slope = bytes per object,
 * intercept = fixed overhead, with R^2).
 *
 * Owns: struct summary, computed from a struct results and nothing else.
 * Only cells with status ok count; a row with no ok cell has n_ok = 0 and
 * its statistics are not valid (written as null, never as 0).
 */
#ifndef OBJMEM_STATS_H
#define OBJMEM_STATS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "keymap.h"
#include "results.h"

struct stat3 {
	int valid; /* n > 0 */
	size_t n;
	double median, min, max;
	double sd;  /* sample standard deviation (n - 1); 0 for fewer than two values */
};

/*
 * Median (mean of the middle two for even n), min, max and standard
 * deviation. v is not changed.
 */
void stat3_compute(const double *v, size_t n, struct stat3 *out);

struct fit {
	int valid; /* at least two distinct x */
	size_t n;
	double slope, intercept, r2;
};

/* Ordinary least squares y = slope * x + intercept. */
void linear_fit(const double *x, const double *y, size_t n, struct fit *out);

struct summary_row {
	const char *interpreter; /* borrowed from the results */
	const char *workload;
	uint64_t count;
	size_t n_ok, n_failed, n_skipped;
	struct stat3 bytes_per_object; /* (full.uss - base.uss) / count */
	struct stat3 delta_bytes;      /* full.uss - base.uss */
	struct stat3 absolute_bytes;   /* full.uss - start.uss: growth since start */
	struct stat3 full_uss;         /* USS of the process at full */
	struct stat3 peak_hwm;         /* VmHWM at the end of the fill */
	struct stat3 peak_bytes;       /* peak: VmHWM at the end of the fill - RSS at start */
	struct stat3 getsizeof;        /* as the agent reported, when >= 0 */
	int64_t container_bytes;       /* of the first ok cell, -1 if unknown */
	double spread_pct;             /* (max - min) / median of bytes_per_object, in % */
};

struct summary_fit {
	const char *interpreter;
	const char *workload;
	struct fit fit;
};

struct summary {
	struct summary_row *rows;
	size_t n_rows;
	struct summary_fit *fits;
	size_t n_fits;
	struct keymap index;   /* (interpreter, workload, count) -> row */
};

/*
 * The one walk over (interpreter, workload, count) rows: group the cells
 * in the document's one order of cells (results.h), compute each row's
 * statistics (median, min, max, standard deviation, n) over its ok cells,
 * and fit each (interpreter, workload) over all its ok cells. Every reader
 * (show, plot, report, compare, trend, upload) takes its rows from here.
 */
void summary_compute(const struct results *r, struct summary *s);
/*
 * summary_compute(r, s) on a thread of its own, begun here and joined by
 * summary_compute_end (computed at once where no thread can be had); r is
 * only read meanwhile, and may be read by others.
 */
struct summary_job {
	const struct results *r;
	struct summary *s;
	pthread_t tid;
	int threaded;
};
void summary_compute_begin(struct summary_job *j, const struct results *r, struct summary *s);
void summary_compute_end(struct summary_job *j);
/* The summaries of two documents at once (compare): b's on a second thread. */
void summary_compute_pair(const struct results *a, struct summary *sa,
			  const struct results *b, struct summary *sb);
void summary_release(struct summary *s);
/* The row of (interp, workload, count), or NULL; O(1). */
const struct summary_row *summary_find(const struct summary *s, const char *interp,
				       const char *workload, uint64_t count);

#endif
