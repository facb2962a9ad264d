/*
 * plot.h - the figures of a results document: which there are, what each
 * shows, their data files (whitespace-separated, a header comment, NaN
 * where nothing was measured, so gnuplot leaves a gap instead of drawing
 * zero) and the placeholder values of their templates. gnuplot.c writes
 * the scripts and draws them; the templates (plots/) lay them out.
 *
 * Figures; NAME is the stem of NAME.dat, NAME.gp and NAME.png|svg|pdf:
 *   versions            the article's chart at N objects: one bar per build,
 *                       grouped by workload, of the delta (the objects alone)
 *   versions-absolute   the same of the absolute usage (USS growth since start-up)
 *   versions-peak       the same of the peak (VmHWM - RSS at start)
 *   bytes-per-object    bytes per object at N, the same grouping
 *   scaling-WORKLOAD    absolute usage and delta against the count, log-log,
 *                       one line per build
 *   memory-kinds-WORKLOAD  RSS, PSS and USS at full for N objects, grouped by
 *                       build; only when the samples differ
 * N is the largest count of the results unless the caller picks one.
 * Builds are named as people name them (probe.h's labels) and listed in
 * version order unless sorted otherwise; bars of one family share a hue.
 *
 * Steps: plot_opts_init, set fields, plot_write_figures, read the
 * plot_set it fills, plot_set_release. report.c uses the same steps.
 */
#ifndef OBJMEM_PLOT_H
#define OBJMEM_PLOT_H

#include <stdint.h>
#include <stdio.h>

#include "results.h"

/* The memory the version chart shows; bit i is plot_metric_names[i]. */
enum plot_metric { PLOT_DELTA = 1, PLOT_ABSOLUTE = 2, PLOT_PEAK = 4 };
extern const char *const plot_metric_names[]; /* "delta", "absolute", "peak", NULL */
/* The order of the builds: version (default), value (largest first), name. */
enum plot_sort { PLOT_SORT_VERSION, PLOT_SORT_VALUE, PLOT_SORT_NAME };
extern const char *const plot_sort_names[];   /* "version", "value", "name", NULL */

struct plot_opts {
	const char *outdir;     /* created if missing */
	unsigned formats;       /* GP_* mask (gnuplot.h) */
	uint64_t count;         /* the bar charts' count; 0: the largest */
	unsigned metrics;       /* PLOT_* mask; 0: delta */
	const struct strvec *interpreters; /* only these (NULL or empty: all) */
	const struct strvec *workloads;
	const char *title;      /* the version charts' title; NULL: made from the count */
	const char *width;      /* gnuplot expressions of W and H ("800", "6.5 * PXIN"); */
	const char *height;     /*   NULL: 800 wide, as tall as the rows need */
	enum plot_sort sort;
	const char *templates;  /* directory of the .gp templates; NULL: found */
	const char *gnuplot;    /* program to run; NULL: "gnuplot" on PATH */
	double timeout_s;       /* per figure */
	int render;             /* 0: write data and scripts only */
	const char *source;     /* the results file, named in the data files */
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
 * (unknown count, interpreter or workload, no templates, gnuplot missing
 * or failing). out is filled as far as it got; release it in any case.
 */
int plot_write_figures(const struct results *r, const struct plot_opts *o, struct plot_set *out);
void plot_set_release(struct plot_set *set);

/* ---- the data files, exposed for the unit tests ---- */

/* One bar of a horizontal bar chart. */
struct plot_hbar {
	const char *label;    /* on the axis */
	int family;           /* the hue (probe_family), 1-based */
	double shade;         /* 0: full colour, towards 1: lighter */
	double ypos;          /* logical row, 1 at the top */
	double value, min, max; /* NAN where not measured */
	double behind[2];     /* larger values drawn behind the bar, lighter (PSS and
				 RSS behind USS); NAN when the figure has none */
	const char *status;   /* "ok", "failed", "skipped", "missing", "no-data" */
};

struct plot_hgroup {
	const char *label;    /* the heading above its bars */
	double ypos;
};

struct plot_hbars {
	struct plot_hbar *rows;
	size_t n_rows, alloc_rows;
	struct plot_hgroup *groups;
	size_t n_groups, alloc_groups;
	double next_y;
	const char *header;   /* comment lines at the top, without "# " */
	const char *kinds[3]; /* with behind[]: the legend's names of value, behind[0],
				 behind[1] ("USS", "PSS", "RSS"); NULL: no legend */
};

/*
 * The data file of a horizontal bar chart: the header as comments, a
 * comment naming each row, then one line per bar: row ypos value min max
 * status behind1 behind2, where the numbers are NaN unless the status is
 * ok (and behind1, behind2 unless the figure draws values behind its bars).
 */
int plot_hbars_write(FILE *f, const struct plot_hbars *h);

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
