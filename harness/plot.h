/*
 * plot.h - the figures of a results document: which there are, what each
 * shows, their data files (whitespace-separated, a header comment, NaN
 * where nothing was measured, so gnuplot leaves a gap instead of drawing
 * zero) and the placeholder values of their templates. gnuplot.c writes
 * the scripts and draws them.
 *
 * Figures; NAME is the stem of NAME.dat, NAME.gp and NAME.png|svg|pdf:
 *   versions                memory for N objects (USS delta, MB = 10^6 bytes):
 *                           one group per workload, one bar per interpreter
 *   bytes-per-object        bytes per object at N, the same grouping
 *   scaling-WORKLOAD        absolute usage and delta against the count, log-log,
 *                           one line per interpreter
 *   memory-kinds-WORKLOAD   RSS, PSS and USS at full for N objects, one group
 *                           per interpreter; only when the samples differ
 * N is the largest count of the results unless the caller picks one.
 *
 * Steps: plot_opts_init, set fields, plot_write_figures, read the
 * plot_set it fills, plot_set_release. report.c uses the same steps.
 */
#ifndef OBJMEM_PLOT_H
#define OBJMEM_PLOT_H

#include <stdint.h>
#include <stdio.h>

#include "results.h"

struct plot_opts {
	const char *outdir;     /* created if missing */
	unsigned formats;       /* GP_* mask (gnuplot.h) */
	uint64_t count;         /* the bar charts' count; 0: the largest */
	const char *templates;  /* directory of the .gp templates; NULL: found */
	const char *gnuplot;    /* program to run; NULL: "gnuplot" on PATH */
	double timeout_s;       /* per figure */
	int render;             /* 0: write data and scripts only */
	const char *source;     /* the results file, named in comments */
};

void plot_opts_init(struct plot_opts *o);

struct plot_figure {
	char *name;       /* "versions", "scaling-point3d" */
	char *title;
	char *caption;    /* one sentence: what it shows, how to read it */
	unsigned drawn;   /* formats gnuplot produced */
};

struct plot_set {
	struct plot_figure *v;
	size_t n, alloc;
	uint64_t count;   /* the count the bar charts show */
	char *notes;      /* figures left out and why, one per line, or NULL */
};

/*
 * Write every figure's data and script into o->outdir, then (o->render)
 * run gnuplot on each. Returns 0, or -1 after printing what went wrong
 * (unknown count, no templates, gnuplot missing or failing). out is filled
 * as far as it got; release it in any case.
 */
int plot_write_figures(const struct results *r, const struct plot_opts *o, struct plot_set *out);
void plot_set_release(struct plot_set *set);

/* ---- the data files, exposed for the unit tests ---- */

/* Grouped bars: value and status are [series * n_groups + group]. */
struct plot_bars {
	size_t n_groups, n_series;
	const char *const *groups;
	const char *const *series;
	const double *value;          /* NAN where not measured */
	const char *const *status;    /* "ok", "failed", "skipped", "missing", "no-data" */
	int small_decimals;           /* decimals of a label below 10 (2 for MB, 1 for bytes) */
	const char *header;           /* comment lines at the top, without "# " */
};

/*
 * The data file of a bar chart: the header as comments, then one block per
 * series (two blank lines between, so gnuplot's "index" selects it), one
 * row per group: group-number "group" value "label" status, where value is
 * NaN and label "" unless the status is ok. Returns 0 or -1 (write error).
 */
int plot_bars_write(FILE *f, const struct plot_bars *b);

/* Lines against the count: y1, y2 and status are [series * n_x + k]. */
struct plot_lines {
	size_t n_x, n_series;
	const uint64_t *x;
	const char *const *series;
	const double *y1, *y2;        /* NAN where not measured */
	const char *const *status;
	const char *header;
};

/* One block per series, one row per count: count y1 y2 status. */
int plot_lines_write(FILE *f, const struct plot_lines *l);

#endif
